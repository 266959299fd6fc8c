r"""Critical points, their error and their index, on models where all of them are known.

Dauphin et al. (2014) observed, on small networks, that the *index* of a critical point (the
fraction $\alpha$ of negative Hessian eigenvalues) grows with its error: low-error critical points
are minima, high-error ones are saddles with many descent directions. Two small exact settings show
the same shape here:

* `linear_autoencoder_critical_points`: the linear autoencoder $x \mapsto W_2W_1x$ with $p$ hidden
  units on data with covariance $\mathrm{diag}(\lambda_1 > \dots > \lambda_d)$. Its critical points
  of full rank keep $p$ of the $d$ principal directions (Baldi and Hornik, 1989). The loss is half
  the sum of the dropped variances; the only minimum keeps the top $p$ directions; every other
  critical point is a saddle.
* `tanh_critical_points`: critical points of a tiny tanh network (with a little weight decay, so
  that none is degenerate, as the rows show), found as Dauphin et al. did, by Newton's method
  started from points along gradient-descent trajectories; `spearman` measures how their loss
  and index go together.
* `random_hessian_positive_fraction`: how rarely a random symmetric matrix (GOE) is positive
  definite, the caricature of why minima are rare among critical points in high dimension.

Examples
--------
>>> rows = linear_autoencoder_critical_points(variances=(3.0, 2.0, 1.0), hidden=1)
>>> [(r[0], r[1], r[2]) for r in rows]
[('1', 1.5, 0), ('2', 2.0, 1), ('3', 2.5, 2)]
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from nnnotes import _tanhnet
from nnnotes.curvature import finite_difference_hessian

__all__ = [
    "linear_autoencoder_critical_points",
    "loss_by_negative_count",
    "random_hessian_positive_fraction",
    "spearman",
    "tanh_critical_points",
]


def _autoencoder(variances: NDArray[np.float64], p: int):
    d = variances.size
    sigma = np.diag(variances)

    def unpack(t: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return t[: p * d].reshape(p, d), t[p * d :].reshape(d, p)

    def loss(t: NDArray[np.float64]) -> float:
        W1, W2 = unpack(t)
        R = np.eye(d) - W2 @ W1
        return float(0.5 * np.trace(R @ sigma @ R.T))

    def grad(t: NDArray[np.float64]) -> NDArray[np.float64]:
        W1, W2 = unpack(t)
        G = -(np.eye(d) - W2 @ W1) @ sigma  # dL / d(W2 W1)
        return np.concatenate([(W2.T @ G).ravel(), (G @ W1.T).ravel()])

    return loss, grad


def linear_autoencoder_critical_points(
    variances: tuple[float, ...] = (8.0, 5.0, 3.0, 2.0, 1.0, 0.5), hidden: int = 3, seed: int = 0
) -> list[list[object]]:
    r"""Every full-rank critical point of a linear autoencoder, with its loss and index.

    For each set $S$ of ``hidden`` kept directions, the point $W_2 = U_S C$, $W_1 = C^{-1}U_S^\top$
    (a random invertible $C$, to show the point is not special) is a critical point. Its Hessian
    (central differences of the exact gradient) gives the counts of negative and zero eigenvalues.

    Returns
    -------
    list of rows
        (kept directions, 1-based; loss $L = \tfrac12\sum_{i \notin S}\lambda_i$; number of negative
        eigenvalues; index $\alpha$; number of zero eigenvalues; largest gradient entry), sorted by
        loss then index.

    Notes
    -----
    Rotating a kept direction $e_i$ towards a dropped $e_j$ by an angle $\theta$ changes the loss
    by $\tfrac12(\lambda_i - \lambda_j)\sin^2\theta$: a descent direction whenever $\lambda_j >
    \lambda_i$. The number of negative eigenvalues equals the number of such pairs; the $p^2$ zero
    eigenvalues come from the symmetry $(W_1, W_2) \mapsto (CW_1, W_2C^{-1})$.
    """
    lam = np.asarray(variances, dtype=np.float64)
    if lam.ndim != 1 or lam.size < 2 or np.any(np.diff(lam) >= 0) or lam[-1] <= 0:
        raise ValueError(f"variances must be positive and strictly decreasing, got {variances!r}")
    d, p = lam.size, hidden
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p < d:
        raise ValueError(f"hidden must be an integer in [1, {d - 1}], got {hidden!r}")
    loss, grad = _autoencoder(lam, p)
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = []
    for S in itertools.combinations(range(d), p):
        U = np.eye(d)[:, list(S)]
        C = rng.normal(size=(p, p)) + 3 * np.eye(p)
        theta = np.concatenate([(np.linalg.inv(C) @ U.T).ravel(), (U @ C).ravel()])
        ev = np.linalg.eigvalsh(finite_difference_hessian(grad, theta, h=1e-5))
        cut = 1e-6 * np.abs(ev).max()
        neg, zero = int(np.sum(ev < -cut)), int(np.sum(np.abs(ev) <= cut))
        rows.append(
            [
                ",".join(str(i + 1) for i in S),
                loss(theta),
                neg,
                neg / theta.size,
                zero,
                float(np.abs(grad(theta)).max()),
            ]
        )
    rows.sort(key=lambda r: (r[1], r[2]))
    return rows


def loss_by_negative_count(rows: list[list[object]]) -> list[list[object]]:
    """Group rows of `linear_autoencoder_critical_points` by their number of negative eigenvalues.

    Returns rows (negative eigenvalues, index, how many critical points, mean loss, lowest loss).

    Examples
    --------
    >>> loss_by_negative_count([["1", 1.0, 0, 0.0, 1, 0.0], ["2", 3.0, 1, 0.5, 1, 0.0],
    ...                         ["3", 5.0, 1, 0.5, 1, 0.0]])
    [[0, 0.0, 1, 1.0, 1.0], [1, 0.5, 2, 4.0, 3.0]]
    """
    groups: dict[int, list[list[object]]] = {}
    for r in rows:
        groups.setdefault(int(r[2]), []).append(r)  # type: ignore[call-overload]
    return [
        [k, float(g[0][3]), len(g), float(np.mean([r[1] for r in g])), float(min(r[1] for r in g))]  # type: ignore[type-var]
        for k, g in sorted(groups.items())
    ]


def random_hessian_positive_fraction(
    sizes: tuple[int, ...] = (1, 2, 3, 4), samples: int = 20_000, seed: int = 0
) -> list[list[float]]:
    r"""Rows (n, fraction of positive-definite samples, its standard error) for GOE matrices.

    Samples $A = (G + G^\top)/2$ with $G$ an $n\times n$ matrix of independent $N(0, 1)$ entries.
    If the Hessian at a critical point were such a matrix, the critical point would be a minimum
    with this probability; it decays like $e^{-cn^2}$ (Dean and Majumdar, 2006). For $n = 2$ the
    exact value is $(2 - \sqrt2)/4 \approx 0.146$.

    Examples
    --------
    >>> [round(r[1], 1) for r in random_hessian_positive_fraction((1,), samples=10_000)]
    [0.5]
    """
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        G = rng.normal(size=(samples, n, n))
        smallest = np.linalg.eigvalsh((G + G.transpose(0, 2, 1)) / 2)[:, 0]
        frac = float(np.mean(smallest > 0))
        rows.append([n, frac, float(np.sqrt(frac * (1 - frac) / samples))])
    return rows


def _batched_grad(
    T: NDArray[np.float64], X: NDArray[np.float64], y: NDArray[np.float64], M: int
) -> NDArray[np.float64]:
    """Gradients of the tanh loss for a batch of parameter vectors (rows of T), all at once."""
    N, D = X.shape
    W, b, v, c = _tanhnet.unpack(T, D, M)
    h = np.tanh(np.einsum("nd,smd->snm", X, W) + b[:, None, :])
    e = (np.einsum("snm,sm->sn", h, v) + c[:, None] - y) / N
    da = e[:, :, None] * v[:, None, :] * (1 - h**2)
    return np.concatenate(
        [
            np.einsum("snm,nd->smd", da, X).reshape(len(T), -1),
            da.sum(1),
            np.einsum("snm,sn->sm", h, e),
            e.sum(1)[:, None],
        ],
        axis=1,
    )


def tanh_critical_points(
    starts: int = 48,
    hidden: int = 4,
    weight_decay: float = 1e-3,
    checkpoints: tuple[int, ...] = (20, 100, 400, 1500),
    lr: float = 0.2,
    newton_steps: int = 15,
    seed: int = 0,
    n_points: int = 40,
    grad_tol: float = 1e-12,
) -> list[list[float]]:
    r"""Critical points of a tanh network's regularised loss, with their loss and index.

    The network has 2 inputs and ``hidden`` tanh units, the data are 40 points with
    $y = \sin(2x_1)\cos(x_2)$, and the loss is $L(\theta) + \tfrac{\lambda}{2}\|\theta\|^2$
    (the small weight decay $\lambda$ removes the flat directions of the symmetries; the rows
    report the smallest $|\text{eigenvalue}|$, so that non-degeneracy is checked). Gradient descent
    runs from ``starts`` random initialisations; at each checkpoint, Newton's method (which is
    attracted by critical points of every index, see 6.7 (c)) is started from the current point
    and kept if it reaches $\|\nabla\| \le 10^{-12}$ within 30 steps.

    Returns
    -------
    list of rows
        (loss, index $\alpha$, smallest $|\text{eigenvalue}|$, gradient norm), one per distinct
        critical point (losses equal to 7 decimals are merged), sorted by loss.

    Examples
    --------
    >>> pts = tanh_critical_points(starts=8)
    >>> all(0.0 <= r[1] < 1.0 and r[3] <= 1e-12 for r in pts)
    True
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n_points, 2))
    y = np.sin(2 * X[:, 0]) * np.cos(X[:, 1])
    M, n = hidden, _tanhnet.n_params(2, hidden)
    eye = np.eye(n)

    def grad(t: NDArray[np.float64]) -> NDArray[np.float64]:
        return _tanhnet.grad(t, X, y, M) + weight_decay * t

    def hess(t: NDArray[np.float64]) -> NDArray[np.float64]:
        H = _tanhnet.hvp(t, X, y, M, eye)
        return (H + H.T) / 2 + weight_decay * eye

    T = rng.normal(scale=0.5, size=(starts, n))
    found: dict[float, list[float]] = {}
    done = 0
    for stop in checkpoints:
        for _ in range(stop - done):
            T = T - lr * (_batched_grad(T, X, y, M) + weight_decay * T)
        done = stop
        for theta in T:
            with np.errstate(all="ignore"):
                for _ in range(newton_steps):
                    g = grad(theta)
                    if not np.all(np.isfinite(g)) or np.abs(theta).max() > 30:
                        break
                    if g @ g <= grad_tol**2:
                        ev = np.linalg.eigvalsh(hess(theta))
                        loss = float(_tanhnet.loss(theta, X, y, M) + weight_decay / 2 * theta @ theta)
                        found.setdefault(
                            round(loss, 7),
                            [loss, float(np.mean(ev < 0)), float(np.abs(ev).min()), float(np.sqrt(g @ g))],
                        )
                        break
                    try:
                        theta = theta - np.linalg.solve(hess(theta), g)
                    except np.linalg.LinAlgError:
                        break
    return sorted(found.values())


def spearman(a: NDArray[np.float64] | list[float], b: NDArray[np.float64] | list[float]) -> float:
    """Spearman's rank correlation of two samples (ties get their average rank).

    Examples
    --------
    >>> spearman([1, 2, 3, 4], [10, 20, 30, 25]), spearman([1, 2, 3], [3, 2, 1])
    (0.8, -1.0)
    """

    def ranks(x: NDArray[np.float64]) -> NDArray[np.float64]:
        order = np.argsort(x, kind="stable")
        r = np.empty(len(x))
        r[order] = np.arange(len(x), dtype=float)
        for v in np.unique(x):  # average ranks over ties
            r[x == v] = r[x == v].mean()
        return r

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(f"a and b must be 1-D of the same length >= 2, got {a.shape} and {b.shape}")
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])
