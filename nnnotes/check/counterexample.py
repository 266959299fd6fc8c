r"""Search the whole domain of a step for a counterexample, at high precision, before any proof.

A step ``lhs R rhs`` (R one of ``=``, ``<``, ``<=``, ``>``, ``>=``) is evaluated with mpmath at
`DPS` significant digits at a bounded set of points of its domain chosen to find the places where
a wrong step is wrong (`nnnotes.check.sampling`: wide magnitudes up to ``1e50``, the ends of each
symbol's interval, points next to the zeros of denominators, kinks and branch points it locates,
and for an inequality of one symbol the minima of its slack).

A point where the sides seem to disagree is only a *suspect*: it becomes a counterexample when the
disagreement persists, with the same gap to six digits, at two higher precisions, the first high
enough to resolve the exponentials at that point and the size of the gap, the second twice the
first (`nnnotes.check.evaluation.StepSides.confirm`). Rounding noise (``1 - tanh(x)**2`` at
``x = 10^4`` is about ``5e-8686`` but rounds to zero) is therefore not mistaken for a counterexample,
while a step off by ``1e-30`` relative is caught. A point that would need more than
`nnnotes.check.evaluation.MAX_DPS` digits is not confirmed that way; enclosures of both sides
(`nnnotes.check.enclosure`, intervals that hold the exact values) may still prove it false, at
``2 * DPS`` digits for a suspect, and for a step without symbols (one point, such as
$\sigma(10^4) = 1$) at the digits it needs, up to `nnnotes.check.evaluation.MAX_CONSTANT_DPS`.
Where a strict inequality's slack nearly vanishes (at a refined minimum of one symbol, or at a
point made of the step's own decimals, which binary numbers only round), ``nsimplify`` guesses
the exact point (``pi``, ``17/10``) and exact arithmetic checks it, unless the slack there,
evaluated at two precisions, agrees to ten places and has the claim's sign (an exact zero would
come out as rounding noise, which shrinks as the digits grow).

Every precision is explicit: the search works inside ``mpmath.workdps``, and neither reads nor sets
mpmath's global precision, so its result does not depend on what the caller (or a page built
before) did to ``mpmath.mp.dps``.

Examples
--------
The inequality $\tanh^2 x \le 1 - 10^{-30}$ is false once $|x|$ exceeds about 35.23; the search finds where:

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

import hashlib
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from nnnotes.check.evaluation import DPS, MAX_CONSTANT_DPS, MAX_DPS, StepSides
from nnnotes.check.sampling import inside, point_batches, symbol_interval

__all__ = ["DPS", "Counterexample", "SearchResult", "search"]


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
    #: The sizes a step written for any size was searched at (`nnnotes.check.concrete`), or "".
    sizes: str = ""
    #: Whether no symbol was left once the sides were evaluated, so that one evaluation decides.
    constant: bool = False

    @property
    def searched(self) -> bool:
        """Whether the search evaluated the step anywhere: a search of 0 points checked nothing."""
        return self.evaluated > 0

    def describe(self) -> str:
        """One line for the report: how many points, at how many digits (and at which sizes).

        A search that could evaluate the step at none of its points says so, and never that it
        found no counterexample.
        """
        if not self.searched:
            return (
                f"counterexample search: not possible, the step evaluates at none of its {self.tried} points"
            )
        far = f"; far points again at up to {self.max_dps} digits" if self.max_dps else ""
        at = f", at {self.sizes}" if self.sizes else ""
        if self.constant:
            return f"no symbol is left once the sides are evaluated, and they agree ({self.dps} digits{at})"
        points = "1 point" if self.evaluated == 1 else f"{self.evaluated} points"
        return f"no counterexample at {points} ({self.dps} digits{at}{far})"


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


@mpmath.workdps(DPS)
def _refine_minima(step: StepSides, pts: list[list[mpmath.mpf]]) -> list[list[mpmath.mpf]]:
    """For one symbol and an inequality, golden-section search near the smallest local minima of the slack.

    ``pts`` are the points already evaluated (one coordinate each); the minima found between them
    are returned as new points.
    """
    sign = 1 if step.rel.startswith("<") else -1

    def slack(v: mpmath.mpf) -> Any:
        got = step.values([v], DPS)
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
    first: int | None = None,
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
        Evaluate again, at enough digits to resolve their exponentials (up to ``MAX_DPS``), the
        points where an exponential is large: there ``sigma(x)`` and ``1 - exp(-3000)`` both round
        to 1 at `DPS` digits, so a step off by ``exp(-6000)`` is invisible to the first pass. It
        costs up to seconds, so `Derivation` asks for it only for steps no certificate proves.
    first : int, optional
        A positive integer: evaluate only the first ``first`` points of the first batch (the
        points of the whole search, in its order), a quick screen where a false step usually
        fails; `Derivation` screens every step after the first so before the whole searches.

    Returns
    -------
    SearchResult
        With ``counterexample`` set when a certified one was found (the search stops there).
    """
    if relation not in {"=", "<", "<=", ">", ">="}:
        raise ValueError(f"relation must be one of '=', '<', '<=', '>', '>=', got {relation!r}")
    if len(lhs) != len(rhs):
        raise ValueError(f"lhs and rhs must have as many entries, got {len(lhs)} and {len(rhs)}")
    if first is not None and (isinstance(first, bool) or not isinstance(first, int) or first < 1):
        raise ValueError(f"first must be a positive integer or None, got {first!r}")
    syms = list(symbols)
    with mpmath.workdps(DPS):
        step = StepSides(lhs, rhs, relation, syms)
        rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
        doms = {s: symbol_interval(s, domain) for s in syms}
        batches = point_batches(step, doms, rng) if syms else iter([[[]]])
        evaluated, tried, pts, touches = 0, 0, [], 0
        if deep:
            return _deep(step, batches)
        for batch in batches:
            batch = batch if first is None else batch[:first]
            tried += len(batch)
            pts += batch
            for args in batch:
                got = step.suspect(args, DPS)
                if got is not None:
                    evaluated += 1
                    cx = _certify(step, args, got[1]) if got[0] else None
                    if cx is None and got[0] and relation in ("<", ">") and touches < 20:
                        touches += 1  # a strict inequality at a rounded point: (x - 1.7)^2 + (y - 2.3)^2 > 0
                        cx = _exact_touch(step, args, doms)
                    if cx is not None:
                        return SearchResult(evaluated, tried, DPS, cx)
            if first is not None:
                return SearchResult(evaluated, tried, DPS, None, constant=not syms)
        if len(syms) == 1 and relation != "=":
            refined = _refine_minima(step, pts)
            tried += len(refined)
            for args in refined:
                got = step.suspect(args, DPS)
                if got is None:
                    continue
                evaluated += 1
                cx = _certify(step, args, got[1]) if got[0] else None
                if cx is None and relation in ("<", ">"):
                    cx = _exact_touch(step, args, doms)
                if cx is not None:
                    return SearchResult(evaluated, tried, DPS, cx)
    return SearchResult(evaluated, tried, DPS, None, constant=not syms)


