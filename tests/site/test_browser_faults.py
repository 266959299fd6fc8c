"""Each real-browser check fails on a small synthetic page that has its fault.

The synthetic pages are the site's theme with a given article (`browser.synthetic.synthetic_page`),
served beside the built site: a good one passes every check, and each fault (an offsite request,
a logged error, raw TeX, math without its fonts, an unnamed or invisible figure, low contrast, a
serious axe finding) is reported by its check and named.
"""

from __future__ import annotations

import pytest
from browser.synthetic import GOOD_FIGURE, GOOD_MATH
from browser.verdicts import CHECKS, Visit, figure_problems, math_problems
from browser.visit import Session

KATEX_CSS = r"<link[^>]*katex\.min\.css[^>]*>"


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
    """A plot without a name, one hidden, one of zero size and one too small to read are reported."""
    unnamed = '<svg class="nn-figure" viewBox="0 0 10 10"><text x="1" y="5">t</text></svg>'
    hidden = GOOD_FIGURE.replace('class="nn-figure"', 'class="nn-figure" style="display: none"')
    flat = GOOD_FIGURE.replace('class="nn-figure"', 'class="nn-figure" style="height: 0"')
    tiny = GOOD_FIGURE.replace('class="nn-figure"', 'class="nn-figure" style="width: 100px"')
    body = GOOD_FIGURE + unnamed + hidden + flat + tiny
    problems = _visit(browser, "nn-figures", body).problems()["figures"]
    # 12-unit text in a 200-unit figure drawn 100 px wide: 6 px on screen
    assert problems.pop() == "figure 5 ('a rising line'): text drawn at 6.0 px, below 9 px"
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
