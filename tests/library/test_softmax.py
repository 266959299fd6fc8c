"""Softmax, log-softmax, log-sum-exp: accuracy against mpmath, stability, errors."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.softmax import (
    log_softmax,
    logsumexp,
    naive_softmax,
    shift_invariance_derivation,
    softmax,
    stability_rows,
)


def reference(z: list[float]):
    """Exact softmax, log-softmax and LSE in mpmath: differences exact at 2300 bits, the rest at 60 digits."""
    m = max(z)
    k = z.index(m)
    with mpmath.workprec(2300):
        d = [mpmath.mpf(v) - mpmath.mpf(m) for v in z]
    with mpmath.workdps(60):
        s = mpmath.fsum(mpmath.exp(dj) for j, dj in enumerate(d) if j != k)
        lg = mpmath.log1p(s)
        return [mpmath.exp(di) / (1 + s) for di in d], [di - lg for di in d], mpmath.mpf(m) + lg


def ulps(got: float, exact) -> float:
    """|got - exact| in units of the last place of exact rounded to float64 (overflow handled)."""
    if abs(exact) >= mpmath.mpf(2) ** 1024:
        return 0.0 if math.isinf(got) and (got > 0) == (exact > 0) else math.inf
    ef = float(exact)
    unit = math.ulp(abs(ef)) if ef != 0 else 5e-324
    return float(abs(mpmath.mpf(got) - exact) / unit)


_RNG = np.random.default_rng(11)
CASES = [
    [1000.0, 1.0],
    [0.1, 700.3],
    [-1e308, 1e308],
    [1.7976931348623157e308] * 2,
    [-745.2, 0.0],
    [0.0, -40.0],
    [-1000.0, -1000.5, -1001.0],
    [5e-324, 0.0],
    [3.0, 3.0, 3.0],
    [710.0, 0.0],
    [-1.7976931348623157e308, -1.7976931348623157e308, 0.0],
]
CASES += [
    (_RNG.normal(size=6) * s + c).tolist() for s in (1, 10, 100, 300, 1e5) for c in (0, 1e3) for _ in range(6)
]


@pytest.mark.parametrize("z", CASES)
def test_softmax_and_log_softmax_within_few_ulp(z: list[float]) -> None:
    """Every entry within 3 ulp of mpmath, including inputs near +-1.8e308 and subnormal outputs."""
    p_ref, lp_ref, _ = reference(z)
    p, lp = softmax(z), log_softmax(z)
    assert max(ulps(float(a), e) for a, e in zip(p, p_ref, strict=True)) <= 3
    assert max(ulps(float(a), e) for a, e in zip(lp, lp_ref, strict=True)) <= 3


@pytest.mark.parametrize("z", CASES)
def test_logsumexp_within_few_ulp_of_its_terms(z: list[float]) -> None:
    """LSE = m + log1p(S) is within 3 ulp of max(|m|, log1p S): relative where they do not cancel."""
    _, _, lse = reference(z)
    got = float(logsumexp(z))
    m = max(z)
    scale = max(abs(m), float(lse - m), abs(float(lse)))
    if math.isinf(float(lse)) or abs(lse) >= mpmath.mpf(2) ** 1024:
        assert got == float(np.finfo(float).max) or math.isinf(got)
    else:
        assert abs(mpmath.mpf(got) - lse) <= 3 * math.ulp(scale)


def test_logsumexp_near_cancellation_is_bounded_absolutely() -> None:
    """Where m < 0 nearly cancels log 2 the result is tiny; the error stays within an ulp of log 2."""
    z = [-0.6931471805599453, -0.6931471805599453]
    _, _, lse = reference(z)
    assert abs(mpmath.mpf(float(logsumexp(z))) - lse) <= 2 * math.ulp(math.log(2))


def test_naive_formula_fails_on_the_tables_inputs() -> None:
    """The textbook formula gives NaN where e^z overflows or every term underflows."""
    assert np.isnan(naive_softmax([1000.0, 1.0])[0])
    assert np.all(np.isnan(naive_softmax([-1000.0, -1000.5])))


def test_stability_rows_pinned() -> None:
    """The page's table: values from exact e^{z_i - LSE} (hand-derived closed forms)."""
    rows = stability_rows()
    assert rows[0][2] == "NaN" and rows[0][3] == 1.0 and rows[1][3] == 0.0 and rows[1][5] == -999.0
    p1 = 1 / (1 + math.exp(-0.5))  # (-1000, -1000.5): sigma(0.5)
    assert_allclose([rows[2][3], rows[3][3]], [p1, 1 - p1], rtol=4.5e-16)
    lse = math.log1p(math.exp(-0.5))
    assert_allclose([rows[2][5], rows[3][5]], [-lse, -0.5 - lse], rtol=4.5e-16)
    assert rows[5][5] == -800.0 and rows[5][4] == "3.66787e-348"
    assert_allclose(rows[7][3], float(mpmath.exp(-710)), rtol=0, atol=5e-324)
    assert rows[1][4] == "1.37979e-434"


