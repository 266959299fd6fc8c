r"""Weight-space symmetries of a tanh hidden layer, and why a symmetric start stays symmetric.

For $\hat y(x) = \sum_{j=1}^M v_j \tanh(w_j^\top x + b_j) + c$ two kinds of change of the parameters
leave the function unchanged: flipping the signs of $(w_j, b_j, v_j)$ (since $\tanh$ is odd) and
permuting the hidden units. Together they form a group of $2^M M!$ transformations (Bishop, *Pattern
Recognition and Machine Learning*, 2006, Sec. 5.1.1). For generic parameters the $2^M M!$ images are
distinct points of weight space with the same loss: every minimum has $2^M M! - 1$ exact copies.

The same symmetry explains why identical hidden units stay identical under gradient descent: if
swapping units $j$ and $k$ maps $\theta$ to itself, it maps $\nabla L(\theta)$ to itself, so the two
units receive identical updates.

Examples
--------
>>> symmetry_count(3), len(hidden_symmetries(3))
(48, 48)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes import _tanhnet
from nnnotes.check.derivation import Derivation, published

__all__ = [
    "SymmetricStart",
    "apply_symmetry",
    "one_unit_minimum",
    "critical_line",
    "duplicate_unit_line",
    "check_symmetries",
    "hidden_symmetries",
    "identical_units_gradient",
    "regression_task",
    "symmetric_training",
    "symmetry_check_rows",
    "symmetry_count",
    "symmetry_count_rows",
    "tanh_network",
]

Symmetry = tuple[tuple[int, ...], tuple[int, ...]]


def _check_m(M: object) -> int:
    if isinstance(M, bool) or not isinstance(M, int | np.integer) or M < 1:
        raise ValueError(f"M (number of hidden units) must be a positive integer, got {M!r}")
    return int(M)


def symmetry_count(M: int) -> int:
    """Return $2^M M!$, the number of sign-flip and permutation symmetries of M tanh units.

    Examples
    --------
    >>> [symmetry_count(m) for m in (1, 2, 3, 4)]
    [2, 8, 48, 384]
    """
    M = _check_m(M)
    return 2**M * math.factorial(M)


def symmetry_count_rows(max_m: int = 10) -> list[list[int]]:
    """Rows (M, 2^M, M!, 2^M M!) for M = 1 .. ``max_m``.

    Examples
    --------
    >>> symmetry_count_rows(2)
    [[1, 2, 1, 2], [2, 4, 2, 8]]
    """
    return [[m, 2**m, math.factorial(m), symmetry_count(m)] for m in range(1, _check_m(max_m) + 1)]


def hidden_symmetries(M: int) -> list[Symmetry]:
    """Enumerate every (permutation, signs) pair acting on M hidden units.

    A pair ``(perm, signs)`` maps unit ``perm[j]`` to position ``j`` and multiplies its incoming
    weights, bias and outgoing weight by ``signs[j]`` (``+1`` or ``-1``).

    Examples
    --------
    >>> hidden_symmetries(1)
    [((0,), (1,)), ((0,), (-1,))]
    """
    M = _check_m(M)
    if M > 6:
        raise ValueError(f"M must be at most 6 to enumerate (2^M M! grows fast), got {M}")
    return [
        (perm, signs)
        for perm in itertools.permutations(range(M))
        for signs in itertools.product((1, -1), repeat=M)
    ]


def tanh_network(theta: ArrayLike, X: ArrayLike, hidden: int) -> NDArray[np.float64]:
    r"""Return the outputs $v^\top\tanh(Wx + b) + c$ for the rows of ``X``.

    Parameters
    ----------
    theta : array_like
        Flat parameters $(\mathrm{vec}(W), b, v, c)$ with $W$ of shape (hidden, D), row-major.
    X : array_like, shape (N, D)
        Inputs.
    hidden : int
        Number of hidden units M.

    Examples
    --------
    >>> float(tanh_network([0.0, 0.0, 2.0, 1.0], [[5.0]], hidden=1)[0])
    1.0
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got {X.shape}")
    return _tanhnet.forward(np.asarray(theta, dtype=np.float64), X, _check_m(hidden))


