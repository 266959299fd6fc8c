"""The softmax stability experiment: the naive formula fails, the shifted-exponential error bound."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.softmax_stability import (
    naive_softmax,
    shifted_exp_bound_ulp,
    shifted_exp_error_ulp,
    shifted_exp_worst,
    stability_rows,
    top_log_softmax,
)


def test_naive_formula_fails_on_the_tables_inputs() -> None:
    """The textbook formula gives NaN where e^z overflows or every term underflows."""
    assert np.isnan(naive_softmax([1000.0, 1.0])[0])
    assert np.all(np.isnan(naive_softmax([-1000.0, -1000.5])))


def test_stability_rows_pinned() -> None:
    """The page's table: values from exact e^{z_i - LSE} (hand-derived closed forms)."""
    rows = stability_rows()
    assert (
        rows[0].naive == "NaN"
        and rows[0].stable == 1.0
        and rows[1].stable == 0.0
        and rows[1].log_stable == -999.0
    )
    p1 = 1 / (1 + math.exp(-0.5))  # (-1000, -1000.5): sigma(0.5)
    assert_allclose([rows[2].stable, rows[3].stable], [p1, 1 - p1], rtol=4.5e-16)
    lse = math.log1p(math.exp(-0.5))
    assert_allclose([rows[2].log_stable, rows[3].log_stable], [-lse, -0.5 - lse], rtol=4.5e-16)
    assert rows[5].log_stable == -800.0 and rows[5].exact == "3.6678746e-348"
    assert_allclose(rows[7].stable, float(mpmath.exp(-710)), rtol=0, atol=5e-324)
    assert rows[1].exact == "1.3797887e-434"  # e^-999 / (1 + e^-999): e^-999 to 8 digits


def test_stability_rows_naive_column() -> None:
    """The naive column, worked by hand.

    e^1000 and e^710 overflow (inf/inf = NaN, 1/inf = 0), e^-1000 and e^-1000.5 underflow
    (0/0 = NaN), e^-800 underflows beside e^0 = 1 (1/1 = 1, 0/1 = 0) and beside e^-700, which
    is about 1e-304, a normal float64 (e^-700/e^-700 = 1, 0/e^-700 = 0).
    """
    rows = stability_rows()
    assert [row.naive for row in rows] == ["NaN", 0.0, "NaN", "NaN", 1.0, 0.0, "NaN", 0.0, 1.0, 0.0]
    assert [row.label for row in rows] == [
        "$(1000, 1)$",
        "$(1000, 1)$",
        "$(-1000, -1000.5)$",
        "$(-1000, -1000.5)$",
        "$(0, -800)$",
        "$(0, -800)$",
        "$(710, 0)$",
        "$(710, 0)$",
        "$(-700, -800)$",
        "$(-700, -800)$",
    ]
    assert [row.i for row in rows] == [1, 2] * 5


def test_old_350_ulp_statement_is_not_the_bound() -> None:
    """The old text said 'up to 350 ulp at -700': false both ways.

    The bound there is about 278 (277 + 1 for exp's own rounding), and errors above 350, up to
    about 512, occur a little further on.
    """
    import math

    # hand value: ulp(700)/2 = 2^-44; e^-700 / ulp(e^-700) from math, independent of the package
    e = math.exp(-700.0)
    assert math.isclose(shifted_exp_bound_ulp(-700.0), 2.0**-44 * (e / math.ulp(e)) + 1, rel_tol=1e-15)
    assert 277 < shifted_exp_bound_ulp(-700.0) < 278 < 350
    assert 276 < shifted_exp_error_ulp(-700.0, 2.0**-44) <= shifted_exp_bound_ulp(-700.0)
    worst, at = shifted_exp_worst()
    assert 350 < worst <= 2**9 + 1 and -701 < at < -700


