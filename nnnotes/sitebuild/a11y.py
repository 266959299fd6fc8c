"""Keyboard, screen-reader and search-index fixes applied to each page's HTML during the build.

* **Scrollable regions.** A table or a display formula wider than its column scrolls sideways;
  a keyboard user can scroll it only if it can take the focus, and a screen reader announces a
  focused region by its name. Every table gets ``tabindex="0"`` and an ``aria-label`` ("Table 2:
  Saturation", from the section it stands in); every display formula gets ``tabindex="0"``,
  ``role="group"`` and ``aria-label="Formula"``. This does not depend on whether the table happens
  to overflow on the reader's screen (that depends on fonts and width): every one is reachable.
* **Figures on a narrow screen.** A figure is an inline SVG that scales with the column; on a phone
  its 10-unit text would shrink to 6 px. `frame_figures` puts each figure in a frame that keeps it
  at least `MIN_FIGURE_SCALE` of its natural size (so its text stays at 9 px or more) and scrolls
  sideways when the column is narrower; the frame takes the focus and is named after the figure's
  number, like a wide table.
* **Search.** KaTeX writes each formula twice, as MathML (read by screen readers, hidden from the
  eye) and as HTML (shown, hidden from screen readers), and keeps the TeX source in the MathML's
  ``<annotation>``. Material's search would index all three (``x=(3,1,−1)x = (3, 1, -1)x=(3,1,−1)``).
  The annotation is marked ``data-search-exclude``; the HTML copy is left out of the page's
  content while the search index is made (`hide_visual`) and put back afterwards (`restore_visual`),
  so the index holds each formula once, as the MathML's readable text, and the page a reader gets is
  KaTeX's output unchanged.

Examples
--------
>>> html = '<h2 id="s">Saturation</h2><table><tr><th>x</th></tr></table>'
>>> print(label_tables(html))
<h2 id="s">Saturation</h2><table tabindex="0" aria-label="Table 1: Saturation"><tr><th>x</th></tr></table>
"""

from __future__ import annotations

import hashlib
import html as htmllib
import math
import re

__all__ = [
    "FORMULA_ATTRS",
    "MIN_FIGURE_SCALE",
    "VisualStore",
    "frame_figures",
    "hide_visual",
    "label_tables",
    "restore_visual",
]

#: The smallest scale a figure is drawn at (the theme's 10-unit text then reads at 9 px).
MIN_FIGURE_SCALE = 0.9

#: Attributes of the ``div`` that holds a display formula: focusable (it scrolls when wide) and named.
FORMULA_ATTRS = 'tabindex="0" role="group" aria-label="Formula"'

_HEADING_OR_TABLE = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>|<table\b([^>]*)>", re.S)
_MATH_SPAN = re.compile(r'<span class="arithmatex">.*?</span>', re.S)
_TAG = re.compile(r"<[^>]+>")
_ANNOTATION = '<annotation encoding="application/x-tex">'
_VISUAL_OPEN = '<span class="katex-html" aria-hidden="true">'
_MARK = re.compile(r"<!--nn-katex-html:([0-9a-f]{32})-->")


def _text(fragment: str) -> str:
    """Plain text of an HTML fragment: formulas, permalinks and tags dropped, spaces collapsed."""
    fragment = _MATH_SPAN.sub("", fragment)
    fragment = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", fragment, flags=re.S)
    return " ".join(htmllib.unescape(_TAG.sub(" ", fragment)).split())


def label_tables(page_html: str) -> str:
    """Make every ``<table>`` focusable and name it after its number and section.

    A table that already has a ``tabindex`` or an ``aria-label`` is left as it is.

    Examples
    --------
    >>> print(label_tables('<table class="x"><tr><td>1</td></tr></table>'))
    <table class="x" tabindex="0" aria-label="Table 1"><tr><td>1</td></tr></table>
    >>> label_tables('<table tabindex="-1"></table>')
    '<table tabindex="-1"></table>'
    """
    section = ""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal section, count
        if m.group(1):
            section = _text(m.group(2))
            return m.group(0)
        attrs = m.group(3)
        if "tabindex=" in attrs or "aria-label=" in attrs:
            return m.group(0)
        count += 1
        name = f"Table {count}" + (f": {section}" if section else "")
        return f'<table{attrs} tabindex="0" aria-label="{htmllib.escape(name)}">'

    return _HEADING_OR_TABLE.sub(repl, page_html)