def apply_symmetry(theta: ArrayLike, D: int, M: int, symmetry: Symmetry) -> NDArray[np.float64]:
    """Return the parameters transformed by ``symmetry = (perm, signs)``.

    Examples
    --------
    Swap two units and flip the sign of the new first one (D = 1: theta = (w, b, v, c)):

    >>> apply_symmetry([1.0, 2.0, 0.1, 0.2, 3.0, 4.0, 9.0], 1, 2, ((1, 0), (-1, 1))).tolist()
    [-2.0, 1.0, -0.2, 0.1, -4.0, 3.0, 9.0]
    """
    perm, signs = symmetry
    if sorted(perm) != list(range(M)) or len(signs) != M or set(signs) - {1, -1}:
        raise ValueError(f"symmetry must be (a permutation of range({M}), M signs of +-1), got {symmetry!r}")
    W, b, v, c = _tanhnet.unpack(np.asarray(theta, dtype=np.float64), D, M)
    s = np.asarray(signs, dtype=np.float64)
    p = list(perm)
    return _tanhnet.pack(s[:, None] * W[p], s * b[p], s * v[p], float(c))


def check_symmetries(M: int, D: int = 3, n_inputs: int = 50, seed: int = 0) -> dict[str, float]:
    """Apply every symmetry to a random network and compare outputs on random inputs.

    Returns a dict with ``count`` (transformations enumerated), ``distinct`` (distinct transformed
    parameter vectors) and ``max_output_change`` (largest output difference over all of them).

    Examples
    --------
    >>> r = check_symmetries(2)
    >>> r["count"], r["distinct"], r["max_output_change"] < 1e-14
    (8, 8, True)
    """
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=_tanhnet.n_params(D, M))
    X = rng.normal(size=(n_inputs, D))
    y0 = _tanhnet.forward(theta, X, M)
    images = [apply_symmetry(theta, D, M, s) for s in hidden_symmetries(M)]
    change = max(float(np.max(np.abs(_tanhnet.forward(t, X, M) - y0))) for t in images)
    distinct = len({t.tobytes() for t in images})
    return {"count": len(images), "distinct": distinct, "max_output_change": change}


def symmetry_check_rows(ms: tuple[int, ...] = (1, 2, 3, 4)) -> list[list[object]]:
    """Rows (M, transformations enumerated, distinct parameter vectors, largest output change).

    Examples
    --------
    >>> [r[:3] for r in symmetry_check_rows((1, 2))]
    [[1, 2, 2], [2, 8, 8]]
    """
    rows: list[list[object]] = []
    for M in ms:
        r = check_symmetries(M)
        rows.append([M, r["count"], r["distinct"], r["max_output_change"]])
    return rows


