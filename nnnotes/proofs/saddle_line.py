r"""On the double well $x^2/2 - y^2/2 + y^4/4$, gradient descent started on the line $y = 0$ stays on it.

The double well (`nnnotes.curvature.double_well_saddle`) has a saddle at the origin and its minima
at $(0, \pm 1)$. On the line $y = 0$ the gradient has no $y$ component, so a step of any rate
$\eta$ keeps $y = 0$, and a run started there can at best reach the saddle, never a minimum.

Examples
--------
>>> next_y_on_the_line()
0
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["next_y_on_the_line"]


def next_y_on_the_line() -> Any:
    r"""Return the next $y$, $y - \eta\,\partial f/\partial y$ at $y = 0$, for a symbolic rate $\eta$."""
    eta, x, y = sympy.symbols("eta x y")
    double_well = x**2 / 2 - y**2 / 2 + y**4 / 4
    return sympy.simplify((y - eta * sympy.diff(double_well, y)).subs(y, 0))
