"""Finding one's way: tabs by purpose, the errata and verification pages, the home page's counts.

Real-browser checks at both `VIEWPORTS` (issue 17): a chapter's sidebar lists only chapters; the
errata page names chapters by title, never by file slug; the verification report fits the content
width and its filters work, and without JavaScript every check shows; the home page prints the
report's counts. Screenshots of the home, errata and report pages at both widths are saved under
``test-artifacts/navigation/``. The static checks read the built HTML: a description and a title
that names the exercise on every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser.visit import VIEWPORTS
from conftest import ROOT

from nnnotes.sitebuild.minisite import project_config

ARTIFACTS = ROOT / "test-artifacts" / "navigation"


def chapter_titles() -> dict[str, str]:
    """The chapters' titles as ``mkdocs.yml`` names them (the independent reference), by page."""
    for section in project_config()["nav"]:
        if "Chapters" in section:
            return {src: title for item in section["Chapters"] for title, src in item.items()}
    raise AssertionError("mkdocs.yml has no Chapters section")


def open_page(
    browser: Any,
    path: str,
    viewport: str,
    *,
    javascript: bool = True,
    then: Any = None,
    shot: str | None = None,
) -> Any:
    """Load ``path`` at ``viewport`` and return what ``then(page)`` returns (a coroutine function)."""

    async def go() -> Any:
        context = await browser.browser.new_context(
            viewport=VIEWPORTS[viewport], java_script_enabled=javascript, service_workers="block"
        )
        try:
            page = await context.new_page()
            await page.goto(browser.base + path, wait_until="load")
            out = await then(page) if then is not None else None
            if shot:
                target = ARTIFACTS / viewport / f"{shot}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(target), full_page=True)
            return out
        finally:
            await context.close()

    return browser.run(go())


#: hrefs of the links matching a selector that a reader can see: displayed, and not pushed sideways
#: out of view by a clipping ancestor (Material's phone drawer slides its other levels off to the side;
#: lists that scroll vertically are not clipped here, a reader scrolls them)
VISIBLE_LINKS = """
sel => [...document.querySelectorAll(sel)].filter(a => {
  const r = a.getBoundingClientRect();
  if (!r.width || !r.height) return false;
  let left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
  for (let e = a; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.visibility === "hidden" || cs.display === "none" || cs.opacity === "0") return false;
    if (e !== a && cs.overflowX !== "visible") {
      const q = e.getBoundingClientRect();
      left = Math.max(left, q.left); right = Math.min(right, q.right);
    }
  }
  return right - left > 1;
}).map(a => a.getAttribute("href"))
"""


