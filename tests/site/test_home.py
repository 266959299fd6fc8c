"""The home page's table of chapters against the site's navigation."""

from __future__ import annotations

import re

from conftest import ROOT

from nnnotes.sitebuild import minisite


def nav_chapters() -> list[tuple[str, str]]:
    """The ``Chapters`` section of ``nav`` in ``mkdocs.yml``, as (title, file) pairs in order."""
    section = next(entry["Chapters"] for entry in minisite.project_config()["nav"] if "Chapters" in entry)
    return [next(iter(item.items())) for item in section]


def test_the_home_page_lists_every_chapter_of_the_nav_in_order() -> None:
    """A chapter added to the nav and not to the home page's table (or the reverse) fails here."""
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[(\d+\.\d+)\]\((exercise-[\d-]+\.md)\) \|", home, re.M)
    assert rows == [(title.split()[0], page) for title, page in nav_chapters()]
    assert len(rows) >= 7
