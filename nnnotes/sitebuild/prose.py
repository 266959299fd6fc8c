r"""Numbers in prose: computed placeholders, and the scan that finds numbers typed by hand.

A chapter writes a computed number as a placeholder in double braces, ``{{ name }}`` or
``{{ name:format }}`` (the format is Python's format mini-language, e.g.
``{{ sigmoid_one_threshold:.2f }}``), where ``name`` is a computed value of
`nnnotes.experiments.prose_values.prose_values`, with the package function that computes it. The
build replaces the placeholder by ``<span class="computed" title="source">value</span>``, so each
computed number says where it comes from. A placeholder inside a formula, as the site renders it
(`nnnotes.sitebuild.prosemath_find.placeholders_in_math`: inline or displayed, on one line or
over several), becomes the bare number (a formula cannot hold HTML).

The scan (`typed_numbers`) finds the numbers a page types by hand in its prose and inline math:
decimals, powers of ten, powers of a number or of $e$ whose exponent is an integer of two or more
digits (``2^{-53}``, ``e^{-40}``), numbers in scientific notation, numbers followed by a unit, and
integers of two or more digits (after a minus sign too; not in a name such as CIFAR-10). Fenced
code blocks (the executed blocks print from code), inline code, link targets and placeholders are
skipped. Each page may list, in its front matter, the literals
it is allowed to type, each with its reason::

    ---
    literals:
      "6.5": exercise number
      "2006": citation year
    ---

The strict build fails on any other typed number, naming page and line.

Examples
--------
>>> [n.text for n in typed_numbers("A loss of 0.0817 after 500 steps, see $10^{-6}$ and `x = 1.5`.")]
['0.0817', '500 steps', '10^{-6}']
>>> render_placeholders("about {{ answer }} here", {"answer": (42.0, "the oracle")})
'about <span class="computed" title="the oracle">42</span> here'
>>> render_placeholders("$n = {{ n:pow10 }}$, $u = {{ u:sci2 }}$", {"n": (1e6, "a"), "u": (2.3e-16, "b")})
'$n = 10^{6}$, $u = 2.3 \\times 10^{-16}$'
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nnnotes.sitebuild.prosemath_find import placeholders_in_math, prose_lines

__all__ = ["PlaceholderError", "TypedNumber", "render_placeholders", "typed_numbers"]

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*([^}]*?))?\s*\}\}")
_INLINE_CODE = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|\]\[[^\]]*\]")
_HTML_ATTR = re.compile(r'\b(?:id|href|class|title)="[^"]*"')
_CONTINUATION = re.compile(r"^[\s>]*")  # a wrapped line's indent and quote markers
_UNITS = (
    r"%|ulp|[kMGTPEZY]?B\b|bytes|ms\b|s\b|h\b|min\b|years?\b|days?\b|steps?\b|seeds?\b|"
    r"points?\b|parameters?\b|layers?\b|units?\b|inputs?\b|examples?\b|digits?\b|runs?\b|"
    r"times\b|fold\b|flop"
)
_NUMBER = re.compile(
    r"(?P<sci>\d+(?:\.\d+)?\s*(?:\\times|\\cdot|×|·)\s*10\^\{?[-−]?\d+\}?)"
    r"|(?P<pow>(?<![\d.])10\^\{?[-−]?\d+\}?)"
    r"|(?P<power>(?<![\w.\\])(?:\d+|e)\^(?:\{[-−]?\d{2,}\}|[-−]\d{2,}(?![\w.])))"
    r"|(?P<e>(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+(?![\w.]))"
    r"|(?P<unit>(?<![\w.^_{\\])\d+(?:\.\d+)?\s*(?:" + _UNITS + r"))"
    r"|(?P<dec>(?<![\w.^_{\\])\d+\.\d+(?![\w]|\.\d))"
    r"|(?P<int>(?<![\w.^_{\\])(?<![\w.^_{\\]-)\d{2,}(?![\w.]|\.\d))"
)


class PlaceholderError(ValueError):
    """A placeholder names no registered value, or its format does not apply."""


@dataclass(frozen=True)
class TypedNumber:
    """A number typed by hand: the line it is on (1-based) and its text."""

    line: int
    text: str


def _front_matter_end(markdown: str) -> int:
    """Return the number of lines of a leading YAML front matter block (0 if there is none)."""
    lines = markdown.splitlines()
    if lines and lines[0].strip() == "---":
        for k, line in enumerate(lines[1:], start=2):
            if line.strip() == "---":
                return k
    return 0


def typed_numbers(markdown: str) -> list[TypedNumber]:
    r"""Return the numbers typed by hand in ``markdown``'s prose and inline math, in order.

    A number that a line break splits from its unit or its power of ten (``2`` at the end of a
    line, ``inputs`` at the start of the next) is found too, on the line where it starts: Markdown
    reads a line break inside a paragraph as a space.

    Examples
    --------
    Exercise numbers look like decimals: a page lists them as literals (see the module).

    >>> [(n.line, n.text) for n in typed_numbers("See 6.7 (c).\n\n```python\nx = 0.5\n```\n80 GB")]
    [(1, '6.7'), (6, '80 GB')]
    """
    skip = _front_matter_end(markdown)
    rows = {k: _blank_skipped(line) for k, line in prose_lines(markdown) if k > skip}
    out: list[TypedNumber] = []
    for k, text in rows.items():
        found = list(_NUMBER.finditer(text))
        out.extend(TypedNumber(k, re.sub(r"\s+", " ", m.group(0)).strip()) for m in found)
        after = rows.get(k + 1, "")
        if text.strip() and after.strip():  # a soft line break inside a paragraph reads as a space
            head = text.rstrip()
            joined = head + " " + _CONTINUATION.sub("", after)
            starts = {m.start() for m in found}
            for m in _NUMBER.finditer(joined):
                if m.start() < len(head) < m.end() and m.start() not in starts:
                    out.append(TypedNumber(k, re.sub(r"\s+", " ", m.group(0)).strip()))
    return out


def _blank_skipped(line: str) -> str:
    """Return ``line`` with placeholders, inline code, link targets and HTML attributes blanked."""
    text = _PLACEHOLDER.sub(" ", line)
    text = _INLINE_CODE.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    return _HTML_ATTR.sub(" ", text)


def _format(value: Any, spec: str | None) -> str:
    r"""Format a value; besides Python's specs, ``pow10`` gives ``10^{k}``, ``sci`` ``a \times 10^{k}``."""
    if spec == "pow10":
        k = round(math.log10(value))
        if value <= 0 or 10.0**k != value:
            raise ValueError(f"{value!r} is not a power of ten")
        return f"10^{{{k}}}"
    if spec and spec.startswith("sci"):
        digits = int(spec[3:] or 3)
        mant, exp = f"{value:.{digits - 1}e}".split("e")
        return f"{mant} \\times 10^{{{int(exp)}}}"
    if spec:
        return format(value, spec)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def render_placeholders(
    markdown: str,
    values: Mapping[str, tuple[Any, str] | Callable[[], tuple[Any, str]]],
    *,
    page: str = "",
    math: bool = False,
) -> str:
    r"""Replace every ``{{ name[:format] }}`` outside code by its value, with its source as title.

    ``values`` maps a name to ``(value, source)`` or to a function of no arguments returning it.
    Inside a formula, as arithmatex renders the page (or everywhere with ``math=True``: a list of
    TeX formulas), the bare value is written. An unknown name, a format that does not apply, or a
    format that writes TeX (``pow10``, ``sci``) outside math raises `PlaceholderError` naming the
    page and line.

    Examples
    --------
    >>> render_placeholders("$x = {{ v:.2f }}$", {"v": (0.125, "demo")})
    '$x = 0.12$'
    >>> render_placeholders("$$M = {{ m }}$$", {"m": ("I", "demo")})
    '$$M = I$$'
    >>> render_placeholders("$$\\nM = {{ m }}\\n$$", {"m": ("I", "demo")})
    '$$\\nM = I\\n$$'

    A large integer has thousands commas in prose, none in math (``\\min(12,345, 1)`` would read
    as three arguments):

    >>> render_placeholders("{{ n }} or $\\min({{ n }}, 1)$", {"n": (12345, "demo")})
    '<span class="computed" title="demo">12,345</span> or $\\min(12345, 1)$'
    >>> render_placeholders("{{ nope }}", {}, page="p.md")
    Traceback (most recent call last):
    ...
    nnnotes.sitebuild.prose.PlaceholderError: p.md, line 1: no computed value named 'nope' ...
    >>> render_placeholders(r"u \approx {{ u:sci2 }}", {"u": (2.3e-16, "demo")}, math=True)
    'u \\approx 2.3 \\times 10^{-16}'
    >>> render_placeholders("u = {{ u:sci2 }}", {"u": (2.3e-16, "demo")}, page="p.md")
    Traceback (most recent call last):
    ...
    nnnotes.sitebuild.prose.PlaceholderError: p.md, line 1: format 'sci2' of u writes TeX ...$
    """
    lines = markdown.splitlines(keepends=True)
    code_lines = {k for k in range(1, len(lines) + 1)} - {k for k, _ in prose_lines(markdown)}
    in_math = [(0, len(markdown))] if math or "{{" not in markdown else placeholders_in_math(markdown)
    out = []
    offset = 0  # of the line in markdown
    for k, line in enumerate(lines, start=1):
        if k in code_lines or "{{" not in line:
            out.append(line)
            offset += len(line)
            continue
        pieces = re.split(r"(`[^`]*`)", line)  # never inside inline code
        at = offset
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                pieces[i] = _render_piece(piece, values, page, k, at, in_math)
            at += len(piece)
        out.append("".join(pieces))
        offset += len(line)
    return "".join(out)


