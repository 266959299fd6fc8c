r"""Token patterns that TeX shows one way and a reading from left to right would read another way.

`nnnotes.check.texread` reads a formula as it is shown or refuses it. Most refusals are made while
reading; the patterns here are found on the whole token list first, because they span several
tokens: a derivative in Leibniz's notation (``\frac{dy}{dx}`` would read as y/x), a difference
quotient (``\Delta y/\Delta x``), digits set apart (``1\,000`` would read as 1 times 000), a mixed
number (``2\tfrac12`` would read as 1), scientific notation (``1.5e3`` would read as 1.5 times e
times 3), two formulas side by side (``a = 1 \quad b = 2``), a root of another order
(``\sqrt[3]{8}``) and a change written ``\Delta x``. `misreading` returns why a token list is
refused, or None.

Examples
--------
>>> misreading(["\\frac", "{", "d", "y", "}", "{", "d", "x", "}"])
"a derivative in Leibniz's notation or a difference quotient (dy/dx, \\Delta y/\\Delta x)"
>>> misreading(["1", "000"]) is None, misreading(["x", "_", "1", "2"]) is None
(False, True)
"""

from __future__ import annotations

import math
import re
import unicodedata
from types import MappingProxyType
from typing import Any

import sympy

__all__ = [
    "ARROWS",
    "DECORATIONS",
    "FRACS",
    "GREEK",
    "SHAPES",
    "UNREAD_RELATIONS",
    "bare_uses",
    "huge_power",
    "is_letter",
    "misreading",
    "one_shape",
    "outside_limits",
    "unread_relation",
]