class VisualStore:
    """The HTML copies of formulas held back while the search index is made (see `hide_visual`)."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}

    def put(self, visual: str) -> str:
        """Keep ``visual``; return the comment that stands for it in the page."""
        key = hashlib.sha256(visual.encode()).hexdigest()[:32]
        self._parts[key] = visual
        return f"<!--nn-katex-html:{key}-->"

    def get(self, key: str) -> str:
        """Return the HTML kept under ``key``."""
        return self._parts[key]


def hide_visual(katex_html: str, store: VisualStore) -> str:
    r"""Return one KaTeX formula with its TeX annotation unindexed and its HTML copy held back.

    Raises
    ------
    ValueError
        If ``katex_html`` is not one KaTeX formula with MathML and HTML output (KaTeX's
        ``output: "htmlAndMathml"``), so that a change of KaTeX's markup cannot pass unnoticed.

    Examples
    --------
    >>> store = VisualStore()
    >>> k = ('<span class="katex"><span class="katex-mathml"><math><semantics><mi>x</mi>'
    ...      '<annotation encoding="application/x-tex">x</annotation></semantics></math></span>'
    ...      '<span class="katex-html" aria-hidden="true"><span class="mord">x</span></span></span>')
    >>> hidden = hide_visual(k, store)
    >>> print(hidden.replace("</semantics>", "\n</semantics>"))  # doctest: +ELLIPSIS
    <span class="katex">...<annotation encoding="application/x-tex" data-search-exclude>x</annotation>
    </semantics></math></span><!--nn-katex-html:...--></span>
    >>> restore_visual(hidden, store) == k.replace('x-tex">', 'x-tex" data-search-exclude>')
    True
    >>> hide_visual("<span>x</span>", store)
    Traceback (most recent call last):
    ...
    ValueError: katex_html: expected one KaTeX formula with MathML and HTML output, got '<span>x</span>'
    """
    start = katex_html.find(_VISUAL_OPEN)
    # the HTML copy is the last child of span.katex (inside span.katex-display for display math)
    display = katex_html.startswith('<span class="katex-display">')
    closing = "</span>" * (3 if display else 2)
    if (
        katex_html.count(_ANNOTATION) != 1
        or katex_html.count(_VISUAL_OPEN) != 1
        or not katex_html.endswith(closing)
    ):
        raise ValueError(
            f"katex_html: expected one KaTeX formula with MathML and HTML output, got {katex_html[:80]!r}"
        )
    end = len(katex_html) - len(closing) + len("</span>")
    visual = katex_html[start:end]
    hidden = katex_html[:start] + store.put(visual) + katex_html[end:]
    return hidden.replace(_ANNOTATION, _ANNOTATION[:-1] + " data-search-exclude>")


def restore_visual(page_html: str, store: VisualStore) -> str:
    """Put back every formula's HTML copy held back by `hide_visual`."""
    return _MARK.sub(lambda m: store.get(m.group(1)), page_html)


_FIGURE = re.compile(
    r'(?:<p class="nn-label" id="[^"]*"><a href="[^"]*">(?P<label>[^<]*)</a></p>\s*)?'
    r'(?P<svg><svg\b[^>]*\bclass="nn-figure"[^>]*>.*?</svg>)',
    re.S,
)


def frame_figures(page_html: str) -> str:
    r"""Frame every figure (``svg.nn-figure``): it scrolls rather than shrink below `MIN_FIGURE_SCALE`.

    The frame is focusable and named after the figure's numbered label when one stands just before
    it ("Figure 6.1.2"), else "Figure"; it carries the figure's smallest width, from its ``viewBox``,
    in whole px rounded up, as the CSS variable ``--nn-figure-min`` (docs/stylesheets/extra.css
    applies it). Below the frame, the figure's text alternative (its ``aria-label``) is shown as a
    caption, hidden from screen readers (which read it from the figure) and from the search index.

    Raises
    ------
    ValueError
        If a figure has no ``viewBox`` of four numbers (its natural width is then unknown).

    Examples
    --------
    >>> svg = '<svg class="nn-figure" viewBox="0 0 500 200"><text>x</text></svg>'
    >>> label = '<p class="nn-label" id="f"><a href="#f">Figure 6.1.1</a></p>\n'
    >>> framed = frame_figures(label + svg)
    >>> framed == (label + '<div class="nn-figure-frame" tabindex="0" role="group" '
    ...     'aria-label="Figure 6.1.1" style="--nn-figure-min: 450px">' + svg + "</div>")
    True
    >>> named = svg.replace("<svg ", '<svg aria-label="a rising line" ')
    >>> frame_figures(named).endswith('</div><p class="nn-figure-caption" aria-hidden="true" '
    ...     'data-search-exclude>a rising line</p>')
    True
    >>> print(frame_figures(svg.replace("500", "100")))  # doctest: +NORMALIZE_WHITESPACE
    <div class="nn-figure-frame" tabindex="0" role="group" aria-label="Figure"
    style="--nn-figure-min: 90px"><svg class="nn-figure" viewBox="0 0 100 200"><text>x</text></svg></div>
    >>> frame_figures('<svg class="nn-figure"></svg>')
    Traceback (most recent call last):
    ...
    ValueError: figure '<svg class="nn-figure">' has no viewBox of four numbers
    """

    def repl(m: re.Match[str]) -> str:
        svg = m.group("svg")
        head = svg[: svg.index(">") + 1]
        box = re.search(r'\bviewBox="([^"]*)"', head)
        try:
            width = float(box.group(1).split()[2]) if box and len(box.group(1).split()) == 4 else None
        except ValueError:
            width = None
        if width is None:
            raise ValueError(f"figure {head!r} has no viewBox of four numbers")
        name = htmllib.escape(htmllib.unescape(m.group("label") or "Figure"))
        frame = (
            f'<div class="nn-figure-frame" tabindex="0" role="group" aria-label="{name}" '
            f'style="--nn-figure-min: {math.ceil(width * MIN_FIGURE_SCALE)}px">'
        )
        alt = re.search(r'\baria-label="([^"]*)"', head)
        caption = (
            f'<p class="nn-figure-caption" aria-hidden="true" data-search-exclude>{alt.group(1)}</p>'
            if alt and alt.group(1).strip()
            else ""
        )
        return m.group(0)[: m.start("svg") - m.start(0)] + frame + svg + "</div>" + caption

    return _FIGURE.sub(repl, page_html)
