"""Real-browser checks: every page of the built site, in Debian's Chromium, in both palettes.

The site is served on 127.0.0.1 and every page is visited by one browser (see `browser.visit`):
nothing may be fetched from another host, no error may be logged, every formula must be typeset in
KaTeX's fonts, every plot present, visible and named, text of plots and tables readable (WCAG AA)
in both palettes, and axe-core must find nothing serious. Instant navigation and offline search
are exercised, every internal link is resolved, and a screenshot of every page in each palette is
saved into ``test-artifacts/screenshots/``. Each check is shown to fail on a small synthetic page
that has its fault.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser.links import broken_links
from browser.visit import (
    CHECKS,
    NOT_LOCAL,
    VIEWPORTS,
    Session,
    Visit,
    contrast_problems,
    figure_problems,
    is_local,
    math_problems,
)
from conftest import ROOT, SCREENSHOTS, site_prefix

from nnnotes.sitebuild import minisite, takeaway

#: axe rules whose verdict depends on the palette; the others are run once, in the light one.
DARK_AXE_RULES = ("color-contrast", "link-in-text-block")
KATEX_CSS = r"<link[^>]*katex\.min\.css[^>]*>"


def doc_pages() -> list[str]:
    """The URL path of every Markdown page of ``docs/`` (MkDocs' directory URLs)."""
    out = []
    for md in sorted((ROOT / "docs").rglob("*.md")):
        rel = md.relative_to(ROOT / "docs").with_suffix("").as_posix()
        out.append(rel.removesuffix("index") if rel == "index" or rel.endswith("/index") else rel + "/")
    return out


@pytest.fixture(scope="session")
def visits(browser: Session) -> dict[tuple[str, str, str], Visit]:
    """Every page of the site visited in both palettes at both viewports, by (path, scheme, viewport).

    Full-page screenshots are saved on the way at the desktop viewport. At the phone's, a page is
    photographed only when a check fails on it (`photograph_failures`): a phone-width page is
    several times taller, and its PNG took longer to make than all the checks of the page.
    """
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    out = {}
    for viewport in VIEWPORTS:
        found = browser.run(
            browser.visit_all(
                browser.pages(),
                dark_axe=DARK_AXE_RULES,
                screenshot=viewport == "desktop",
                viewport=viewport,
            )
        )
        out.update({(path, scheme, viewport): v for (path, scheme), v in found.items()})
    return out


# --- the real site ------------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_is_visited_in_both_palettes(browser: Session, visits: dict) -> None:
    """Every page of ``docs/`` was built and visited, and each palette and viewport was in force."""
    for viewport in VIEWPORTS:
        visited = {path for path, _, seen in visits if seen == viewport}
        assert set(doc_pages()) <= visited, viewport
    schemes = {(scheme, v.data["scheme"]) for (_, scheme, _), v in visits.items()}
    assert schemes == {("light", "default"), ("dark", "slate")}
    widths = {(viewport, v.data["width"]) for (_, _, viewport), v in visits.items()}
    assert widths == {(name, size["width"]) for name, size in VIEWPORTS.items()}


@pytest.mark.browser
@pytest.mark.parametrize("check", CHECKS)
def test_every_page_passes(browser: Session, visits: dict, check: str) -> None:
    """No page, in either palette, has a finding of this check (the message lists them all).

    offsite: requests to other hosts (blocked and counted); errors: console errors, page errors,
    failed local requests; math: raw TeX, untypeset formulas, KaTeX fonts not loaded; figures:
    missing, invisible or unnamed plots; contrast: text of plots and tables below 4.5:1; axe:
    serious or critical axe-core violations. A failing page is photographed at its viewport.
    """
    failing = [key for key, v in visits.items() if v.problems()[check]]
    photograph_failures(browser, failing)
    failures = {
        f"{path or '/'} ({scheme} palette, {viewport} {VIEWPORTS[viewport]['width']}px)": visits[
            path, scheme, viewport
        ].problems()[check]
        for path, scheme, viewport in failing
    }
    assert failures == {}


def photograph_failures(browser: Session, failing: list[tuple[str, str, str]]) -> list[Path]:
    """Full-page screenshots of the failing visits that have none yet (the phone's); their paths."""
    out = []
    for path, scheme, viewport in failing:
        target = browser.screenshot_path(path, scheme, viewport)
        if not target.is_file():
            browser.run(browser.visit(path, scheme, axe=False, screenshot=True, viewport=viewport))
        out.append(target)
    return out


@pytest.mark.browser
def test_screenshots_of_every_page_in_both_palettes(browser: Session, visits: dict) -> None:
    """A full-page PNG of every page in each palette (desktop) is left for a person to look at."""
    shots = [browser.screenshot_path(path, scheme, viewport) for path, scheme, viewport in visits]
    desktop = [s for s in shots if s.parent.name in ("light", "dark")]
    assert {s.parent.name for s in desktop} == {"light", "dark"}
    assert len(desktop) == len(shots) // len(VIEWPORTS)
    assert all(s.is_relative_to(ROOT / "test-artifacts") for s in shots)
    assert [s for s in desktop if s.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n"] == []


@pytest.mark.browser
def test_a_failing_phone_visit_is_photographed(browser: Session, visits: dict) -> None:
    """A visit that fails a check at the phone's width leaves its full-page screenshot."""
    path, scheme, viewport = key = next(k for k in visits if k[2] == "phone")
    target = browser.screenshot_path(path, scheme, viewport)
    target.unlink(missing_ok=True)
    assert photograph_failures(browser, [key]) == [target]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
    hrefs, visit = browser.run(browser.search("matrices"))
    snippets = [t for t in visit.data["results"] if "(3,1,−1)" in "".join(t.split())]
    assert snippets, visit.data["results"]
    for text in snippets:
        flat = "".join(text.split())
        assert flat.count("(3,1,−1)") == 1 and "(3,1,-1)" not in flat, text
        assert not re.search(r"\\[A-Za-z]+", text), text


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    """Every link, resource and ``#anchor`` of the built HTML points at something that exists.

    The PDF and the offline zip are made from the built site after it (``make pdf``, ``make
    offline``): links to them are checked by ``test_pdf.py`` and ``test_offline.py``.
    """
    later = tuple(f": no file {path}" for path in takeaway.LATER)
    assert [p for p in broken_links(built_site, site_prefix()) if not p.endswith(later)] == []


# --- each check fails on a page that has its fault ---------------------------------------------

GOOD_MATH = (
    '<p>Inline <span class="arithmatex"><span class="katex"><span class="katex-html" '
    'aria-hidden="true"><span class="base"><span class="mord mathnormal">x</span></span></span>'
    "</span></span>.</p>"
)
GOOD_FIGURE = (
    '<svg class="nn-figure" role="img" aria-label="a rising line" viewBox="0 0 200 100">'
    "<title>a rising line</title>"
    '<path d="M 10 90 L 190 10" style="stroke: currentColor"/>'
    '<text x="20" y="95" style="fill: currentColor; font-size: 12px">good axis label</text></svg>'
)


def _visit(
    browser: Session,
    name: str,
    body: str,
    scheme: str = "light",
    *,
    axe: bool = False,
    drop: str | None = None,
) -> Visit:
    """Visit a synthetic page ``name`` of the site's theme whose article is ``body``."""
    return browser.run(browser.visit(browser.add_page(name, body, drop=drop), scheme, axe=axe))


@pytest.mark.browser
def test_a_good_synthetic_page_passes_every_check(browser: Session) -> None:
    """The synthetic pages below start from this one, which passes: their failures are real."""
    table = "<table><tr><th>n</th></tr><tr><td>readable cell</td></tr></table>"
    for scheme in ("light", "dark"):
        visit = _visit(browser, "nn-good", GOOD_MATH + GOOD_FIGURE + table, scheme, axe=True)
        problems = visit.problems()
        assert problems == {check: [] for check in CHECKS}, scheme
        assert visit.data["katex"] == 1 and len(visit.data["figures"]) == 1


@pytest.mark.browser
def test_an_external_script_is_blocked_and_counted(browser: Session) -> None:
    """A script from a CDN and an image from another host are blocked, counted and reported."""
    body = (
        '<script src="https://cdn.example.invalid/katex/katex.min.js"></script>'
        '<img src="http://example.org/pixel.png" alt="a pixel">'
    )
    problems = _visit(browser, "nn-offsite", body).problems()
    assert problems["offsite"] == [
        "blocked request to https://cdn.example.invalid/katex/katex.min.js",
        "blocked request to http://example.org/pixel.png",
    ]


@pytest.mark.browser
def test_console_errors_page_errors_and_missing_files_are_caught(browser: Session) -> None:
    """A logged error, an uncaught exception and a missing local file are each reported."""
    body = (
        "<script>console.error('logged-error')</script>"
        "<script>throw new Error('uncaught-error')</script>"
        '<img src="no-such-image.png" alt="gone">'
    )
    errors = _visit(browser, "nn-errors", body).problems()["errors"]
    assert any("logged-error" in e for e in errors), errors
    assert any(e.startswith("page error:") and "uncaught-error" in e for e in errors), errors
    assert any(e.startswith("failed request: 404") and "no-such-image.png" in e for e in errors)


@pytest.mark.browser
def test_raw_tex_is_caught(browser: Session) -> None:
    r"""Formulas left as TeX (``\(..\)``, ``\[..\]``, ``$$..$$``, ``$x^2$``) are reported."""
    body = (
        r'<p>Inline <span class="arithmatex">\(x^2\)</span>.</p>'
        r'<div class="arithmatex">\[\frac{1}{2}\]</div>'
        r"<p>Display $$a + b$$.</p><p>Subscript $y_1$.</p>"
    )
    problems = math_problems(_visit(browser, "nn-raw-tex", body).data)
    raw = [p for p in problems if p.startswith("raw TeX")]
    assert len(raw) == 4, problems
    assert sum(p.startswith("formula not typeset") for p in problems) == 2


@pytest.mark.browser
def test_math_without_its_fonts_is_caught(browser: Session) -> None:
    """KaTeX markup whose stylesheet (and so fonts) did not load is reported, though typeset."""
    problems = _visit(browser, "nn-no-fonts", GOOD_MATH, drop=KATEX_CSS).problems()["math"]
    assert any("KaTeX_Main font not loaded" in p for p in problems), problems
    assert any("not set in KaTeX's fonts" in p for p in problems), problems


@pytest.mark.browser
def test_unnamed_and_invisible_figures_are_caught(browser: Session) -> None:
    """A plot without a name, one hidden and one of zero size are reported; the good one is not."""
    unnamed = '<svg class="nn-figure" viewBox="0 0 10 10"><text x="1" y="5">t</text></svg>'
    hidden = GOOD_FIGURE.replace('class="nn-figure"', 'class="nn-figure" style="display: none"')
    flat = GOOD_FIGURE.replace('class="nn-figure"', 'class="nn-figure" style="height: 0"')
    body = GOOD_FIGURE + unnamed + hidden + flat
    problems = _visit(browser, "nn-figures", body).problems()["figures"]
    assert problems[:3] == [
        "figure 2 (''): no accessible name (aria-label or <title>)",
        "figure 2 (''): role is None, not 'img'",
        "figure 3 ('a rising line'): not visible (0 x 0 px)",
    ]
    assert len(problems) == 4
    assert problems[3].startswith("figure 4 ('a rising line'): not visible (")
    assert problems[3].endswith(" x 0 px)")


def test_a_figure_count_differing_from_the_html_is_caught() -> None:
    """If a page shows fewer figures than its HTML holds (one removed by a script), it is said."""
    data = {"figures": []}
    assert figure_problems(data, static_figures=1) == ["0 figures shown, 1 in the page's HTML"]


@pytest.mark.browser
def test_low_contrast_text_in_the_dark_palette_is_caught(browser: Session) -> None:
    """Dark-grey table text and black plot text on the slate background are reported."""
    black = GOOD_FIGURE.replace("fill: currentColor", "fill: #000000").replace(
        "good axis label", "black axis label"
    )
    table = (
        "<table><tr><th>n</th></tr><tr><td>readable cell</td></tr>"
        '<tr><td style="color: #444">dim cell</td></tr></table>'
    )
    visit = _visit(browser, "nn-contrast", GOOD_FIGURE + black + table, "dark")
    assert visit.data["scheme"] == "slate"
    problems = visit.problems()["contrast"]
    assert len(problems) == 2, problems
    assert problems[0].startswith("figure text 'black axis label' (1x): contrast 1.")
    assert problems[1].startswith("table text 'dim cell' (1x): contrast ")


@pytest.mark.browser
def test_axe_finds_serious_violations(browser: Session) -> None:
    """An image without alt text and a button without a name are serious axe findings."""
    body = '<img src="../assets/images/favicon.png"><button></button>'
    axe = _visit(browser, "nn-axe", body, axe=True).problems()["axe"]
    assert sorted(a.split(" ")[1] for a in axe) == ["button-name", "image-alt"], axe


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
    assert moved["kept_after"] and moved["kept_back"]
    assert math_problems(moved["after"]) != []
    assert math_problems(moved["back"]) == []
    c = browser.add_page("nn-nav-c", GOOD_MATH + '<p><a href="../nn-nav-a/" target="_self">to a</a></p>')
    reloaded = browser.run(browser.navigate(c, a))
    assert not reloaded["kept_after"]


@pytest.mark.browser
def test_search_check_fails_for_a_word_the_site_lacks(browser: Session) -> None:
    """The search check can fail: a word in no page lists no chapter."""
    hrefs, visit = browser.run(browser.search("qqzzvvxx"))
    assert hrefs == []
    assert visit.blocked == []


def test_broken_links_and_anchors_are_caught(tmp_path: Path) -> None:
    """Missing pages, files and anchors (also in SVG references) are reported; good ones are not."""
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text('<h2 id="here">Here</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<p id="top"><a href="other/">ok</a> <a href="other/#here">ok</a> <a href="#top">ok</a>'
        ' <a href="https://example.org/x">external</a> <a href="mailto:a@b.c">mail</a>'
        ' <a href="missing/">no page</a> <a href="other/#gone">no anchor</a>'
        ' <a href="#nowhere">no anchor here</a> <img src="img/none.png" alt="x">'
        ' <a href="/elsewhere/">outside</a></p>'
        '<svg><use href="#nope"/><path clip-path="url(#no-clip)"/></svg>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path, "/site/") == [
        "index.html: a href=missing/: no file missing/",
        "index.html: a href=other/#gone: no anchor #gone",
        "index.html: a href=#nowhere: no anchor #nowhere",
        "index.html: img src=img/none.png: no file img/none.png",
        "index.html: a href=/elsewhere/: outside the site /site/",
        "index.html: use href=#nope: no anchor #nope",
        "index.html: path clip-path=#no-clip: no anchor #no-clip",
    ]


def test_absolute_links_resolve_under_the_site_path(tmp_path: Path) -> None:
    """The 404 page's ``/prefix/...`` links resolve against the site's path, not the host's root."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x">x</p>', encoding="utf-8")
    (tmp_path / "404.html").write_text('<a href="/nnnotes/a/#x">a</a>', encoding="utf-8")
    assert broken_links(tmp_path, "/nnnotes/") == []
    assert broken_links(tmp_path, "/") == ["404.html: a href=/nnnotes/a/#x: no file nnnotes/a/"]


def test_text_ratio_matches_wcag_examples() -> None:
    """The contrast arithmetic agrees with WCAG's published extremes and a hand computation."""
    from browser.contrast import ratio, text_ratio

    assert ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert ratio((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    # half-transparent black on white is rgb(127.5): ((0.5 + 0.055) / 1.055) ** 2.4 = 0.2140
    # is its luminance, so the ratio is 1.05 / 0.2640
    half = 1.05 / (((0.5 + 0.055) / 1.055) ** 2.4 + 0.05)
    assert text_ratio((0, 0, 0, 0.5), 1.0, [], (255, 255, 255)) == pytest.approx(half)
    # the same through the element's opacity, over an opaque white background on a black canvas
    assert text_ratio((0, 0, 0, 1), 0.5, [(255, 255, 255, 1)], (0, 0, 0)) == pytest.approx(half)
    assert half == pytest.approx(3.977, abs=0.001)


@pytest.mark.parametrize("text", ["$$", r"\(x\)", r"\[", r"\begin{aligned}", "$x^2$", "$a_1$"])
def test_raw_tex_pattern_matches(text: str) -> None:
    """The raw-TeX pattern of ``inspect.js`` finds each TeX delimiter a reader could see."""
    pattern = re.search(
        r"const RAW_TEX = /(.*)/;",
        (Path(__file__).parents[1] / "browser" / "inspect.js").read_text(encoding="utf-8"),
    ).group(1)
    assert re.search(pattern, text)
    assert not re.search(pattern, "costs $5 and $6")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a/",
        "https://localhost/x.js",
        "http://localhost:9",
        "data:text/plain,x",
        "blob:http://127.0.0.1/1",
        "about:blank",
        "https://cdn.jsdelivr.net/npm/x.js",
        "http://127.0.0.1.example.org/x",
        "http://localhostile.org/",
        "file:///etc/passwd",
        "wss://example.org/socket",
    ],
)
def test_routed_pattern_is_what_is_local_refuses(url: str) -> None:
    """The browser routes (to be blocked) exactly the URLs that `is_local` refuses."""
    assert bool(NOT_LOCAL.match(url)) is not is_local(url)
