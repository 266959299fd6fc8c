r"""Critical points, their error and their index, on models where all of them are known.

Dauphin et al. (2014) observed, on small networks, that the *index* of a critical point (the
fraction $\alpha$ of negative Hessian eigenvalues) grows with its error: low-error critical points
are minima, high-error ones are saddles with many descent directions. Two small exact settings show
the same shape here:

* `linear_autoencoder_critical_points`: the linear autoencoder $x \mapsto W_2W_1x$
  (`nnnotes.linear_autoencoder`) with $p$ hidden units on data with covariance
  $\mathrm{diag}(\lambda_1 > \dots > \lambda_d)$. Its critical points of full rank keep $p$ of the
  $d$ principal directions (Baldi and Hornik, 1989). The loss is half the sum of the dropped
  variances; the only minimum keeps the top $p$ directions; every other critical point is a saddle.
* `tanh_critical_points`: critical points of a tiny tanh network (with a little weight decay, so
  that none is degenerate, as the rows show), found with Newton's method, as in Dauphin et al.,
  started here from points along gradient-descent trajectories; `nnnotes.rank_correlation.spearman`
  measures how their loss and index go together.
* `random_hessian_positive_fraction`: how rarely a random symmetric matrix (GOE) is positive
  definite, the caricature of why minima are rare among critical points in high dimension.

Examples
--------
>>> points = linear_autoencoder_critical_points(variances=(3.0, 2.0, 1.0), hidden=1)
>>> [(p.kept, p.loss, p.negative) for p in points]
[('1', 1.5, 0), ('2', 2.0, 1), ('3', 2.5, 2)]
"""

from __future__ import annotations

import itertools
from dataclasses import astuple, dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes import linear_autoencoder, tanhnet
from nnnotes.arrays import as_real_array, positive_int
from nnnotes.curvature import finite_difference_hessian

__all__ = [
    "TANH_CP_INPUTS",
    "AutoencoderCriticalPoint",
    "IndexGroup",
    "PositiveDefiniteFraction",
    "TanhCriticalPoint",
    "linear_autoencoder_critical_points",
    "loss_by_negative_count",
    "random_hessian_positive_fraction",
    "tanh_critical_points",
]

#: Number of inputs of the tanh network of `tanh_critical_points` (its target is a function of two).
TANH_CP_INPUTS = 2


@dataclass(frozen=True)
class AutoencoderCriticalPoint:
    r"""A critical point of the linear autoencoder, its loss and its index.

    Attributes
    ----------
    kept : str
        The kept directions, 1-based, comma-separated.
    loss : float
        $L = \tfrac12\sum_{i \notin S}\lambda_i$.
    negative : int
        Number of negative Hessian eigenvalues.
    index : float
        $\alpha$, the fraction of negative eigenvalues.
    zero : int
        Number of zero eigenvalues (the $p^2$ of the symmetry $(W_1, W_2) \mapsto (CW_1, W_2C^{-1})$).
    max_grad : float
        The largest gradient entry (0 up to rounding: it is a critical point).
    parameters : int
        The number of parameters of the autoencoder, $2pd$ (the denominator of ``index``).
    """

    kept: str
    loss: float
    negative: int
    index: float
    zero: int
    max_grad: float
    parameters: int


