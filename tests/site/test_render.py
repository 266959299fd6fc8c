"""Figures to SVG and rows to Markdown."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from nnnotes.figures import COLORS, new_figure, themed
from nnnotes.render import INK, bound_text, figure_to_svg, format_number, rows_to_markdown


@themed()
def _two_lines() -> Figure:
    fig, ax = new_figure(label="two lines")
    ax.plot([0, 1, 2], [0, 1, 4], label="square")
    ax.plot([0, 1, 2], [0, 1, 2], label="identity")
    ax.set_xlabel("x")
    ax.legend()
    return fig


def test_svg_is_deterministic_and_accessible() -> None:
    """Same figure, same bytes; role, name, title and description are present."""
    svg = figure_to_svg(_two_lines(), desc="a parabola above a line")
    assert svg == figure_to_svg(_two_lines(), desc="a parabola above a line")
    assert svg.startswith('<svg role="img" aria-label="two lines"')
    assert "<title>two lines</title>" in svg and "<desc>a parabola above a line</desc>" in svg
    assert "<dc:date>" not in svg and "<metadata>" not in svg


def test_svg_text_follows_the_page_colour() -> None:
    """Text and axes in INK become currentColor; no black is left to vanish on a dark page."""
    svg = figure_to_svg(_two_lines())
    assert "currentColor" in svg
    assert INK not in svg.lower()
    assert not re.search(r"#000000|fill:\s*black|stroke:\s*black", svg)
    assert COLORS[0].lower() in svg.lower()


def test_svg_ids_do_not_collide_between_figures() -> None:
    """Two different figures on one page get disjoint element ids."""
    a = set(re.findall(r'id="([^"]+)"', figure_to_svg(_two_lines(), "first")))
    b = set(re.findall(r'id="([^"]+)"', figure_to_svg(_two_lines(), "second")))
    assert a and b and not (a & b)


def test_svg_requires_a_text_alternative() -> None:
    """A figure without alt text or label is refused, and a non-figure is a TypeError."""
    fig = Figure()
    with pytest.raises(ValueError, match="alt must be a non-empty text alternative"):
        figure_to_svg(fig)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        figure_to_svg("not a figure")  # type: ignore[arg-type]


def test_theme_applies_to_artists_made_inside_themed() -> None:
    """Legend text created inside @themed() gets the INK colour."""
    fig = _two_lines()
    legend = fig.axes[0].get_legend()
    assert all(to_hex(t.get_color()) == INK for t in legend.get_texts())


def test_rows_to_markdown_formats_and_aligns() -> None:
    """Numbers are right-aligned, floats get six significant digits, pipes are escaped."""
    text = rows_to_markdown(["a", "b"], [["x|y", 1 / 3], ["z", 2]])
    assert text.splitlines() == ["| a | b |", "|:---|---:|", "| x\\|y | 0.333333 |", "| z | 2 |"]


def test_rows_to_markdown_rejects_ragged_rows() -> None:
    """A row of the wrong length is an error naming the row."""
    with pytest.raises(ValueError, match=r"rows\[1\] has 1 cells but the header has 2"):
        rows_to_markdown(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="align must give"):
        rows_to_markdown(["a"], [[1]], align=["x"])


@pytest.mark.parametrize(("v", "text"), [(1e-300, "1e-300"), (2**60, "1152921504606846976"), (0.5, "0.5")])
def test_format_number(v, text) -> None:
    """Integers are exact, floats are rounded to significant digits."""
    assert format_number(v) == text


@pytest.mark.parametrize(
    ("value", "rounding", "digits", "text"),
    [
        (71 / 14, "down", 3, "5.07"),  # 5.0714...: the ratio that "at least 5.1" overstated
        (71 / 14, "up", 3, "5.08"),
        (71 / 14, "down", 2, "5.0"),
        (2.0, "down", 3, "2.00"),
        (-0.41240001, "up", 3, "-0.412"),
        (-0.41240001, "down", 3, "-0.413"),
        (9.991, "up", 3, "10.0"),  # the carry gives a power of ten, still 3 digits
        (1.26e-7, "down", 2, "1.2e-7"),
        (123456789.0, "up", 3, "1.24e8"),
        (0.0, "down", 3, "0"),
        (0.1, "up", 1, "0.2"),  # 0.1 is 0.1000000000000000055... in binary: up is 0.2
        (0.1, "down", 1, "0.1"),
    ],
)
def test_bound_text_pins(value: float, rounding: str, digits: int, text: str) -> None:
    """Pinned by hand: rounding towards the bound, from the float's exact binary value."""
    assert bound_text(value, rounding, digits) == text


def test_bound_text_is_a_tight_bound() -> None:
    """The printed decimal is on the right side of the exact value, within one unit of its last digit."""
    rng = np.random.default_rng(0)
    values = rng.standard_normal(400) * 10.0 ** rng.integers(-12, 12, 400)
    for v in map(float, values):
        for digits in (1, 2, 3, 5):
            down, up = bound_text(v, "down", digits), bound_text(v, "up", digits)
            lo, hi, exact = Fraction(down), Fraction(up), Fraction(v)
            assert lo <= exact <= hi, (v, digits, down, up)
            for text in (down, up):  # no more significant digits than asked
                assert len(Decimal(text).normalize().as_tuple().digits) <= digits, (v, text)
            # one unit of the last digit of |v| at this precision, from its exponent
            unit = Fraction(10) ** (int(np.floor(np.log10(abs(v)))) - digits + 1)
            assert hi - lo <= unit, (v, digits, down, up)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((float("nan"), "down"), ValueError, "value must be finite"),
        ((float("inf"), "up"), ValueError, "value must be finite"),
        (("5", "down"), TypeError, "value must be a real number"),
        ((True, "down"), TypeError, "value must be a real number"),
        ((5.0, "nearest"), ValueError, "rounding must be 'down' or 'up'"),
        ((5.0, "down", 0), ValueError, "digits must be at least 1"),
        ((5.0, "down", 2.0), TypeError, "digits must be an integer"),
    ],
    ids=["nan", "inf", "str", "bool", "rounding", "zero-digits", "float-digits"],
)
def test_bound_text_rejects_bad_input(args: tuple, error: type, match: str) -> None:
    """Bad input names the argument and what was expected."""
    with pytest.raises(error, match=match):
        bound_text(*args)


def test_tex_number_writes_only_exact_powers_of_ten_as_powers() -> None:
    """1e-10 and 100 are powers of ten; 2e-10, 1, 0, a negative power and NaN print as :g does."""
    from nnnotes.render import tex_number

    assert tex_number(1e-10) == "10^{-10}" and tex_number(100.0) == "10^{2}"
    assert [tex_number(v) for v in (2e-10, 1.0, 0.0, -0.01, float("nan"))] == [
        "2e-10",
        "1",
        "0",
        "-0.01",
        "nan",
    ]
