r"""Each page's ``<meta name="description">`` and ``<title>``, from what the page itself says.

The description is the page's first paragraph as plain text (formulas as their TeX), cut at a
word near `MAX_DESCRIPTION` characters. The title names the exercise a page answers: a chapter's
own heading ("Exercise 6.1: activation functions"), and for an API page the chapters that use it.

Examples
--------
>>> description('<h1>T</h1><div class="admonition"><p>Note</p></div>'
...             '<p>The sigmoid <span class="arithmatex">\\(\\sigma(x)\\)</span> is &lt; 1.</p>')
'The sigmoid \\sigma(x) is < 1.'
>>> html_title("exercise-6-1.md", "6.1 Activation functions", "<h1>Exercise 6.1: activation functions</h1>")
'Exercise 6.1: activation functions'
>>> html_title("reference/softmax.md", "Softmax", "", used_by=["6.1 Activation functions"])
'Softmax (API reference, used in 6.1 Activation functions)'
"""

from __future__ import annotations

import html
import re

__all__ = ["MAX_DESCRIPTION", "description", "html_title"]

#: Longest description kept whole (search engines show about this much).
MAX_DESCRIPTION = 200

_MATH = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)


def _text(fragment: str) -> str:
    text = _MATH.sub(lambda m: m.group(1).strip(), fragment)
    text = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def description(page_html: str) -> str:
    """Return the first top-level paragraph of ``page_html`` as plain text, at most about 200 chars."""
    outside = re.sub(
        r'<(div|details)\b[^>]*class="[^"]*admonition[^"]*"[^>]*>.*?</\1>', "", page_html, flags=re.S
    )
    for m in re.finditer(r"<p>(.*?)</p>", outside, re.S):
        text = _text(m.group(1))
        if len(text) > 20:
            break
    else:
        return ""
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[:MAX_DESCRIPTION].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def html_title(src: str, nav_title: str | None, page_html: str, *, used_by: list[str] | None = None) -> str:
    """Return the ``<title>`` text of page ``src`` (MkDocs adds the site's name)."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.S)
    h1 = _text(heading.group(1)) if heading else ""
    if src.startswith("exercise-") and h1:
        return h1
    name = nav_title or h1 or src
    if src.startswith("reference/") and src != "reference/index.md":
        where = f", used in {', '.join(used_by)}" if used_by else ""
        return f"{name} (API reference{where})"
    if src == "index.md":
        return "Start here: machine-checked answers to Homework 6"
    return f"{name}: Homework 6"
