r"""Formulas written in prose, read from their TeX and checked like a derivation.

A page's prose states formulas in TeX: ``$\sigma(-x) = 1 - \sigma(x)$``. `read_chain` reads one
into sympy expressions joined by relations, for a small, explicit part of TeX (numbers, letters
with subscripts and decorations, the operators, ``\frac``, ``\sqrt``, powers, ``e^{...}``, and the
functions it is given, with primes for derivatives); anything else raises `TexReadError`, so a
formula is read as it is shown or not at all. `check_chain` checks each relation of a chain with
`nnnotes.check.Derivation` (a counterexample search at points spread over the whole domain, then a
symbolic proof; a link written ``\approx`` is compared numerically, at 50 digits), so a formula of
the prose is held to the same standard as a published derivation.

Not every relation in prose is a claim. `Chain.links` tells a claim from a *definition* (a name
not used elsewhere in the formula, set equal to something: ``$s = \sigma(x)$``) and from a
*condition* (a single symbol against numbers: ``$x > 0$``, ``$0 < \alpha < 1$``, ``$x \approx 3$``,
which allows the numbers that round to 3), which the prose assumes rather than states; only
claims are checked, and the conditions on one symbol must leave it a value.

Examples
--------
>>> import sympy
>>> c = read_chain(r"\tanh'(x) = 1 - \tanh^2(x) \le 1", {"tanh": sympy.tanh})
>>> [(link.relation, link.kind) for link in c.links]
[('=', 'claim'), ('<=', 'claim')]
>>> [v.method for v in check_chain(c, name="doc-tanh")]
['symbolic', 'symbolic']
>>> [link.kind for link in read_chain(r"0 < \alpha < 1", {}).links]
['condition', 'condition']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from nnnotes.check.derivation import Derivation, DerivationError
from nnnotes.check.record import BuildRecord, recording
from nnnotes.check.texread import TexReadError, read_expression, read_side, split_relations, tokens

__all__ = [
    "Chain",
    "Link",
    "TexReadError",
    "Verdict",
    "check_chain",
    "domain_of",
    "read_chain",
    "read_expression",
]

#: A relation in a chain: ``=``, ``<``, ``<=``, ``>``, ``>=``, ``~`` (approximately) or ``in``.
Relation = str


@dataclass(frozen=True)
class Link:
    """One relation of a chain: ``left relation right``, and whether it is a claim.

    ``kind`` is ``"claim"`` (to be checked), ``"definition"`` (a fresh name set equal to an
    expression) or ``"condition"`` (a single symbol compared with numbers: an assumption). For
    ``in``, ``right`` is a sympy ``Interval``.
    """

    left: Any
    relation: Relation
    right: Any
    kind: str
    #: For ``~``: the significant digits printed on the rounded side (`_approx_digits`); the sides
    #: may differ by half a unit in the last of them.
    tolerance: Any = None


@dataclass(frozen=True)
class Chain:
    """A formula read from TeX: its expressions and the links between neighbours."""

    tex: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Verdict:
    """How one claim of a chain was checked: ``symbolic``, ``numeric`` or ``exact``, and in words."""

    link: Link
    method: str
    detail: str


def _interval(
    toks: list[str], functions: Mapping[str, Callable[..., Any]], matrices: frozenset[str]
) -> sympy.Interval:
    if len(toks) < 5 or toks[0] not in ("(", "[") or toks[-1] not in (")", "]") or "," not in toks:
        raise TexReadError("`\\in` must be followed by an interval such as (0, 1]")
    comma = toks.index(",")
    lo, hi = (
        read_side(toks[1:comma], functions, matrices),
        read_side(toks[comma + 1 : -1], functions, matrices),
    )
    interval = sympy.Interval(lo, hi, left_open=toks[0] == "(", right_open=toks[-1] == ")")
    if not isinstance(interval, sympy.Interval):  # (1, 0) is empty, [1, 1] a point
        raise TexReadError(f"`\\in` is followed by {interval}, not an interval")
    return interval


def _printed_digits(toks: list[str]) -> int:
    """Return the significant digits of the side's longest printed number (1 if it prints none).

    A number that prints only zeros counts its decimal places (0.00 is a value below 0.005, and
    `_numeric` places its tolerance there: the side is 0). Digits in a superscript or a subscript
    are not printed digits; digits in any other braces (a fraction's) are.
    """
    # the 10 of a power of ten (2.32 \times 10^{-16}) is no printed digit
    digits, groups = [], []
    for k, t in enumerate(toks):
        if t == "{":
            groups.append(toks[k - 1 : k] in (["^"], ["_"]) or any(groups))
        elif t == "}" and groups:
            groups.pop()
        script = any(groups) or toks[k - 1 : k] in (["^"], ["_"])
        if t[0].isdigit() and not script and not (t == "10" and toks[k + 1 : k + 2] == ["^"]):
            significant = t.replace(".", "").lstrip("0")
            digits.append(len(significant) if significant else len(t.partition(".")[2]))
    return max(digits, default=1)


def _is_plain_number(toks: list[str]) -> bool:
    r"""Return whether the side is a printed number: ``-0.25``, ``2.32 \times 10^{-16}``."""
    toks = toks[1:] if toks[:1] == ["-"] else toks
    if not toks or not toks[0][0].isdigit():
        return False
    return len(toks) == 1 or (toks[1] in (r"\times", r"\cdot") and toks[2:4] == ["10", "^"])


def _approx_digits(left: list[str], right: list[str]) -> int:
    r"""Return the printed digits that set an approximation's tolerance: those of its rounded side.

    The rounded side is the right one (``\sigma(2) \approx 0.88``), unless only the left one is
    a printed number (``0.50 \approx \sigma(0)``).
    """
    side = left if _is_plain_number(left) and not _is_plain_number(right) else right
    return _printed_digits(side)


def _is_lone(e: Any, others: list[Any]) -> bool:
    """Return whether ``e`` is a single symbol that occurs in none of ``others``."""
    return isinstance(e, sympy.Symbol) and not any(e in getattr(o, "free_symbols", ()) for o in others)


def read_chain(
    tex: str, functions: Mapping[str, Callable[..., Any]], matrices: frozenset[str] = frozenset()
) -> Chain:
    r"""Read ``tex`` (the inside of ``$...$``) into a `Chain`; raise `TexReadError` if it cannot.

    ``functions`` maps a name (``"sigma"`` for ``\sigma``, ``"ReLU"`` for
    ``\operatorname{ReLU}``, ``"f"``) to a callable building its sympy expression; ``matrices``
    names the letters that stand for matrices (refused: the reader reads numbers only).
    A name that a link defines is replaced by its value in the neighbouring links, so that
    ``o_1 = 36 > o_2 = 0`` claims ``36 > 0``.
    """
    if not isinstance(tex, str):
        raise TypeError(f"tex must be a string, got {type(tex).__name__}")
    parts, rels = split_relations(tokens(tex))
    sides: list[Any] = []
    for k, part in enumerate(parts):
        if k and rels[k - 1] == "in":
            if k < len(rels):  # x \in (0, 1) < 5: an interval compared with something else
                raise TexReadError("a relation after an interval")
            sides.append(_interval(part, functions, matrices))
        else:
            sides.append(read_side(part, functions, matrices))
    defined: dict[Any, Any] = {}
    printed: dict[Any, list[str]] = {}  # the tokens of a defined name's value (\pi \approx x = 3.5)
    for k, rel in enumerate(rels):
        left, right = sides[k], sides[k + 1]
        others = [s for j, s in enumerate(sides) if j not in (k, k + 1) and not isinstance(s, sympy.Set)]
        if rel == "=" and _is_lone(left, [right, *others]):
            defined[left], printed[left] = right, parts[k + 1]
        elif rel == "=" and _is_lone(right, [left, *others]):
            defined[right], printed[right] = left, parts[k]
    links = []
    for k, rel in enumerate(rels):
        left, right = sides[k], sides[k + 1]
        tol = None
        if rel == "~":
            shown = [printed.get(side, part) for side, part in ((left, parts[k]), (right, parts[k + 1]))]
            tol = _approx_digits(*shown)
            if _is_plain_number(shown[0]) and not _is_plain_number(shown[1]):
                left, right = right, left  # the rounded side on the right: it sets the tolerance's decade
        if rel == "=" and (defined.get(left) is right or defined.get(right) is left):
            links.append(Link(left, rel, right, "definition", tol))
            continue
        left = defined.get(left, left)
        right = right if isinstance(right, sympy.Set) else defined.get(right, right)
        links.append(Link(left, rel, right, _kind(left, rel, right), tol))
    return Chain(tex, tuple(links))


def _kind(left: Any, rel: str, right: Any) -> str:
    """Return ``"condition"`` for a single symbol compared with a constant, else ``"claim"``."""
    if isinstance(right, sympy.Set):
        return "condition" if isinstance(left, sympy.Symbol) and not right.free_symbols else "claim"
    for a, b in ((left, right), (right, left)):
        if isinstance(a, sympy.Symbol) and not sympy.sympify(b).free_symbols:
            return "condition"
    return "claim"


def _allowed(link: Link) -> tuple[Any, Any]:
    """Return the symbol of a condition and the set of its values that the condition allows."""
    if link.relation == "in":
        return link.left, link.right
    s = link.left if isinstance(link.left, sympy.Symbol) else link.right
    bound = link.right if s is link.left else link.left
    if bound.is_extended_real is not True:  # x > \sqrt{-1}
        raise TexReadError(f"a condition on {s} against {bound}, which is not a real number")
    if link.relation == "~":  # the numbers that the printed digits round: x \approx 3 allows [2.5, 3.5]
        if not bound.is_finite:
            raise TexReadError("`\\approx` with an infinite side")
        half = _half_unit(bound, link.tolerance)
        return s, sympy.Interval(bound - half, bound + half)
    if link.relation == "=":
        return s, sympy.FiniteSet(bound)
    strict = len(link.relation) == 1
    if link.relation.startswith("<") == (s is link.left):  # x < b or b > x: an upper bound
        return s, sympy.Interval(-sympy.oo, bound, right_open=strict)
    return s, sympy.Interval(bound, sympy.oo, left_open=strict)


def _half_unit(rounded: Any, digits: int) -> Any:
    """Half a unit of the last of ``digits`` significant digits printed for ``rounded`` (exact)."""
    place = -digits
    with mpmath.workdps(50):
        size = abs(sympy.N(rounded, 50))
        if size:
            # the decade of the rounded side, decided exactly (a float logarithm of 10^-10 may miss it)
            exact, e = abs(rounded), int(mpmath.floor(mpmath.log10(mpmath.mpf(str(size)))))
            e += int(bool(sympy.Integer(10) ** (e + 1) <= exact)) - int(bool(sympy.Integer(10) ** e > exact))
            place = e - digits + 1
    return sympy.Rational(1, 2) * sympy.Integer(10) ** place


def _numeric(link: Link, name: str) -> Verdict:
    """``~``: both sides are numbers, within half a unit of the rounded side's last printed digit."""
    if link.left.free_symbols or link.right.free_symbols:
        raise TexReadError("`\\approx` between expressions with symbols is not checked")
    if not (link.left.is_finite and link.right.is_finite):
        raise TexReadError("`\\approx` with an infinite side")
    with mpmath.workdps(50):
        gap = abs(sympy.N(link.left - link.right, 50))
        tol = sympy.N(_half_unit(link.right, link.tolerance), 50)
    if not gap <= tol:
        raise DerivationError(
            f"{link.left} is not within {tol:.3g} of {link.right} (off by {gap:.3g})",
            derivation=name,
            step=1,
            reason="approximately equal",
        )
    return Verdict(link, "numeric", f"within {sympy.N(tol, 3)} (the printed digits), at 50 digits")


def domain_of(tex: str, functions: Mapping[str, Callable[..., Any]] | None = None) -> dict[Any, Any]:
    r"""Read conditions such as ``0 < t < 1; x > 0`` into an interval per symbol.

    Examples
    --------
    >>> domain_of(r"0 < t \le 1; x > 0")
    {t: Interval.Lopen(0, 1), x: Interval.open(0, oo)}
    """
    out: dict[Any, Any] = {}
    for part in tex.split(";"):
        for link in read_chain(part, functions or {}).links:
            if link.kind != "condition" or link.relation not in ("<", "<=", ">", ">=", "in"):
                raise TexReadError(f"{part.strip()!r} is not a condition on one symbol")
            s, iv = _allowed(link)
            out[s] = out.get(s, sympy.Interval(-sympy.oo, sympy.oo)).intersect(iv)
            if out[s] == sympy.S.EmptySet:
                raise TexReadError(f"the conditions {tex.strip()!r} leave {s} no value")
    return out


def check_chain(
    chain: Chain,
    *,
    name: str,
    domain: Mapping[Any, Any] | None = None,
    record: BuildRecord | None = None,
) -> list[Verdict]:
    """Check every claim of ``chain``; raise `DerivationError` at a false one.

    Each claim is verified as a one-step `Derivation` named ``name`` (with ``/k`` for the k-th
    link) on ``domain`` (an interval per symbol, see `domain_of`), recorded in ``record`` (a
    fresh one if None) rather than in the build's record.
    """
    out: list[Verdict] = []
    allowed: dict[Any, Any] = {}
    with recording(record or BuildRecord()):
        for k, link in enumerate(chain.links, start=1):
            if link.kind == "condition":  # 2 < x < 1, or 2 \approx x \approx 4, leaves x no value
                s, values = _allowed(link)
                allowed[s] = allowed.get(s, sympy.Reals).intersect(values)
                if allowed[s] == sympy.S.EmptySet:
                    raise DerivationError(
                        f"the conditions on {s} leave it no value",
                        derivation=f"{name}/{k}",
                        step=1,
                        reason="the conditions of the prose",
                    )
            if link.kind != "claim":
                continue
            if link.relation == "~":
                out.append(_numeric(link, f"{name}/{k}"))
                continue
            pairs: list[tuple[Any, str, Any]] = [(link.left, link.relation, link.right)]
            if link.relation == "in":
                iv = link.right
                pairs = [(iv.start, "<" if iv.left_open else "<=", link.left)]
                pairs.append((link.left, "<" if iv.right_open else "<=", iv.end))
            for left, rel, right in pairs:
                if rel == "=" and sympy.latex(left) == sympy.latex(right):  # one expression, read twice
                    out.append(Verdict(link, "symbolic", "the same expression once read"))
                    continue
                d = Derivation(left, name=f"{name}/{k}", domain=domain)
                d = d.step(right, "as the prose states", rel).verify()
                out.append(Verdict(link, d.steps[0].method or "numeric", d.steps[0].detail or ""))
    return out
