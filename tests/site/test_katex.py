"""Build-time KaTeX: good TeX renders to HTML+MathML, bad TeX is an error."""

from __future__ import annotations

import pytest

from nnnotes.sitebuild.katex import KatexError, KatexRenderer


@pytest.fixture(scope="module")
def katex():
    """One node process for the module."""
    r = KatexRenderer()
    yield r
    r.close()


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac{1}{1 + e^{-x}}",
        r"\begin{aligned} a &= b \\ &\le c \end{aligned}",
        r"\operatorname{softmax}(\mathbf{y})_i",
        r"\begin{bmatrix} 2 & -1 \\ 1 & -3 \end{bmatrix}",
        r"\overset{\scriptscriptstyle\mathrm{S}}{=}",
    ],
)
def test_renders_with_mathml(katex, tex: str) -> None:
    """Formulas render to KaTeX HTML with a MathML copy for screen readers."""
    html = katex.render(tex, display=True)
    assert 'class="katex-display"' in html and "<math" in html


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\notamacro{x}", r"x^^2"])
def test_bad_tex_raises(katex, tex: str) -> None:
    """Unbalanced braces, unknown macros and double superscripts are errors, not raw text."""
    with pytest.raises(KatexError, match="in formula"):
        katex.render(tex, display=False)


def test_cache_returns_same_html(katex) -> None:
    """A formula seen before is not rendered again."""
    a = katex.render("x^2", display=False)
    assert katex.render("x^2", display=False) is a