def test_shifted_exp_error_is_zero_when_the_subtraction_is_exact() -> None:
    """With m = 0 the subtraction is exact: only exp's own rounding is left (below one ulp)."""
    assert shifted_exp_error_ulp(-700.0, 0.0) < 1.0
    with pytest.raises(ValueError, match="exp"):
        shifted_exp_error_ulp(-800.0, 0.0)


def test_stability_rows_shift_saves_a_term_of_a_negative_maximum() -> None:
    """(-700, -800): p_2 = e^-100 / (1 + e^-100) is about 3.7e-44, a normal float64, by hand.

    The unshifted formula loses it (e^-800 underflows); softmax keeps it to 2 ulp.
    """
    rows = stability_rows()
    exact = math.exp(-100.0) / (1.0 + math.exp(-100.0))
    assert rows[9].naive == 0.0 and exact > 2.0**-1022
    assert abs(rows[9].stable - exact) <= 2 * math.ulp(exact)
    assert rows[8].stable == 1.0 and rows[9].exact == "3.720076e-44"  # 8 digits, trailing zero dropped
    assert rows[9].log_stable == -100.0  # -100 - 3.7e-44 rounds to -100


def test_stability_rows_exact_columns() -> None:
    """The exact p and log p of (-1000, -1000.5): sigma(+-0.5) and -log(1 + e^-0.5) (- 0.5), by hand."""
    rows = stability_rows()
    lse = math.log1p(math.exp(-0.5))  # log(1 + e^-0.5) = 0.474076984...
    assert rows[2].exact_log == "-0.47407698" and rows[3].exact_log == "-0.97407698"
    assert_allclose([float(rows[2].exact_log), float(rows[3].exact_log)], [-lse, -0.5 - lse], rtol=1e-8)
    # 8 digits, as many as the table shows of the package's values (0.62245933...)
    assert rows[2].exact == "0.62245933" and rows[3].exact == "0.37754067"
    sig = [1 / (1 + math.exp(-0.5)), 1 / (1 + math.exp(0.5))]
    assert_allclose([float(rows[2].exact), float(rows[3].exact)], sig, rtol=1e-8)


