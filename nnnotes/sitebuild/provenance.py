"""Provenance of each page: the date its Markdown last changed (from git) and a link to that Markdown.

The date is the committer date of the last commit that touched the page's file, not the build
time, so two builds of one commit stay byte-identical. The link goes to the page's Markdown in the
repository when ``NNNOTES_SOURCE_URL`` names it (for example
``https://github.com/<owner>/<repo>/blob/main/``), and otherwise to a copy of that Markdown that the
build puts beside the site (``source/docs/...``). Material's ``repo_url`` is not used: it makes the
reader's browser call the forge's API, and the site must request nothing from another host.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

#: Where the copies of the pages' Markdown go in the built site.
SOURCE_DIR = "source"


@cache
def last_changed(path: str) -> dt.date | None:
    """Return the date of the last commit that changed ``path``, or None if git knows none."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", Path(path).name],
            cwd=Path(path).parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return dt.date.fromisoformat(out) if out else None


def source_link(src: str, page_url: str) -> str:
    """Return the URL of page ``src``'s Markdown, as seen from the page at ``page_url``."""
    base = os.environ.get("NNNOTES_SOURCE_URL", "").strip()
    if base:
        return base.rstrip("/") + "/docs/" + src
    return "../" * page_url.count("/") + f"{SOURCE_DIR}/docs/{src}"


def footer(src: str, page_url: str, changed: dt.date | None) -> str:
    """Return the provenance line of a page.

    Examples
    --------
    >>> import datetime as dt
    >>> print(footer("exercise-6-3.md", "exercise-6-3/", dt.date(2026, 11, 29)))
    <p class="nn-provenance">Page last changed <time datetime="2026-11-29">29 November 2026</time>
    · <a href="../source/docs/exercise-6-3.md">Markdown source of this page</a></p>
    """
    when = (
        f'<time datetime="{changed.isoformat()}">{changed.day} {changed:%B %Y}</time>'
        if changed
        else "in changes not yet committed"
    )
    link = html.escape(source_link(src, page_url))
    return (
        f'<p class="nn-provenance">Page last changed {when}\n'
        f'· <a href="{link}">Markdown source of this page</a></p>'
    )


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Append the provenance line to every page made from a Markdown file."""
    path = page.file.abs_src_path
    if not path:
        return html_text
    return html_text + "\n" + footer(page.file.src_uri, page.url, last_changed(path))


def on_post_build(config: Any) -> None:
    """Copy every page's Markdown into the site, for the source links (when no forge is named)."""
    if os.environ.get("NNNOTES_SOURCE_URL", "").strip():
        return
    docs, out = Path(config["docs_dir"]), Path(config["site_dir"]) / SOURCE_DIR / "docs"
    for md in sorted(docs.rglob("*.md")):
        target = out / md.relative_to(docs)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(md, target)
