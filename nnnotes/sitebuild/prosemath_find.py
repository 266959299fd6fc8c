r"""The formulas of a page as the site renders them: arithmatex's own reading, with their lines.

`nnnotes.sitebuild.prosemath` checks the formulas of a page's prose. A pattern of its own for
``$...$`` disagreed with arithmatex at the edges, and the disagreements hid formulas from the
checker: two formulas touching (``$a = 1$$b = 2$``), a dollar sign that is not math before a
formula (``costs $5 and $x = 2$``, an escaped ``\$``), text after an unclosed fence. So the page's
prose is rendered here by Python-Markdown with the site's own extensions (`EXTENSIONS`, the list
of ``mkdocs.yml``, which a test compares), and each formula is what arithmatex made math: a
formula the reader sees is a formula the checker reads, and text that only looks like math (a
``\[...\]`` inside a paragraph, which renders as brackets) is not. Fenced code is blanked first,
as the executed blocks print their own output, and each ``{{ placeholder }}`` is kept whole.

The same rendering tells `nnnotes.sitebuild.prose.render_placeholders` which placeholders sit
inside a formula (`placeholders_in_math`), where a number must be written bare: a formula cannot
hold HTML, and one that wraps over lines (a display formula on lines of its own) is math too.

Examples
--------
>>> rendered_math("Let $a = 1$$b = 2$, and it costs $5 and $x = 2$.\n\n$$u = {{ u }}$$")
[(1, 'a = 1'), (1, 'b = 2'), (1, 'x = 2'), (3, 'u = {{ u }}')]
>>> text = "{{ a }} and\n\n$$\nb = {{ b }}\n$$"
>>> [text[i:j] for i, j in placeholders_in_math(text)]
['{{ b }}']
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import markdown

__all__ = ["EXTENSIONS", "EXTENSION_CONFIGS", "placeholders_in_math", "prose_lines", "rendered_math"]

#: The Markdown extensions of ``mkdocs.yml``, in its order (``tests/site`` compares the two).
EXTENSIONS = (
    "admonition",
    "attr_list",
    "md_in_html",
    "footnotes",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.blocks.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.arithmatex",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
)
#: Their options in ``mkdocs.yml``.
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": True},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.arithmatex": {"generic": True},
    "pymdownx.highlight": {"anchor_linenums": True},
}
_RENDERED = re.compile(
    r'<span class="arithmatex">\\\((.*?)\\\)</span>|<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S
)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
_STAND_IN = re.compile(r"nnnotesplaceholder(\d+)x")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")


def prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) for the lines outside fenced code blocks (1-based numbers).

    A fence that is never closed opens no block (SuperFences renders the text after it as prose).
    """
    rows = markdown.splitlines()
    k = 0
    while k < len(rows):
        m = _FENCE.match(rows[k])
        if m:
            fence = m.group(2)[0] * len(m.group(2))
            end = next((j for j in range(k + 1, len(rows)) if rows[j].strip().startswith(fence)), None)
            if end is not None:
                k = end + 1
                continue
        yield k + 1, rows[k]
        k += 1


def _render(text: str) -> tuple[str, list[re.Match[str]], str]:
    """Return ``text`` with fenced code blanked, its placeholders, and its HTML (placeholders as stand-ins).

    The blanked text has the length of ``text`` (each code line's characters become spaces, which
    Markdown reads as a blank line), so an offset into one is an offset into the other.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    keep = {k for k, _ in prose_lines(text)}
    rows = text.splitlines(keepends=True)
    for k, row in enumerate(rows, start=1):
        if k not in keep:
            body = row.rstrip("\r\n")
            rows[k - 1] = " " * len(body) + row[len(body) :]
    prose = "".join(rows)
    kept: list[re.Match[str]] = []

    def keep_whole(m: re.Match[str]) -> str:  # a letters-only stand-in that Markdown leaves alone
        kept.append(m)
        return f"nnnotesplaceholder{len(kept) - 1}x"

    page = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS)
    return prose, kept, page.convert(_PLACEHOLDER.sub(keep_whole, prose))


def placeholders_in_math(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets in ``text`` of each ``{{ ... }}`` that renders inside a formula.

    Each placeholder is rendered as a stand-in of its own, so the answer is exact: a placeholder
    is in math when its stand-in is inside a formula of the rendered page.
    """
    _, kept, page = _render(text)
    inside = {int(i) for m in _RENDERED.finditer(page) for i in _STAND_IN.findall(m.group(0))}
    return [kept[i].span() for i in sorted(inside)]


def rendered_math(text: str) -> list[tuple[int, str]]:
    """Return (line, TeX) for each formula of ``text`` outside fenced code, in order (1-based lines).

    The TeX has its runs of white space made one space. A formula is found on the line where its
    TeX starts in ``text``.
    """
    prose, kept, page = _render(text)
    out: list[tuple[int, str]] = []
    start = 0
    for m in _RENDERED.finditer(page):
        tex = html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
        tex = _STAND_IN.sub(lambda p: kept[int(p.group(1))].group(0), tex)
        words = tex.split()
        found = re.compile(r"\s+".join(map(re.escape, words))).search(prose, start) if words else None
        if found is not None:
            start = found.end()
        line = prose.count("\n", 0, found.start() if found is not None else start) + 1
        out.append((line, " ".join(words)))
    return out
