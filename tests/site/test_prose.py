"""Numbers in prose: the scan for typed numbers, the placeholders, and the build's check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from nnnotes.sitebuild.prose import PlaceholderError, render_placeholders, typed_numbers


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a loss of 0.0817", ["0.0817"]),
        ("after 5000 steps", ["5000 steps"]),
        ("8 TB of memory", ["8 TB"]),
        ("up to 350 ulp", ["350 ulp"]),
        ("$10^{-6}$ and $10^5$", ["10^{-6}", "10^5"]),
        ("$2.32 \\times 10^{-16}$", ["2.32 \\times 10^{-16}"]),
        ("1e-8 and 4.9e-324", ["1e-8", "4.9e-324"]),
        ("Bishop (2006)", ["2006"]),
        ("one, 2 or 3 of them and $x_{12}$, $x^{-12}$, $e^{-z}$, $2^9$", []),
        ("$2^{-1075}$, $e^{-40}$, $2^{52}$ and $3^-12$", ["2^{-1075}", "e^{-40}", "2^{52}", "3^-12"]),
        ("at $y = (0, -40)$ and $-36$, on CIFAR-10, $x_{-12}$", ["40", "36"]),
        ("`x = 0.5` and [link](page-6.5.md) and {{ value:.3f }}", []),
    ],
)
def test_scan_finds_typed_numbers(text, found) -> None:
    """Decimals, powers (of ten, or with a 2+ digit exponent), scientific notation, units, integers."""
    assert [n.text for n in typed_numbers(text)] == found


def test_scan_skips_code_blocks_and_front_matter_and_counts_lines() -> None:
    """Fenced blocks and the front matter are skipped; line numbers are those of the source."""
    md = '---\nliterals:\n  "6.5": title\n---\n\n# 6.5\n\n```python\nx = 0.123\n```\n\nthen 0.25\n'
    assert [(n.line, n.text) for n in typed_numbers(md)] == [(6, "6.5"), (12, "0.25")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("with 2\ninputs here", [(1, "2 inputs")]),
        ("> it had 3\n> layers", [(1, "3 layers")]),
        ("!!! note\n\n    over 4\n    seeds", [(3, "4 seeds")]),
        ("a loss of 0.5\nsteps", [(1, "0.5")]),
        ("$1.5 \\times\n10^{-3}$", [(1, "1.5"), (2, "10^{-3}")]),
        ("one paragraph ends with 7\n\nsteps begin the next", []),
        ("a table | 2 |\n| inputs |", []),
    ],
    ids=["unit", "quote", "admonition", "decimal", "sci", "paragraphs", "table"],
)
def test_scan_reads_a_line_break_in_a_paragraph_as_a_space(text, found) -> None:
    """A number split from its unit by a soft line break is found, on its own line, and only once."""
    assert [(n.line, n.text) for n in typed_numbers(text)] == found


def test_placeholders_render_with_source_and_bare_in_math() -> None:
    """Prose gets a titled span (escaped); inside $...$ the bare number; code is left alone."""
    values = {"v": (0.125, 'f(a="b")'), "n": (1e-8, "tol")}
    out = render_placeholders("v = {{ v }}; $t = {{ n:pow10 }}$; `{{ v }}`", values)
    assert out == (
        'v = <span class="computed" title="f(a=&quot;b&quot;)">0.125</span>; $t = 10^{-8}$; `{{ v }}`'
    )
    fenced = "```python\nprint(f'{{x}}')\n```\n"
    assert render_placeholders(fenced, values) == fenced


def test_placeholder_errors_name_page_and_line() -> None:
    """An unknown name or a format that does not fit fails with page and line."""
    with pytest.raises(PlaceholderError, match=r"p\.md, line 2: no computed value named 'w'"):
        render_placeholders("ok\n{{ w }}\n", {"v": (1, "s")}, page="p.md")
    with pytest.raises(PlaceholderError, match="not a power of ten"):
        render_placeholders("{{ v:pow10 }}", {"v": (3.0, "s")}, page="p.md")


SPAN = '<span class="computed" title="s">0.125</span>'


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        # a display formula on lines of its own, in a quote and in an admonition: math
        ("$$\nx = {{ v }}\n$$\n", "$$\nx = 0.125\n$$\n"),
        ("> $$\n> y = {{ v }}\n> $$\n", "> $$\n> y = 0.125\n> $$\n"),
        ("!!! note\n\n    $$\n    z = {{ v }}\n    $$\n", "!!! note\n\n    $$\n    z = 0.125\n    $$\n"),
        # inline math that wraps at a line end: math
        ("so $x =\n{{ v }}$ here", "so $x =\n0.125$ here"),
        # the same text in prose, then in a formula: only the second is math
        ("x = {{ v }} and $x = {{ v }}$", f"x = {SPAN} and $x = 0.125$"),
        # dollar signs that arithmatex does not make math: spaced (smart dollar), escaped
        ("$ {{ v }} $", f"$ {SPAN} $"),
        ("\\$5 and {{ v }}$", f"\\$5 and {SPAN}$"),
    ],
    ids=[
        "display",
        "display-in-quote",
        "display-in-admonition",
        "wrapped-inline",
        "prose-then-math",
        "spaced-dollars",
        "escaped-dollar",
    ],
)
def test_a_placeholder_is_bare_exactly_where_the_site_renders_math(text: str, rendered: str) -> None:
    """Math is what arithmatex renders: a formula over several lines holds the bare number, no HTML."""
    assert render_placeholders(text, {"v": (0.125, "s")}) == rendered


def test_a_tex_format_outside_rendered_math_fails() -> None:
    """After an escaped dollar the text is prose, so a format that writes TeX there fails."""
    with pytest.raises(PlaceholderError, match="writes TeX"):
        render_placeholders("\\$5 and {{ n:pow10 }}$", {"n": (1e6, "s")}, page="p.md")


def test_no_chapter_types_a_number_outside_its_literals() -> None:
    """Every checked page's typed numbers are on its front-matter list, and every listed literal is used."""
    import yaml

    from nnnotes.sitebuild.hooks import NUMBER_CHECKED_PAGES

    pages = [p for p in sorted((ROOT / "docs").glob("*.md")) if p.name.startswith(NUMBER_CHECKED_PAGES)]
    assert {"index.md", "about.md", "notation.md", "exercise-6-1.md"} <= {p.name for p in pages}
    for path in pages:
        text = path.read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1]) if text.startswith("---") else {}
        allowed = set(map(str, (front or {}).get("literals", {})))
        found = {n.text for n in typed_numbers(text)}
        assert found <= allowed, (path.name, found - allowed)
        assert allowed <= found, (path.name, allowed - found)


