r"""Search the whole domain of a step for a counterexample, at high precision, before any proof.

A step ``lhs R rhs`` (R one of ``=``, ``<``, ``<=``, ``>``, ``>=``) is evaluated with mpmath at
`DPS` significant digits at a bounded set of points of its domain chosen to find the places where
a wrong step is wrong:

* for each real symbol, magnitudes log-spaced from ``1e-12`` to ``1e4`` of both signs, points
  where ``exp`` overflows float64 (``709.8``) and far beyond, up to ``1e50`` (mpmath has no
  overflow: ``exp(1e50)`` is a number with a 50-digit exponent), all clipped
  to the symbol's interval (its sympy assumptions and any narrower interval the derivation
  declares), plus points just inside each finite end of the interval; integer symbols take integers;
* points at and near every *critical point* of the expressions: zeros of denominators, kinks of
  ``Abs``/``Max``/``Min``/``Piecewise``, branch points of ``log`` and of roots;
* for one symbol, the local minima of an inequality's slack, refined by golden-section search;
* for several symbols, sweeps of each symbol over its values with the others held fixed, random
  combinations, and points on the critical sets (a kink ``x = y`` of ``Max(x, y)``).

A point where the sides seem to disagree is only a *suspect*: it becomes a counterexample when the
disagreement persists, with the same gap to six digits, at two higher precisions, the first high
enough to resolve the exponentials at that point (``tanh(500)`` differs from 1 in the 434th digit)
and the size of the gap, the second twice the first. Rounding noise (``1 - tanh(x)**2`` at
``x = 10^4`` is ``4e-8686`` but rounds to zero) is therefore not mistaken for a counterexample,
while a step off by ``1e-30`` relative is caught. (Interval arithmetic, ``mpmath.iv``, was tried
first and rejected: its ``exp`` rounds ``exp(1e-38)`` to the point ``1 + 1e-38``, so its enclosures
are not rigorous.) A point that would need more than `_MAX_DPS` digits is not claimed. For a strict
inequality of one symbol whose slack nearly vanishes at a refined minimum, ``nsimplify`` guesses the
exact point (``pi``) and exact arithmetic checks it.

Examples
--------
The inequality $\tanh^2 x \le 1 - 10^{-30}$ is false for $|x| > 35$; the search finds where:

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> r = search([sympy.tanh(x)**2], [1 - sympy.Rational(1, 10**30)], "<=", [x], {}, seed="doc")
>>> r.counterexample is not None and abs(float(r.counterexample.point["x"])) > 35
True

and $\min(x, 10) = x$ fails beyond $x = 10$, outside any fixed sampling window such as $[-8, 8]$:

>>> r = search([sympy.Min(x, 10)], [x], "=", [x], {}, seed="doc")
>>> point = sympy.Float(r.counterexample.point["x"], DPS)
>>> bool(point > 10), r.counterexample.certified
(True, 'confirmed at 100 and 200 digits')
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

__all__ = ["DPS", "Counterexample", "SearchResult", "critical_expressions", "search", "symbol_interval"]

#: Working precision of the search, in significant decimal digits.
DPS = 50
#: A suspect is re-evaluated at enough digits to resolve its exponentials and its gap, at most this.
_MAX_DPS = 6000
_EXP_LIKE = (sympy.exp, sympy.tanh, sympy.sinh, sympy.cosh, sympy.coth, sympy.sech, sympy.csch)

_MAGNITUDES = sorted(
    {10 ** (k / 2) for k in range(-24, 9)}
    | {
        2.0,
        5.0,
        20.0,
        30.0,
        36.0,
        40.0,
        50.0,
        80.0,
        100.0,
        200.0,
        500.0,
        709.0,
        710.0,
        745.0,
        746.0,
        1000.0,
        3000.0,
        1e5,
        1e6,
        1e8,
        1e10,
        1e15,
        1e20,
        1e30,
        1e50,
    }
)
_NEAR = [10.0**-k for k in (1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 38)]


@dataclass(frozen=True)
class Counterexample:
    """A point where a step fails, with the value of each side there.

    Attributes
    ----------
    point : dict
        Symbol name to its value (as a decimal string).
    lhs, rhs : str
        The values of the two sides (first differing entry for matrices), 40 digits.
    certified : str
        How the failure was confirmed (at which precisions, or in exact arithmetic).
    """

    point: dict[str, str]
    lhs: str
    rhs: str
    difference: str
    certified: str

    def describe(self) -> str:
        """Say where the step fails and what each side is there."""
        return (
            f"at {_short(self.point)} the two sides differ by {self.difference}: the left side is"
            f" {self.lhs} and the right side is {self.rhs} ({self.certified})"
        )


@dataclass(frozen=True)
class SearchResult:
    """What the search did: points evaluated, digits, and the counterexample if one was found."""

    evaluated: int
    tried: int
    dps: int
    counterexample: Counterexample | None = None
    #: In a deep search, the most digits a far point was evaluated at.
    max_dps: int | None = None

    def describe(self) -> str:
        """One line for the report: how many points, at how many digits."""
        far = f"; far points again at up to {self.max_dps} digits" if self.max_dps else ""
        return f"no counterexample at {self.evaluated} points ({self.dps} digits{far})"


# --------------------------------------------------------------------------------------------
# domains


def symbol_interval(s: sympy.Symbol, declared: Mapping[Any, sympy.Interval] | None = None) -> sympy.Set:
    """Return the set a symbol ranges over: its sympy assumptions intersected with a declared interval.

    Examples
    --------
    >>> import sympy
    >>> symbol_interval(sympy.Symbol("p", positive=True))
    Interval.open(0, oo)
    >>> t = sympy.Symbol("t", real=True)
    >>> symbol_interval(t, {t: sympy.Interval(-1, 5)})
    Interval(-1, 5)
    >>> symbol_interval(sympy.Symbol("q", nonnegative=True), {})
    Interval(0, oo)
    """
    if s.is_positive:
        base: sympy.Set = sympy.Interval.open(0, sympy.oo)
    elif s.is_nonnegative:
        base = sympy.Interval(0, sympy.oo)
    elif s.is_negative:
        base = sympy.Interval.open(-sympy.oo, 0)
    elif s.is_nonpositive:
        base = sympy.Interval(-sympy.oo, 0)
    else:
        base = sympy.S.Reals
    if declared and s in declared:
        base = base.intersect(declared[s])
    return base


def _pieces(dom: sympy.Set) -> list[sympy.Interval]:
    if isinstance(dom, sympy.Interval):
        return [dom]
    if dom is sympy.S.Reals:
        return [sympy.Interval(-sympy.oo, sympy.oo)]
    if isinstance(dom, sympy.Union):
        return [p for a in dom.args for p in _pieces(a)]
    return []


def _ends(piece: sympy.Interval) -> tuple[Any, Any]:
    lo = None if piece.start == -sympy.oo else mpmath.mpf(sympy.Float(piece.start, DPS + 10))
    hi = None if piece.end == sympy.oo else mpmath.mpf(sympy.Float(piece.end, DPS + 10))
    return lo, hi


def _inside(v: Any, dom: sympy.Set) -> bool:
    v = mpmath.mpf(v)
    for piece in _pieces(dom):
        lo, hi = _ends(piece)
        ok_lo = lo is None or v > lo or (v == lo and not piece.left_open)
        ok_hi = hi is None or v < hi or (v == hi and not piece.right_open)
        if ok_lo and ok_hi:
            return True
    return False


@functools.lru_cache(maxsize=256)
def _base_values(integer: bool, dom: sympy.Set) -> tuple[Any, ...]:
    return tuple(_values_uncached(integer, dom, ()))


def _values(s: sympy.Symbol, dom: sympy.Set, roots: Sequence[Any] = ()) -> list[mpmath.mpf]:
    """Candidate values of one symbol: wide magnitudes, ends of the interval, near critical points."""
    if not roots:
        return list(_base_values(bool(s.is_integer), dom))
    return _values_uncached(bool(s.is_integer), dom, roots)


def _values_uncached(integer: bool, dom: sympy.Set, roots: Sequence[Any]) -> list[mpmath.mpf]:
    with mpmath.workdps(DPS):
        raw: list[Any] = [mpmath.mpf(0)]
        for m in _MAGNITUDES:
            raw += [mpmath.mpf(m), -mpmath.mpf(m)]
        raw += [mpmath.mpf(v) / 2 for v in range(-7, 8)]
        for piece in _pieces(dom):
            a, b = _ends(piece)
            for e, inward in ((a, 1), (b, -1)):
                if e is None:
                    continue
                raw.append(e)
                raw += [e + inward * mpmath.mpf(m) for m in _MAGNITUDES]
                raw += [e + inward * mpmath.mpf(m) * max(1, abs(e)) for m in _NEAR]
            if a is not None and b is not None:
                raw += [a + (b - a) * k / 64 for k in range(65)]
        for r in roots:
            raw.append(r)
            raw += [r + sgn * mpmath.mpf(d) * max(1, abs(r)) for d in _NEAR for sgn in (1, -1)]
        if integer:
            raw = [mpmath.mpf(int(mpmath.nint(v))) for v in raw if abs(v) < 1e6]
        return sorted({v for v in raw if _inside(v, dom)})


# --------------------------------------------------------------------------------------------
# critical points


def critical_expressions(*exprs: Any) -> list[sympy.Expr]:
    """Expressions whose zeros are the breakpoints and singularities of ``exprs``.

    Zeros of denominators, arguments of ``Abs``, ``sign``, ``Heaviside`` and ``log``, bases of
    fractional powers (``sqrt``), differences of the arguments of ``Max`` and ``Min``, and the
    two sides of every condition of a ``Piecewise``.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y", real=True)
    >>> sorted(map(str, critical_expressions(sympy.Abs(x - 1) + 1 / (x + 2) + sympy.Max(x, y))))
    ['x + 2', 'x - 1', 'x - y']
    """
    out: set[sympy.Expr] = set()
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, sympy.Pow):
                b, q = node.args
                if q.is_number and (q.is_negative or not q.is_integer):
                    out.add(b)
            elif isinstance(node, sympy.Abs | sympy.sign | sympy.Heaviside | sympy.log):
                out.add(node.args[0])
            elif isinstance(node, sympy.Max | sympy.Min):
                args = node.args
                out |= {a - b for i, a in enumerate(args) for b in args[i + 1 :]}
            elif isinstance(node, sympy.Piecewise):
                for _, cond in node.args:
                    out |= {
                        r.lhs - r.rhs
                        for r in sympy.preorder_traversal(cond)
                        if isinstance(r, sympy.core.relational.Relational)
                    }
    return sorted((c for c in out if c.free_symbols), key=sympy.default_sort_key)


def _real_roots(c: sympy.Expr, s: sympy.Symbol, grid: Sequence[mpmath.mpf]) -> list[mpmath.mpf]:
    """Real zeros of ``c`` in ``s``: exactly for polynomials, else by sign changes on ``grid``."""
    roots: list[mpmath.mpf] = []
    num = sympy.fraction(sympy.together(c))[0] if not isinstance(c, sympy.Poly) else c
    try:
        if num.is_polynomial(s) and sympy.degree(num, s) <= 8:
            for r in sympy.Poly(num, s).real_roots():
                roots.append(mpmath.mpf(sympy.Float(r.evalf(DPS + 10), DPS + 10)))
            return roots
    except (sympy.PolynomialError, sympy.polys.polyerrors.PolificationFailed, NotImplementedError):
        pass
    try:
        f = _lambdify([s], c)
    except Exception:
        return roots
    prev: tuple[mpmath.mpf, Any] | None = None
    for v in grid:
        try:
            fv = mpmath.mpmathify(f(v))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            prev = None
            continue
        if not isinstance(fv, mpmath.mpf) or not mpmath.isfinite(fv):
            prev = None
            continue
        if fv == 0:
            roots.append(v)
        elif prev is not None and (prev[1] < 0) != (fv < 0):
            roots.append(_bisect(f, prev[0], v, prev[1]))
        prev = (v, fv)
    return roots[:20]


def _bisect(f: Callable[..., Any], a: mpmath.mpf, b: mpmath.mpf, fa: mpmath.mpf) -> mpmath.mpf:
    for _ in range(180):
        m = (a + b) / 2
        try:
            fm = mpmath.mpmathify(f(m))
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return m
        if not isinstance(fm, mpmath.mpf) or fm == 0:
            return m
        if (fm < 0) == (fa < 0):
            a, fa = m, fm
        else:
            b = m
    return (a + b) / 2


# --------------------------------------------------------------------------------------------
# evaluation


def _own_functions(e: Any) -> Any:
    """Rewrite functions defined in this package (``sigma``) into exponentials mpmath knows."""
    if not hasattr(e, "atoms"):
        return e
    own = [f for f in e.atoms(sympy.Function) if type(f).__module__.startswith("nnnotes")]
    return e.xreplace({f: f.rewrite(sympy.exp) for f in own}) if own else e


def _lambdify(symbols: Sequence[sympy.Symbol], exprs: Any) -> Callable[..., Any]:
    return sympy.lambdify(list(symbols), exprs, modules="mpmath")


def _violates(rel: str, lhs: Any, rhs: Any) -> bool:
    """Tell whether these values break ``lhs rel rhs`` by more than rounding at the working precision."""
    scale = max(abs(lhs), abs(rhs))
    tol = mpmath.mpf(10) ** (-(mpmath.mp.dps - 10)) * scale
    if isinstance(lhs, mpmath.mpc) or isinstance(rhs, mpmath.mpc):
        if rel == "=":
            return abs(lhs - rhs) > tol
        return any(abs(mpmath.im(v)) > tol for v in (lhs, rhs)) or _violates(
            rel, mpmath.re(lhs), mpmath.re(rhs)
        )
    gap = lhs - rhs  # positive when lhs is larger
    return {
        "=": abs(gap) > tol,
        "<=": gap > tol,
        ">=": -gap > tol,
        "<": gap >= -tol,
        ">": -gap >= -tol,
    }[rel]


class _Step:
    """A step prepared for evaluation: the entries of each side as one mpmath function."""

    def __init__(self, lhs: Sequence[Any], rhs: Sequence[Any], rel: str, symbols: Sequence[sympy.Symbol]):
        self.lhs = [_own_functions(sympy.sympify(e)) for e in lhs]
        self.rhs = [_own_functions(sympy.sympify(e)) for e in rhs]
        self.rel, self.symbols, self.n = rel, list(symbols), len(self.lhs)
        self.f = _lambdify(self.symbols, self.lhs + self.rhs)
        self._expo: Callable[..., Any] | None | bool = None
        self.confirmed_at = DPS

    def values(self, args: Sequence[Any]) -> tuple[list[Any], list[Any]] | None:
        try:
            vals = [mpmath.mpmathify(v) for v in self.f(*args)]
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError):
            return None
        if any(not mpmath.isfinite(v) for v in vals):
            return None
        return vals[: self.n], vals[self.n :]

    def suspect(self, args: Sequence[Any]) -> tuple[bool, int] | None:
        """None where undefined; else (suspect?, index of the entry)."""
        got = self.values(args)
        if got is None:
            return None
        for i, (a, b) in enumerate(zip(*got, strict=True)):
            if _violates(self.rel, a, b):
                return True, i
        return False, 0

    def _exponents(self, args: Sequence[Any]) -> Any:
        """Return the largest |argument| of an exponential in the step at this point (0 if none)."""
        if self._expo is None:
            nodes = {
                a
                for e in self.lhs + self.rhs
                for node in sympy.preorder_traversal(e)
                if isinstance(node, _EXP_LIKE)
                for a in node.args
            }
            ordered = sorted(nodes, key=sympy.default_sort_key)
            self._expo = _lambdify(self.symbols, ordered) if nodes else False
        if self._expo is False:
            return 0
        try:
            return max((abs(mpmath.re(mpmath.mpmathify(v))) for v in self._expo(*args)), default=0)
        except (ZeroDivisionError, ValueError, TypeError, OverflowError, ArithmeticError):
            return mpmath.inf

    def confirm(self, args: Sequence[Any], i: int) -> str | None:
        """Confirm a suspect point, or return None.

        The violation must persist, with a stable gap, at two precisions (the second twice the
        first) high enough to resolve the exponentials at this point and the size of the gap.
        """
        got = self.values(args)
        if got is None:
            return None
        a, b = got[0][i], got[1][i]
        gap, scale = abs(a - b), max(1, abs(a), abs(b))
        expo = self._exponents(args)
        if not mpmath.isfinite(expo):
            return None
        # e^{2|a|} appears in tanh, cosh^2, sigma(a)(1 - sigma(a)): resolve it, with a margin
        need = 40 + int(2.2 * expo / mpmath.log(10))
        if gap > 0:
            need = max(need, 40 + int(-mpmath.log10(gap / scale)))
        need = max(need, 2 * DPS)
        if need > _MAX_DPS:
            return None  # cannot be resolved at reasonable cost: not claimed as a counterexample
        gaps = []
        for dps in (need, 2 * need):
            with mpmath.workdps(dps):
                got = self.values([mpmath.mpf(v) for v in args])
                if got is None or not _violates(self.rel, got[0][i], got[1][i]):
                    return None
                gaps.append(got[0][i] - got[1][i])
        g1, g2 = gaps
        if abs(g1 - g2) > mpmath.mpf(10) ** -6 * abs(g2):
            return None
        self.confirmed_at = need
        return f"confirmed at {need} and {2 * need} digits"


# --------------------------------------------------------------------------------------------
# the search


def _batches(
    step: _Step, doms: dict[sympy.Symbol, sympy.Set], rng: random.Random
) -> Iterator[list[list[mpmath.mpf]]]:
    """Yield the points in batches, cheap ones first.

    A wrong step usually fails in the first batch, so the critical points (which need roots) are
    only computed for steps that survive it.
    """
    syms = step.symbols
    crit = lambda: critical_expressions(*step.lhs, *step.rhs)  # noqa: E731 - computed only if needed
    if len(syms) == 1:
        s = syms[0]
        grid = _values(s, doms[s])
        # moderate values first: a wrong step is usually wrong there, and that counterexample reads best
        yield [[v] for v in sorted(grid, key=_niceness)]
        roots = [r for c in crit() for r in _real_roots(c, s, grid)]
        seen = set(grid)
        yield [[v] for v in _values(s, doms[s], roots) if v not in seen]
        return
    cands = {s: _values(s, doms[s]) for s in syms}
    moderate = {s: [v for v in c if abs(v) <= 4] or c for s, c in cands.items()}
    bases = [[rng.choice(moderate[s]) for s in syms] for _ in range(4)]
    yield [[rng.choice(cands[s]) for s in syms] for _ in range(40)]
    pts: list[list[mpmath.mpf]] = []
    per = max(8, 160 // len(syms))
    for j, s in enumerate(syms):
        vals = cands[s]
        step_ = max(1, len(vals) // per)
        for k, v in enumerate(vals[::step_]):
            p = list(bases[k % len(bases)])
            p[j] = v
            pts.append(p)
    for m in (10, 40, 1000, 10**4, 10**20):
        for _ in range(3):
            p = [mpmath.mpf(m) * rng.choice((1, -1)) for _ in syms]
            pts.append(
                [
                    v if _inside(v, doms[s]) else bases[0][j]
                    for j, (s, v) in enumerate(zip(syms, p, strict=True))
                ]
            )
    yield pts
    yield _critical_points(syms, doms, crit(), bases, rng)


def _niceness(v: mpmath.mpf) -> tuple[int, Any]:
    """Order for trying values: moderate ones first, then small, then far out."""
    a = abs(v)
    simple = 2 * v == mpmath.nint(2 * v)
    return (0 if mpmath.mpf(1) / 4 <= a <= 10 else 1 if a <= 1000 else 2, not simple, a)


def _critical_points(
    syms: list[sympy.Symbol],
    doms: dict[sympy.Symbol, sympy.Set],
    crit: list[sympy.Expr],
    bases: list[list[mpmath.mpf]],
    rng: random.Random,
) -> list[list[mpmath.mpf]]:
    """Points on and next to the critical sets, solving each critical expression for one symbol."""
    out: list[list[mpmath.mpf]] = []
    for c in crit[:12]:
        for j, s in enumerate(syms):
            if s not in c.free_symbols:
                continue
            num = sympy.fraction(sympy.together(c))[0]
            try:
                if not (num.is_polynomial(s) and sympy.degree(num, s) <= 2):
                    continue
                sols = sympy.solve(num, s)
            except Exception:
                continue
            for sol in sols[:2]:
                try:
                    f = _lambdify(syms, sol)
                except Exception:
                    continue
                wide = [rng.choice((-1, 1)) * mpmath.mpf(10) ** rng.randint(-2, 3) for _ in syms]
                wide = [
                    v if _inside(v, doms[r]) else bases[0][k]
                    for k, (r, v) in enumerate(zip(syms, wide, strict=True))
                ]
                for base in [*bases, wide]:
                    try:
                        r = mpmath.mpmathify(f(*base))
                    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                        continue
                    if not isinstance(r, mpmath.mpf) or not mpmath.isfinite(r):
                        continue
                    for d in (0, 1e-3, -1e-3, 1e-12, -1e-12, 1e-30, -1e-30):
                        v = r + mpmath.mpf(d) * max(1, abs(r))
                        if _inside(v, doms[s]):
                            p = list(base)
                            p[j] = v
                            out.append(p)
    return out


def _golden(g: Callable[[mpmath.mpf], Any], a: mpmath.mpf, b: mpmath.mpf, iters: int = 90) -> mpmath.mpf:
    invphi = (mpmath.sqrt(5) - 1) / 2
    c, d = b - invphi * (b - a), a + invphi * (b - a)
    gc, gd = g(c), g(d)
    for _ in range(iters):
        if gc < gd:
            b, d, gd = d, c, gc
            c = b - invphi * (b - a)
            gc = g(c)
        else:
            a, c, gc = c, d, gd
            d = a + invphi * (b - a)
            gd = g(d)
    return (a + b) / 2


def _refine_minima(step: _Step, pts: list[list[mpmath.mpf]]) -> list[list[mpmath.mpf]]:
    """For one symbol and an inequality, golden-section search near the smallest local minima of the slack."""
    sign = 1 if step.rel.startswith("<") else -1

    def slack(v: mpmath.mpf) -> Any:
        got = step.values([v])
        if got is None or any(isinstance(u, mpmath.mpc) for u in got[0] + got[1]):
            return mpmath.inf
        return min(sign * (b - a) for a, b in zip(*got, strict=True))

    xs = sorted(p[0] for p in pts)
    ys = [slack(v) for v in xs]
    minima = [
        k for k in range(1, len(xs) - 1) if ys[k] < ys[k - 1] and ys[k] < ys[k + 1] and mpmath.isfinite(ys[k])
    ]
    minima.sort(key=lambda k: ys[k])
    out = []
    for k in minima[:4]:
        out.append([_golden(slack, xs[k - 1], xs[k + 1])])
    return out


def search(
    lhs: Sequence[Any],
    rhs: Sequence[Any],
    relation: str,
    symbols: Sequence[sympy.Symbol],
    domain: Mapping[Any, sympy.Interval] | None,
    *,
    seed: str,
    deep: bool = False,
) -> SearchResult:
    """Look for a point of the domain where ``lhs[i] relation rhs[i]`` fails for some entry ``i``.

    Parameters
    ----------
    lhs, rhs : sequence of sympy expressions
        The entries of the two sides (one entry for a scalar step).
    relation : {"=", "<", "<=", ">", ">="}
        How each left entry relates to the right one.
    symbols : sequence of sympy.Symbol
        The free symbols, in a fixed order.
    domain : mapping, optional
        A narrower interval for some symbols (see `symbol_interval`).
    seed : str
        Seeds the random part of the sample, so that a search is reproducible.
    deep : bool
        Evaluate again, at enough digits to resolve their exponentials (up to `_MAX_DPS`), the
        points where an exponential is large: there ``sigma(x)`` and ``1 - exp(-3000)`` both round
        to 1 at `DPS` digits, so a step off by ``exp(-6000)`` is invisible to the first pass. It
        costs up to seconds, so `Derivation` asks for it only for steps no certificate proves.

    Returns
    -------
    SearchResult
        With ``counterexample`` set when a certified one was found (the search stops there).
    """
    if relation not in {"=", "<", "<=", ">", ">="}:
        raise ValueError(f"relation must be one of '=', '<', '<=', '>', '>=', got {relation!r}")
    if len(lhs) != len(rhs):
        raise ValueError(f"lhs and rhs must have as many entries, got {len(lhs)} and {len(rhs)}")
    syms = list(symbols)
    with mpmath.workdps(DPS):
        step = _Step(lhs, rhs, relation, syms)
        rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
        doms = {s: symbol_interval(s, domain) for s in syms}
        batches = _batches(step, doms, rng) if syms else iter([[[]]])
        evaluated, tried, pts = 0, 0, []
        if deep:
            return _deep(step, batches)
        for batch in batches:
            tried += len(batch)
            pts += batch
            for args in batch:
                got = step.suspect(args)
                if got is not None:
                    evaluated += 1
                    cx = _certify(step, args, got[1]) if got[0] else None
                    if cx is not None:
                        return SearchResult(evaluated, tried, DPS, cx)
        if len(syms) == 1 and relation != "=":
            refined = _refine_minima(step, pts)
            tried += len(refined)
            for args in refined:
                got = step.suspect(args)
                if got is None:
                    continue
                evaluated += 1
                cx = _certify(step, args, got[1]) if got[0] else None
                if cx is None and relation in ("<", ">"):
                    cx = _exact_touch(step, args[0], doms[syms[0]])
                if cx is not None:
                    return SearchResult(evaluated, tried, DPS, cx)
    return SearchResult(evaluated, tried, DPS, None)


def _deep(step: _Step, batches: Iterator[list[list[mpmath.mpf]]]) -> SearchResult:
    """Re-evaluate the points with large exponentials at the digits they need (see `search`)."""
    evaluated, tried, most = 0, 0, DPS
    for batch in batches:
        tried += len(batch)
        for args in batch:
            expo = step._exponents(args)
            if not mpmath.isfinite(expo):
                continue
            need = 40 + int(2.2 * expo / mpmath.log(10))
            if need <= DPS + 10 or need > _MAX_DPS:
                continue
            with mpmath.workdps(need):
                got = step.suspect([mpmath.mpf(a) for a in args])
            if got is None:
                continue
            evaluated += 1
            most = max(most, need)
            cx = _certify(step, args, got[1]) if got[0] else None
            if cx is not None:
                return SearchResult(evaluated, tried, DPS, cx, most)
    return SearchResult(evaluated, tried, DPS, None, most)


def _certify(step: _Step, args: list[mpmath.mpf], i: int) -> Counterexample | None:
    how = step.confirm(args, i)
    if how is None:
        return None
    with mpmath.workdps(step.confirmed_at):  # the sides as resolved there (they may differ by 1e-2606)
        vals = step.values([mpmath.mpf(a) for a in args])
        assert vals is not None
        a, b = vals[0][i], vals[1][i]
        gap = mpmath.nstr(abs(a - b), 6)
    point = {str(s): mpmath.nstr(a, DPS) for s, a in zip(step.symbols, args, strict=True)}
    return Counterexample(point, mpmath.nstr(a, 40), mpmath.nstr(b, 40), gap, how)


def _exact_touch(step: _Step, v: mpmath.mpf, dom: sympy.Set) -> Counterexample | None:
    """Where a strict inequality's slack nearly vanishes, guess the exact point and check it exactly.

    Golden-section search converges to a point where the slack is about ``1e-50``, never to the
    exact point (``x = pi`` for ``(x - pi)**2 > 0``); a closed form of the point, found by
    ``nsimplify`` and then checked in exact arithmetic, turns the near miss into a counterexample.
    """
    got = step.values([v])
    if got is None or abs(v) > 1000:
        return None
    scale = 1 + max(abs(u) for u in got[0] + got[1])
    if min(abs(a - b) for a, b in zip(*got, strict=True)) > mpmath.mpf(10) ** (-(DPS // 3)) * scale:
        return None
    s = step.symbols[0]
    try:
        c = sympy.nsimplify(sympy.Float(v, DPS), [sympy.pi, sympy.E], tolerance=10.0 ** (-(DPS // 3)))
    except Exception:
        return None
    if not c.is_real or not _inside(mpmath.mpf(sympy.N(c, DPS)), dom):
        return None
    for lhs, rhs in zip(step.lhs, step.rhs, strict=True):
        a, b = sympy.simplify(lhs.subs(s, c)), sympy.simplify(rhs.subs(s, c))
        d = sympy.simplify(a - b)
        fails = d.is_nonnegative if step.rel == "<" else d.is_nonpositive
        if fails is True:
            return Counterexample({str(s): str(c)}, str(a), str(b), str(abs(d)), "exact arithmetic")
    return None


def _short(point: dict[str, str], most: int = 6) -> str:
    """Show a point, cutting it short when it has many coordinates (matrix entries)."""
    if len(point) <= most:
        return str(point)
    head = dict(list(point.items())[:most])
    return f"{str(head)[:-1]}, ... ({len(point)} coordinates)}}"
