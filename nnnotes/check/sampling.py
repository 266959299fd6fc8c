r"""Where to look for a counterexample: the domain of each symbol and the points sampled from it.

A step is searched at a bounded set of points chosen to find the places where a wrong step is wrong
(`nnnotes.check.counterexample.search` runs the search):

* for each real symbol, magnitudes log-spaced from ``1e-12`` to ``1e4`` of both signs, points
  where ``exp`` overflows float64 (``709.8``) and far beyond, up to ``1e50``, all clipped to the
  symbol's interval (`symbol_interval`: its sympy assumptions and any narrower interval declared),
  plus points just inside each finite end of the interval; integer symbols take integers;
* points at and near the *critical points* of the expressions (`critical_expressions`: zeros of
  denominators, kinks of ``Abs``/``Max``/``Min``/``Piecewise``, branch points of ``log`` and roots)
  that it locates: for one symbol, exactly where the expression is a polynomial of degree at most 8
  in it, otherwise from sign changes on the sampling grid (a zero of even multiplicity, or one
  between two grid points, can be missed), at most 20 per symbol;
* for one symbol, the local minima of an inequality's slack, refined by golden-section search;
* for several symbols, sweeps of each symbol over its values with the others held fixed, random
  combinations, and points on the critical sets (a kink ``x = y`` of ``Max(x, y)``) of the first
  12 critical expressions, where one is of degree at most 2 in a symbol.

Points are mpmath numbers made at `nnnotes.check.evaluation.DPS` digits (inside
``mpmath.workdps``), whatever the caller's precision. The values of a symbol without critical
points depend only on its domain, so they are memoised (``functools.lru_cache`` of a pure function
of immutable arguments: a cache, not state; no result depends on what ran before).

Examples
--------
>>> import sympy
>>> t = sympy.Symbol("t", positive=True)
>>> v = candidate_values(t, symbol_interval(t, {t: sympy.Interval(0, 2)}))
>>> float(min(v)) > 0, float(max(v)), len(v) > 100
(True, 2.0, True)
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import mpmath
import sympy

from nnnotes.check.evaluation import DPS, StepSides, mpmath_function

__all__ = [
    "candidate_values",
    "critical_expressions",
    "free_symbols",
    "inside",
    "point_batches",
    "symbol_interval",
]

_MAGNITUDES = tuple(
    sorted(
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
)
_NEAR = tuple(10.0**-k for k in (1, 2, 3, 4, 6, 8, 10, 15, 20, 30, 38))


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


def free_symbols(*exprs: Any) -> list[sympy.Symbol]:
    """Return the scalar symbols of ``exprs``, sorted by name (matrix symbols are left out).

    Examples
    --------
    >>> import sympy
    >>> b, a = sympy.symbols("b a")
    >>> free_symbols(a + b, sympy.MatrixSymbol("W", 2, 2))
    [a, b]
    """
    syms: set[sympy.Symbol] = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    return sorted(syms, key=str)


def _pieces(dom: sympy.Set) -> list[sympy.Interval]:
    if isinstance(dom, sympy.Interval):
        return [dom]
    if dom is sympy.S.Reals:
        return [sympy.Interval(-sympy.oo, sympy.oo)]
    if isinstance(dom, sympy.Union):
        return [p for a in dom.args for p in _pieces(a)]
    return []


@mpmath.workdps(DPS)
def _ends(piece: sympy.Interval) -> tuple[Any, Any]:
    lo = None if piece.start == -sympy.oo else mpmath.mpf(sympy.Float(piece.start, DPS + 10))
    hi = None if piece.end == sympy.oo else mpmath.mpf(sympy.Float(piece.end, DPS + 10))
    return lo, hi


@mpmath.workdps(DPS)
def inside(v: Any, dom: sympy.Set) -> bool:
    """Tell whether the number ``v`` lies in ``dom`` (a union of intervals), compared at `DPS` digits."""
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


def candidate_values(s: sympy.Symbol, dom: sympy.Set, roots: Sequence[Any] = ()) -> list[mpmath.mpf]:
    """Return the values of one symbol to try: wide magnitudes, the ends of its domain, near ``roots``.

    Parameters
    ----------
    s : sympy.Symbol
        The symbol (an integer symbol takes integers only).
    dom : sympy.Set
        Its domain, as `symbol_interval` gives it.
    roots : sequence of mpmath numbers
        Critical points of the step in ``s``: each is tried, and points next to it on both sides.
    """
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
            # every magnitude, up to 1e50 as for a real symbol (a step false only beyond 10^6 fails)
            raw = [mpmath.mpf(int(mpmath.nint(v))) for v in raw]
        return sorted({v for v in raw if inside(v, dom)})


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


@mpmath.workdps(DPS)
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
        f = mpmath_function([s], c)
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
# the points, in batches


def point_batches(
    step: StepSides, doms: dict[sympy.Symbol, sympy.Set], rng: random.Random
) -> Iterator[list[list[mpmath.mpf]]]:
    """Yield the points in batches, cheap ones first.

    A wrong step usually fails in the first batch, so the critical points (which need roots) are
    only computed for steps that survive it.
    """
    syms = step.symbols
    crit = lambda: critical_expressions(*step.lhs, *step.rhs)  # noqa: E731 - computed only if needed
    if len(syms) == 1:
        s = syms[0]
        grid = candidate_values(s, doms[s])
        # moderate values first: a wrong step is usually wrong there, and that counterexample reads best
        yield [[v] for v in sorted(grid, key=_niceness)]
        yield [[v] for v in step.numbers() if v not in grid and inside(v, doms[s])]
        roots = [r for c in crit() for r in _real_roots(c, s, grid)]
        seen = set(grid)
        yield [[v] for v in candidate_values(s, doms[s], roots) if v not in seen]
        return
    cands = {s: candidate_values(s, doms[s]) for s in syms}
    moderate = {s: [v for v in c if abs(v) <= 4] or c for s, c in cands.items()}
    bases = [[rng.choice(moderate[s]) for s in syms] for _ in range(4)]
    yield [[rng.choice(cands[s]) for s in syms] for _ in range(40)]
    if len(syms) <= 3:  # every combination of the step's own numbers, up to about 500 points
        own = {s: [v for v in step.numbers(3 if len(syms) == 3 else 7) if inside(v, doms[s])] for s in syms}
        yield [list(p) for p in itertools.product(*(own[s] for s in syms))]
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
                    v if inside(v, doms[s]) else bases[0][j]
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


@mpmath.workdps(DPS)
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
                    f = mpmath_function(syms, sol)
                except Exception:
                    continue
                wide = [rng.choice((-1, 1)) * mpmath.mpf(10) ** rng.randint(-2, 3) for _ in syms]
                wide = [
                    v if inside(v, doms[r]) else bases[0][k]
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
                        if inside(v, doms[s]):
                            p = list(base)
                            p[j] = v
                            out.append(p)
    return out