def test_naive_softmax_works_on_the_last_axis_of_a_batch() -> None:
    """Row (0, log 3) gives (1/4, 3/4) and row (0, 0) gives (1/2, 1/2): the sum is taken per row."""
    assert_allclose(naive_softmax([[0.0, math.log(3.0)], [0.0, 0.0]]), [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)


def test_shifted_exp_bound_needs_a_normal_exponential() -> None:
    """The bound holds where e^d is a normal float64 (>= 2^-1022, about 2.2e-308), and is refused below.

    Hand values: for |d| in [512, 1024), ulp(d)/2 = 2^-44; for e^d in [2^-1022, 2^-1021),
    ulp(e^d) = 2^-1074; so the bound is e^d * 2^-44 * 2^1074 + 1 = e^d * 2^1030 + 1.
    """
    import math
    import sys

    e = math.exp(-708.0)  # 3.3e-308, just above the smallest normal
    assert sys.float_info.min <= e < 2.0**-1021
    assert math.isclose(shifted_exp_bound_ulp(-708.0), math.ldexp(e, 1030) + 1, rel_tol=1e-12)
    assert 2.0**-1023 < math.exp(-708.8) < sys.float_info.min  # subnormal: no ulp bound of this form
    with pytest.raises(ValueError, match=r"exp\(d\) must be a normal float64, got d=-708\.8"):
        shifted_exp_bound_ulp(-708.8)
    with pytest.raises(ValueError, match="normal float64"):
        shifted_exp_bound_ulp(-800.0)


def test_smaller_exponent_shift_by_hand() -> None:
    """The smaller entry and its shifted exponent, in either order of the pair."""
    from nnnotes.experiments.softmax_stability import INPUTS, smaller_exponent_shift

    assert smaller_exponent_shift((3.0, -2.0)) == smaller_exponent_shift((-2.0, 3.0)) == (-2.0, -5.0)
    assert smaller_exponent_shift(INPUTS[0]) == (1.0, -999.0)
    assert smaller_exponent_shift(INPUTS[1]) == (-1000.5, -0.5)


def test_top_log_softmax_keeps_a_sum_that_one_plus_s_loses() -> None:
    """For y = (0, -40), S = e^-40 < 2^-53 and 1 + S rounds to 1; the package gives -S, as the series says.

    -log(1 + S) = -S + S^2/2 - ..., and S/2 = 2.1e-18 is far below half an ulp of S itself, so the
    float64 answer is -S rounded (e^-40 taken from mpmath here, independently of the code's fsum).
    """
    t = top_log_softmax([0.0, -40.0])
    with mpmath.workdps(40):
        s_exact = float(mpmath.exp(-40))
    assert s_exact < 2.0**-53
    assert t.log_of_sum == 0.0 and t.s == s_exact
    assert t.package == t.exact == -s_exact
    assert t.error_ulp < 0.5


def test_top_log_softmax_of_a_shuffled_vector_by_hand() -> None:
    """For y = (2, 3, 1), the largest is the middle entry; -log(1 + e^-1 + e^-2) from math, to 1 ulp."""
    t = top_log_softmax(np.array([2.0, 3.0, 1.0]))
    by_hand = -math.log1p(math.exp(-1) + math.exp(-2))
    assert t.y == (2.0, 3.0, 1.0)
    assert abs(t.exact - by_hand) <= 2 * math.ulp(by_hand)
    assert t.log_of_sum != 0.0 and abs(t.package - t.exact) <= math.ulp(t.exact)
    assert t.error_ulp <= 1


def test_top_log_softmax_of_one_entry_is_zero() -> None:
    """A single entry has probability 1: S = 0 and every route gives 0 exactly."""
    t = top_log_softmax([7.5])
    assert (t.s, t.log_of_sum, t.package, t.exact, t.error_ulp) == (0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        ([], ValueError, "y must"),
        ([[1.0, 2.0]], ValueError, "y must"),
        ([1.0, math.inf], ValueError, "finite"),
        (["a"], TypeError, "y must"),
    ],
)
def test_top_log_softmax_refuses_what_is_not_a_finite_vector(y: object, error: type, match: str) -> None:
    """Empty, two-dimensional, infinite or non-numeric input is refused, naming ``y``."""
    with pytest.raises(error, match=match):
        top_log_softmax(y)


def test_softmax_puts_back_the_rounding_of_the_shift() -> None:
    """Where exp(y - m) is hundreds of ulp off, the package's p_2 of (m, y) is within 1 ulp (mpmath, here)."""
    from nnnotes.experiments.softmax_stability import softmax_error_ulp, softmax_worst

    m, y = 2.0**-44, -700.0
    with mpmath.workdps(60):
        t = mpmath.exp(mpmath.mpf(y) - mpmath.mpf(m))
        exact = t / (1 + t)
    naive = math.exp(y - m)
    assert abs(mpmath.mpf(naive) - exact) / math.ulp(naive) > 200  # the subtraction's rounding, amplified
    assert softmax_error_ulp(y, m) < 1
    worst, at = softmax_worst(count=100)
    assert worst <= 2 and -700.0 - math.log(2) < at <= -700.0  # 0.94 to 0.97 ulp on numpy's x86 paths


@pytest.mark.parametrize(("y", "m"), [(1.0, 0.0), (0.0, 0.0), (math.nan, 0.0), (-800.0, 0.0)])
def test_softmax_error_ulp_refuses_what_it_cannot_measure(y: float, m: float) -> None:
    """The entry y must be below the maximum m, both finite, and p_2 must not underflow."""
    from nnnotes.experiments.softmax_stability import softmax_error_ulp

    with pytest.raises(ValueError, match="y|p_2"):
        softmax_error_ulp(y, m)