def linear_autoencoder_critical_points(
    variances: tuple[float, ...] = (8.0, 5.0, 3.0, 2.0, 1.0, 0.5), hidden: int = 3, seed: int = 0
) -> list[AutoencoderCriticalPoint]:
    r"""Return a full-rank critical point of a linear autoencoder per set of kept directions.

    For each set $S$ of ``hidden`` kept directions, the point $W_2 = U_S C$, $W_1 = C^{-1}U_S^\top$
    (a random invertible $C$, to show the point is not special) is a critical point
    (`nnnotes.linear_autoencoder.critical_point`). Its Hessian (central differences of the exact
    gradient) gives the counts of negative and zero eigenvalues. Sorted by loss, then index. The
    rank-deficient critical points (the origin among them) are not returned.

    Notes
    -----
    Rotating a kept direction $e_i$ towards a dropped $e_j$ by an angle $\theta$ changes the loss
    by $\tfrac12(\lambda_i - \lambda_j)\sin^2\theta$: a descent direction whenever $\lambda_j >
    \lambda_i$. The number of negative eigenvalues equals the number of such pairs; the $p^2$ zero
    eigenvalues come from the symmetry $(W_1, W_2) \mapsto (CW_1, W_2C^{-1})$.
    """
    lam = as_real_array(variances, "variances", ndim=1, finite=True)
    if lam.size < 2 or np.any(np.diff(lam) >= 0) or lam[-1] <= 0:
        raise ValueError(f"variances must be positive and strictly decreasing, got {variances!r}")
    d, p = lam.size, positive_int(hidden, "hidden")
    if p >= d:
        raise ValueError(f"hidden must be an integer in [1, {d - 1}], got {hidden!r}")
    rng = np.random.default_rng(seed)
    out: list[AutoencoderCriticalPoint] = []
    for S in itertools.combinations(range(d), p):
        C = rng.normal(size=(p, p)) + 3 * np.eye(p)
        theta = linear_autoencoder.critical_point(S, d, C)

        def grad(t: NDArray[np.float64]) -> NDArray[np.float64]:
            return linear_autoencoder.gradient(t, lam, p)

        ev = np.linalg.eigvalsh(finite_difference_hessian(grad, theta, h=1e-5))
        cut = 1e-6 * np.abs(ev).max()
        neg, zero = int(np.sum(ev < -cut)), int(np.sum(np.abs(ev) <= cut))
        out.append(
            AutoencoderCriticalPoint(
                kept=",".join(str(i + 1) for i in S),
                loss=linear_autoencoder.loss(theta, lam, p),
                negative=neg,
                index=neg / theta.size,
                zero=zero,
                max_grad=float(np.abs(grad(theta)).max()),
                parameters=int(theta.size),
            )
        )
    out.sort(key=lambda r: (r.loss, r.negative))
    return out


@dataclass(frozen=True)
class IndexGroup:
    r"""The critical points that share a number of negative eigenvalues.

    Attributes
    ----------
    negative : int
        Number of negative eigenvalues.
    index : float
        The index $\alpha$ they share.
    count : int
        How many critical points.
    mean_loss, lowest_loss : float
        Their mean and lowest loss.
    """

    negative: int
    index: float
    count: int
    mean_loss: float
    lowest_loss: float

    def cells(self) -> tuple[object, ...]:
        """Return the table row: the fields in order."""
        return astuple(self)


def loss_by_negative_count(points: list[AutoencoderCriticalPoint]) -> list[IndexGroup]:
    """Group critical points by their number of negative eigenvalues.

    Examples
    --------
    >>> P = AutoencoderCriticalPoint
    >>> pts = [P("1", 1.0, 0, 0.0, 1, 0.0, 2), P("2", 3.0, 1, 0.5, 1, 0.0, 2), P("3", 5.0, 1, 0.5, 1, 0.0, 2)]
    >>> [g.cells() for g in loss_by_negative_count(pts)]
    [(0, 0.0, 1, 1.0, 1.0), (1, 0.5, 2, 4.0, 3.0)]
    """
    groups: dict[int, list[AutoencoderCriticalPoint]] = {}
    for r in points:
        groups.setdefault(r.negative, []).append(r)
    return [
        IndexGroup(
            k, float(g[0].index), len(g), float(np.mean([r.loss for r in g])), float(min(r.loss for r in g))
        )
        for k, g in sorted(groups.items())
    ]


@dataclass(frozen=True)
class PositiveDefiniteFraction:
    """How often a random symmetric n x n matrix (GOE) is positive definite.

    Attributes
    ----------
    n : int
        Size.
    fraction : float
        Fraction of positive-definite samples.
    standard_error : float
        Its binomial standard error.
    """

    n: int
    fraction: float
    standard_error: float

    def cells(self) -> tuple[int, float, float]:
        """Return the table row: the fields in order."""
        return astuple(self)


def random_hessian_positive_fraction(
    sizes: tuple[int, ...] = (1, 2, 3, 4), samples: int = 20_000, seed: int = 0
) -> list[PositiveDefiniteFraction]:
    r"""Estimate, per size, the probability that a GOE matrix is positive definite.

    Samples $A = (G + G^\top)/2$ with $G$ an $n\times n$ matrix of independent $N(0, 1)$ entries.
    If the Hessian at a critical point were such a matrix, the critical point would be a minimum
    with this probability; it decays like $e^{-cn^2}$ (Dean and Majumdar, 2006: cited, not checked
    here; the 6.7 page checks only that the estimate falls as $n$ grows). For $n = 2$ the
    exact value is $(2 - \sqrt2)/4 \approx 0.146$.

    Examples
    --------
    >>> [round(r.fraction, 1) for r in random_hessian_positive_fraction((1,), samples=10_000)]
    [0.5]
    """
    rng = np.random.default_rng(seed)
    out = []
    for n in sizes:
        G = rng.normal(size=(samples, n, n))
        smallest = np.linalg.eigvalsh((G + G.transpose(0, 2, 1)) / 2)[:, 0]
        frac = float(np.mean(smallest > 0))
        out.append(PositiveDefiniteFraction(n, frac, float(np.sqrt(frac * (1 - frac) / samples))))
    return out


