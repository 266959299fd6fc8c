"""Take-away formats in the site build: notebooks, links to the downloads, the offline build.

Called from the site's plugin (`nnnotes.sitebuild.plugin`). The home page and each chapter get a
line of links to the PDF of the whole site (`nnnotes.sitebuild.pdf`, ``make pdf``), the chapter's
notebook (`nnnotes.sitebuild.notebooks`, written by this build) and the offline copy
(`nnnotes.sitebuild.offline`, ``make offline``). The PDF and the zip are made from a built site, so
they are written after it: `LATER` names them. A page links to them only when the same ``make`` run
makes them (`downloads`: ``make build pdf offline`` links both, ``make serve`` neither), so no
build shows a link to a missing file. The offline copy itself links only to the notebooks.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.utils import get_relative_url

from nnnotes.sitebuild import cache, notebooks, offline

__all__ = [
    "LATER",
    "PDF",
    "ZIP",
    "TakeAway",
    "chapters",
    "downloads",
]

#: The whole site as one PDF, and the offline copy as a zip (paths in the published site).
PDF = "downloads/nnnotes.pdf"
ZIP = "downloads/nnnotes-offline.zip"
#: Files the pages link to that are made from the built site, after it.
LATER = (PDF, ZIP)
#: The nav section whose pages are chapters (one notebook each).
CHAPTERS = "Chapters"
#: The words of ``NNNOTES_DOWNLOADS`` and the files they stand for.
DOWNLOADS = {"pdf": PDF, "zip": ZIP}


def downloads(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Return the files of `LATER` that the pages link to, from ``NNNOTES_DOWNLOADS``.

    The variable (of ``environ``, by default the process's environment) lists ``pdf`` and/or
    ``zip``: the Makefile sets it to what the run makes, ``make pdf`` the PDF and ``make offline``
    the zip. Unset or empty, none. An offline build (`nnnotes.sitebuild.offline.enabled`) links
    neither.

    Raises
    ------
    ValueError
        If the variable holds another word, naming it.

    Examples
    --------
    >>> downloads({"NNNOTES_DOWNLOADS": "zip pdf"})
    ('downloads/nnnotes.pdf', 'downloads/nnnotes-offline.zip')
    >>> downloads({"NNNOTES_DOWNLOADS": "pdf"}), downloads({})
    (('downloads/nnnotes.pdf',), ())
    >>> downloads({"NNNOTES_DOWNLOADS": "pdf, html"})
    Traceback (most recent call last):
    ...
    ValueError: NNNOTES_DOWNLOADS: expected 'pdf' and/or 'zip', got 'html'
    """
    environ = os.environ if environ is None else environ
    words = environ.get("NNNOTES_DOWNLOADS", "").replace(",", " ").split()
    unknown = [w for w in words if w not in DOWNLOADS]
    if unknown:
        raise ValueError(f"NNNOTES_DOWNLOADS: expected 'pdf' and/or 'zip', got {' '.join(unknown)!r}")
    if offline.enabled():
        return ()
    return tuple(path for word, path in DOWNLOADS.items() if word in words)


def chapters(nav: list[Any]) -> list[tuple[str, str]]:
    """Return ``(title, page)`` of the pages in the nav section `CHAPTERS`.

    Examples
    --------
    >>> chapters([{"Home": "index.md"}, {"Chapters": [{"6.1 Act": "exercise-6-1.md"}, "x.md"]}])
    [('6.1 Act', 'exercise-6-1.md'), ('', 'x.md')]
    """
    for item in nav:
        if isinstance(item, dict) and CHAPTERS in item:
            return [next(iter(e.items())) if isinstance(e, dict) else ("", e) for e in item[CHAPTERS]]
    return []


def _link(href: str, text: str, download: bool = False) -> str:
    return f'<a href="{html.escape(href)}"{" download" if download else ""}>{text}</a>'


class TakeAway:
    """The take-away formats' part of a build: chapters' Markdown for their notebooks, page titles.

    One object per build, held by the site plugin (no module-level state).
    """

    def __init__(self) -> None:
        self.markdown: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.chapters: dict[str, str] = {}

    def on_config(self, config: Any) -> None:
        """Offline build (``NNNOTES_OFFLINE``): serve the search worker's shim from the site."""
        self.markdown, self.titles = {}, {}
        self.chapters = {src: title for title, src in chapters(config.nav or [])}
        if offline.enabled():
            offline.configure(config)

    def on_page_markdown(self, markdown: str, page: Any) -> None:
        """Keep a chapter's Markdown for its notebook."""
        if page.file.src_uri in self.chapters:
            self.markdown[page.file.src_uri] = markdown

    def on_page_content(self, html_text: str, page: Any, config: Any) -> str:
        """Put the links to the take-away formats under the title of the home page and of each chapter."""
        src = page.file.src_uri
        if src != "index.md" and src not in self.chapters:
            return html_text
        self.titles[src] = page.title or src

        def rel(path: str) -> str:
            return get_relative_url(path, page.url or "index.html")

        made = downloads()
        links = []
        if PDF in made:
            links.append(_link(rel(PDF), "the whole site as one PDF"))
        if src == "index.md":
            if ZIP in made:
                links.append(_link(rel(ZIP), "an offline copy (zip) that opens from disk"))
            books = [
                _link(rel(notebooks.notebook_path(c)), html.escape(t or c), True)
                for c, t in self.chapters.items()
            ]
            links.append("a Jupyter notebook per chapter (" + ", ".join(books) + ")")
        else:
            links.append(_link(rel(notebooks.notebook_path(src)), "this chapter as a Jupyter notebook", True))
            if ZIP in made:
                links.append(_link(rel(ZIP), "an offline copy (zip)"))
        # left out of the search index: it would match every chapter
        box = f'<p class="nn-takeaway" data-search-exclude>Take it with you: {" · ".join(links)}.</p>'
        head, sep, rest = html_text.partition("</h1>")
        return head + sep + "\n" + box + rest if sep else box + html_text

    def on_post_build(self, config: Any) -> None:
        """Write the chapters' notebooks; in an offline build, copy the worker shim into the site."""
        site = Path(config.site_dir)
        repo = config.repo_url or os.environ.get("NNNOTES_REPO_URL", "")
        site_url = config.site_url or ""
        autorefs = config.plugins.get("autorefs")

        def resolve(identifier: str) -> str | None:
            """Where mkdocs-autorefs placed ``identifier`` (site-relative), as the pages link it."""
            try:
                return autorefs.get_item_url(identifier)[0] if autorefs is not None else None
            except KeyError:
                return None

        for src, markdown in sorted(self.markdown.items()):
            page_url = src.removesuffix(".md") + "/"
            nb = notebooks.chapter_notebook(
                markdown,
                cache.block_outputs(src),
                title=self.titles.get(src, src),
                page_url=page_url,
                site_url=site_url,
                repo_url=repo,
                resolve=resolve,
            )
            notebooks.write(nb, site, src)
        if offline.enabled():
            offline.copy_shim(site)
