"""Citations: ``docs/references.bib`` rendered with pybtex into a References page and chapter lists.

Prose cites a work through autorefs, ``[Ioffe & Szegedy (2015)][ref-ioffe2015]``: the link goes to
the work's entry on the References page, and a citation of a key that has no entry fails the
strict build (autorefs finds no anchor, and this module logs an error). Each chapter's
``## References`` section is generated: the works it cites, then "Related reading", the sections
of two textbooks that treat its topic (`RELATED`). Every entry prints its DOI or URL as text.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.nnnotes.citations")

#: The marker on ``docs/references.md`` replaced by the full bibliography.
MARKER = "<!-- bibliography -->"

#: Textbook sections that treat each chapter's topic: (BibTeX key, where). Section numbers only
#: where their titles were checked against the books' tables of contents.
RELATED: dict[str, list[tuple[str, str]]] = {
    "exercise-6-1.md": [
        ("bishop2006", "Section 5.1, Feed-forward network functions"),
        ("goodfellow2016", "Section 6.3, Hidden units; Section 4.1, Overflow and underflow"),
    ],
    "exercise-6-2.md": [
        ("bishop2006", "Section 5.2, Network training; Section 4.3, Probabilistic discriminative models"),
        ("goodfellow2016", "Section 6.2.2, Output units"),
    ],
    "exercise-6-3.md": [
        ("bishop2006", "Section 5.1, Feed-forward network functions"),
        ("goodfellow2016", "Section 6.2.2, Output units; Section 4.1, Overflow and underflow"),
    ],
    "exercise-6-4.md": [
        ("bishop2006", "chapter 5 (network training; the book predates batch normalization)"),
        ("goodfellow2016", "Section 8.7.1, Batch normalization"),
    ],
    "exercise-6-5.md": [
        ("bishop2006", "Section 5.1.1, Weight-space symmetries; Section 5.4, The Hessian matrix"),
        ("goodfellow2016", "Section 4.3, Gradient-based optimization; Section 8.6.1, Newton's method"),
    ],
    "exercise-6-7.md": [
        ("bishop2006", "Section 5.4, The Hessian matrix"),
        ("goodfellow2016", "Section 8.2.3, Plateaus, saddle points and other flat regions"),
    ],
}

_CITE = re.compile(r"\]\[ref-([A-Za-z0-9_:-]+)\]")


@cache
def entries(bib_path: str) -> dict[str, str]:
    """Return each entry of the BibTeX file, formatted as Markdown (pybtex's plain style), by key."""
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    data = parse_file(bib_path)
    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "markdown")()
    out = {}
    for entry in style.format_bibliography(data):
        text = entry.text.render(backend).replace("\n", " ")
        # pybtex escapes parentheses and brackets; \( and \[ would open a formula (arithmatex)
        text = re.sub(r"\\([()])", r"\1", text).replace("\\[", "&#91;").replace("\\]", "&#93;")
        fields = data.entries[entry.key].fields
        if "doi" not in fields and "url" not in fields:
            raise ValueError(f"{bib_path}: entry {entry.key!r} has neither a DOI nor a URL")
        out[entry.key] = text
    return out


def cited_keys(markdown: str) -> list[str]:
    """Return the keys cited in ``markdown`` (``[...][ref-key]``), in order of first citation.

    Examples
    --------
    >>> cited_keys("See [Ioffe (2015)][ref-ioffe2015] and [them][ref-b]; [again][ref-ioffe2015].")
    ['ioffe2015', 'b']
    """
    return list(dict.fromkeys(_CITE.findall(markdown)))


def bibliography(bib_path: str) -> str:
    """Return the References page's list: every entry, with its anchor (``ref-<key>``)."""
    items = entries(bib_path).items()
    return "\n".join(f'- <span id="ref-{key}"></span>{text}' for key, text in items) + "\n"


def chapter_section(keys: list[str], related: list[tuple[str, str]], bib_path: str, page: str) -> str:
    """Return a chapter's generated References section: cited works, then related reading."""
    known = entries(bib_path)
    lines = ["## References", ""]
    for key in keys:
        if key not in known:
            log.error("docs/%s: citation of %r, which docs/references.bib does not have", page, key)
            continue
        lines.append(f"- {known[key]} [(all references)][ref-{key}]")
    if not keys:
        lines.append("This chapter cites no work.")
    if related:
        lines += ["", "**Related reading.**", ""]
        lines += [f"- [{_short(key)}][ref-{key}]: {where}." for key, where in related]
    return "\n".join(lines) + "\n"


def _short(key: str) -> str:
    return {
        "bishop2006": "Bishop, *Pattern Recognition and Machine Learning*",
        "goodfellow2016": "Goodfellow, Bengio and Courville, *Deep Learning*",
    }.get(key, key)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Fill in the References page; generate each chapter's References section."""
    src = page.file.src_uri
    bib = str(Path(config["docs_dir"]) / "references.bib")
    if MARKER in markdown:
        return markdown.replace(MARKER, bibliography(bib))
    if not src.startswith("exercise-"):
        return markdown
    keys = cited_keys(markdown)
    related = RELATED.get(src, [])
    if not keys and not related:
        return markdown
    if not Path(bib).is_file():
        log.error("docs/%s cites %s, but there is no docs/references.bib", src, ", ".join(keys) or "nothing")
        return markdown
    head = re.search(r"^## References[ \t]*$", markdown, re.M)
    body = markdown[: head.start()] if head else markdown.rstrip() + "\n\n"
    return body + chapter_section(keys, related, bib, src)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Register the entries of the References page with autorefs (``ref-<key>``)."""
    autorefs = config.plugins.get("autorefs")
    for key in re.findall(r'<span id="ref-([^"]+)"></span>', html_text):
        if autorefs is not None:
            autorefs.register_anchor(page, f"ref-{key}", f"ref-{key}", title=key)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(f"ref-{key}")
    return html_text
