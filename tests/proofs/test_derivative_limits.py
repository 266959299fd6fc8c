r"""The limits that 6.1's bounds name: both derivatives tend to 0 as $|x| \to \infty$ (sympy's ``limit``).

The last steps of derivations ``6-1-sigmoid-derivative-positive`` and ``6-1-tanh-derivative-positive``
say that the bound 0 is approached there, and the page lists the formula $|x| \to \infty$ with a
pointer here.
"""

from __future__ import annotations

import pytest
import sympy

from nnnotes.proofs.symbolic import sigma

x = sympy.Symbol("x", real=True)


@pytest.mark.parametrize("f", [sigma(x), sympy.tanh(x)], ids=["sigmoid", "tanh"])
@pytest.mark.parametrize("end", [sympy.oo, -sympy.oo], ids=["plus", "minus"])
def test_the_derivative_tends_to_zero(f: sympy.Expr, end: sympy.Expr) -> None:
    """The lower bound 0 of 6.1 (c) and (d) is approached at both ends, and never reached."""
    derivative = sympy.diff(f, x)
    assert sympy.limit(derivative, x, end) == 0
    # the function itself does not tend to 0 at both ends (a test that could pass on any limit would not)
    assert sympy.limit(f, x, end) == (1 if end == sympy.oo else (0 if f == sigma(x) else -1))
