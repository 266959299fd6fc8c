"""A step's two sides as mpmath functions, evaluated and compared at an explicit precision.

The counterexample search (`nnnotes.check.counterexample`) evaluates a step ``lhs R rhs`` at many
points. Every evaluation here names its precision (``dps``, significant decimal digits) and runs
inside ``mpmath.workdps(dps)``: nothing reads or sets mpmath's global precision, so a page that
raised it, or a caller working at other digits, changes no result.

A point where the sides seem to break the relation is a *suspect*; `StepSides.confirm` makes it a
counterexample only if the break persists, with the same gap to six digits, at two precisions high
enough to resolve the exponentials at that point and the size of the gap (the second twice the
first). Where that would take more than `MAX_DPS` digits, `StepSides.enclosed` asks enclosures of
both sides instead (`nnnotes.check.enclosure`), which prove a break or say nothing.

Examples
--------
At 50 digits, ``1 - tanh(x)**2`` and ``1/cosh(x)**2`` agree at ``x = 3``; a wrong step (a square
lost) is a suspect there, and is confirmed at higher precision:

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> good = StepSides([1 - sympy.tanh(x) ** 2], [1 / sympy.cosh(x) ** 2], "=", [x])
>>> good.suspect([3], dps=50)
(False, 0)
>>> bad = StepSides([1 - sympy.tanh(x) ** 2], [1 / sympy.cosh(x)], "=", [x])
>>> bad.suspect([3], dps=50), bad.confirm([3], 0)
((True, 0), ('confirmed at 100 and 200 digits', 100))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy

from nnnotes.check.enclosure import Unsupported, apart, enclose

__all__ = ["DPS", "MAX_CONSTANT_DPS", "MAX_DPS", "StepSides", "mpmath_function", "violates"]

#: Working precision of the search, in significant decimal digits.
DPS = 50
#: A suspect is re-evaluated at enough digits to resolve its exponentials and its gap, at most this.
MAX_DPS = 6000
#: A step without symbols (one point) is enclosed at the digits it needs, at most this.
MAX_CONSTANT_DPS = 4 * MAX_DPS
_EXP_LIKE = (sympy.exp, sympy.tanh, sympy.sinh, sympy.cosh, sympy.coth, sympy.sech, sympy.csch)
_UNDEFINED = (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError)


def _defined_elsewhere(e: Any) -> Any:
    """Rewrite functions defined outside sympy (a page's ``sigma``) into exponentials mpmath knows."""
    if not hasattr(e, "atoms"):
        return e
    own = [f for f in e.atoms(sympy.Function) if not (type(f).__module__ or "").startswith("sympy")]
    return e.xreplace({f: f.rewrite(sympy.exp) for f in own}) if own else e


def mpmath_function(symbols: Sequence[sympy.Symbol], exprs: Any) -> Callable[..., Any]:
    """Return ``exprs`` as a function of ``symbols`` computed by mpmath (at the caller's precision)."""
    return sympy.lambdify(list(symbols), exprs, modules="mpmath")


def violates(rel: str, lhs: Any, rhs: Any, dps: int) -> bool:
    """Tell whether ``lhs rel rhs`` breaks by more than rounding at ``dps`` digits.

    Examples
    --------
    >>> import mpmath
    >>> third = mpmath.mpf(1) / 3
    >>> violates("=", third * 3, 1, dps=15), violates("<", mpmath.mpf(1), 1, dps=15)
    (False, True)
    """
    with mpmath.workdps(dps):
        lhs, rhs = mpmath.mpmathify(lhs), mpmath.mpmathify(rhs)
        scale = max(abs(lhs), abs(rhs))
        tol = mpmath.mpf(10) ** (-(dps - 10)) * scale
        if isinstance(lhs, mpmath.mpc) or isinstance(rhs, mpmath.mpc):
            if rel == "=":
                return bool(abs(lhs - rhs) > tol)
            return any(abs(mpmath.im(v)) > tol for v in (lhs, rhs)) or violates(
                rel, mpmath.re(lhs), mpmath.re(rhs), dps
            )
        gap = lhs - rhs  # positive when lhs is larger
        return bool(
            {
                "=": abs(gap) > tol,
                "<=": gap > tol,
                ">=": -gap > tol,
                "<": gap >= -tol,
                ">": -gap >= -tol,
            }[rel]
        )


class StepSides:
    """The entries of a step's two sides, as one mpmath function of its symbols.

    Parameters
    ----------
    lhs, rhs : sequence of sympy expressions
        The entries of each side (one for a scalar step).
    rel : {"=", "<", "<=", ">", ">="}
        How each left entry relates to the right one.
    symbols : sequence of sympy.Symbol
        The arguments, in order.
    """

    def __init__(self, lhs: Sequence[Any], rhs: Sequence[Any], rel: str, symbols: Sequence[sympy.Symbol]):
        self.lhs = [_defined_elsewhere(sympy.sympify(e)) for e in lhs]
        self.rhs = [_defined_elsewhere(sympy.sympify(e)) for e in rhs]
        self.rel, self.symbols, self.n = rel, list(symbols), len(self.lhs)
        self.f = mpmath_function(self.symbols, self.lhs + self.rhs)
        self._expo: Callable[..., Any] | None | bool = None

    def values(self, args: Sequence[Any], dps: int) -> tuple[list[Any], list[Any]] | None:
        """Return the entries of both sides at ``args``, computed at ``dps`` digits (None where undefined)."""
        with mpmath.workdps(dps):
            try:
                vals = [mpmath.mpmathify(v) for v in self.f(*[mpmath.mpf(a) for a in args])]
            except _UNDEFINED:
                return None
        if any(not mpmath.isfinite(v) for v in vals):
            return None
        return vals[: self.n], vals[self.n :]

    def suspect(self, args: Sequence[Any], dps: int) -> tuple[bool, int] | None:
        """Return None where undefined; else (whether some entry breaks the relation, its index)."""
        got = self.values(args, dps)
        if got is None:
            return None
        for i, (a, b) in enumerate(zip(*got, strict=True)):
            if violates(self.rel, a, b, dps):
                return True, i
        return False, 0

    def exponent(self, args: Sequence[Any]) -> Any:
        """Return the largest |argument| of an exponential in the step at ``args`` (0 if none)."""
        if self._expo is None:
            nodes = {
                a
                for e in self.lhs + self.rhs
                for node in sympy.preorder_traversal(e)
                if isinstance(node, _EXP_LIKE)
                for a in node.args
            }
            ordered = sorted(nodes, key=sympy.default_sort_key)
            self._expo = mpmath_function(self.symbols, ordered) if nodes else False
        if self._expo is False:
            return 0
        with mpmath.workdps(DPS):
            try:
                return max((abs(mpmath.re(mpmath.mpmathify(v))) for v in self._expo(*args)), default=0)
            except _UNDEFINED:
                return mpmath.inf

    def numbers(self, most: int = 7) -> list[mpmath.mpf]:
        """Return the step's own numbers and 0, 1, 2, 3, with both signs: where a bump may sit.

        ``(x - 7.3)^2 > 0`` fails at 7.3, ``x^2 + 4y^2 > 4xy`` at (2, 1): points a random sample misses.
        """
        found: set[Any] = set()
        for e in (*self.lhs, *self.rhs):
            found |= {a for a in sympy.sympify(e).atoms(sympy.Rational, sympy.NumberSymbol, sympy.Pow)}
        values = [sympy.N(a, DPS) for a in found if not a.free_symbols]
        sizes = {abs(mpmath.mpf(str(v))) for v in values if v.is_real and v != 0}
        # a large number's reciprocal too: e^{10^{20} x} \ge 1 fails at x = -10^{-20}, where e^x is 1/e
        small = sorted({v for v in sizes if v <= 10**6} | {1 / v for v in sizes if v > 10**6})
        base = [*map(mpmath.mpf, (0, 1, 2, 3))]
        small = [v for v in small if v not in base]  # an exponent 2 takes no place from 2.3
        return sorted({sign * v for v in [*base, *small[:most]] for sign in (1, -1)})

    def digits_for(self, args: Sequence[Any]) -> int | None:
        """Digits that resolve the exponentials at ``args`` (``e^{2|a|}`` with a margin), None if infinite."""
        expo = self.exponent(args)
        if not mpmath.isfinite(expo):
            return None
        # e^{2|a|} appears in tanh, cosh^2, sigma(a)(1 - sigma(a)): resolve it, with a margin
        return 40 + int(2.2 * expo / mpmath.log(10))

    def confirm(self, args: Sequence[Any], i: int) -> tuple[str, int] | None:
        """Confirm a suspect point for entry ``i``: return (how, the digits it was resolved at), or None."""
        got = self.values(args, DPS)
        need = self.digits_for(args)
        if got is None or need is None:
            return None
        with mpmath.workdps(DPS):
            a, b = got[0][i], got[1][i]
            gap, scale = abs(a - b), max(1, abs(a), abs(b))
            if gap > 0:
                need = max(need, 40 + int(-mpmath.log10(gap / scale)))
        need = max(need, 2 * DPS)
        if need > MAX_DPS:  # too many digits to resolve: only enclosures may still tell
            return self.enclosed(args, i, 2 * DPS)
        gaps = []
        for dps in (need, 2 * need):
            got = self.values(args, dps)
            if got is None or not violates(self.rel, got[0][i], got[1][i], dps):
                return None
            with mpmath.workdps(dps):
                gaps.append(got[0][i] - got[1][i])
        with mpmath.workdps(2 * need):
            g1, g2 = gaps
            if abs(g1 - g2) > mpmath.mpf(10) ** -6 * abs(g2):
                return None
        return f"confirmed at {need} and {2 * need} digits", need

    def enclosed(self, args: Sequence[Any], i: int, dps: int) -> tuple[str, int] | None:
        """Return (how, ``dps``) where enclosures of entry ``i``'s sides at ``dps`` digits prove it false."""
        env = dict(zip(self.symbols, args, strict=True))
        try:
            lhs, rhs = enclose(self.lhs[i], env, dps), enclose(self.rhs[i], env, dps)
        except Unsupported:
            return None
        return (f"proved by enclosures at {dps} digits", dps) if apart(self.rel, lhs, rhs) else None
