r"""Without a non-linearity, layers collapse into one affine map; XOR shows what is lost.

Two affine layers compose to one: $W_2(W_1\mathbf{x} + b_1) + b_2 = (W_2W_1)\mathbf{x} +
(W_2b_1 + b_2)$, and $\operatorname{rank}(W_2W_1) \le \min(\operatorname{rank} W_1,
\operatorname{rank} W_2)$: depth adds no expressiveness, and a narrow layer can only remove some.
XOR on $\{0,1\}^2$ is the classic function no affine map can represent, while two ReLU units
represent it exactly.

Examples
--------
>>> w, b, mse = best_affine_xor()
>>> print(*w, b, mse)
0 0 1/2 1/4
>>> print(relu_xor_network(XOR_INPUTS))
[0. 1. 1. 0.]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.activations import as_real_array, relu
from nnnotes.check.derivation import Derivation, published

__all__ = [
    "XOR_INPUTS",
    "XOR_TARGETS",
    "affine_collapse_derivation",
    "best_affine_xor",
    "collapse",
    "rank_rows",
    "relu_xor_network",
    "xor_affine_sum",
    "xor_rows",
]

#: The four inputs of XOR, one per row, and their targets.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


def collapse(*layers: tuple[ArrayLike, ArrayLike]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the single affine map ``(W, b)`` equal to the affine layers applied in order.

    Parameters
    ----------
    *layers : (W, b) pairs
        First layer first; ``W`` of shape (out, in), ``b`` of shape (out,).

    Examples
    --------
    >>> W, b = collapse(([[1.0, 2.0]], [1.0]), ([[3.0]], [-1.0]))
    >>> print(W, b)
    [[3. 6.]] [2.]
    """
    if not layers:
        raise ValueError("collapse needs at least one (W, b) layer")
    W, b = None, None
    for k, (Wk, bk) in enumerate(layers):
        Wk, bk = as_real_array(Wk, f"layers[{k}][0]"), as_real_array(bk, f"layers[{k}][1]")
        if Wk.ndim != 2 or bk.shape != (Wk.shape[0],):
            raise ValueError(f"layers[{k}] must be (W (out, in), b (out,)), got {Wk.shape} and {bk.shape}")
        if W is None:
            W, b = Wk, bk
            continue
        if Wk.shape[1] != W.shape[0]:
            raise ValueError(
                f"layers[{k}] takes {Wk.shape[1]} inputs but the layer before gives {W.shape[0]}"
            )
        W, b = Wk @ W, Wk @ b + bk
    return W, b


def rank_rows(seed: int = 0) -> list[list[Any]]:
    r"""Ranks of random integer layers and of their product, computed exactly (sympy).

    Returns rows ``[layer sizes d -> m -> k, rank W1, rank W2, rank W2 W1]``: the product of a
    $k \times m$ and an $m \times d$ matrix has rank at most $m$, the narrowest
    width.

    Examples
    --------
    >>> rank_rows()[1]
    ['4 → 1 → 3', 1, 1, 1]
    """
    import sympy

    rng = np.random.default_rng(seed)
    rows = []
    for d, m, k in ((3, 4, 3), (4, 1, 3), (5, 2, 5)):
        W1 = sympy.Matrix(rng.integers(-3, 4, size=(m, d)).tolist())
        W2 = sympy.Matrix(rng.integers(-3, 4, size=(k, m)).tolist())
        rows.append([f"{d} → {m} → {k}", W1.rank(), W2.rank(), (W2 * W1).rank()])
    return rows


def best_affine_xor() -> tuple[list[Fraction], Fraction, Fraction]:
    """Return the least-squares affine fit ``(w, b, mean squared error)`` to XOR, in exact arithmetic.

    The normal equations are solved with rationals, so the answer is exact: ``w = 0``, ``b = 1/2``,
    error ``1/4``, the error of the constant guess 1/2.
    """
    import sympy

    A = sympy.Matrix([[int(a), int(c), 1] for a, c in XOR_INPUTS])
    y = sympy.Matrix([int(t) for t in XOR_TARGETS])
    sol = (A.T * A).solve(A.T * y)
    res = A * sol - y
    mse = (res.T * res)[0] / 4
    w = [Fraction(int(v.p), int(v.q)) for v in sol[:2]]
    return w, Fraction(int(sol[2].p), int(sol[2].q)), Fraction(int(mse.p), int(mse.q))


def relu_xor_network(x: ArrayLike) -> NDArray[np.float64]:
    r"""Return $\operatorname{ReLU}(x_1 + x_2) - 2\operatorname{ReLU}(x_1 + x_2 - 1)$ per row.

    Two hidden ReLU units with weights $(1, 1)$, biases $0$ and $-1$, output
    weights $1$ and $-2$: XOR exactly on $\{0,1\}^2$.

    Examples
    --------
    >>> print(relu_xor_network([[1.0, 1.0], [0.5, 0.0]]))
    [0.  0.5]
    """
    x = as_real_array(x)
    if x.shape[-1:] != (2,):
        raise ValueError(f"x must have 2 columns, got shape {x.shape}")
    s = x.sum(axis=-1)
    return relu(s) - 2.0 * relu(s - 1.0)


def xor_rows() -> list[list[Any]]:
    """Rows ``[x1, x2, XOR, best affine fit, ReLU network]`` for the four inputs (the fit exact)."""
    w, b, _ = best_affine_xor()
    out = relu_xor_network(XOR_INPUTS)
    return [
        [int(a), int(c), int(t), str(w[0] * int(a) + w[1] * int(c) + b), float(o)]
        for (a, c), t, o in zip(XOR_INPUTS, XOR_TARGETS, out, strict=True)
    ]


@published
def affine_collapse_derivation() -> Derivation:
    r"""Two affine layers are one affine layer: $W_2(W_1x + b_1) + b_2 = W_2W_1x + (W_2b_1 + b_2)$."""
    import sympy

    d, m, k = sympy.symbols("d m k", integer=True, positive=True)
    W1, W2 = sympy.MatrixSymbol("W_1", m, d), sympy.MatrixSymbol("W_2", k, m)
    b1, b2 = sympy.MatrixSymbol("b_1", m, 1), sympy.MatrixSymbol("b_2", k, 1)
    xv = sympy.MatrixSymbol("x", d, 1)
    return Derivation(W2 * (W1 * xv + b1) + b2, name="6-1-affine-collapse").step(
        W2 * W1 * xv + W2 * b1 + b2, r"distribute: weight $W_2W_1$, bias $W_2b_1 + b_2$"
    )


def xor_affine_sum() -> Any:
    r"""Return $f(0,0) + f(1,1) - f(0,1) - f(1,0)$ for $f(x) = w_1x_1 + w_2x_2 + b$, by sympy.

    It is 0 whatever the parameters; XOR's targets give $0 + 0 - 1 - 1 = -2$. A classifier
    $f > \tau$ that got XOR right would need $f(0,0), f(1,1) < \tau < f(0,1), f(1,0)$,
    so this sum would be negative.

    Examples
    --------
    >>> xor_affine_sum()
    0
    """
    import sympy

    w1, w2, b = sympy.symbols("w_1 w_2 b", real=True)

    def f(a: int, c: int) -> Any:
        return w1 * a + w2 * c + b

    return sympy.expand(f(0, 0) + f(1, 1) - f(0, 1) - f(1, 0))
