r"""ReLU and Leaky ReLU (slope below 1) have no derivative at 0: their one-sided derivatives differ.

Examples
--------
>>> one_sided_derivatives_at_zero()
(0, 1)
"""

from __future__ import annotations

from typing import Any

import sympy

from nnnotes.arrays import real_number
from nnnotes.proofs.leaky_relu import leaky_relu

__all__ = ["one_sided_derivatives_at_zero"]


def one_sided_derivatives_at_zero(alpha: float = 0.0) -> tuple[Any, Any]:
    r"""Return the one-sided derivatives of Leaky ReLU at 0, exactly (sympy): ``(left, right)``.

    The difference quotient $f(h)/h$ is taken on the branch for $h < 0$ and for
    $h > 0$ and its limit as $h \to 0$ computed by sympy; ``alpha = 0`` gives ReLU.
    Unequal one-sided derivatives mean no derivative at 0: so for every ``alpha`` below 1 (at 1 the
    function is the identity, with derivative 1).

    Examples
    --------
    >>> one_sided_derivatives_at_zero(0.01)
    (1/100, 1)
    """
    a = sympy.nsimplify(real_number(alpha, "alpha", low=0.0, high=1.0))

    left_h = sympy.Symbol("h", negative=True)
    right_h = sympy.Symbol("h", positive=True)
    return (
        sympy.limit(leaky_relu(left_h, a) / left_h, left_h, 0, "-"),
        sympy.limit(leaky_relu(right_h, a) / right_h, right_h, 0, "+"),
    )
