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

Examples
--------
>>> rendered_math("Let $a = 1$$b = 2$, and it costs $5 and $x = 2$.\n\n$$u = {{ u }}$$")
[(1, 'a = 1'), (1, 'b = 2'), (1, 'x = 2'), (3, 'u = {{ u }}')]
"""

from __future__ import annotations

import html
import re
from typing import Any

import markdown

from nnnotes.sitebuild.prose import prose_lines

__all__ = ["EXTENSIONS", "EXTENSION_CONFIGS", "rendered_math"]

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


def rendered_math(text: str) -> list[tuple[int, str]]:
    """Return (line, TeX) for each formula of ``text`` outside fenced code, in order (1-based lines).

    The TeX has its runs of white space made one space. A formula is found on the line where its
    TeX starts in ``text``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    lines = ["\n"] * (text.count("\n") + 1)
    for k, line in prose_lines(text):  # fenced code is blanked, line numbers kept
        lines[k - 1] = line + "\n"
    prose = "".join(lines)
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:  # a letters-only stand-in that Markdown leaves alone
        kept.append(m.group(0))
        return f"nnnotesplaceholder{len(kept) - 1}x"

    page = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS)
    out: list[tuple[int, str]] = []
    start = 0
    for m in _RENDERED.finditer(page.convert(_PLACEHOLDER.sub(keep, prose))):
        tex = html.unescape(m.group(1) if m.group(1) is not None else m.group(2))
        tex = re.sub(r"nnnotesplaceholder(\d+)x", lambda p: kept[int(p.group(1))], tex)
        words = tex.split()
        found = re.compile(r"\s+".join(map(re.escape, words))).search(prose, start) if words else None
        if found is not None:
            start = found.end()
        line = prose.count("\n", 0, found.start() if found is not None else start) + 1
        out.append((line, " ".join(words)))
    return out
