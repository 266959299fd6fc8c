"""The homework's network, typed once for the tests of the forward pass (library, proofs, experiments).

The values are the question's, not the package's (`nnnotes.experiments.forward_pass.QUESTION_NETWORK`
is checked against them); the references are hand values and mpmath.
"""

from __future__ import annotations

import mpmath
import sympy

from nnnotes.mlp import ForwardPass, forward
from nnnotes.proofs.exact_forward import exact_forward

X = [3, 1, -1]
W1 = [[2, -1], [1, -3], [-2, 5]]
W2 = [[6, 2], [-1, 8]]
E36 = sympy.exp(-36)


def p2_exact() -> mpmath.mpf:
    """e^-36 / (1 + e^-36) at 50 digits."""
    with mpmath.workdps(50):
        return mpmath.exp(-36) / (1 + mpmath.exp(-36))


def three_passes() -> dict[str, ForwardPass]:
    """The sheet's network in the three arithmetics (exact: the proofs' twin of forward)."""
    return {"exact": exact_forward(X, [W1, W2])} | {
        f: forward(X, [W1, W2], arithmetic=f) for f in ("float64", "float32")
    }
