r"""Leaky ReLU's slope: a slope above 1 is a slope below 1, reflected and scaled (sympy).

With slope $\alpha$, Leaky ReLU is $x$ for positive $x$ and $\alpha x$ otherwise. For every
positive $\alpha$ it equals $x \mapsto -\alpha\,\mathrm{LeakyReLU}_{1/\alpha}(-x)$, so a layer
with a slope above 1 computes what a layer with the slope's reciprocal computes once the
neighbouring layers' weights absorb the sign and the scale; for $\alpha$ above 1 it is also
$\min(x, \alpha x)$ rather than $\max(x, \alpha x)$.

Examples
--------
>>> reflection_residuals()
(0, 0, 0, 0, 0, 0)
"""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["leaky_relu", "reflection_residuals"]


def leaky_relu(x: Any, slope: Any) -> Any:
    """Return Leaky ReLU with slope ``slope`` at ``x`` as a sympy ``Piecewise``.

    Examples
    --------
    >>> leaky_relu(sympy.Integer(-2), sympy.Rational(1, 10))
    -1/5
    """
    return sympy.Piecewise((x, x > 0), (slope * x, True))


def reflection_residuals() -> tuple[Any, ...]:
    r"""Return six residuals, each simplified by sympy; all are 0 exactly when the identities hold.

    The first three are $\mathrm{LeakyReLU}_\alpha(x) + \alpha\,\mathrm{LeakyReLU}_{1/\alpha}(-x)$
    for a positive symbol $\alpha$, the last three $\mathrm{LeakyReLU}_\alpha(x) - \min(x, \alpha x)$
    for $\alpha = 1 + a$ with a positive symbol $a$; each at $x = t$ and $x = -t$ (a positive
    symbol $t$) and at $x = 0$, so that sympy decides every branch.
    """
    alpha, t = sympy.Symbol("alpha", positive=True), sympy.Symbol("t", positive=True)
    above_one = 1 + sympy.Symbol("a", positive=True)
    points = (t, -t, sympy.S.Zero)
    reflected = [leaky_relu(x, alpha) + alpha * leaky_relu(-x, 1 / alpha) for x in points]
    minimum = [leaky_relu(x, above_one) - sympy.Min(x, above_one * x) for x in points]
    return tuple(sympy.simplify(r) for r in (*reflected, *minimum))