FRACS = frozenset({r"\frac", r"\tfrac", r"\dfrac"})
#: The Greek letters read as names.
GREEK = frozenset(
    (
        "alpha beta gamma delta epsilon varepsilon zeta eta theta kappa lambda mu nu xi rho sigma tau "
        "phi varphi chi psi omega Delta Gamma Lambda Sigma Phi"
    ).split()
)
#: Greek letters with two shapes, each read as its second (``\epsilon`` is ``\varepsilon``).
SHAPES = MappingProxyType({"epsilon": "varepsilon", "phi": "varphi"})
#: Accents over a name (``\hat x`` is a name of its own).
DECORATIONS = frozenset({r"\hat", r"\bar", r"\tilde"})
#: Tokens that start a derivative's or a difference's numerator and denominator.
DIFFERENTIALS = frozenset({"d", r"\Delta", r"\delta", r"\partial"})
#: Commands that are operators, not names (a differential before them is no differential).
OPERATORS = FRACS | {r"\cdot", r"\times", r"\sqrt", r"\quad", r"\qquad", r"\infty", r"\pi"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: Arrows: a limit (``x \to 0``), an implication, a map. A formula holding one states something.
ARROWS = frozenset(
    (
        r"\to \rightarrow \longrightarrow \Rightarrow \Longrightarrow \implies \impliedby \iff "
        r"\Leftrightarrow \Longleftrightarrow \leftrightarrow \mapsto \longmapsto \leftarrow \Leftarrow "
        r"\gets \uparrow \downarrow \nearrow \searrow"
    ).split()
) | {"\u2192", "\u21d2", "\u21d4", "\u21a6", "\u2190", "\u2191", "\u2193"}
#: Relations the reader does not read, and arrows: a formula holding one is a claim it cannot check
#: (so the page must list it), not a formula without a relation.
UNREAD_RELATIONS = (
    frozenset(
        r"\ne \neq \leqslant \geqslant \ll \gg \equiv \propto \sim \simeq \cong \lessapprox \lt \gt "
        r"\leqq \geqq \lesssim \gtrsim \doteq \approxeq \asymp \notin \nless \ngeq \ngtr \nleq \eqsim "
        r"\coloneqq \eqqcolon \subset \subseteq \supset \supseteq \ni \prec \preceq \succ \succeq \lneq "
        r"\gneq \lneqq \gneqq \gtrapprox \lessgtr \gtrless \triangleq \nsim \thickapprox \thicksim \lll "
        r"\ggg \eqslantless \eqslantgtr \perp \parallel \mid \nmid \models \vdash \nleqslant \ngeqslant "
        r"\nsubseteq \bumpeq \circeq \backsim \bowtie \varpropto \therefore \because".split()
    )
    | {"\u2264", "\u2265", "\u2260", "\u2248"}
    | ARROWS
)
#: Operators whose limits are set below and above them (``\sum_{i=1}^{n}``).
_BIG = frozenset(r"\sum \prod \lim \limsup \liminf \max \min \sup \inf \int \bigcup \bigcap".split())


def _is_number(t: str | None) -> bool:
    return t is not None and _NUMBER.fullmatch(t) is not None


def _is_name(t: str | None) -> bool:
    if t is None:
        return False
    return re.fullmatch(r"[a-zA-Z]", t) is not None or (
        re.fullmatch(r"\\[a-zA-Z]+", t) is not None and t not in OPERATORS
    )


def _after_braces(toks: list[str], j: int) -> str | None:
    while j < len(toks) and toks[j] in ("{", "}"):
        j += 1
    return toks[j] if j < len(toks) else None


def _leibniz(toks: list[str]) -> bool:
    if "/" not in toks and not FRACS.intersection(toks):
        return False
    brackets = 0
    for k, t in enumerate(toks):
        if t not in DIFFERENTIALS or (k and toks[k - 1] in ("_", "^")):
            continue  # x_d: a subscript d is no differential
        following = _after_braces(toks, k + 1)
        if _is_name(following):
            return True
        brackets += following == "("
    return brackets >= 2  # d(y)/d(x); one d(...) is a product, as in d(d+1)/2


def misreading(toks: list[str]) -> str | None:
    """Return why ``toks`` would be read otherwise than TeX shows them, or None."""
    if _leibniz(toks):
        return r"a derivative in Leibniz's notation or a difference quotient (dy/dx, \Delta y/\Delta x)"
    if r"\quad" in toks or r"\qquad" in toks:
        return r"two formulas side by side (\quad): write one formula, or list it"
    for k, t in enumerate(toks):
        after = toks[k + 1] if k + 1 < len(toks) else None
        if t == r"\sqrt" and after == "[":
            return r"a root of another order (\sqrt[n]{x})"
        if (
            t in (r"\Delta", r"\delta")
            and after is not None
            and (re.fullmatch(r"[a-zA-Z{]", after) or after[1:] in GREEK or after in DECORATIONS)
        ):
            return f"a change written {t} {after} (read as a product)"
        if not _is_number(t) or (k and toks[k - 1] in ("_", "^")):
            continue
        if _is_number(after):
            return f"digits set apart ({t} {after}): write the number whole, or a product with \\cdot"
        j = k + 1
        while j < len(toks) and toks[j] == "{":
            j += 1
        if j < len(toks) and toks[j] in FRACS and _is_number(_after_braces(toks, j + 1)):
            return f"a mixed number ({t} and a fraction): write it as one fraction"
        rest = toks[k + 2 : k + 4]
        if after in ("e", "E") and (
            _is_number(rest[0] if rest else None) or rest[:1] in (["-"], ["+"], ["{"])
        ):
            return "a number in scientific notation (1.5e3): write 1.5 \\times 10^{3}"
    return None


def bare_uses(toks: list[str], token: str) -> int:
    r"""Count the uses of ``token`` (with its accent's group, subscripts, primes) not before a bracket.

    A name before a bracket multiplies only where it also stands without one, as in ``s(1-s)``;
    inside a subscript or an accent it is part of another name (``x_f``, ``\hat f``).

    Examples
    --------
    >>> bare_uses(["s", "(", "1", "-", "s", ")"], "s"), bare_uses(["f", "_", "1", "(", "x", ")"], "f")
    (1, 0)
    """
    n = 0

    def past_group(j: int) -> int:
        if j < len(toks) and toks[j] == "{":
            depth = 0
            while j < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[j], 0)
                j += 1
                if depth == 0:
                    return j
        return j + 1

    inside = set()  # a subscript, a superscript or an accent's argument: part of another name
    for i, t in enumerate(toks[:-1]):
        if t in ("_", "^") or t in DECORATIONS:
            inside.update(range(i + 1, past_group(i + 1)))
    for i, t in enumerate(toks):
        if t != token or i in inside:
            continue
        j = past_group(i + 1) if t in DECORATIONS else i + 1
        while j < len(toks) and (toks[j] == "_" or toks[j].startswith("'")):
            j = past_group(j + 1) if toks[j] == "_" else j + 1
        n += j >= len(toks) or toks[j] != "("
    return n


