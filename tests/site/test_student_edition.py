"""The student edition: folded Answer, Why, Code and Errata boxes, the fold switch, print and no-JS views.

Each chapter part shows the question, then a folded Answer, a folded Why and its folded errata. The build
emits every box open; ``docs/javascripts/fold-early.js`` folds them as the page is parsed, before the
first paint (``test_student_edition_frames.py``), and ``docs/javascripts/fold.js`` keeps them folded
unless the reader unfolded everything with the switch (remembered in localStorage, across instant
navigation). Print media and a browser without JavaScript show everything. The fixtures ``site``
and ``chromium`` are in ``tests/conftest.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser.interactions import INSTANT_READY_JS
from browser.visit import VIEWPORTS
from conftest import ROOT

from nnnotes.sitebuild.student import add_code_boxes, api_links, called_names

ARTIFACTS = ROOT / "test-artifacts" / "student-edition"
BOXES = "details.answer, details.why, details.code, details.errata"
#: Chapters with parts, those with an Answer box (6.6 has no answer in the source).
CHAPTERS = [p.stem for p in sorted((ROOT / "docs").glob("exercise-*.md")) if "type: answer" in p.read_text()]
EXEC_FENCE = re.compile(r'^\s*`{3,}python [^\n]*exec="1"', re.M)


def test_the_chapters_with_answers_are_the_six_of_the_source() -> None:
    """The derived list is not empty: the source answers 6.1 to 6.5 and 6.7 (6.6 has no answer)."""
    assert CHAPTERS == [f"exercise-6-{k}" for k in (1, 2, 3, 4, 5, 7)]


def test_called_names_lists_package_imports_only() -> None:
    """Only names imported from nnnotes are listed, once each, in order."""
    src = "import sympy\nfrom nnnotes import forward\nfrom nnnotes.render import figure_to_svg, forward\n"
    assert called_names(src) == ["nnnotes.forward", "nnnotes.render.figure_to_svg", "nnnotes.render.forward"]


def test_api_links_point_to_where_a_function_is_defined() -> None:
    """A re-exported function links to its defining module's reference entry."""
    line = api_links("from nnnotes import forward\n", str(ROOT / "docs"))
    assert line == "Calls [`forward`][nnnotes.mlp.forward]."


def test_api_links_reach_the_reference_pages_in_folders() -> None:
    """Functions documented under docs/reference/proofs/ and experiments/ are linked too."""
    src = (
        "from nnnotes.proofs.batchnorm import undo_normalization\n"
        "from nnnotes.experiments.losses import output_rows\n"
    )
    line = api_links(src, str(ROOT / "docs"))
    assert line == (
        "Calls [`undo_normalization`][nnnotes.proofs.batchnorm.undo_normalization], "
        "[`output_rows`][nnnotes.experiments.losses.output_rows]."
    )


def test_code_box_follows_indented_block() -> None:
    """A block inside an admonition gets its Code box at the same indentation."""
    md = '!!! note "x"\n    ```python exec="1"\n    print(1)\n    ```\n'
    out = add_code_boxes(md, str(ROOT / "docs"))
    assert "    /// details | Code\n        type: code\n\n    ```python\n    print(1)\n    ```" in out


def test_broken_reference_fails_the_strict_build(mini_site) -> None:
    """An autorefs link to an identifier that no page defines fails the strict build."""
    ok = mini_site(
        {
            "index.md": "# Home\n\nSee [forward][nnnotes.mlp.forward].\n",
            "api.md": "# API\n\n::: nnnotes.mlp.forward\n",
        }
    )
    assert ok.returncode == 0, ok.stderr
    bad = mini_site({"index.md": "# Home\n\nSee [forward][nnnotes.mlp.no_such_function].\n"})
    assert bad.returncode != 0
    assert "nnnotes.mlp.no_such_function" in bad.stderr