def _deep(step: StepSides, batches: Iterator[list[list[mpmath.mpf]]]) -> SearchResult:
    """Re-evaluate the points with large exponentials at the digits they need (see `search`)."""
    evaluated, tried, most = 0, 0, DPS
    for batch in batches:
        tried += len(batch)
        for args in batch:
            need = step.digits_for(args)
            if need is not None and need > MAX_DPS and not args:  # one point: enclose it (1 - e^{-10^4})
                cx = _enclosed(step, args, min(need, MAX_CONSTANT_DPS))
                if cx is not None:
                    return SearchResult(evaluated + 1, tried, DPS, cx, most)
            if need is None or need <= DPS + 10 or need > MAX_DPS:
                continue
            got = step.suspect(args, need)
            if got is None:
                continue
            evaluated += 1
            most = max(most, need)
            cx = _certify(step, args, got[1]) if got[0] else None
            if cx is not None:
                return SearchResult(evaluated, tried, DPS, cx, most)
    return SearchResult(evaluated, tried, DPS, None, most)


def _enclosed(step: StepSides, args: list[mpmath.mpf], dps: int) -> Counterexample | None:
    for i in range(step.n):
        cx = _certify(step, args, i, step.enclosed(args, i, dps))
        if cx is not None:
            return cx
    return None


def _certify(
    step: StepSides, args: list[mpmath.mpf], i: int, confirmed: tuple[str, int] | None = None
) -> Counterexample | None:
    confirmed = confirmed or step.confirm(args, i)
    if confirmed is None:
        return None
    how, dps = confirmed
    vals = step.values(args, dps)  # the sides as resolved there (they may differ by 1e-2606)
    if vals is None:
        raise AssertionError(f"a confirmed point is undefined at {dps} digits: {args}")
    a, b = vals[0][i], vals[1][i]
    with mpmath.workdps(dps):
        g = abs(a - b)
    # printed from DPS digits: thousands of digits exceed Python's limit on printing an integer
    with mpmath.workdps(DPS):
        gap, a, b = mpmath.nstr(+g, 6), +a, +b
    point = {str(s): mpmath.nstr(a, DPS) for s, a in zip(step.symbols, args, strict=True)}
    return Counterexample(point, mpmath.nstr(a, 40), mpmath.nstr(b, 40), gap, how)


