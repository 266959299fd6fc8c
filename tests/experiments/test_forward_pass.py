"""The 6.3 tables: every layer in three arithmetics, and how each format stores the outputs."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from nnnotes.experiments.forward_pass import layer_rows, rounding_rows
from nnnotes.mlp import forward
from nnnotes.proofs.exact_forward import exact_forward

X = [3, 1, -1]
W1 = [[2, -1], [1, -3], [-2, 5]]
W2 = [[6, 2], [-1, 8]]
E36 = sympy.exp(-36)


def p2_exact() -> mpmath.mpf:
    """e^-36 / (1 + e^-36) at 50 digits."""
    with mpmath.workdps(50):
        return mpmath.exp(-36) / (1 + mpmath.exp(-36))


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics (exact: the proofs' twin of forward)."""
    return {"exact": exact_forward(X, [W1, W2])} | {
        f: forward(X, [W1, W2], arithmetic=f) for f in ("float64", "float32")
    }


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
    assert list(rows[10].values) == [
        r"$\frac{e^{-36}}{e^{-36} + 1}$",
        "`2.3195228302435686e-16`",
        "`2.3195227e-16`",
    ]
    assert list(rows[4].values[1:]) == ["`-11.0`", "`-11.0`"]


def test_rounding_rows_pinned(passes) -> None:
    """Values and relative errors of p1, p2 and 1 - p1 in float64 and float32."""
    rows = rounding_rows(passes["exact"], {"float64": passes["float64"], "float32": passes["float32"]})
    assert [r.quantity for r in rows] == ["$p_{1}$", "$p_{2}$", "$1 - p_{1}$"]
    assert rows[0].exact == "0.99999999999999976805"
    assert rows[1].exact == rows[2].exact == "2.3195228302435688503e-16"
    assert rows[0].cells[2:] == ["`0.9999999999999998`", "9.9e-18", "`1.0`", "2.3e-16"]
    assert rows[1].values[1] == "`2.3195227e-16`"
    assert float(rows[1].errors[0]) < 1.2e-16 and float(rows[1].errors[1]) < 6e-8
    assert rows[2].cells[2:] == ["`2.220446049250313e-16`", "0.043", "`0.0`", "1.0"]
