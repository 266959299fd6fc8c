r"""Why identical hidden units stay identical, and why the loss is constant on the line they span, proved.

Two identical tanh units can trade output weight without changing the network's output
(`duplicate_unit_line`), and every unit's gradient is the same formula in its own parameters
(`identical_units_gradient`): identical units get identical updates. The experiments are in
`nnnotes.experiments.symmetric_start`.
"""

from __future__ import annotations

import sympy

from nnnotes.check import Derivation, published

__all__ = ["duplicate_unit_line", "identical_units_gradient"]


@published
def duplicate_unit_line() -> Derivation:
    r"""Two identical units: output weights moved in opposite directions leave the output unchanged."""
    a, s, v1, v2 = sympy.symbols("a s v_1 v_2", real=True)
    start = (v1 + s) * sympy.tanh(a) + (v2 - s) * sympy.tanh(a)
    return Derivation(
        start,
        name="6-5-duplicate-line",
        title=r"With $a_1 = a_2 = a$, $(v_1 + s)\tanh a + (v_2 - s)\tanh a$ does not depend on $s$",
    ).step((v1 + v2) * sympy.tanh(a), "collect $\\tanh a$: the $s$ terms cancel")


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