def test_stability_rows_naive_column() -> None:
    """The naive column, worked by hand.

    e^1000 and e^710 overflow (inf/inf = NaN, 1/inf = 0), e^-1000 and e^-1000.5 underflow
    (0/0 = NaN), e^-800 underflows beside e^0 = 1 (1/1 = 1, 0/1 = 0).
    """
    rows = stability_rows()
    assert [row[2] for row in rows] == ["NaN", 0.0, "NaN", "NaN", 1.0, 0.0, "NaN", 0.0]
    assert [row[0] for row in rows] == [
        "$(1000, 1)$",
        "$(1000, 1)$",
        "$(-1000, -1000.5)$",
        "$(-1000, -1000.5)$",
        "$(0, -800)$",
        "$(0, -800)$",
        "$(710, 0)$",
        "$(710, 0)$",
    ]
    assert [row[1] for row in rows] == [1, 2] * 4


def test_axis_and_shape() -> None:
    """Softmax along any axis: slices sum to 1; logsumexp drops the axis unless keepdims."""
    z = np.arange(24.0).reshape(2, 3, 4)
    for axis in (0, 1, 2, -1):
        assert_allclose(softmax(z, axis=axis).sum(axis=axis), 1.0, rtol=1e-15)
    assert logsumexp(z, axis=1).shape == (2, 4)
    assert logsumexp(z, axis=1, keepdims=True).shape == (2, 1, 4)
    # z - LSE cancels for the largest entry; log_softmax does not, so compare absolutely
    assert_allclose(log_softmax(z, axis=0), z - logsumexp(z, axis=0, keepdims=True), rtol=0, atol=4e-15)


def test_shift_invariance_numerically() -> None:
    """Adding the same constant to every entry leaves softmax unchanged (exact shift: bit-identical)."""
    z = np.array([0.25, -1.25, 2.0])  # z + 512 is exact, so the shifted inputs are the same numbers
    assert np.array_equal(softmax(z + 512.0), softmax(z))


@pytest.mark.parametrize(
    ("z", "match"),
    [
        ([np.nan, 1.0], "contains NaN"),
        ([np.inf, 1.0], r"\+inf"),
        ([-np.inf, -np.inf], "only -inf"),
    ],
)
def test_undefined_inputs_raise(z, match: str) -> None:
    """NaN, +inf and all -inf slices have no softmax: a ValueError says which."""
    with pytest.raises(ValueError, match=match):
        softmax(z)
    with pytest.raises(ValueError, match=match):
        log_softmax(z)


def test_logsumexp_infinities_and_minus_inf_entries() -> None:
    """LSE is +inf with a +inf entry, -inf for all -inf; -inf entries get probability 0."""
    assert logsumexp([np.inf, 0.0]) == np.inf and logsumexp([-np.inf, -np.inf]) == -np.inf
    assert_allclose(softmax([-np.inf, 0.0]), [0.0, 1.0], rtol=0)
    assert log_softmax([-np.inf, 0.0])[0] == -np.inf
    with pytest.raises(ValueError, match="contains NaN"):
        logsumexp([np.nan])


@pytest.mark.parametrize(
    ("z", "axis", "err", "match"),
    [
        (3.0, -1, ValueError, "z must have at least one dimension, got a scalar"),
        (np.zeros((2, 0)), -1, ValueError, "z has no entries along axis 1"),
        ([1.0], 1, ValueError, "axis 1 is out of bounds for an array of dimension 1"),
        ([1.0], -2, ValueError, "axis -2 is out of bounds"),
        ([1.0], 0.5, TypeError, "axis must be an integer, got float"),
        ([1.0], True, TypeError, "axis must be an integer, got bool"),
        (["a"], -1, TypeError, "z must hold real numbers"),
    ],
)
@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp])
def test_bad_arguments(f, z, axis, err, match: str) -> None:
    """Scalars, empty axes, bad axes and non-numbers are refused with an error that says which."""
    with pytest.raises(err, match=match):
        f(z, axis=axis)


def test_keepdims_must_be_a_bool() -> None:
    """keepdims=1 is a TypeError naming the argument, not a silent truthy value."""
    with pytest.raises(TypeError, match="keepdims must be a bool, got int"):
        logsumexp([1.0, 2.0], keepdims=1)


def test_a_row_longer_than_a_block() -> None:
    """A vocabulary-sized row (50 000 entries, more than one block of 2^15) is one distribution.

    With 49 999 zeros and one entry log(49 999), the sum of the exponentials is 2 * 49 999, so the
    odd one has probability 1/2 and every other 1 / (2 * 49 999) (hand derivation).
    """
    n, k = 50_000, 123
    z = np.zeros((2, n))
    z[:, k] = math.log(n - 1)
    p = np.full((2, n), 1.0 / (2 * (n - 1)))
    p[:, k] = 0.5
    assert_allclose(softmax(z), p, rtol=2e-15)
    assert_allclose(log_softmax(z), np.log(p), rtol=2e-15)
    assert_allclose(logsumexp(z), [math.log(2 * (n - 1))] * 2, rtol=2e-15)


