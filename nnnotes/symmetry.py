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

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes import _tanhnet
from nnnotes.derivation import Derivation, published

__all__ = [
    "apply_symmetry",
    "check_symmetries",
    "hidden_symmetries",
    "identical_units_gradient",
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


def tanh_network(
    theta: ArrayLike, X: ArrayLike, hidden: int
) -> NDArray[np.float64]:
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


def apply_symmetry(
    theta: ArrayLike, D: int, M: int, symmetry: Symmetry
) -> NDArray[np.float64]:
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


def symmetric_training(
    M: int = 4, steps: int = 500, lr: float = 0.1, perturbation: float = 1e-6, seed: int = 0
) -> list[list[float]]:
    """Train on a fixed regression task from identical units, and from a slightly perturbed start.

    The identical start sets every hidden unit's weights, bias and output weight to the same
    values; the perturbed start adds ``perturbation`` times a random normal vector to them.
    Returns rows (step, loss from identical start, spread, loss from perturbed start, spread),
    the spread being the largest difference between two units' parameters.

    Examples
    --------
    >>> rows = symmetric_training()
    >>> rows[-1][2] == 0.0, rows[-1][4] > 1000 * rows[0][4]
    (True, True)
    """
    M = _check_m(M)
    rng = np.random.default_rng(seed)
    D, N = 2, 40
    X = rng.uniform(-2, 2, size=(N, D))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    unit = rng.normal(size=D + 2) * 0.5
    W = np.tile(unit[:D], (M, 1))
    same = _tanhnet.pack(W, np.full(M, unit[D]), np.full(M, unit[D + 1]), 0.0)
    noisy = same + perturbation * rng.normal(size=same.size)

    def spread(theta: NDArray[np.float64]) -> float:
        W, b, v, _ = _tanhnet.unpack(theta, D, M)
        units = np.column_stack([W, b, v])
        return float(np.max(units.max(0) - units.min(0)))

    rows = []
    checkpoints = {0, steps // 10, steps // 4, steps // 2, steps}
    for k in range(steps + 1):
        if k in checkpoints:
            rows.append([k, _tanhnet.loss(same, X, y, M), spread(same),
                         _tanhnet.loss(noisy, X, y, M), spread(noisy)])
        same = same - lr * _tanhnet.grad(same, X, y, M)
        noisy = noisy - lr * _tanhnet.grad(noisy, X, y, M)
    return rows


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
        start, name="6-5-unit-gradient",
        title=r"The gradient of unit $j$ depends on the other units only through the residual",
    ).step(
        sympy.Matrix([e * v * (1 - h**2) * x, e * v * (1 - h**2), e * h]),
        r"chain rule, $\tanh' = 1 - \tanh^2$",
    )