def outside_limits(toks: list[str]) -> list[str]:
    r"""Return ``toks`` without the limits of big operators (the ``i = 1`` of ``\sum_{i=1}^{n}``).

    Examples
    --------
    >>> outside_limits(["\\sum", "_", "{", "i", "=", "1", "}", "^", "n", "x", "_", "i"])
    ['\\sum', 'x', '_', 'i']
    """
    out: list[str] = []
    k = 0
    while k < len(toks):
        out.append(toks[k])
        k += 1
        if out[-1] not in _BIG:
            continue
        while k < len(toks) and toks[k] in ("_", "^", r"\limits", r"\nolimits"):
            k += 1
            if toks[k - 1] in ("_", "^") and k < len(toks):
                depth = int(toks[k] == "{")
                k += 1
                while depth and k < len(toks):
                    depth += {"{": 1, "}": -1}.get(toks[k], 0)
                    k += 1
    return out


#: Mathematical symbols (Unicode category Sm) that are operators, or relations the reader reads.
_OPERATOR_SYMBOLS = frozenset(
    "<=>+-/|~\u00ac\u00b1\u00d7\u00f7\u2212\u2213\u2211\u220f\u221a\u221e\u2202\u2207\u222b\u2218\u22c5\u2217\u2219"
)


def unread_relation(token: str) -> bool:
    r"""Return whether ``token`` is a relation the reader does not read (``\ne``, an arrow, ``⩽``).

    Besides `UNREAD_RELATIONS`: any command named after an arrow or a harpoon, and any other
    Unicode mathematical symbol that is not an operator, so that an unknown relation makes a
    formula to list rather than one without a relation.

    Examples
    --------
    >>> unread_relation(r"\hookrightarrow"), unread_relation("\u2a7d"), unread_relation("\u2212")
    (True, True, False)
    """
    if token in UNREAD_RELATIONS or re.fullmatch(r"\\[a-zA-Z]*(?:arrow|harpoon)[a-zA-Z]*", token):
        return True
    return len(token) == 1 and unicodedata.category(token) == "Sm" and token not in _OPERATOR_SYMBOLS


def is_letter(t: str | None) -> bool:
    r"""Tell whether the token ``t`` is a name's letter: a Latin letter or a Greek one (``\alpha``)."""
    return t is not None and (re.fullmatch(r"[a-zA-Z]", t) is not None or t.lstrip("\\") in GREEK)


def huge_power(base: Any, exponent: Any) -> str | None:
    """Say why ``base**exponent``, both numbers, is refused: over 4000 digits (Python prints 4300).

    Examples
    --------
    >>> huge_power(sympy.Integer(10), sympy.Integer(-5000)), huge_power(sympy.Integer(10), sympy.Integer(3))
    ('a power of numbers with more than 4000 digits (10^{-5000})', None)
    """
    if not (getattr(base, "is_Rational", False) and getattr(exponent, "is_Rational", False)):
        return None
    size = max(abs(base.p), abs(base.q))
    if size <= 1 or abs(exponent) * math.log10(size) <= 4000:
        return None
    shown = sympy.latex(base) if base.is_Integer and base >= 0 else f"({sympy.latex(base)})"
    return f"a power of numbers with more than 4000 digits ({shown}^{{{sympy.latex(exponent)}}})"


def one_shape(t: str) -> str:
    r"""Return the token ``t`` with a Greek letter of two shapes in its second (``\phi``: ``\varphi``)."""
    return "\\" + SHAPES[t[1:]] if t.startswith("\\") and t[1:] in SHAPES else t
