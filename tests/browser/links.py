"""Every internal link and anchor of a built site resolves: a pure-Python crawl of its HTML files.

MkDocs' ``validation`` checks the links written in Markdown; this also sees what it cannot: links
printed by executed blocks, anchors made by hooks, the theme's own links, and the ``#id``
references inside inline SVG (``<use href>``, ``clip-path="url(#...)"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

__all__ = ["broken_links"]

#: Attributes that reference another resource or an anchor, per element ("*" for any element).
_REF_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
    "*": ("aria-labelledby", "aria-describedby"),
}
_URL_REF = re.compile(r"url\(\s*['\"]?#([^)'\"]+)['\"]?\s*\)")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@dataclass
class _Page:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        for attr in _REF_ATTRS.get(tag, ()):
            if attr in values:
                self.page.refs.append((tag, attr, values[attr].strip()))
        for attr in _REF_ATTRS["*"]:
            for ref in values.get(attr, "").split():
                self.page.refs.append((tag, attr, "#" + ref))
        for attr, value in values.items():
            for m in _URL_REF.finditer(value):
                self.page.refs.append((tag, attr, "#" + m.group(1)))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def _target(site: Path, url_path: str) -> Path:
    """The file served for ``url_path`` (relative to the site root)."""
    candidate = site / unquote(url_path)
    if url_path.endswith("/") or url_path == "" or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate


def broken_links(site: Path, prefix: str = "/") -> list[str]:
    """Return every internal link or anchor of the HTML files of ``site`` that does not resolve.

    Parameters
    ----------
    site : Path
        The built site.
    prefix : str
        The URL path the site is served under (the path of ``site_url``); links starting with
        ``/`` (the 404 page uses them) are resolved against it.

    Returns
    -------
    list of str
        ``"<page>: <tag> <attribute>=<value>: <why>"``, one per broken reference; empty if none.
        Links to other hosts, ``mailto:`` and the like are not followed.
    """
    pages = {p.relative_to(site).as_posix(): _parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for name, page in pages.items():
        page_url = "/" + name.removesuffix("index.html")
        for tag, attr, value in page.refs:
            if not value or _EXTERNAL.match(value):
                continue
            if value.startswith("/"):
                if not value.startswith(prefix):
                    problems.append(f"{name}: {tag} {attr}={value}: outside the site {prefix}")
                    continue
                value = "/" + value[len(prefix) :]
            parts = urlsplit(urljoin(page_url, value))
            rel = parts.path.lstrip("/")
            file = _target(site, rel)
            if not file.is_file():
                problems.append(f"{name}: {tag} {attr}={value}: no file {rel or '/'}")
                continue
            anchor = unquote(parts.fragment)
            if not anchor or file.suffix != ".html":
                continue
            target = pages.get(file.relative_to(site).as_posix())
            if target is None or anchor not in target.ids:
                problems.append(f"{name}: {tag} {attr}={value}: no anchor #{anchor}")
    return problems
