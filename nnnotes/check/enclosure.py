r"""Enclosures of an expression's value: an interval, made with mpmath, that holds the exact value.

The counterexample search confirms a suspect point by evaluating it again at two precisions
(`nnnotes.check.evaluation.StepSides.confirm`), and needs enough digits to resolve every exponential
of the step there; past `nnnotes.check.evaluation.MAX_DPS` digits it cannot, and a false claim such
as $\sigma(10^4) = 1$ (off by $e^{-10^4} \approx 10^{-4343}$) went unrefuted. An enclosure needs no
such estimate: each operation widens its result enough to hold the exact value, so where the two
sides' enclosures are apart, the relation fails at that point for certain, and where cancellation
ruins the digits (``cosh(x)**2 - sinh(x)**2`` at $x = 10^4$) the enclosure only grows wide and
proves nothing.

Each result is widened outward, not rounded in a direction (mpmath's interval context,
``mpmath.iv``, was not used: its ``exp`` returns the point ``1 + 1e-38`` for ``exp(1e-38)``). A
rounded sum, product or quotient is within half a unit in the last place; it is widened by 8 units
(a sum by 8 units of each term, since ``mpmath.fsum`` drops a term far below the others; a value
given with more digits than the precision is rounded, and widened too). mpmath's elementary
functions are accurate to about a unit in the last place (``exp`` relative to its value, the others
relative to ``max(1, |value|)``, so a tiny ``tanh`` gets a wide margin); they are widened by
``2**30`` units. A non-monotonic function on a wide interval (``sin``, ``cos``) is bounded by its
value at the midpoint and its Lipschitz constant.

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> lo, hi = enclose(1 / (1 + sympy.exp(-x)), {x: mpmath.mpf(10**4)}, 4400)
>>> bool(hi < 1)  # sigma(10^4) < 1, by about 10^-4343
True
>>> lo, hi = enclose(sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2, {x: mpmath.mpf(10**4)}, 4400)
>>> bool(lo <= 1 <= hi), bool(hi - lo > 10**4000)  # true, and too wide to tell anything
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

__all__ = ["Unsupported", "apart", "enclose"]

Interval = tuple[mpmath.mpf, mpmath.mpf]


class Unsupported(ValueError):
    """An expression with a function or a number the enclosure does not bound (or not real)."""


@dataclass(frozen=True)
class _Enclosure:
    """The rules at ``dps`` digits, whose unit is 2 to the minus their bits (or a little more)."""

    dps: int

    @property
    def unit(self) -> Any:
        """One unit in the last place of 1: ``dps * log2(10)`` bits, rounded down (a larger unit)."""
        return mpmath.ldexp(1, -int(self.dps * 3.32))

    def wide(self, lo: Any, hi: Any, units: int, absolute: bool = False) -> Interval:
        """Widen ``[lo, hi]`` by ``units`` units (of each end, or of max(1, |end|) if absolute)."""
        u = self.unit * units
        if absolute:
            return lo - u * max(1, abs(lo)), hi + u * max(1, abs(hi))
        return lo - u * abs(lo), hi + u * abs(hi)

    def op(self, lo: Any, hi: Any) -> Interval:
        return self.wide(lo, hi, 8)

    def fn(self, lo: Any, hi: Any, absolute: bool = True) -> Interval:
        return self.wide(lo, hi, 2**30, absolute)

    def number(self, e: Any) -> Interval:
        if e.is_Integer or e.is_Rational:
            v = mpmath.mpf(int(e.p)) / int(e.q)
            return self.op(v, v)
        if e.is_Float:
            v = mpmath.mpf(e)
            return self.op(v, v)
        if e.is_NumberSymbol and e.is_real:
            v = mpmath.mpf(e.evalf(self.dps + 20))
            return self.fn(v, v)
        raise Unsupported(f"no enclosure for the number {e}")

    def add(self, parts: list[Interval]) -> Interval:
        """Sum the ends; fsum may drop a term far below the others, so the margin is of the terms."""
        margin = self.unit * 8 * len(parts) * mpmath.fsum(max(abs(p[0]), abs(p[1])) for p in parts)
        return mpmath.fsum(p[0] for p in parts) - margin, mpmath.fsum(p[1] for p in parts) + margin

    def mul(self, a: Interval, b: Interval) -> Interval:
        ends = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
        return self.op(min(ends), max(ends))

    def inverse(self, a: Interval) -> Interval:
        if a[0] <= 0 <= a[1]:
            raise Unsupported("a denominator's enclosure holds 0")
        return self.op(1 / a[1], 1 / a[0])

    def power(self, base: Interval, n: int) -> Interval:
        if n < 0:
            return self.inverse(self.power(base, -n))
        ends = [base[0] ** n, base[1] ** n]
        lo, hi = self.op(min(ends), max(ends)) if n <= 2 else self.fn(min(ends), max(ends), False)
        if n % 2 == 0 and base[0] < 0 < base[1]:
            lo = mpmath.mpf(0)
        return lo, hi

    def monotone(self, f: Callable[[Any], Any], a: Interval, relative: bool = False) -> Interval:
        return self.fn(f(a[0]), f(a[1]), absolute=not relative)

    def exp(self, a: Interval) -> Interval:
        return self.monotone(mpmath.exp, a, relative=True)

    def log(self, a: Interval) -> Interval:
        if a[0] <= 0:
            raise Unsupported("a logarithm's argument may not be positive")
        return self.monotone(mpmath.log, a)

    def lipschitz(self, f: Callable[[Any], Any], a: Interval) -> Interval:
        mid, radius = (a[0] + a[1]) / 2, (a[1] - a[0]) / 2 + self.unit * 4 * max(abs(a[0]), abs(a[1]))
        v = f(mid)
        lo, hi = self.fn(v, v)
        return self.op(max(lo - radius, -1), min(hi + radius, 1))

    def cosh(self, a: Interval) -> Interval:
        if a[0] >= 0:
            return self.monotone(mpmath.cosh, a)
        if a[1] <= 0:
            return self.monotone(mpmath.cosh, (-a[1], -a[0]))
        return self.fn(mpmath.mpf(1), mpmath.cosh(max(-a[0], a[1])))

    def function(self, e: Any, a: Interval) -> Interval:
        """Enclose a function of one argument (``e``'s kind) on the enclosure ``a`` of its argument."""
        rules: dict[type, Callable[[Interval], Interval]] = {
            sympy.exp: self.exp,
            sympy.log: self.log,
            sympy.sin: lambda a: self.lipschitz(mpmath.sin, a),
            sympy.cos: lambda a: self.lipschitz(mpmath.cos, a),
            sympy.tanh: lambda a: self.monotone(mpmath.tanh, a),
            sympy.sinh: lambda a: self.monotone(mpmath.sinh, a),
            sympy.atan: lambda a: self.monotone(mpmath.atan, a),
            sympy.cosh: self.cosh,
            sympy.sech: lambda a: self.inverse(self.cosh(a)),
            sympy.csch: lambda a: self.inverse(self.monotone(mpmath.sinh, a)),
            sympy.coth: lambda a: self.inverse(self.monotone(mpmath.tanh, a)),
            sympy.Abs: _abs,
        }
        for kind, rule in rules.items():
            if isinstance(e, kind):
                return rule(a)
        raise Unsupported(f"no enclosure for {type(e).__name__}: {e}")

    def of(self, e: Any, env: Mapping[Any, Any]) -> Interval:
        """Enclose ``e`` at the point ``env``."""
        if e.is_Symbol:
            if e not in env:
                raise Unsupported(f"no value for the symbol {e}")
            v = mpmath.mpf(env[e])  # rounded to dps digits if it has more
            return self.op(v, v)
        if e.is_Number or e.is_NumberSymbol:
            return self.number(e)
        parts = [self.of(a, env) for a in e.args]
        if e.is_Add:
            return self.add(parts)
        if e.is_Mul:
            out = parts[0]
            for p in parts[1:]:
                out = self.mul(out, p)
            return out
        if e.is_Pow:
            if e.args[1].is_Integer:
                return self.power(parts[0], int(e.args[1]))
            if parts[0][0] <= 0:
                raise Unsupported(f"a power with a base that may not be positive: {e}")
            return self.exp(self.mul(parts[1], self.log(parts[0])))
        if isinstance(e, (sympy.Min, sympy.Max)):
            pick = min if isinstance(e, sympy.Min) else max
            return pick(p[0] for p in parts), pick(p[1] for p in parts)
        if len(parts) != 1:
            raise Unsupported(f"no enclosure for {type(e).__name__}: {e}")
        return self.function(e, parts[0])


def _abs(a: Interval) -> Interval:
    if a[0] >= 0:
        return a
    if a[1] <= 0:
        return -a[1], -a[0]
    return mpmath.mpf(0), max(-a[0], a[1])


def enclose(expr: Any, env: Mapping[Any, Any], dps: int) -> Interval:
    """Return ``(lo, hi)``, mpmath numbers with ``lo <= expr <= hi`` at the point ``env``.

    Parameters
    ----------
    expr : sympy expression
        Real-valued, built from numbers, the symbols of ``env``, ``+``, ``*``, powers, ``exp``,
        ``log``, ``sin``, ``cos``, the hyperbolic functions, ``atan``, ``Abs``, ``Min`` and ``Max``.
    env : mapping
        A value (an mpmath number, taken as exact) for each free symbol.
    dps : int
        Working precision, in significant decimal digits (at least 20).

    Raises
    ------
    Unsupported
        Where the expression holds anything else, or a division by, or a logarithm of, an
        enclosure that holds 0.
    """
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 20:
        raise ValueError(f"dps must be an integer of at least 20, got {dps!r}")
    with mpmath.workdps(dps):
        return _Enclosure(dps).of(sympy.sympify(expr), env)


def apart(rel: str, lhs: Interval, rhs: Interval) -> bool:
    """Tell whether the enclosures prove that ``lhs rel rhs`` fails.

    Examples
    --------
    >>> one, two = (mpmath.mpf(1), mpmath.mpf(1)), (mpmath.mpf(2), mpmath.mpf(2))
    >>> apart("=", one, two), apart("<=", one, two), apart(">=", one, two), apart("<", one, one)
    (True, False, True, True)
    """
    return {
        "=": lhs[1] < rhs[0] or rhs[1] < lhs[0],
        "<=": lhs[0] > rhs[1],
        "<": lhs[0] >= rhs[1],
        ">=": lhs[1] < rhs[0],
        ">": lhs[1] <= rhs[0],
    }[rel]
