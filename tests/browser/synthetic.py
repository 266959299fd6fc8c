"""Synthetic pages: the site's theme with a given article, for the checks shown to fail.

`synthetic_page` puts a body into a built page; `GOOD_MATH` and `GOOD_FIGURE` are bodies that pass
every check, from which the faulty pages of the tests start.
"""

from __future__ import annotations

import re

#: A typeset inline formula, as KaTeX writes it.
GOOD_MATH = (
    '<p>Inline <span class="arithmatex"><span class="katex"><span class="katex-html" '
    'aria-hidden="true"><span class="base"><span class="mord mathnormal">x</span></span></span>'
    "</span></span>.</p>"
)

#: A plot that is named, visible and readable in both palettes.
GOOD_FIGURE = (
    '<svg class="nn-figure" role="img" aria-label="a rising line" viewBox="0 0 200 100">'
    "<title>a rising line</title>"
    '<path d="M 10 90 L 190 10" style="stroke: currentColor"/>'
    '<text x="20" y="95" style="fill: currentColor; font-size: 12px">good axis label</text></svg>'
)


def synthetic_page(
    template: str, body: str, *, title: str = "Synthetic", head: str = "", drop: str | None = None
) -> str:
    """A page of the site's theme with ``body`` as its article.

    ``template`` is a built page one folder deep (its relative links then work from any other
    folder one deep); ``head`` is added to ``<head>``; a ``drop`` pattern is removed (e.g. the
    KaTeX stylesheet's ``<link>``).
    """
    page, n = re.subn(
        r'(<article class="md-content__inner md-typeset">).*?(</article>)',
        lambda m: m.group(1) + body + m.group(2),
        template,
        count=1,
        flags=re.S,
    )
    if n != 1:
        raise ValueError("template has no Material <article>")
    page = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", page, count=1, flags=re.S)
    page = page.replace("</head>", head + "</head>", 1)
    if drop:
        page = re.sub(drop, "", page)
    return page