def test_blocked_rows_match_row_by_row() -> None:
    """Large inputs are processed in blocks of rows; the result equals the row-by-row computation."""
    x = np.random.default_rng(5).normal(scale=30.0, size=(100, 1000))
    expected = np.array([softmax(row) for row in x])
    assert np.array_equal(softmax(x), expected)
    assert np.array_equal(softmax(x.T, axis=0), expected.T)
    assert np.array_equal(logsumexp(x), np.array([logsumexp(row) for row in x]))
    assert np.array_equal(log_softmax(x), np.array([log_softmax(row) for row in x]))


def test_old_350_ulp_statement_is_not_the_bound() -> None:
    """The old text said 'up to 350 ulp at -700': false both ways.

    The bound there is about 278 (277 + 1 for exp's own rounding), and errors above 350, up to
    about 512, occur a little further on.
    """
    import math

    from nnnotes.softmax import shifted_exp_bound_ulp, shifted_exp_error_ulp, shifted_exp_worst

    # hand value: ulp(700)/2 = 2^-44; e^-700 / ulp(e^-700) from math, independent of the package
    e = math.exp(-700.0)
    assert math.isclose(shifted_exp_bound_ulp(-700.0), 2.0**-44 * (e / math.ulp(e)) + 1, rel_tol=1e-15)
    assert 277 < shifted_exp_bound_ulp(-700.0) < 278 < 350
    assert 276 < shifted_exp_error_ulp(-700.0, 2.0**-44) <= shifted_exp_bound_ulp(-700.0)
    worst, at = shifted_exp_worst()
    assert 350 < worst <= 2**9 + 1 and -701 < at < -700


def test_shifted_exp_error_is_zero_when_the_subtraction_is_exact() -> None:
    """With m = 0 the subtraction is exact: only exp's own rounding is left (below one ulp)."""
    from nnnotes.softmax import shifted_exp_error_ulp

    assert shifted_exp_error_ulp(-700.0, 0.0) < 1.0
    with pytest.raises(ValueError, match="exp"):
        shifted_exp_error_ulp(-800.0, 0.0)


def test_stability_rows_exact_columns() -> None:
    """The exact p and log p of (-1000, -1000.5): sigma(+-0.5) and -log(1 + e^-0.5) (- 0.5), by hand."""
    rows = stability_rows()
    lse = math.log1p(math.exp(-0.5))  # log(1 + e^-0.5) = 0.474076984...
    assert rows[2][6] == "-0.47407698" and rows[3][6] == "-0.97407698"
    assert_allclose([float(rows[2][6]), float(rows[3][6])], [-lse, -0.5 - lse], rtol=1e-8)
    assert rows[2][4] == "0.622459" and rows[3][4] == "0.377541"
    sig = [1 / (1 + math.exp(-0.5)), 1 / (1 + math.exp(0.5))]
    assert_allclose([float(rows[2][4]), float(rows[3][4])], sig, rtol=1e-6)


def test_naive_softmax_works_on_the_last_axis_of_a_batch() -> None:
    """Row (0, log 3) gives (1/4, 3/4) and row (0, 0) gives (1/2, 1/2): the sum is taken per row."""
    assert_allclose(naive_softmax([[0.0, math.log(3.0)], [0.0, 0.0]]), [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)


def test_shift_invariance_derivation_is_proved_and_ends_at_softmax() -> None:
    """The published derivation holds step by step for any n and concludes e^{z_i} / sum_j e^{z_j}."""
    import sympy

    d = shift_invariance_derivation().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * 3
    i, j, n = sympy.symbols("i j n", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    c = sympy.Symbol("c", real=True)
    e = sympy.exp
    assert d.steps[-1].expr == e(z[i]) / sympy.Sum(e(z[j]), (j, 1, n))
    assert d.start == e(z[i] + c) / sympy.Sum(e(z[j] + c), (j, 1, n))


def test_shifted_exp_bound_needs_a_normal_exponential() -> None:
    """The bound holds where e^d is a normal float64 (>= 2^-1022, about 2.2e-308), and is refused below.

    Hand values: for |d| in [512, 1024), ulp(d)/2 = 2^-44; for e^d in [2^-1022, 2^-1021),
    ulp(e^d) = 2^-1074; so the bound is e^d * 2^-44 * 2^1074 + 1 = e^d * 2^1030 + 1.
    """
    import math
    import sys

    from nnnotes.softmax import shifted_exp_bound_ulp

    e = math.exp(-708.0)  # 3.3e-308, just above the smallest normal
    assert sys.float_info.min <= e < 2.0**-1021
    assert math.isclose(shifted_exp_bound_ulp(-708.0), math.ldexp(e, 1030) + 1, rel_tol=1e-12)
    assert 2.0**-1023 < math.exp(-708.8) < sys.float_info.min  # subnormal: no ulp bound of this form
    with pytest.raises(ValueError, match=r"exp\(d\) must be a normal float64, got d=-708\.8"):
        shifted_exp_bound_ulp(-708.8)
    with pytest.raises(ValueError, match="normal float64"):
        shifted_exp_bound_ulp(-800.0)