def test_every_executed_block_has_a_code_box(built_site: Path) -> None:
    """Each chapter's page has one Code box per executed block of its Markdown, all open in the HTML."""
    for name in CHAPTERS + ["exercise-6-6"]:
        blocks = len(EXEC_FENCE.findall((ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")))
        html = (built_site / name / "index.html").read_text(encoding="utf-8")
        assert html.count('<details class="code" open>') == blocks, name
        assert '<details class="code">' not in html


def test_every_part_has_answer_then_why(built_site: Path) -> None:
    """Each part (a question admonition) is followed by an Answer box and then a Why box."""
    for name in CHAPTERS:
        html = (built_site / name / "index.html").read_text(encoding="utf-8")
        parts = html.split('<div class="admonition question">')[1:]
        assert parts, name
        for part in parts:
            a = part.find('<details class="answer" open>')
            w = part.find('<details class="why" open>')
            assert 0 < a < w, name


def test_every_erratum_is_in_a_folded_errata_box_after_the_why(built_site: Path) -> None:
    """An erratum's title says what is true: each sits in an Errata box after its part's Why."""
    for name in CHAPTERS:
        html = (built_site / name / "index.html").read_text(encoding="utf-8")
        errata = len(re.findall(r'<div class="admonition erratum\b', html))
        boxed = 0
        for part in html.split('<div class="admonition question">')[1:]:
            for box in part.split('<details class="errata" open>')[1:]:
                title = re.match(
                    r"\s*<summary>(?:Erratum|Errata) on the source's answer(?: \((\d+)\))?</summary>", box
                )
                assert title, (name, box[:200])
                inside = box[: box.index("</details>")]  # an erratum holds no details of its own
                n = inside.count('<div class="admonition erratum')
                assert n == int(title.group(1) or 1), (name, title.group(0))
                boxed += n
            first = part.find('<div class="admonition erratum')
            if first != -1:
                assert (
                    0 < part.find('<details class="why" open>') < part.find('<details class="errata"') < first
                )
        assert errata and boxed == errata, (name, boxed, errata)


# --- in the browser ---------------------------------------------------------------------------


def _open_states(page) -> list[bool]:
    return page.eval_on_selector_all(BOXES, "els => els.map(e => e.open)")


def _settled_top(page, anchor: str) -> list[float]:
    """The top of element ``anchor`` in the viewport, sampled every 100 ms until two samples agree."""
    tops = [page.locator(f"[id='{anchor}']").evaluate("e => e.getBoundingClientRect().top")]
    while len(tops) < 30 and (len(tops) < 2 or tops[-1] != tops[-2]):
        page.wait_for_timeout(100)
        tops.append(page.locator(f"[id='{anchor}']").evaluate("e => e.getBoundingClientRect().top"))
    return tops


def _ready(page) -> None:
    """Wait until the script has run on the current page (the switch is shown)."""
    page.wait_for_selector("button.nn-fold-switch:not([hidden])")


@pytest.mark.browser
def test_folded_by_default_and_opened_by_a_click(site: str, chromium) -> None:
    """On every chapter every box starts folded; a click on an Answer's summary opens it.

    The home page's two boxes (three errata, and a figure of 6.1) start folded too.
    """
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site)
    page.wait_for_function(f"[...document.querySelectorAll({json.dumps(BOXES)})].every(e => !e.open)")
    assert len(_open_states(page)) == 2
    for name in CHAPTERS:
        page.goto(site + name + "/")
        _ready(page)
        states = _open_states(page)
        assert states and not any(states), name
        answer = page.locator("details.answer").first
        assert not answer.locator("p").first.is_visible()
        answer.locator(":scope > summary").click()
        assert answer.evaluate("e => e.open")
        assert answer.locator("p").first.is_visible()
    page.close()


@pytest.mark.browser
def test_a_link_to_an_erratum_opens_its_box_and_shows_it(site: str, chromium) -> None:
    """A link to an erratum (folded, see above) opens its box and shows it below the header.

    Followed from the errata page (a click: instant navigation) for the first erratum of every
    chapter, and loaded directly for one, at both viewports.
    """

    def shown(href: str, viewport: str, how: str) -> None:
        anchor = href.split("#")[1]
        _ready(page)
        page.locator(f"[id='{anchor}']").wait_for(state="visible")
        # below the header, in the upper half of the screen, once the page has stopped moving
        header = page.locator(".md-header").evaluate("e => e.getBoundingClientRect().bottom")
        tops = _settled_top(page, anchor)
        assert header <= tops[-1] < VIEWPORTS[viewport]["height"] / 2, (viewport, how, href, tops)

    for viewport in ("desktop", "phone"):
        page = chromium.new_page(viewport=VIEWPORTS[viewport])
        page.goto(site + "errata/")
        links = page.eval_on_selector_all("article a[href*='#erratum-']", "as => as.map(a => a.href)")
        firsts = {h.split("#")[0]: h for h in reversed(links)}  # the first link of each chapter
        assert len(firsts) == len(CHAPTERS), sorted(firsts)
        for href in firsts.values():
            page.goto(site + "errata/")
            page.evaluate(INSTANT_READY_JS)
            page.locator(f"article a[href$='#{href.split('#')[1]}']").first.click()
            page.wait_for_url(href)
            shown(href, viewport, "click")
        page.goto("about:blank")
        page.goto(href)
        shown(href, viewport, "load")
        page.close()


@pytest.mark.browser
def test_switch_unfolds_all_and_survives_instant_navigation(site: str, chromium) -> None:
    """The switch unfolds every box; the choice holds on the next chapter reached by instant navigation."""
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site + "exercise-6-3/")
    _ready(page)
    switch = page.locator("button.nn-fold-switch")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert all(_open_states(page))
    assert switch.get_attribute("aria-pressed") == "true"
    # instant navigation: a click on a nav link swaps the content without a page load
    page.evaluate(INSTANT_READY_JS)
    page.evaluate("window.__same_document = true")
    page.locator('.md-nav a[href$="exercise-6-4/"]').first.click()
    page.wait_for_url("**/exercise-6-4/")
    page.wait_for_function("document.querySelector('h1').textContent.includes('6.4')")
    _ready(page)
    assert page.evaluate("window.__same_document === true"), "not an instant navigation"
    states = _open_states(page)
    assert states and all(states)
    assert page.locator("button.nn-fold-switch").get_attribute("aria-pressed") == "true"
    page.locator("button.nn-fold-switch").click()
    assert not any(_open_states(page))
    page.reload()
    _ready(page)
    assert not any(_open_states(page))
    page.close()


@pytest.mark.browser
def test_print_media_opens_everything(site: str, chromium) -> None:
    """In print media every box is open, and folded again on screen."""
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site + "exercise-6-4/")
    _ready(page)
    assert not any(_open_states(page))
    page.emulate_media(media="print")
    page.wait_for_function(f"[...document.querySelectorAll({json.dumps(BOXES)})].every(e => e.open)")
    assert all(_open_states(page))
    page.emulate_media(media="screen")
    page.wait_for_function(f"[...document.querySelectorAll({json.dumps(BOXES)})].every(e => !e.open)")
    page.close()


