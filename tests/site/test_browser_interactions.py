"""Real-browser checks of what a reader does: instant navigation, search, keyboard scrolling.

Moving between chapters in place keeps math typeset and plots shown; the offline search finds a
chapter and shows formulas as text; a table or formula wider than the viewport scrolls, takes the
keyboard focus and is named, and casts a shadow on each edge where some of it is hidden. Each check
is also shown to fail (a broken target, a reload, a word the site lacks, a scroller without its
tabindex, a region that fits).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser.interactions import INSTANT_READY_JS
from browser.synthetic import GOOD_MATH
from browser.verdicts import contrast_problems, figure_problems, math_problems
from browser.visit import VIEWPORTS, Session
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from nnnotes.sitebuild import minisite


def _richest_chapters(site: Path) -> tuple[str, str]:
    """The two chapter pages with the most plots and formulas (so the move shows both)."""

    def weight(page: Path) -> tuple[int, int]:
        html = page.read_text(encoding="utf-8")
        return html.count("nn-figure"), html.count('class="katex"')

    chapters = sorted(site.glob("exercise-*/index.html"), key=lambda p: (weight(p), p.parent.name))
    first, second = chapters[-1], chapters[-2]
    return f"{first.parent.name}/", f"{second.parent.name}/"


@pytest.mark.browser
def test_instant_navigation_keeps_math_and_plots(browser: Session, built_site: Path) -> None:
    """Moving between two chapters in place (and back) leaves math typeset and plots shown.

    Material's instant navigation only takes over links to pages listed in ``sitemap.xml``, which
    MkDocs fills only when ``site_url`` is set; otherwise every click reloads the whole page.
    """
    start, target = _richest_chapters(built_site)
    moved = browser.run(browser.navigate(start, target))
    assert moved["kept_after"] and moved["kept_back"], (
        "the click reloaded the page: instant navigation is inert (is site_url set in mkdocs.yml? "
        "sitemap.xml must list the pages)"
    )
    there, back = moved["static_target"], moved["visit"]
    assert there.static_katex > 0, f"{target} has no formula to check"
    for data, static in ((moved["after"], there), (moved["back"], back)):
        assert math_problems(data, static.static_katex) == []
        assert figure_problems(data, static.static_figures) == []
        assert contrast_problems(data) == []
    assert moved["visit"].problems()["errors"] == []
    assert moved["visit"].problems()["offsite"] == []


@pytest.mark.browser
def test_search_finds_the_softmax_chapter_offline(browser: Session) -> None:
    """Typing "softmax" in the search box lists the chapter 6.1 page; nothing leaves localhost."""
    hrefs, visit = browser.run(browser.search("softmax"))
    assert any(urlsplit(h).path.endswith("/exercise-6-1/") for h in hrefs), hrefs
    assert visit.blocked == []
    assert visit.problems()["errors"] == []


@pytest.mark.browser
def test_search_result_shows_a_formula_once_as_text(browser: Session) -> None:
    """A search result's snippet shows a formula once, as text, with no TeX source beside it."""
    # a word of 6.3's question, whose first formula is the input x = (3, 1, -1)
    hrefs, visit = browser.run(browser.search("first-layer"))
    snippets = [t for t in visit.data["results"] if "(3,1,−1)" in "".join(t.split())]
    assert snippets, visit.data["results"]
    for text in snippets:
        flat = "".join(text.split())
        assert flat.count("(3,1,−1)") == 1 and "(3,1,-1)" not in flat, text
        assert not re.search(r"\\[A-Za-z]+", text), text


#: A page whose table and formula are wider than any viewport, whatever the fonts: the scrolling
#: regions exist on every machine, so the keyboard checks below always have something to judge.
WIDE_PAGE = (
    "# Wide\n\n## Wide table\n\n"
    + "| "
    + " | ".join(f"column-{i}-heading" for i in range(24))
    + " |\n"
    + "|"
    + "---|" * 24
    + "\n"
    + "| "
    + " | ".join(f"cell-{i}-value" for i in range(24))
    + " |\n\n"
    + "## Wide formula\n\n$$\n"
    + " + ".join(f"x_{{{i}}}^{{{i}}}" for i in range(120))
    + "\n$$\n"
)


@pytest.fixture(scope="module")
def wide_page(browser: Session, tmp_path_factory: pytest.TempPathFactory) -> str:
    """`WIDE_PAGE` built by the project's own build (hooks and theme), served as ``nn-wide/``."""
    folder = tmp_path_factory.mktemp("wide")
    proc = minisite.build(
        minisite.write_config(folder, {"index.md": "# Home\n", "wide.md": WIDE_PAGE}), folder / "site"
    )
    assert proc.returncode == 0, proc.stderr
    target = browser.overlay / "nn-wide"
    target.mkdir(exist_ok=True)
    shutil.copyfile(folder / "site" / "wide" / "index.html", target / "index.html")
    return "nn-wide/"


