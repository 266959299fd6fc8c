r"""Without a non-linearity, layers collapse: the proofs.

Two affine layers are one affine layer (`affine_collapse_derivation`), and every affine $f$ on
$\{0,1\}^2$ satisfies $f(0,0) + f(1,1) = f(0,1) + f(1,0)$, which XOR's targets violate
(`xor_affine_sum`).
"""

from __future__ import annotations

from typing import Any

import sympy

from nnnotes.check.derivation import Derivation, published

__all__ = ["affine_collapse_derivation", "xor_affine_sum"]


@published
def affine_collapse_derivation() -> Derivation:
    r"""Two affine layers are one affine layer: $W_2(W_1x + b_1) + b_2 = W_2W_1x + (W_2b_1 + b_2)$."""
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
    w1, w2, b = sympy.symbols("w_1 w_2 b", real=True)

    def f(a: int, c: int) -> Any:
        return w1 * a + w2 * c + b

    return sympy.expand(f(0, 0) + f(1, 1) - f(0, 1) - f(1, 0))