@pytest.mark.browser
def test_without_javascript_everything_is_open(site: str, chromium) -> None:
    """With JavaScript off every box is open and the (useless) switch stays hidden."""
    context = chromium.new_context(java_script_enabled=False, viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(site + "exercise-6-3/")
    states = _open_states(page)
    assert states and all(states)
    assert not page.locator("button.nn-fold-switch").is_visible()
    context.close()


@pytest.mark.browser
def test_code_of_every_block_is_one_click_away(site: str, chromium) -> None:
    """Each Code box, once opened, shows the block's source; its API links resolve to the reference."""
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site + "exercise-6-3/")
    _ready(page)
    boxes = page.locator("details.code")
    for k in range(boxes.count()):
        box = boxes.nth(k)
        box.locator("summary").first.evaluate("s => s.scrollIntoView()")
        if not box.evaluate("e => e.open"):
            # a Code box sits inside a Why box: open the Why first
            box.evaluate("e => { let p = e.parentElement.closest('details'); if (p) p.open = true; }")
            box.locator("summary").first.click()
        assert box.locator("pre").first.is_visible()
    hrefs = page.eval_on_selector_all("details.code a.autorefs", "as => as.map(a => a.href)")
    assert hrefs
    for href in sorted(set(hrefs))[:10]:
        target = urlsplit(href)
        page.goto(href)
        assert page.locator(f"[id='{target.fragment}']").count() == 1, href
    page.close()


