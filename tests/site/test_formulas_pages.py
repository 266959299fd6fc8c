"""The chapters' formulas in prose: the checks their lists cite exist, and each page reports its count."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from nnnotes.sitebuild import minisite

PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if p.read_text(encoding="utf-8").startswith("---\n"))


def _listed(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text[4 : text.index("\n---", 4)]).get("formulas") or {}


def _cited(path: Path) -> set[str]:
    """The checks that the page's list entries name in backticks (`6-4-...`)."""
    return {
        name
        for entry in _listed(path).values()
        for reason in (entry if isinstance(entry, list) else [entry])
        for name in re.findall(r"`(\d-\d-[a-z0-9-]+)`", str(reason))
    }


@pytest.mark.parametrize("path", [p for p in PAGES if _cited(p)], ids=lambda p: p.name)
def test_cited_checks_exist_on_the_page(path: Path, built_site: Path) -> None:
    """A check that a list entry names is shown on that page of the built site."""
    html = (built_site / path.stem / "index.html").read_text(encoding="utf-8")
    cited = _cited(path)
    missing = sorted(n for n in cited if f'id="check-{n}"' not in html)
    assert missing == [], f"{path.name}: cited checks not on the page: {missing}"


@pytest.mark.parametrize("chapter", ["6-1", "6-2", "6-3", "6-4", "6-5", "6-7"])
def test_each_chapter_reports_its_formulas(chapter: str, built_site: Path) -> None:
    """Every chapter ends with its counts, and a folded list (numbers filled in) if it lists any."""
    html = (built_site / f"exercise-{chapter}" / "index.html").read_text(encoding="utf-8")
    assert 'id="formulas-in-the-prose"' in html
    m = re.search(r"hold (\d+) formulas with a relation.*?The build read (\d+) of them", html, re.S)
    assert m and int(m.group(2)) <= int(m.group(1)), chapter
    listed = _listed(ROOT / "docs" / f"exercise-{chapter}.md")
    if listed:
        assert "formulas not read" in html
    section = html[html.index('id="formulas-in-the-prose"') :]
    assert "{{" not in section, "a listed formula is shown with a raw placeholder"


FALSE_PAGE = r"""---
literals:
  "6.9": exercise number (title)
formulas:
  'x^2 \ge 0': 'where x > 0'
---

# Exercise 6.9: a throw-away chapter

The build reads $\sigma(-x) = 1 - \sigma(x)$ and $x^2 \ge 0$.

Here the prose is wrong: $\tanh(x) = 2\sigma(x) - 1$.
"""


def _build(folder: Path, page: str) -> tuple[int, str]:
    config = minisite.write_config(
        folder, {"index.md": "# Home\n", "exercise-6-9.md": page}, relax_links=True
    )
    proc = minisite.build(config, folder / "site")
    return proc.returncode, proc.stdout + proc.stderr


def test_a_false_formula_fails_the_strict_build(tmp_path: Path) -> None:
    """A chapter whose prose states a false identity fails the build, naming the page, line and formula."""
    status, out = _build(tmp_path / "false", FALSE_PAGE)
    assert status != 0
    assert r"ERROR   -  docs/exercise-6-9.md:12: formula $\tanh(x) = 2\sigma(x) - 1$ does not hold" in out
    assert out.count("ERROR") == 1, out  # the other two formulas hold (one on its listed domain)
    status, out = _build(tmp_path / "fixed", FALSE_PAGE.replace(r"2\sigma(x) - 1", r"2\sigma(2x) - 1"))
    assert status == 0 and "ERROR" not in out, out
    html = (tmp_path / "fixed" / "site" / "exercise-6-9" / "index.html").read_text(encoding="utf-8")
    assert "hold 3 formulas with a relation" in html and "3 relations proved by sympy" in html


def test_the_store_keeps_checked_pages_and_never_a_failure(tmp_path: Path, monkeypatch) -> None:
    """With the cache on, a page's checked formulas are stored; an edit that breaks one still fails."""
    monkeypatch.setenv("NNNOTES_CACHE", "on")
    good = FALSE_PAGE.replace(r"2\sigma(x) - 1", r"2\sigma(2x) - 1")
    status, out = _build(tmp_path, good)
    assert status == 0, out
    store = json.loads((tmp_path / ".cache" / "prose-formulas.json").read_text(encoding="utf-8"))
    assert len(store["items"]) == 1
    status, out = _build(tmp_path, good)  # served from the store: same page, same summary
    assert status == 0, out
    html = (tmp_path / "site" / "exercise-6-9" / "index.html").read_text(encoding="utf-8")
    assert "3 relations proved by sympy" in html
    status, out = _build(tmp_path, FALSE_PAGE)
    assert status != 0 and r"formula $\tanh(x) = 2\sigma(x) - 1$ does not hold" in out
    store = json.loads((tmp_path / ".cache" / "prose-formulas.json").read_text(encoding="utf-8"))
    assert len(store["items"]) == 1  # the failing page was not stored
