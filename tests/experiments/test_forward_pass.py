"""The 6.3 tables: every layer in three arithmetics, and how each format stores the outputs."""

from __future__ import annotations

import pytest

from nnnotes.experiments.forward_pass import layer_rows, rounding_rows
from tests.sheet_network import three_passes


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics."""
    return three_passes()


def test_layer_rows_pinned(passes) -> None:
    """Every cell of the page's table, from the hand values above."""
    rows = layer_rows(passes)
    assert [r.quantity for r in rows] == [
        "$x_{1}$",
        "$x_{2}$",
        "$x_{3}$",
        "$a^{(1)}_{1}$",
        "$a^{(1)}_{2}$",
        "$h^{(1)}_{1}$",
        "$h^{(1)}_{2}$",
        "$o_{1}$",
        "$o_{2}$",
        "$p_{1}$",
        "$p_{2}$",
    ]
    assert [r.values[0] for r in rows[:9]] == [
        "$3$",
        "$1$",
        "$-1$",
        "$9$",
        "$-11$",
        "$9$",
        "$0$",
        "$54$",
        "$18$",
    ]
    assert list(rows[9].values) == [r"$\frac{1}{e^{-36} + 1}$", "`0.9999999999999998`", "`1.0`"]
    # p2 = 2.31952283024356885e-16: the float64 pass gives the float below it (correctly rounded) with
    # numpy's AVX-512 exp, the float above it with the AVX2 one, so either is the cell
    exact, float64, float32 = rows[10].values
    assert (exact, float32) == (r"$\frac{e^{-36}}{e^{-36} + 1}$", "`2.3195227e-16`")
    assert float64 in ("`2.3195228302435686e-16`", "`2.319522830243569e-16`"), float64
    assert list(rows[4].values[1:]) == ["`-11.0`", "`-11.0`"]


def test_rounding_rows_pinned(passes) -> None:
    """Values and relative errors of p1, p2 and 1 - p1 in float64 and float32."""
    rows = rounding_rows(passes["exact"], {"float64": passes["float64"], "float32": passes["float32"]})
    assert [r.quantity for r in rows] == ["$p_{1}$", "$p_{2}$", "$1 - p_{1}$"]
    assert rows[0].exact == "0.99999999999999976805"
    assert rows[1].exact == rows[2].exact == "2.3195228302435688503e-16"
    assert rows[0].cells[2:] == ["`0.9999999999999998`", "9.9e-18", "`1.0`", "2.3e-16"]
    assert rows[1].values[1] == "`2.3195227e-16`"
    # within an ulp of p2 (2^-104 / p2 = 2.13e-16 relative): 8.7e-17 (AVX-512) or 1.3e-16 (AVX2), as above
    assert float(rows[1].errors[0]) < 2.2e-16 and float(rows[1].errors[1]) < 6e-8
    assert rows[2].cells[2:] == ["`2.220446049250313e-16`", "0.043", "`0.0`", "1.0"]


def test_the_page_runs_the_question_network() -> None:
    """The network the 6.3 page runs is the question's, as typed once for the tests."""
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK
    from tests.sheet_network import W1, W2, X

    x, weights = QUESTION_NETWORK
    assert [list(x), [[list(r) for r in w] for w in weights]] == [X, [W1, W2]]