@pytest.mark.browser
def test_screenshots_folded_and_unfolded(site: str, chromium) -> None:
    """Screenshots of 6.4 folded and unfolded; folded, the page is much shorter."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site + "exercise-6-4/")
    _ready(page)
    folded = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(ARTIFACTS / "exercise-6-4-folded.png"), full_page=True)
    page.locator("button.nn-fold-switch").click()
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(path=str(ARTIFACTS / "exercise-6-4-unfolded.png"), full_page=True)
    (ARTIFACTS / "heights.json").write_text(json.dumps({"folded": folded, "unfolded": unfolded}) + "\n")
    page.evaluate("window.localStorage.clear()")
    assert folded * 3 < unfolded, (folded, unfolded)
    page.close()


def test_results_are_numbered_in_page_order() -> None:
    """Derivations, claims, tables and figures have their own counters; a table is named after its block."""
    from nnnotes.sitebuild.numbering import BLOCK_MARK, number

    page = (
        BLOCK_MARK.format(id="6-9-a") + '<div class="derivation" id="check-d1">'
        '<span id="check-c1"></span>✓ one <span id="check-c2"></span>✓ two'
        + BLOCK_MARK.format(id="6-9-t")
        + "<table></table><table></table>"
        '<svg role="img" class="nn-figure"></svg>'
    )
    out, labels = number(page, "6.9")
    assert labels == {
        "check-d1": "Derivation 6.9.1",
        "check-c1": "Claim 6.9.1",
        "check-c2": "Claim 6.9.2",
        "table-6-9-t": "Table 6.9.1",
        "table-6-9-t-2": "Table 6.9.2",
        "figure-6-9-t": "Figure 6.9.1",
    }
    assert "nn-block" not in out
    assert out.index("Derivation 6.9.1") < out.index('id="check-d1"')


def test_chapter_references_show_the_number(built_site: Path) -> None:
    """Prose cites a claim by its anchor; the page shows the claim's number, as the cited page does."""
    html = (built_site / "exercise-6-3" / "index.html").read_text(encoding="utf-8")
    cited = re.search(r'<a class="autorefs[^"]*"[^>]*href="#check-6-3-float64-p2">([^<]+)</a>', html)
    assert cited and re.fullmatch(r"Claim 6\.3\.\d+", cited.group(1))
    assert f'<a class="nn-label" href="#check-6-3-float64-p2">{cited.group(1)}</a>' in html
    other = (built_site / "exercise-6-7" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./exercise-6-5/#b-[^"]*">6\.5 \(b\)</a>', other)


def test_broken_result_reference_fails_the_strict_build(mini_site) -> None:
    """A reference to a result that no page numbers fails the strict build."""
    proc = mini_site({"exercise-9-1.md": "# Exercise 9.1\n\nSee [claim][check-9-1-missing].\n"})
    assert proc.returncode != 0
    assert "check-9-1-missing" in proc.stderr


def test_references_page_lists_every_cited_work(built_site: Path) -> None:
    """Every work a chapter cites has an entry on the References page, with a DOI or URL as text."""
    from nnnotes.sitebuild.citations import cited_keys

    refs = (built_site / "references" / "index.html").read_text(encoding="utf-8")
    cited = set()
    for md in sorted((ROOT / "docs").glob("exercise-*.md")):
        cited.update(cited_keys(md.read_text(encoding="utf-8")))
    assert len(cited) >= 10
    for key in sorted(cited):
        entry = re.search(rf'<li><span id="ref-{key}"></span>(.*?)</li>', refs, re.S)
        assert entry, key
        assert re.search(r">(doi:10\.\S+|https://\S+)</a>", entry.group(1)), key
    chapter = (built_site / "exercise-6-4" / "index.html").read_text(encoding="utf-8")
    assert 'href="../references/#ref-ioffe2015"' in chapter
    assert "Related reading" in chapter and "Section 8.7.1" in chapter


def test_unknown_citation_fails_the_strict_build(mini_site) -> None:
    """A citation of a key that has no entry on any page fails the strict build."""
    proc = mini_site({"exercise-9-1.md": "# Exercise 9.1\n\nAs [Nobody (1900)][ref-nobody1900] says.\n"})
    assert proc.returncode != 0
    assert "ref-nobody1900" in proc.stderr


def test_every_page_shows_its_git_date_and_source(built_site: Path) -> None:
    """Each page shows the date git gives for its Markdown, and links to a copy of that Markdown."""
    import subprocess

    for md in sorted((ROOT / "docs").glob("*.md")):
        name = md.stem
        page = built_site / ("index.html" if name == "index" else f"{name}/index.html")
        html = page.read_text(encoding="utf-8")
        line = re.search(r'<p class="nn-provenance">(.*?)</p>', html, re.S)
        assert line, name
        date = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", str(md)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if date:
            assert f'<time datetime="{date}">' in line.group(1), name
        href = re.search(r'href="([^"]+)">Markdown source', line.group(1)).group(1)
        copy = (page.parent / href).resolve()
        assert copy.read_text(encoding="utf-8") == md.read_text(encoding="utf-8"), name


def test_notation_page_links_every_symbol_to_a_chapter(built_site: Path) -> None:
    """Every row of the notation table links to the chapter part where the symbol is introduced."""
    html = (built_site / "notation" / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    assert len(rows) >= 30
    for row in rows:
        assert re.search(r'href="\.\./exercise-6-\d/#[^"]+"|href="\.\./exercise-6-\d/"', row), row[:200]