def _loss_grad_batch(
    T: NDArray[np.float64], X: NDArray[np.float64], y: NDArray[np.float64], M: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Losses (S,) and gradients (S, n) of S parameter vectors (rows of T) on the same data."""
    N, D = X.shape
    W, b, v, c = _tanhnet.unpack(T, D, M)
    h = np.tanh(np.einsum("nd,smd->snm", X, W) + b[:, None, :])
    r = np.einsum("snm,sm->sn", h, v) + c[:, None] - y
    e = r / N
    da = e[:, :, None] * v[:, None, :] * (1 - h**2)
    g = np.concatenate(
        [
            np.einsum("snm,nd->smd", da, X).reshape(len(T), -1),
            da.sum(1),
            np.einsum("snm,sn->sm", h, e),
            e.sum(1)[:, None],
        ],
        axis=1,
    )
    return 0.5 * np.mean(r**2, axis=1), g


def regression_task(seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the small regression task of the experiments: 40 points, $y = \sin x_1 \cos x_2$.

    Examples
    --------
    >>> X, y = regression_task()
    >>> X.shape, y.shape
    ((40, 2), (40,))
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(40, 2))
    return X, np.sin(X[:, 0]) * np.cos(X[:, 1])


def _newton_polish(
    theta: NDArray[np.float64], X: NDArray[np.float64], y: NDArray[np.float64], M: int, iters: int = 20
) -> NDArray[np.float64]:
    """Newton's method on the gradient, from a point already near a critical point."""
    for _ in range(iters):
        g = _tanhnet.grad(theta, X, y, M)
        if np.linalg.norm(g) < 1e-15:
            break
        theta = theta - np.linalg.solve(_tanhnet.hessian(theta, X, y, M), g)
    return theta


def one_unit_minimum(
    starts: int = 64, steps: int = 3000, lr: float = 0.1, seed: int = 0
) -> tuple[NDArray[np.float64], float]:
    r"""Return the lowest one-unit local minimum found on `regression_task`, and its loss.

    Gradient descent from ``starts`` random starts of moderate size (all at once), then Newton's
    method on the gradient from the best few, so that the returned parameters are a critical
    point to rounding (gradient norm below $10^{-12}$). It is the minimum that gradient descent
    reaches from moderate weights; it is not the infimum over all one-unit networks, which a
    unit with weights growing without bound (a step function in the limit) slightly undercuts.

    Examples
    --------
    >>> theta, loss = one_unit_minimum()
    >>> round(loss, 4), float(np.linalg.norm(_tanhnet.grad(theta, *regression_task(), 1))) < 1e-12
    (0.0664, True)
    """
    X, y = regression_task()
    T = np.random.default_rng([seed, 7]).normal(size=(starts, _tanhnet.n_params(2, 1))) * 1.5
    for _ in range(steps):
        _, g = _loss_grad_batch(T, X, y, 1)
        T = T - lr * g
    losses, _ = _loss_grad_batch(T, X, y, 1)
    polished = [_newton_polish(T[i], X, y, 1) for i in np.argsort(losses)[:4]]
    best = min(polished, key=lambda t: _tanhnet.loss(t, X, y, 1))
    return best, _tanhnet.loss(best, X, y, 1)


@dataclass(frozen=True)
class SymmetricStart:
    r"""Training from identical hidden units and from a slightly perturbed copy, over several seeds.

    Attributes
    ----------
    steps : ndarray of int, shape (K,)
        Steps at which the losses were recorded.
    loss_identical, loss_perturbed : ndarray, shape (S, K)
        Loss per seed and recorded step, from the identical and from the perturbed start.
    spread_identical, spread_perturbed : ndarray, shape (S, K)
        Largest difference between two units' parameters.
    one_unit_loss : float
        Loss $L_1$ of the one-unit local minimum (`one_unit_minimum`); a network of identical
        units is a one-unit network, and the identical starts approach it.
    perturbation, lr : float
        Size of the perturbation and learning rate.
    """

    steps: NDArray[np.int64]
    loss_identical: NDArray[np.float64]
    loss_perturbed: NDArray[np.float64]
    spread_identical: NDArray[np.float64]
    spread_perturbed: NDArray[np.float64]
    one_unit_loss: float
    perturbation: float
    lr: float

    def plateau_steps(self, rtol: float = 0.1) -> NDArray[np.int64]:
        """Per seed, steps the perturbed run spends with its loss within ``rtol`` of the one-unit loss."""
        near = np.abs(self.loss_perturbed / self.one_unit_loss - 1) <= rtol
        return near.sum(axis=1) * int(self.steps[1] - self.steps[0])

    def rows(self) -> list[list[object]]:
        """Table rows: step, then median (over seeds) loss and largest spread of each start."""
        return [
            [
                int(k),
                float(np.median(self.loss_identical[:, i])),
                float(self.spread_identical[:, i].max()),
                float(np.median(self.loss_perturbed[:, i])),
                float(np.median(self.spread_perturbed[:, i])),
            ]
            for i, k in enumerate(self.steps)
            if k in {0, 100, 500, 1000, 2000, 3000, 4000, 5000}
        ]


def symmetric_training(
    M: int = 4,
    steps: int = 5000,
    lr: float = 0.1,
    perturbation: float = 1e-4,
    seeds: int = 8,
    record_every: int = 50,
) -> SymmetricStart:
    """Train on `regression_task` from identical units, and from a slightly perturbed start.

    For each seed the identical start sets every hidden unit's weights, bias and output weight to
    the same random values; the perturbed start adds ``perturbation`` times a random normal vector.
    All ``2 * seeds`` networks are trained together (one vectorised gradient per step).

    Examples
    --------
    >>> r = symmetric_training(steps=200, seeds=2)
    >>> r.loss_identical.shape, bool(np.all(r.spread_identical == 0.0))
    ((2, 5), True)
    """
    M = _check_m(M)
    X, y = regression_task()
    D = X.shape[1]
    same, noisy = [], []
    for s in range(seeds):
        rng = np.random.default_rng([s, 1])
        unit = rng.normal(size=D + 2) * 0.5
        th = _tanhnet.pack(np.tile(unit[:D], (M, 1)), np.full(M, unit[D]), np.full(M, unit[D + 1]), 0.0)
        same.append(th)
        noisy.append(th + perturbation * rng.normal(size=th.size))
    T = np.array(same + noisy)
    losses, spreads, ks = [], [], []
    for k in range(steps + 1):
        L, g = _loss_grad_batch(T, X, y, M)
        if k % record_every == 0:
            W, b, v, _ = _tanhnet.unpack(T, D, M)
            units = np.concatenate([W, b[..., None], v[..., None]], axis=2)
            spreads.append(np.max(units.max(1) - units.min(1), axis=1))
            losses.append(L)
            ks.append(k)
        T = T - lr * g
    Ls, Sp = np.array(losses).T, np.array(spreads).T
    return SymmetricStart(
        np.array(ks),
        Ls[:seeds],
        Ls[seeds:],
        Sp[:seeds],
        Sp[seeds:],
        one_unit_minimum()[1],
        float(perturbation),
        float(lr),
    )


def critical_line(lams: ArrayLike = (-1.0, 0.0, 0.25, 0.5, 1.0, 2.0)) -> list[list[float]]:
    r"""Embed the one-unit minimum into two identical units, $v_1 = \lambda v$, $v_2 = (1-\lambda)v$.

    Every such network computes the same function, so the loss is the same along the whole line;
    since the one-unit network is a critical point, so is every point of the line
    (Fukumizu & Amari, 2000), and the line's direction $d$ ($+1$ on $v_1$, $-1$ on $v_2$) is a
    null direction of the Hessian. Returns rows (lambda, loss, gradient norm,
    $\lVert H d\rVert / \lVert H\rVert$, smallest eigenvalue of $H$ in absolute value).

    Examples
    --------
    >>> rows = critical_line((0.0, 0.5))
    >>> rows[0][1] == rows[1][1], max(r[2] for r in rows) < 1e-12
    (True, True)
    """
    X, y = regression_task()
    theta1, _ = one_unit_minimum()
    w, b, v, c = _tanhnet.unpack(theta1, 2, 1)
    d = _tanhnet.pack(np.zeros((2, 2)), np.zeros(2), np.array([1.0, -1.0]), 0.0)
    rows = []
    for lam in np.asarray(lams, dtype=np.float64):
        theta = _tanhnet.pack(np.tile(w, (2, 1)), np.repeat(b, 2), np.array([lam, 1 - lam]) * v[0], float(c))
        H = _tanhnet.hessian(theta, X, y, 2)
        rows.append(
            [
                float(lam),
                _tanhnet.loss(theta, X, y, 2),
                float(np.linalg.norm(_tanhnet.grad(theta, X, y, 2))),
                float(np.linalg.norm(H @ d) / np.linalg.norm(H)),
                float(np.min(np.abs(np.linalg.eigvalsh(H)))),
            ]
        )
    return rows


@published
def duplicate_unit_line() -> Derivation:
    r"""Two identical units: output weights moved in opposite directions leave the output unchanged."""
    a, t, v1, v2 = sympy.symbols("a t v_1 v_2", real=True)
    start = (v1 + t) * sympy.tanh(a) + (v2 - t) * sympy.tanh(a)
    return Derivation(
        start,
        name="6-5-duplicate-line",
        title=r"With $a_1 = a_2 = a$, $(v_1 + t)\tanh a + (v_2 - t)\tanh a$ does not depend on $t$",
    ).step((v1 + v2) * sympy.tanh(a), "collect $\\tanh a$: the $t$ terms cancel")


@published
def identical_units_gradient() -> Derivation:
    r"""Gradient of the squared error with respect to one unit's parameters $(w_j, b_j, v_j)$.

    The other units and the target enter only through $r = \hat y - t - v_j\tanh(w_jx + b_j)$, so
    the residual $e = \hat y - t$ is shared, and every unit's gradient is the same formula in its own
    parameters: identical units get identical gradients, hence identical updates.
    """
    x, r = sympy.symbols("x r", real=True)
    w, b, v = sympy.symbols("w_j b_j v_j", real=True)
    h = sympy.tanh(w * x + b)
    loss = (v * h + r) ** 2 / 2
    e = v * h + r
    start = sympy.Matrix([sympy.Derivative(loss, p) for p in (w, b, v)])
    return Derivation(
        start,
        name="6-5-unit-gradient",
        title=r"The gradient of unit $j$ depends on the other units only through the residual",
    ).step(
        sympy.Matrix([e * v * (1 - h**2) * x, e * v * (1 - h**2), e * h]),
        r"chain rule, $\tanh' = 1 - \tanh^2$",
    )