GOOD = "# Good\n\nA formula: $e^{i\\pi} + 1 = 0$.\n"


@pytest.mark.site
def test_typed_number_fails_the_build_naming_page_and_line(mini_site) -> None:
    """A chapter (or the home page) typing a number in prose fails the strict build with page and line."""
    page = "# 6.9\n\nText.\n\nThe loss is 0.0817 after a while.\n"
    front = '---\nliterals:\n  "6.9": title\n---\n\n'
    proc = mini_site({"index.md": GOOD, "exercise-6-9.md": front + page})
    assert proc.returncode != 0
    assert re.search(r"docs/exercise-6-9\.md:10: number typed by hand in prose: '0\.0817'", proc.stderr)
    home = "# Home\n\nIt trains for 500 steps.\n"
    proc = mini_site({"index.md": home, "other.md": "# Other\n\nIt trains for 500 steps.\n"})
    assert proc.returncode != 0, "the home page is checked too"
    assert re.search(r"docs/index\.md:3: number typed by hand in prose: '500 steps'", proc.stderr)
    assert "docs/other.md" not in proc.stderr  # a page the build prints, not one typed by hand


@pytest.mark.site
def test_unused_literal_fails_and_placeholder_renders(mini_site, tmp_path: Path) -> None:
    """A listed literal not on the page fails; a registered placeholder renders with its source."""
    page = '---\nliterals:\n  "6.9": title\n  "2006": year\n---\n\n# 6.9\n\nEight: {{ float64_bytes }}.\n'
    proc = mini_site({"index.md": GOOD, "exercise-6-9.md": page})
    assert proc.returncode != 0 and "'2006' is listed" in proc.stderr
    proc = mini_site({"index.md": GOOD, "exercise-6-9.md": page.replace('  "2006": year\n', "")})
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "exercise-6-9" / "index.html").read_text(encoding="utf-8")
    assert '<span class="computed" title="numpy: np.dtype(np.float64).itemsize">8</span>' in html


@pytest.mark.site
def test_a_placeholder_in_a_display_formula_renders_as_its_number(mini_site, tmp_path: Path) -> None:
    """A display formula on lines of its own gets the bare number: the TeX KaTeX typesets holds no HTML."""
    page = "# T\n\nDisplayed:\n\n$$\nb = {{ float64_bytes }}\n$$\n"
    proc = mini_site({"index.md": page})
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    tex = re.findall(r'<annotation encoding="application/x-tex"[^>]*>(.*?)</annotation>', html, re.S)
    assert tex == ["b = 8"]