#: True once the phone's drawer has slid in: its left edge at the window's and no transition
#: running (it slides for a quarter of a second, later on a busy machine)
DRAWER_OPEN = """() => {
  const d = document.querySelector(".md-sidebar--primary");
  return Math.abs(d.getBoundingClientRect().left) < 1 && d.getAnimations().length === 0;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_chapter_sidebar_lists_only_chapters(browser: Any, viewport: str) -> None:
    """On a chapter, the navigation a reader sees lists the chapters and no API page.

    On the phone the navigation is a drawer: it is opened first, as a reader would.
    """

    async def links(page: Any) -> list[str]:
        if viewport == "phone":
            await page.click('.md-header label[for="__drawer"]')
            await page.wait_for_function(DRAWER_OPEN, timeout=10_000)
        return await page.evaluate(VISIBLE_LINKS, ".md-sidebar--primary a.md-nav__link[href]")

    seen = open_page(browser, "exercise-6-3/", viewport, then=links)
    assert not [h for h in seen if "reference/" in h], seen
    others = {src.removesuffix(".md") for src in chapter_titles()} - {"exercise-6-3"}
    assert all(any(o in h for h in seen) for o in others), seen


@pytest.mark.browser
def test_tabs_name_the_purposes(browser: Any) -> None:
    """At desktop width the tabs are the purposes: start, chapters, checks, API reference."""

    async def tabs(page: Any) -> list[str]:
        return [t.strip() for t in await page.locator(".md-tabs__link").all_inner_texts()]

    expected = ["Start here", "Chapters", "Checks", "API reference"]
    assert open_page(browser, "", "desktop", then=tabs) == expected


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_errata_page_names_chapters_by_title(browser: Any, built_site: Path, viewport: str) -> None:
    """The errata page shows a heading per chapter with errata, by title; no slug, no repeated prefix."""

    def has_errata(src: str) -> bool:
        html = (built_site / src.removesuffix(".md") / "index.html").read_text()
        return 'class="admonition erratum' in html

    pages = [src for src in chapter_titles() if has_errata(src)]

    async def read(page: Any) -> tuple[list[str], str]:
        heads = await page.locator("article h2").all_inner_texts()
        return [h.strip().rstrip("¶").strip() for h in heads], await page.locator("article").inner_text()

    heads, text = open_page(browser, "errata/", viewport, then=read)
    assert heads == [chapter_titles()[src] for src in pages]
    assert not re.search(r"exercise-\d", text)
    assert "Erratum:" not in text


def _erratum_count(built_site: Path) -> int:
    """Errata shown on the chapter pages (admonitions), counted in the built HTML."""
    return sum(
        html.read_text().count('class="admonition erratum')
        for html in built_site.glob("exercise-*/index.html")
    )


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_report_fits_the_content_width(browser: Any, viewport: str) -> None:
    """No horizontal scroll of the page body, and every check card inside the content column."""

    async def measure(page: Any) -> dict[str, Any]:
        return await page.evaluate("""() => {
          const col = document.querySelector("article.md-content__inner").getBoundingClientRect();
          const over = [...document.querySelectorAll(".nn-check")]
            .filter(c => c.getBoundingClientRect().right > col.right + 1)
            .map(c => c.querySelector("a") && c.querySelector("a").textContent);
          return {scroll: document.documentElement.scrollWidth, width: window.innerWidth,
                  cards: document.querySelectorAll(".nn-check").length, over};
        }""")

    found = open_page(browser, "verification/", viewport, then=measure)
    assert found["cards"] > 0
    assert found["scroll"] <= found["width"], found
    assert found["over"] == []


FILTER_STATE = """() => ({
  box: !document.querySelector(".nn-filter").hidden,
  shown: [...document.querySelectorAll(".nn-check")].filter(c => c.offsetParent !== null)
         .map(c => [c.closest(".nn-chapter").dataset.chapter, c.dataset.method]),
  status: document.querySelector(".nn-filter__status").textContent,
})"""


def _cards(built_site: Path) -> list[tuple[str, str]]:
    """(chapter, method) of every card of the built report, read from its HTML."""
    html = (built_site / "verification" / "index.html").read_text()
    out = []
    sections = re.finditer(r'<section class="nn-chapter" data-chapter="([^"]+)">(.*?)</section>', html, re.S)
    for section in sections:
        methods = re.findall(r'class="nn-check" data-method="(\w+)"', section.group(2))
        out += [(section.group(1), m) for m in methods]
    return out


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_report_filters_by_method_and_chapter(browser: Any, built_site: Path, viewport: str) -> None:
    """Choosing a method, then a chapter too, shows exactly the matching cards and says how many."""
    cards = _cards(built_site)
    chapter = cards[0][0]

    async def use(page: Any) -> list[dict[str, Any]]:
        states = [await page.evaluate(FILTER_STATE)]
        await page.select_option("#nn-filter-method", label="evaluated")
        states.append(await page.evaluate(FILTER_STATE))
        await page.select_option("#nn-filter-chapter", value=chapter)
        states.append(await page.evaluate(FILTER_STATE))
        await page.select_option("#nn-filter-method", value="all")
        await page.select_option("#nn-filter-chapter", value="all")
        states.append(await page.evaluate(FILTER_STATE))
        return states

    start, evaluated, both, reset = open_page(browser, "verification/", viewport, then=use)
    assert start["box"] and len(start["shown"]) == len(cards)
    assert sorted(map(tuple, evaluated["shown"])) == sorted(c for c in cards if c[1] == "evaluated")
    want = [c for c in cards if c == (chapter, "evaluated")]
    assert want and sorted(map(tuple, both["shown"])) == sorted(want)
    assert both["status"] == f"Showing {len(want)} of {len(cards)} checks."
    assert len(reset["shown"]) == len(cards)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_report_without_javascript_shows_everything(browser: Any, built_site: Path, viewport: str) -> None:
    """With JavaScript off the filter controls (which would do nothing) are hidden and every card shows."""

    async def look(page: Any) -> dict[str, Any]:
        return {
            "box": await page.locator(".nn-filter").is_visible(),
            "shown": await page.locator(".nn-check:visible").count(),
        }

    found = open_page(browser, "verification/", viewport, javascript=False, then=look)
    assert found == {"box": False, "shown": len(_cards(built_site))}


COUNTS = """() => Object.fromEntries([...document.querySelectorAll("[data-count]")]
  .map(e => [e.dataset.count, Number(e.textContent)]))"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_home_counts_equal_the_reports(browser: Any, built_site: Path, viewport: str) -> None:
    """The home page's counts of checks and errata are the report's and the errata page's.

    Both are pinned to what the pages list: the report's cards by method, the chapters' errata.
    """
    home = open_page(browser, "", viewport, then=lambda p: p.evaluate(COUNTS))
    report = open_page(browser, "verification/", viewport, then=lambda p: p.evaluate(COUNTS))
    errata = open_page(browser, "errata/", viewport, then=lambda p: p.evaluate(COUNTS))
    cards = [m for _, m in _cards(built_site)]
    assert report == {
        "checks": len(cards),
        "proved": cards.count("proved"),
        "evaluated": cards.count("evaluated"),
        "exact": cards.count("exact"),
        "failed": 0,
    }
    assert errata == {"errata": _erratum_count(built_site)}
    assert home == {**report, **errata}