def _render_piece(
    text: str, values: Mapping[str, Any], page: str, line: int, at: int, in_math: list[tuple[int, int]]
) -> str:
    """Render the placeholders of ``text``, found at offset ``at`` of a page whose math spans ``in_math``."""

    def repl(m: re.Match[str]) -> str:
        name, spec = m.group(1), m.group(2)
        if name not in values:
            known = ", ".join(sorted(values)[:8])
            raise PlaceholderError(
                f"{page}, line {line}: no computed value named {name!r} (register it in "
                f"nnnotes.experiments.prose_values; some known names: {known})"
            )
        entry = values[name]
        value, source = entry() if callable(entry) else entry
        try:
            shown = _format(value, spec)
        except (TypeError, ValueError) as exc:
            raise PlaceholderError(
                f"{page}, line {line}: format {spec!r} does not apply to {name}: {exc}"
            ) from exc
        if any(a <= at + m.start() < b for a, b in in_math):
            # 12,345 in a formula reads as two numbers, as in \min(12,345, 100): no thousands commas
            return str(value) if spec is None and isinstance(value, int) else shown
        if spec and (spec == "pow10" or spec.startswith("sci")):
            raise PlaceholderError(
                f"{page}, line {line}: format {spec!r} of {name} writes TeX ({shown}), which shows raw "
                f"outside math: write ${{{{ {name}:{spec} }}}}$"
            )
        return f'<span class="computed" title="{html.escape(source)}">{html.escape(shown)}</span>'

    return _PLACEHOLDER.sub(repl, text)
