"""What a stack of affine layers can and cannot do: ranks of products, the best affine fit to XOR.

Examples
--------
>>> w, b, mse = best_affine_xor()
>>> print(*w, b, mse)
0 0 1/2 1/4
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from nnnotes.linear import XOR_INPUTS, XOR_TARGETS, relu_xor_network

__all__ = ["RankRow", "XorRow", "best_affine_xor", "rank_rows", "xor_rows"]


@dataclass(frozen=True)
class RankRow:
    """Exact ranks of two random integer layers and of their product.

    Attributes
    ----------
    widths : str
        The layer widths, ``"d → m → k"``.
    rank_W1, rank_W2, rank_product : int
        The ranks of $W_1$, $W_2$ and $W_2 W_1$.
    """

    widths: str
    rank_W1: int
    rank_W2: int
    rank_product: int


@dataclass(frozen=True)
class XorRow:
    """One input of XOR with the best affine fit and the ReLU network's output.

    Attributes
    ----------
    x1, x2, target : int
        The input and XOR of it.
    affine_fit : str
        The exact least-squares affine prediction (a fraction).
    relu_network : float
        The output of `nnnotes.linear.relu_xor_network`.
    """

    x1: int
    x2: int
    target: int
    affine_fit: str
    relu_network: float


def rank_rows(seed: int = 0) -> tuple[RankRow, ...]:
    r"""Ranks of random integer layers and of their product, computed exactly (sympy).

    One row per pair of layers of widths $d \to m \to k$: the product of a
    $k \times m$ and an $m \times d$ matrix has rank at most $\min(d, m, k)$, the
    narrowest width.

    Examples
    --------
    >>> rank_rows()[1]
    RankRow(widths='4 → 1 → 3', rank_W1=1, rank_W2=1, rank_product=1)
    """
    rng = np.random.default_rng(seed)
    rows = []
    for d, m, k in ((3, 4, 3), (4, 1, 3), (5, 2, 5)):
        W1 = sympy.Matrix(rng.integers(-3, 4, size=(m, d)).tolist())
        W2 = sympy.Matrix(rng.integers(-3, 4, size=(k, m)).tolist())
        rows.append(RankRow(f"{d} → {m} → {k}", W1.rank(), W2.rank(), (W2 * W1).rank()))
    return tuple(rows)


def best_affine_xor() -> tuple[list[Fraction], Fraction, Fraction]:
    """Return the least-squares affine fit ``(w, b, mean squared error)`` to XOR, in exact arithmetic.

    The normal equations are solved with rationals, so the answer is exact: ``w = 0``, ``b = 1/2``,
    error ``1/4``, the error of the constant guess 1/2.
    """
    A = sympy.Matrix([[int(a), int(c), 1] for a, c in XOR_INPUTS])
    y = sympy.Matrix([int(t) for t in XOR_TARGETS])
    sol = (A.T * A).solve(A.T * y)
    res = A * sol - y
    mse = (res.T * res)[0] / 4
    w = [Fraction(int(v.p), int(v.q)) for v in sol[:2]]
    return w, Fraction(int(sol[2].p), int(sol[2].q)), Fraction(int(mse.p), int(mse.q))


def xor_rows() -> tuple[XorRow, ...]:
    """Return XOR, the exact best affine fit and the ReLU network on the four inputs."""
    w, b, _ = best_affine_xor()
    out = relu_xor_network(XOR_INPUTS)
    return tuple(
        XorRow(int(a), int(c), int(t), str(w[0] * int(a) + w[1] * int(c) + b), float(o))
        for (a, c), t, o in zip(XOR_INPUTS, XOR_TARGETS, out, strict=True)
    )