#: Every element of the article that scrolls sideways, with the element a keyboard user focuses to
#: scroll it: itself, or the focusable element inside it (Material wraps each table in a scrolling
#: ``div``; the table inside takes the focus, and the arrow keys scroll the wrapper).
SCROLLERS = """() => Array.from(document.querySelectorAll("article *"))
    .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
                    && el.scrollWidth > el.clientWidth + 13)
    .map((el) => {
        const focus = el.tabIndex >= 0 ? el : el.querySelector("[tabindex='0']");
        return {cls: el.className.split(" ")[0], focus: focus ? focus.tagName.toLowerCase() : null,
                name: focus ? focus.getAttribute("aria-label") || "" : ""};
    })"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_wide_table_and_formula_take_focus_and_have_names(
    browser: Session, wide_page: str, viewport: str
) -> None:
    """A table and a formula wider than the viewport scroll, take the keyboard focus, are named.

    axe-core finds nothing serious on the page at this viewport in either palette, and both
    regions really do scroll (so the verdict is not empty).
    """
    scrollers: list[dict] = []

    async def look(page, visit) -> None:
        scrollers.extend(await page.evaluate(SCROLLERS))

    for scheme in ("light", "dark"):
        visit = browser.run(browser.visit(wide_page, scheme, viewport=viewport, then=look))
        assert visit.problems()["axe"] == [], (scheme, viewport)
    found = {(s["focus"], s["name"]) for s in scrollers}
    assert found == {("table", "Table 1: Wide table"), ("div", "Formula")}, scrollers


@pytest.mark.browser
def test_axe_catches_an_unfocusable_scroller_and_an_unnamed_dialog(browser: Session, wide_page: str) -> None:
    """The same wide page without its tabindex, and a nameless dialog, are serious axe findings."""
    html = (browser.overlay / wide_page / "index.html").read_text(encoding="utf-8")
    stripped = html.replace(' tabindex="0"', "").replace('role="dialog" aria-label="Search"', 'role="dialog"')
    assert stripped != html
    folder = browser.overlay / "nn-wide-broken"
    folder.mkdir(exist_ok=True)
    (folder / "index.html").write_text(stripped, encoding="utf-8")
    for viewport in VIEWPORTS:
        axe = browser.run(browser.visit("nn-wide-broken/", viewport=viewport)).problems()["axe"]
        rules = sorted({a.split(" ")[1] for a in axe})
        assert rules == ["aria-dialog-name", "scrollable-region-focusable"], (viewport, axe)
        scroll = next(a for a in axe if "scrollable-region-focusable" in a)
        assert ".arithmatex" in scroll and re.search(r"md-typeset__scrollwrap|table", scroll), scroll


@pytest.mark.browser
def test_instant_navigation_check_catches_a_broken_target_and_a_reload(browser: Session) -> None:
    """Moving in place to a page with raw TeX is caught, and so is a move that reloads the page."""
    a = browser.add_page("nn-nav-a", GOOD_MATH + '<p><a href="../nn-nav-b/">to b</a></p>')
    b = browser.add_page(
        "nn-nav-b",
        GOOD_MATH + r'<p><span class="arithmatex">\(x^2\)</span></p>'
        '<p><a href="../nn-nav-a/">to a</a></p>',
    )
    moved = browser.run(browser.navigate(a, b))
    assert (moved["kept_after"], moved["kept_back"]) == (True, True), "a move reloaded (there, back)"
    assert math_problems(moved["after"]) != []
    assert math_problems(moved["back"]) == []
    c = browser.add_page("nn-nav-c", GOOD_MATH + '<p><a href="../nn-nav-a/" target="_self">to a</a></p>')
    reloaded = browser.run(browser.navigate(c, a))
    assert not reloaded["kept_after"]


async def _click_before_the_sitemap(session: Session, start: str, target: str, *, wait: bool) -> bool:
    """Hold ``sitemap.xml`` back; click ``start``'s link to ``target``; return whether no reload happened.

    With ``wait`` the sitemap is let through a second after ``load`` and the click waits for
    `INSTANT_READY_JS`; without, the click comes while the sitemap is still held.
    """
    assert session.browser is not None
    release = asyncio.Event()

    async def held(route) -> None:
        await release.wait()
        try:
            await route.continue_()
        except PlaywrightError:  # the request was cancelled by the reload, or the context closed
            pass

    context = await session.browser.new_context(service_workers="block")
    try:
        page = await context.new_page()
        await page.route("**/sitemap.xml", held)
        await page.goto(session.base + start, wait_until="load")
        if wait:
            asyncio.get_running_loop().call_later(1.0, release.set)
            await page.evaluate(INSTANT_READY_JS)
        await page.evaluate("window.__nnKept = 'kept'")
        await page.locator(f'a[href$="{target.rstrip("/").rsplit("/", 1)[-1]}/"]').first.click()
        await page.wait_for_url(session.base + target)
        await page.wait_for_load_state("load")
        kept = await page.evaluate("window.__nnKept === 'kept'")
        release.set()
        return kept
    finally:
        await context.close()


@pytest.mark.browser
def test_navigation_checks_wait_for_the_sitemap(browser: Session) -> None:
    """A click before Material has read ``sitemap.xml`` reloads; after `INSTANT_READY_JS` it does not.

    On a busy machine the test server can serve the sitemap seconds after ``load``; every check of
    instant navigation waits for it (`browser.interactions.INSTANT_READY_JS`), so none depends on
    the machine's speed.
    """
    a = browser.add_page("nn-late-a", GOOD_MATH + '<p><a href="../nn-late-b/">to b</a></p>')
    b = browser.add_page("nn-late-b", GOOD_MATH)
    assert browser.run(_click_before_the_sitemap(browser, a, b, wait=False)) is False
    assert browser.run(_click_before_the_sitemap(browser, a, b, wait=True)) is True


@pytest.mark.browser
def test_search_check_fails_for_a_word_the_site_lacks(browser: Session) -> None:
    """The search check can fail: a word in no page lists no chapter."""
    hrefs, visit = browser.run(browser.search("qqzzvvxx"))
    assert hrefs == []
    assert visit.blocked == []


#: For each region of the article that scrolls sideways: its kind, the cue classes it carries
#: (``nn-more-left``, ``nn-more-right``) and its computed box-shadow.
REGIONS = "article div.arithmatex, article .md-typeset__scrollwrap"
CUES = (
    """() => Array.from(document.querySelectorAll("REGIONS"))
    .map((el) => ({kind: el.classList.contains("arithmatex") ? "formula" : "table",
                   wide: el.scrollWidth > el.clientWidth + 13,
                   left: el.classList.contains("nn-more-left"),
                   right: el.classList.contains("nn-more-right"),
                   scrolled: el.scrollLeft,
                   shadow: getComputedStyle(el).boxShadow}))"""
).replace("REGIONS", REGIONS)

#: True once every wide region carries the cues ``[left, right]``: a scroll event reaches the page's
#: script at the next frame it renders, which on a busy machine comes late, so the checks wait for
#: it (up to `CUE_WAIT_MS`) instead of sleeping a fixed time; if it never comes, the test fails.
CUES_ARE = (
    """([left, right]) => Array.from(document.querySelectorAll("REGIONS"))
    .filter((el) => el.scrollWidth > el.clientWidth + 13)
    .every((el) => el.classList.contains("nn-more-left") === left
                   && el.classList.contains("nn-more-right") === right)"""
).replace("REGIONS", REGIONS)
CUE_WAIT_MS = 10_000

SCROLL_TO = (
    """(where) => document.querySelectorAll("REGIONS")
    .forEach((el) => { el.scrollLeft = where === "end" ? el.scrollWidth : el.scrollWidth / 3; })"""
).replace("REGIONS", REGIONS)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_wide_regions_show_which_side_hides_more(browser: Session, wide_page: str, viewport: str) -> None:
    """A wide formula and table cast a shadow on each edge where some of them is hidden.

    At the start only the right edge hides something; scrolled a third of the way, both; at the
    end, only the left. The shadow is drawn (a computed box-shadow), in both palettes.
    """
    seen: dict[str, list[dict]] = {}

    async def look(page, visit) -> None:
        for where, cues in expected.items():
            if where != "start":
                await page.evaluate(SCROLL_TO, where)
            try:
                await page.wait_for_function(CUES_ARE, arg=list(cues), timeout=CUE_WAIT_MS)
            except PlaywrightTimeout:
                pass  # the assertions below say which region kept which cue
            seen[where] = await page.evaluate(CUES)

    expected = {"start": (False, True), "middle": (True, True), "end": (True, False)}
    for scheme in ("light", "dark"):
        seen.clear()
        browser.run(browser.visit(wide_page, scheme, axe=False, viewport=viewport, then=look))
        assert sorted(r["kind"] for r in seen["start"] if r["wide"]) == ["formula", "table"], seen
        for where, (left, right) in expected.items():
            for region in (r for r in seen[where] if r["wide"]):
                assert (region["left"], region["right"]) == (left, right), (scheme, viewport, where, region)
                assert "inset" in region["shadow"], (scheme, viewport, where, region)


@pytest.mark.browser
def test_a_region_that_fits_casts_no_shadow(browser: Session) -> None:
    """A formula and a table narrower than the column are not marked (the cue cannot always be on).

    A wide table on the same page is marked first, which shows that the script has looked at the
    page (it marks every region in one pass).
    """
    page = browser.add_page(
        "nn-narrow",
        GOOD_MATH + '<div class="arithmatex">x = 1</div>'
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        "<table><tr><th>x</th></tr><tr><td>1</td></tr></table></div></div>"
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        '<table><tr><th style="min-width: 4000px">wide</th></tr></table></div></div>',
    )
    found: list[dict] = []

    async def look(page_, visit) -> None:
        await page_.wait_for_function(
            "document.querySelector('article .nn-more-right') !== null", timeout=CUE_WAIT_MS
        )
        found.extend(await page_.evaluate(CUES))

    browser.run(browser.visit(page, axe=False, then=look))
    assert [r["kind"] for r in found if r["wide"]] == ["table"], found
    narrow = [r for r in found if not r["wide"]]
    assert {r["kind"] for r in narrow} == {"formula", "table"}, found
    assert all(not (r["left"] or r["right"]) and r["shadow"] == "none" for r in narrow), found