def _exact_touch(
    step: StepSides, args: list[mpmath.mpf], doms: dict[Any, sympy.Set]
) -> Counterexample | None:
    """Where a strict inequality's slack nearly vanishes, guess the exact point and check it exactly.

    Golden-section search converges to a point where the slack is about ``1e-50``, never to the
    exact point (``x = pi`` for ``(x - pi)**2 > 0``), and a point made of the step's own decimals
    is only their binary rounding (``1.7`` in ``(x - 1.7)^2 + (y - 2.3)^2 > 0``); a closed form of
    each coordinate, found by ``nsimplify`` and then checked in exact arithmetic, turns the near
    miss into a counterexample.
    """
    got = step.values(args, DPS)
    if got is None or any(abs(v) > 1000 for v in args):
        return None
    with mpmath.workdps(DPS):
        scale = 1 + max(abs(u) for u in got[0] + got[1])
        if min(abs(a - b) for a, b in zip(*got, strict=True)) > mpmath.mpf(10) ** (-(DPS // 3)) * scale:
            return None
    point = {}
    for s, v in zip(step.symbols, args, strict=True):
        c = _closed_form(v)
        if c is None:
            return None
        if not c.is_real or not inside(mpmath.mpf(sympy.N(c, DPS)), doms[s]):
            return None
        point[s] = c
    held = _held_at(step, point)
    for i, (lhs, rhs) in enumerate(zip(step.lhs, step.rhs, strict=True)):
        if i in held:
            continue
        a, b = sympy.simplify(lhs.subs(point)), sympy.simplify(rhs.subs(point))
        d = sympy.simplify(a - b)
        fails = d.is_nonnegative if step.rel == "<" else d.is_nonpositive
        if fails is True:
            where = {str(s): str(c) for s, c in point.items()}
            return Counterexample(where, str(a), str(b), str(abs(d)), "exact arithmetic")
    return None


def _closed_form(v: mpmath.mpf) -> Any:
    """Return a closed form of ``v`` (``17/10``, ``100*sqrt(10)``, ``pi/2``) by ``nsimplify``, or None.

    Without constants first (a few milliseconds), keeping a form whose integers are all below a
    million; with pi and e only if that fails (a tenth of a second, even for ``1000``).
    """
    tolerance = 10.0 ** (-(DPS // 3))
    try:
        c = sympy.nsimplify(sympy.Float(v, DPS), tolerance=tolerance)
        if all(abs(r.p) < 10**6 and r.q < 10**6 for r in c.atoms(sympy.Rational)):
            return c
        return sympy.nsimplify(sympy.Float(v, DPS), [sympy.pi, sympy.E], tolerance=tolerance)
    except Exception:
        return None


def _held_at(step: StepSides, point: dict[Any, Any]) -> set[int]:
    """Return the entries whose slack at the exact ``point`` is resolved and on the claim's side.

    The slack is evaluated at the digits that resolve the step's exponentials there (at least
    ``2 * DPS``) and at twice as many: where both agree to ten places and are nonzero, the exact
    slack is nonzero with that sign (an exact zero computes as rounding noise, which shrinks with
    the digits), and exact arithmetic, the costly part, is spared (``1 - tanh(x)^2 > 0`` at
    ``x = 1000``, resolved at 995 digits). A step with a binary float in it keeps exact arithmetic
    everywhere: at ``x = 17/10`` the float ``1.7`` leaves a slack that looks resolved.
    """
    if any(e.has(sympy.Float) for e in step.lhs + step.rhs):
        return set()
    with mpmath.workdps(DPS):
        need = step.digits_for([mpmath.mpf(sympy.N(point[s], DPS)) for s in step.symbols])
    low = None if need is None else max(need, 2 * DPS)
    if low is None or low > MAX_DPS:
        return set()
    slacks = []
    for dps in (low, 2 * low):
        with mpmath.workdps(dps + 10):
            args = [mpmath.mpf(sympy.N(point[s], dps + 10)) for s in step.symbols]
        got = step.values(args, dps)
        if got is None:
            return set()
        with mpmath.workdps(dps):
            slacks.append([a - b if step.rel == ">" else b - a for a, b in zip(*got, strict=True)])
    with mpmath.workdps(2 * DPS):
        return {
            i
            for i, (u, v) in enumerate(zip(*slacks, strict=True))
            if u > 0 and v > 0 and abs(u - v) <= abs(u) * mpmath.mpf(10) ** -10
        }


def _short(point: dict[str, str], most: int = 6) -> str:
    """Show a point, cutting it short when it has many coordinates (matrix entries)."""
    if len(point) <= most:
        return str(point)
    head = dict(list(point.items())[:most])
    return f"{str(head)[:-1]}, ... ({len(point)} coordinates)}}"
