"""Numbered, linkable results: the k-th claim of chapter 6.3 is "Claim 6.3.k", and so on.

On each chapter page, every derivation, claim, table and figure gets a number shown on the page and
a stable anchor: a derivation or claim keeps its check's anchor (``check-<name>``), a table or a
figure is named after the executed block that prints it (``table-<block id>``). Each anchor is
registered with mkdocs-autorefs, so prose refers to a result by its anchor,
``[claim `6-3-p2-exact`][check-6-3-p2-exact]``, and a reference to an anchor that does not exist
fails the strict build. The link's text is then replaced by the result's number (`relabel`), so the
reader sees "Claim 6.3.k" (that claim's place among the claims of chapter 6.3) wherever it is
cited, on any page. Derivations, claims, tables and figures are counted apart, in page order.

Chapters and their parts are registered too: ``[6.7][exercise-6-7]``, ``[6.7 (c)][exercise-6-7-c]``,
``[6.1, part 4][exercise-6-1-4]``.
"""

from __future__ import annotations

import html
import re
from typing import Any

#: Marker printed before each executed block (by `nnnotes.sitebuild.student`): names its outputs.
BLOCK_MARK = '<span class="nn-block" data-block="{id}"></span>'

_ITEMS = re.compile(
    r'(?:<p>)?<span class="nn-block" data-block="(?P<block>[^"]*)"></span>(?:</p>)?'
    r'|<div class="derivation" id="(?P<deriv>check-[^"]+)">'
    r'|<span id="(?P<claim>check-[^"]+)"></span>✓ '
    r"|(?P<table><table\b)"
    r'|(?P<figure><svg\b[^>]*\bclass="nn-figure")'
)


def chapter_of(src: str) -> str | None:
    """Return the chapter number of page ``src`` (``exercise-6-3.md`` -> ``6.3``), or None."""
    m = re.fullmatch(r"exercise-(\d+)-(\d+)\.md", src)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def number(html_text: str, chapter: str) -> tuple[str, dict[str, str]]:
    """Return the page with a numbered label on every result, and its anchors with their labels.

    Examples
    --------
    >>> page = '<span id="check-6-3-a"></span>✓ A. <table></table> <span id="check-6-3-p2-exact"></span>✓ B.'
    >>> number(page, "6.3")[1]
    {'check-6-3-a': 'Claim 6.3.1', 'table-6-3-unnamed': 'Table 6.3.1', 'check-6-3-p2-exact': 'Claim 6.3.2'}
    """
    counts = {"Derivation": 0, "Claim": 0, "Table": 0, "Figure": 0}
    labels: dict[str, str] = {}
    block = {"id": "", "tables": 0, "figures": 0}

    def label(kind: str, anchor: str) -> str:
        counts[kind] += 1
        text = f"{kind} {chapter}.{counts[kind]}"
        labels[anchor] = text
        return text

    def stable(kind: str) -> str:
        key = "tables" if kind == "table" else "figures"
        block[key] += 1
        suffix = f"-{block[key]}" if block[key] > 1 else ""
        base = block["id"] or f"{chapter.replace('.', '-')}-unnamed"
        anchor = f"{kind}-{base}{suffix}"
        if anchor in labels:
            raise ValueError(f"two results share the anchor {anchor!r}")
        return anchor

    def repl(m: re.Match[str]) -> str:
        if m.group("block") is not None:
            block.update(id=m.group("block"), tables=0, figures=0)
            return ""
        if m.group("deriv"):
            a = m.group("deriv")
            return f'<p class="nn-label"><a href="#{a}">{label("Derivation", a)}</a></p>\n{m.group(0)}'
        if m.group("claim"):
            a = m.group("claim")
            return f'{m.group(0)}<a class="nn-label" href="#{a}">{label("Claim", a)}</a>: '
        kind = "table" if m.group("table") else "figure"
        a = stable(kind)
        text = label(kind.capitalize(), a)
        return f'<p class="nn-label" id="{a}"><a href="#{a}">{text}</a></p>\n{m.group(0)}'

    return _ITEMS.sub(repl, html_text), labels


def parts(html_text: str, src: str) -> dict[str, str]:
    """Return the identifiers of a chapter and its parts, mapped to their anchors on the page."""
    slug = src.removesuffix(".md")
    out = {}
    h1 = re.search(r'<h1 id="([^"]+)"', html_text)
    if h1:
        out[slug] = h1.group(1)
    for m in re.finditer(r'<h2 id="([^"]+)">(?:\((\w)\)|(\d+)\.)', html_text):
        out[f"{slug}-{m.group(2) or m.group(3)}"] = m.group(1)
    return out


def on_page_content(html_text: str, page: Any, config: Any, labels: dict[str, str]) -> str:
    """Give numbers to the results of a chapter; register their anchors (and the chapter's) with autorefs.

    ``labels`` (anchor to label, owned by the build) receives the numbers given.
    """
    src = page.file.src_uri
    chapter = chapter_of(src)
    if chapter is None:
        return html_text
    html_text, found = number(html_text, chapter)
    autorefs = config.plugins.get("autorefs")
    for anchor, text in found.items():
        labels[anchor] = text
        if autorefs is not None:
            autorefs.register_anchor(page, anchor, anchor, title=text)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(anchor)
    if autorefs is not None:
        for ident, anchor in parts(html_text, src).items():
            autorefs.register_anchor(page, ident, anchor, title=ident)
    return html_text


_REF = re.compile(r'(<a class="autorefs autorefs-internal"[^>]*href="[^"#]*#([^"]+)"[^>]*>)(.*?)(</a>)', re.S)


def relabel(output: str, labels: dict[str, str]) -> str:
    """Show the number of each referenced result (``labels``: anchor to label) as the links' text."""

    def repl(m: re.Match[str]) -> str:
        text = labels.get(html.unescape(m.group(2)))
        return f"{m.group(1)}{text}{m.group(4)}" if text else m.group(0)

    return _REF.sub(repl, output)
