r"""Certificates for the sign of an expression on a domain: proofs, never a solver's answer.

`prove_sign` returns how it proved ``h > 0`` (or ``h >= 0``) on a domain, or ``None``. Every
method it uses is a certificate that sympy's deductions check, not a search:

* **sign from the assumptions**: sympy's assumption system decides the sign of ``h`` (or of its
  factored or simplified form) from the symbols' assumptions (``x`` real makes ``x**2`` non-negative);
* **substitution**: a symbol restricted to an interval is written through a positive parameter
  ``u`` that covers exactly the open interval (``t = a + u`` on ``(a, oo)``,
  ``t = (a + b u)/(1 + u)`` on ``(a, b)``), the sign of the result is decided from ``u > 0``, and
  each closed end is checked by exact substitution;
* **case split**: for one symbol, the interval is cut at the real zeros of the arguments of
  ``Abs``, ``Max`` and ``Min`` (found exactly where an argument is a polynomial of degree at most
  4; other zeros are not cut at, and a piece that holds one fails the split); on each piece the sign of
  each argument is itself proved by substitution, the kink is replaced by the matching branch,
  and the sign of the result is proved by substitution.

A solver's empty solution set (``solveset``) is not used here: it is believed only after a
numeric search (`nnnotes.check.counterexample`), and then the step is labelled as evaluated, not proved.

Examples
--------
>>> import sympy
>>> t = sympy.Symbol("t", real=True)
>>> prove_sign(1 - sympy.Abs(1 - t), strict=True, domain={t: sympy.Interval.open(0, 2)})
'case split at t = 1, each piece by substitution over t in (0, 2)'
>>> prove_sign(1 - sympy.Abs(1 - t), strict=True, domain={t: sympy.Interval.open(0, 3)}) is None
True
>>> x = sympy.Symbol("x", real=True)
>>> prove_sign(x**2 - 2*x + 1, strict=False, domain={})
'sign after factoring'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy

from nnnotes.check.sampling import symbol_interval

__all__ = ["interval_text", "prove_sign", "solver_verdict"]


def _decided(e: Any, strict: bool) -> bool:
    return (e.is_positive if strict else e.is_nonnegative) is True


def _opaque_constants(e: Any) -> Any:
    """Replace constants such as ``exp(-720)`` by symbols that keep only their sign.

    ``factor`` spends tens of seconds on ``exp(-720)``; a proof of the sign that uses only
    ``exp(-720) > 0`` is still a proof, so nothing is lost in soundness.
    """
    repl = {}
    for f in e.atoms(sympy.Function):
        if f.free_symbols:
            continue
        if f.is_positive:
            repl[f] = sympy.Dummy("c", positive=True)
        elif f.is_negative:
            repl[f] = sympy.Dummy("c", negative=True)
    return e.xreplace(repl) if repl else e


_FORMS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("sign from the assumptions", lambda e: e),
    ("sign after cancelling", sympy.cancel),
    ("sign after factoring", lambda e: sympy.factor(_opaque_constants(e))),
    ("sign after simplify", lambda e: sympy.simplify(_opaque_constants(e))),
)


#: Bits above which a number makes `sympy.factor` and `sympy.simplify` search for minutes: with
#: $10^{-307} - e^{-u - 709}$, factoring ran over 6 minutes without an answer. An expression holding
#: such a number gets only the cheap forms (its claim can still be evaluated numerically).
_HUGE_BITS = 200
#: The largest number in an exponent that factoring and simplifying are given.
_EXP_COEFFICIENT = 20


def _has_huge_number(e: Any) -> bool:
    if any(max(abs(r.p), r.q).bit_length() > _HUGE_BITS for r in e.atoms(sympy.Rational)):
        return True
    # factor takes e^{-100(x - 7)^2} as a polynomial in e^x of degree 1400: it ran for minutes
    return any(
        abs(r) > _EXP_COEFFICIENT
        for f in e.atoms(sympy.exp)
        for r in sympy.expand(f.args[0]).atoms(sympy.Rational)
    )


def _by_assumptions(h: Any, strict: bool) -> str | None:
    if not h.free_symbols and not h.is_Rational:
        return None  # the sign of a constant such as pi - 22/7 comes from evalf: evaluated, not proved
    for label, form in _FORMS[:2] if _has_huge_number(h) else _FORMS:
        try:
            g = form(h)
        except Exception:
            continue
        if _decided(g, strict):
            return label
    return None


def _exact_sign(v: Any, strict: bool) -> bool:
    """Exact sign of a value at a closed end of an interval (no symbols left)."""
    v = sympy.nsimplify(v) if v.is_Float else v
    if v.is_Rational:
        return bool(v > 0) if strict else bool(v >= 0)
    return _by_assumptions(sympy.simplify(v), strict) is not None


def _on_interval(g: Any, s: sympy.Symbol, piece: sympy.Interval, strict: bool) -> bool:
    """Prove the sign of ``g`` for ``s`` in ``piece`` by substitution, ends checked exactly."""
    u = sympy.Dummy("u", positive=True)
    lo, hi = piece.start, piece.end
    if lo.is_finite and hi.is_finite:
        subs = [(lo + hi * u) / (1 + u)]
    elif lo.is_finite:
        subs = [lo + u]
    elif hi.is_finite:
        subs = [hi - u]
    else:
        subs = [u, -u]
    closed_ends = ((lo, not piece.left_open), (hi, not piece.right_open))
    ends = [e for e, closed in closed_ends if closed and e.is_finite]
    if not lo.is_finite and not hi.is_finite:
        ends = [sympy.Integer(0)]
    for sub in subs:
        if _by_assumptions(g.subs(s, sub), strict) is None:
            return False
    for e in ends:
        try:
            v = g.subs(s, e)
        except (ZeroDivisionError, TypeError):
            return False
        if v.has(sympy.zoo, sympy.nan) or not _exact_sign(v, strict):
            return False
    return True


def _kinks(h: Any) -> list[Any]:
    out = []
    for node in sympy.preorder_traversal(h):
        if isinstance(node, sympy.Abs | sympy.Max | sympy.Min):
            out.append(node)
    return out


def _resolve(h: Any, s: sympy.Symbol, piece: sympy.Interval) -> Any | None:
    """Replace each Abs/Max/Min by its branch on ``piece``, each choice proved; None if one is not."""
    repl = {}
    for node in _kinks(h):
        if isinstance(node, sympy.Abs):
            a = node.args[0]
            if _on_interval(a, s, piece, strict=False):
                repl[node] = a
            elif _on_interval(-a, s, piece, strict=False):
                repl[node] = -a
            else:
                return None
        else:
            pick = max if isinstance(node, sympy.Max) else min
            for cand in node.args:
                others = [o for o in node.args if o is not cand]
                sign = 1 if pick is max else -1
                if all(_on_interval(sign * (cand - o), s, piece, strict=False) for o in others):
                    repl[node] = cand
                    break
            else:
                return None
    return h.xreplace(repl)


def _breakpoints(h: Any, s: sympy.Symbol, piece: sympy.Interval) -> list[Any]:
    pts: set[Any] = set()
    for node in _kinks(h):
        args = node.args
        pairs = [a - b for i, a in enumerate(args) for b in args[i + 1 :]]
        diffs = [args[0]] if isinstance(node, sympy.Abs) else pairs
        for d in diffs:
            num = sympy.fraction(sympy.together(d))[0]
            try:
                if not num.is_polynomial(s) or sympy.degree(num, s) > 4:
                    continue
                roots = sympy.Poly(num, s).real_roots()
            except Exception:
                continue
            pts |= {r for r in roots if piece.contains(r) == sympy.true and r not in (piece.start, piece.end)}
    return sorted(pts, key=lambda r: float(r))


def interval_text(iv: sympy.Set) -> str:
    """Write an interval the usual way: ``(0, 2)``, ``[2, 50]``, ``(0, oo)``, ``R``.

    Examples
    --------
    >>> import sympy
    >>> interval_text(sympy.Interval.Lopen(0, 1)), interval_text(sympy.S.Reals)
    ('(0, 1]', 'R')
    """
    if iv == sympy.S.Reals:
        return "R"
    if isinstance(iv, sympy.Interval):
        left = "(" if iv.left_open or not iv.start.is_finite else "["
        right = ")" if iv.right_open or not iv.end.is_finite else "]"
        return f"{left}{iv.start}, {iv.end}{right}"
    return str(iv)


def prove_sign(h: Any, *, strict: bool, domain: Mapping[Any, sympy.Interval] | None) -> str | None:
    """Prove ``h > 0`` (``strict``) or ``h >= 0`` for every point of the domain; say how, or return None.

    Parameters
    ----------
    h : sympy expression
        The expression whose sign is to be proved.
    strict : bool
        Prove ``h > 0`` rather than ``h >= 0``.
    domain : mapping, optional
        A narrower interval for some symbols; the others range over their sympy assumptions.

    Returns
    -------
    str or None
        The method whose success is the proof, or None when none succeeded (which says nothing
        about whether the sign holds).
    """
    h = sympy.sympify(h)
    domain = domain or {}
    syms = sorted(h.free_symbols, key=str)
    narrowed = [s for s in syms if s in domain and symbol_interval(s, domain) != symbol_interval(s)]
    if not narrowed:
        how = _by_assumptions(h, strict)
        if how is not None:
            return how
    if len(syms) == 1:
        s = syms[0]
        dom = symbol_interval(s, domain)
        if not isinstance(dom, sympy.Interval):
            return None
        cuts = _breakpoints(h, s, dom)
        ends = [dom.start, *cuts, dom.end]
        pieces = [
            sympy.Interval(
                a, b, left_open=(k == 0 and dom.left_open), right_open=(k == len(ends) - 2 and dom.right_open)
            )
            for k, (a, b) in enumerate(zip(ends, ends[1:], strict=False))
        ]
        for piece in pieces:
            g = _resolve(h, s, piece)
            if g is None or not _on_interval(g, s, piece, strict):
                return None
        split = f"case split at {', '.join(f'{s} = {c}' for c in cuts)}, each piece" if cuts else "sign"
        return f"{split} by substitution over {s} in {interval_text(dom)}"
    if narrowed:
        u = {s: sympy.Dummy(f"u_{s}", positive=True) for s in narrowed}
        sub = {}
        for s in narrowed:
            iv = symbol_interval(s, domain)
            if (
                not isinstance(iv, sympy.Interval)
                or not (iv.left_open or not iv.start.is_finite)
                or not (iv.right_open or not iv.end.is_finite)
            ):
                return None  # closed ends of several symbols: not handled here
            lo, hi = iv.start, iv.end
            sub[s] = (
                (lo + hi * u[s]) / (1 + u[s])
                if lo.is_finite and hi.is_finite
                else (lo + u[s] if lo.is_finite else (hi - u[s] if hi.is_finite else None))
            )
            if sub[s] is None:
                return None
        how = _by_assumptions(h.subs(sub), strict)
        if how is not None:
            shown = ", ".join(f"{s} in {interval_text(symbol_interval(s, domain))}" for s in narrowed)
            return f"{how}, by substitution over {shown}"
    return None


def solver_verdict(
    h: Any, *, strict: bool, domain: Mapping[Any, sympy.Interval] | None
) -> tuple[tuple[dict[str, str], str] | None, str]:
    """Ask ``solveset`` where ``h > 0`` (``strict``) or ``h >= 0`` fails; check a point it names exactly.

    A solver's answer is used one way only: a violating point it names is substituted and the
    sign decided exactly, which refutes the step; its "no violating point" is never a proof, only
    a note for the report. It is asked only for one non-integer symbol and pieces where it is fast
    (polynomial or rational, ``Abs``, ``Max``, ``Min``): it can hang on exponentials.

    Returns
    -------
    violation : tuple or None
        ``(point, why)`` where the sign fails exactly: the point (symbol name to value, and
        ``"difference"``) and a sentence saying so.
    note : str
        ``"; solveset finds no violating point (...)"`` when it found none, else ``""``.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> solver_verdict((x - 1) ** 2, strict=True, domain={})[0]
    ({'x': '1', 'difference': '0'}, 'at x = 1 the slack is exactly 0')
    >>> solver_verdict(x**2 + 1, strict=True, domain={})[1]
    "; solveset finds no violating point (a solver's answer, not a proof)"
    """
    h = sympy.sympify(h)
    syms = sorted((s for s in h.free_symbols if isinstance(s, sympy.Symbol)), key=str)
    elementary = all(isinstance(f, sympy.Abs | sympy.Max | sympy.Min) for f in h.atoms(sympy.Function))
    if len(syms) != 1 or syms[0].is_integer or not elementary:
        return None, ""
    s = syms[0]
    iv = symbol_interval(s, domain or {})
    for expr in (h, h.rewrite(sympy.exp)):
        try:
            bad = sympy.solveset(expr <= 0 if strict else expr < 0, s, iv)
        except Exception:  # a solver that gives up has said nothing
            continue
        if bad is sympy.S.EmptySet:
            return None, "; solveset finds no violating point (a solver's answer, not a proof)"
        listed = isinstance(bad, sympy.Interval | sympy.FiniteSet | sympy.Union)
        p = _a_point_in(bad) if listed else None
        if p is not None and iv.contains(p) == sympy.true:
            v = sympy.simplify(h.subs(s, p))
            if (v.is_nonpositive if strict else v.is_negative) is True:
                return ({str(s): str(p), "difference": str(v)}, f"at {s} = {p} the slack is exactly {v}"), ""
        return None, ""
    return None, ""


def _a_point_in(s: sympy.Set) -> Any:
    if isinstance(s, sympy.FiniteSet):
        return next(iter(s))
    if isinstance(s, sympy.Union):
        return _a_point_in(s.args[0])
    if isinstance(s, sympy.Interval):
        lo, hi = s.start, s.end
        if lo.is_finite and hi.is_finite:
            return (lo + hi) / 2
        if lo.is_finite:
            return lo + 1
        if hi.is_finite:
            return hi - 1
        return sympy.Integer(0)
    return None