@pytest.mark.browser
def test_screenshots_of_the_checks_pages_at_both_widths(browser: Any) -> None:
    """Full-page screenshots of the home, errata and report pages at both widths are left to look at."""
    for viewport in VIEWPORTS:
        for path, name in (("", "home"), ("errata/", "errata"), ("verification/", "verification")):
            open_page(browser, path, viewport, shot=name)
    shots = sorted(ARTIFACTS.glob("*/*.png"))
    assert {(s.parent.name, s.stem) for s in shots} >= {
        (v, n) for v in VIEWPORTS for n in ("home", "errata", "verification")
    }
    for s in shots:  # PNG width, bytes 16-20 of the IHDR chunk: the viewport's
        assert int.from_bytes(s.read_bytes()[16:20], "big") == VIEWPORTS[s.parent.name]["width"], s


# --- static: the built HTML -----------------------------------------------------------------------


def _pages(built_site: Path) -> list[Path]:
    return sorted(p for p in built_site.rglob("index.html") if "<article" in p.read_text())


def test_every_page_has_its_own_description(built_site: Path) -> None:
    """Each page's ``<meta name="description">`` is taken from it: non-empty, and not the site's."""
    site = project_config()["site_description"]
    found = {}
    for html in _pages(built_site):
        m = re.search(r'<meta name="description" content="([^"]*)"', html.read_text())
        found[html.relative_to(built_site).as_posix()] = m.group(1) if m else ""
    bad = {k: v for k, v in found.items() if len(v) < 40 or v == site}
    assert bad == {}
    assert found["exercise-6-1/index.html"].startswith("This chapter checks the source's answers")


def test_titles_name_the_exercise(built_site: Path) -> None:
    """A chapter's ``<title>`` says which exercise it answers; an API page names the chapters using it."""
    titles = {
        html.relative_to(built_site).parent.as_posix(): re.search(
            r"<title>(.*?)</title>", html.read_text()
        ).group(1)
        for html in _pages(built_site)
    }
    for src in chapter_titles():
        number = re.match(r"exercise-(\d)-(\d)", src).groups()
        assert titles[src.removesuffix(".md")].startswith(f"Exercise {'.'.join(number)}"), titles
    assert "used in 6.1 Activation functions" in titles["reference/activations"]