@dataclass(frozen=True)
class TanhCriticalPoint:
    """A critical point of the regularised loss of a small tanh network.

    Attributes
    ----------
    loss : float
        The regularised loss.
    index : float
        The fraction of negative Hessian eigenvalues.
    min_abs_eigenvalue : float
        The smallest eigenvalue in absolute value (non-degeneracy).
    grad_norm : float
        The gradient norm reached.
    parameters : int
        The number of parameters of the network (the denominator of ``index``).
    nearest_zero_eigenvalue : float
        The eigenvalue of smallest absolute value, with its sign (``min_abs_eigenvalue`` is its
        absolute value).
    """

    loss: float
    index: float
    min_abs_eigenvalue: float
    grad_norm: float
    parameters: int
    nearest_zero_eigenvalue: float

    def cells(self) -> tuple[float, float, float, float]:
        """Return the table row: loss, index, smallest |eigenvalue|, gradient norm."""
        return (self.loss, self.index, self.min_abs_eigenvalue, self.grad_norm)


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
) -> list[TanhCriticalPoint]:
    r"""Critical points of a tanh network's regularised loss, with their loss and index.

    The network has 2 inputs and ``hidden`` tanh units, the data are ``n_points`` points with
    $y = \sin(2x_1)\cos(x_2)$, and the loss is $L(\theta) + \tfrac{\lambda}{2}\|\theta\|^2$
    (the small weight decay $\lambda$ removes the flat directions of the symmetries; the rows
    report the smallest $|\text{eigenvalue}|$, so that non-degeneracy is checked). Gradient descent
    runs from ``starts`` random initialisations; at each checkpoint, Newton's method (which is
    attracted by critical points of every index, see 6.7 (c)) is started from the current point
    and kept if it reaches $\|\nabla\| \le 10^{-12}$ within ``newton_steps`` steps.

    Returns
    -------
    list of TanhCriticalPoint
        One per distinct critical point (losses equal to 7 decimals are merged), sorted by loss.

    Examples
    --------
    >>> pts = tanh_critical_points(starts=8)
    >>> all(0.0 <= p.index < 1.0 and p.grad_norm <= 1e-12 for p in pts)
    True
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n_points, TANH_CP_INPUTS))
    y = np.sin(2 * X[:, 0]) * np.cos(X[:, 1])
    M, n = hidden, tanhnet.n_params(TANH_CP_INPUTS, hidden)
    eye = np.eye(n)

    def grad(t: NDArray[np.float64]) -> NDArray[np.float64]:
        return tanhnet.gradient(t, X, y, M) + weight_decay * t

    def hess(t: NDArray[np.float64]) -> NDArray[np.float64]:
        H = tanhnet.hessian_vector_product(t, X, y, M, eye)
        return (H + H.T) / 2 + weight_decay * eye

    T = rng.normal(scale=0.5, size=(starts, n))
    found: dict[float, TanhCriticalPoint] = {}
    done = 0
    for stop in checkpoints:
        for _ in range(stop - done):
            T = T - lr * (tanhnet.gradient(T, X, y, M) + weight_decay * T)
        done = stop
        for theta in T:
            with np.errstate(all="ignore"):
                for _ in range(newton_steps):
                    g = grad(theta)
                    if not np.all(np.isfinite(g)) or np.abs(theta).max() > 30:
                        break
                    if g @ g <= grad_tol**2:
                        ev = np.linalg.eigvalsh(hess(theta))
                        loss = float(tanhnet.loss(theta, X, y, M) + weight_decay / 2 * theta @ theta)
                        found.setdefault(
                            round(loss, 7),
                            TanhCriticalPoint(
                                loss,
                                float(np.mean(ev < 0)),
                                float(np.abs(ev).min()),
                                float(np.sqrt(g @ g)),
                                n,
                                float(ev[np.argmin(np.abs(ev))]),
                            ),
                        )
                        break
                    try:
                        theta = theta - np.linalg.solve(hess(theta), g)
                    except np.linalg.LinAlgError:
                        break
    return sorted(found.values(), key=astuple)
