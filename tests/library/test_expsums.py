"""The building blocks of softmax: exact splits, sums rounded once, the tiny rest, the short path.

References: exact rational arithmetic (`fractions.Fraction`) for sums of floats, mpmath at 2300
bits and 60 digits for exponentials of exact differences; never a value from the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from nnnotes import expsums as es


def _exact_exp_rest(row: list[float]) -> mpmath.mpf:
    """S = sum over j != k of e^(x_j - m), k the first maximum (differences exact, then 60 digits)."""
    m = max(row)
    k = row.index(m)
    with mpmath.workprec(2300):
        d = [mpmath.mpf(v) - mpmath.mpf(m) for j, v in enumerate(row) if j != k]
    with mpmath.workdps(60):
        return mpmath.fsum(mpmath.exp(v) for v in d)


def _ulps(got: float, exact) -> float:
    unit = math.ulp(abs(float(exact))) if float(exact) != 0 else 5e-324
    with mpmath.workdps(60):
        return float(abs(mpmath.mpf(got) - exact) / unit)


@pytest.mark.parametrize(("rows", "n"), [(1000, 3), (10, 40_000), (3, 70_000), (200, 1000)])
def test_blocks_hold_whole_rows_of_about_block_entries(rows: int, n: int) -> None:
    """Every row once, in order; a block holds at most BLOCK entries, or one row when rows are longer."""
    bl = es.blocks(rows, n)
    assert [i for s in bl for i in range(s.start, s.stop)] == list(range(rows))
    for s in bl:
        assert (s.stop - s.start) * n <= es.BLOCK or s.stop - s.start == 1
    assert all((s.stop - s.start) * n > es.BLOCK // 2 for s in bl[:-1])


def test_row_max_refuses_nan_and_strictly_rows_without_a_finite_maximum() -> None:
    """NaN is refused; with strict, a +inf row or an all -inf row too; without, their maximum is kept."""
    with pytest.raises(ValueError, match="z contains NaN"):
        es.row_max(np.array([[0.0, np.nan]]), "z", strict=False)
    for row, kind in (([np.inf, 0.0], r"\+inf"), ([-np.inf, -np.inf], "only -inf")):
        with pytest.raises(ValueError, match=kind):
            es.row_max(np.array([row]), "z", strict=True)
    rm = es.row_max(np.array([[np.inf, 0.0], [-np.inf, -np.inf], [1.0, 2.0]]), "z", strict=False)
    assert rm.m.ravel().tolist() == [np.inf, -np.inf, 2.0] and rm.good.ravel().tolist() == [
        False,
        False,
        True,
    ]
    assert rm.shift.ravel().tolist() == [0.0, 0.0, 2.0] and not rm.fast


def test_shifted_exp_puts_the_rounding_error_of_the_difference_back() -> None:
    """The difference d is x - m rounded; e is e^(x - m) of the exact difference to within 2 ulp (mpmath).

    e^d alone is more than 50 ulp off here, where x - m rounds by up to 2^-44 absolute. (The bound
    leaves room for numpy's exp, whose last bit differs from one CPU to another; here it is 1 ulp.)
    """
    rng = np.random.default_rng(3)
    x = np.concatenate([[700.123456789], rng.uniform(-8.0, 0.0, 300)])[None, :]
    rm = es.row_max(x, "x", strict=True)
    d, e = es.shifted_exp(x, rm)
    assert np.array_equal(d, x - 700.123456789)
    with mpmath.workprec(2300):
        exact_d = [mpmath.mpf(v) - mpmath.mpf(700.123456789) for v in x[0].tolist()]
    with mpmath.workdps(60):
        exact = [mpmath.exp(v) for v in exact_d]
    assert max(_ulps(g, ex) for g, ex in zip(e[0].tolist(), exact, strict=True)) <= 2.0
    assert max(_ulps(g, ex) for g, ex in zip(np.exp(d[0]).tolist(), exact, strict=True)) > 50


def test_row_sums_split_each_entry_exactly_into_a_grid_part_and_a_small_part() -> None:
    """RowSums: high parts are multiples of 2^(k-52) (2^k >= n + 2), low parts at most 2^(k-53).

    High plus low is the entry exactly, and the high parts add up without rounding.
    """
    n = 1000
    e = np.random.default_rng(4).uniform(0.0, 1.0, (1, n))
    sums = es.RowSums(1, n)
    k = math.ceil(math.log2(n + 2))
    assert sums.sigma == 2.0**k >= n + 2 > 2.0 ** (k - 1)
    high = (e + sums.sigma) - sums.sigma
    low = e - high
    grid = Fraction(2) ** (k - 52)
    assert all((Fraction(h) / grid).denominator == 1 for h in high[0].tolist())
    assert all(abs(Fraction(v)) <= grid / 2 for v in low[0].tolist())
    assert all(Fraction(h) + Fraction(v) == Fraction(x) for h, v, x in zip(*high, *low, *e, strict=True))
    sums.add(e)
    assert Fraction(float(sums.high[0, 0])) == sum(Fraction(h) for h in high[0].tolist())


@pytest.mark.parametrize(("n", "pieces"), [(100, 1), (1000, 1), (70_000, 3)])
def test_row_sums_are_within_about_half_an_ulp_however_long_the_row(n: int, pieces: int) -> None:
    """Softmax notes: the sum within about half an ulp (exact rational reference); less 1 exactly."""
    rng = np.random.default_rng(n)
    worst = 0.0
    for _ in range(40 if n <= 1000 else 2):
        e = np.exp(rng.uniform(-3.0, 0.0, (1, n)))
        sums = es.RowSums(1, n)
        for part in np.array_split(e, pieces, axis=1):
            sums.add(part)
        exact = sum(Fraction(v) for v in e[0].tolist())
        got = float(sums.total(False)[0, 0])
        worst = max(worst, float(abs(Fraction(got) - exact) / Fraction(math.ulp(float(exact)))))
        less = float(sums.total(True)[0, 0])
        assert abs(Fraction(less) - (exact - 1)) <= Fraction(math.ulp(float(exact - 1))) / 2 * Fraction(
            101, 100
        )
    assert worst <= 0.51


def test_numpy_pairwise_sum_is_off_by_more_than_2_ulp_on_a_hundred_terms() -> None:
    """Softmax notes: where numpy's pairwise sum can be off by more than 2 ulp on a hundred terms."""
    rng = np.random.default_rng(3)
    worst = 0.0
    for _ in range(300):
        e = rng.uniform(0.0, 1.0, 100)
        exact = sum(Fraction(v) for v in e.tolist())
        worst = max(worst, float(abs(Fraction(float(np.sum(e))) - exact) / Fraction(math.ulp(float(exact)))))
    assert worst > 2.0


@pytest.mark.parametrize("n", [1, 2, 3, 10, 63, 64, 100, 1000, 40_000, 10**6])
def test_the_small_rest_threshold_is_a_few_times_n_squared_ulp(n: int) -> None:
    """Softmax notes: S is recomputed below a few times n^2 2^-53: here 4n(n + 2) to 16 n^2 (hand)."""
    t = Fraction(es.small_rest_below(n)) * 2**53
    assert 4 * n * (n + 2) <= t <= 16 * n * n


@pytest.mark.parametrize(
    "row",
    [
        [0.0, -720.0, -730.0],  # S ~ 2e-313: subnormal
        [0.0, -745.0, -744.5, -740.1],  # S ~ 6e-322, a few subnormal steps
        [3.5, -40.0, -50.0, -33.3],
        [1000.0, 1000.0 - 700.123456789, 1000.0 - 708.5],
        [-5.0, -5.0 - 1e-3 - 36.0, 2.0 - 50.0],
        [0.0, -np.inf, -800.0],  # e^-800 < 2^-1075: S rounds to 0
    ],
)
def test_small_rest_keeps_a_tiny_sum_to_a_few_ulp(row: list[float]) -> None:
    """small_rest: S to a few ulp (2 here), also where S is below the normal range (mpmath)."""
    x = np.array([row])
    got = float(es.small_rest(x, x.max(axis=-1, keepdims=True))[0, 0])
    assert _ulps(got, _exact_exp_rest(row)) <= 2.0


def test_small_rest_of_a_row_with_one_finite_entry_is_zero() -> None:
    """Rows with one finite entry give 0 (no second term), beside a row that has one."""
    x = np.array([[2.0, -np.inf, -np.inf], [5.0, -np.inf, 4.0]])
    got = es.small_rest(x, x.max(axis=-1, keepdims=True))
    assert got[0, 0] == 0.0 and _ulps(float(got[1, 0]), mpmath.exp(-1)) <= 2.0


def test_refine_rest_redoes_only_the_small_sums() -> None:
    """Rows whose rest is below small_rest_below(n) are recomputed; the others are returned as they are."""
    x = np.array([[0.0, -40.0, -41.0], [0.0, -1.0, -2.0]])
    rm = es.row_max(x, "x", strict=True)
    rest = es.exp_row_sums(x, rm, less_one=True)
    before = rest.copy()
    out = es.refine_rest(x, rm, rest)
    assert out[1, 0] == before[1, 0]
    assert _ulps(float(out[0, 0]), _exact_exp_rest(x[0].tolist())) <= 2.0


def test_exp_row_sums_write_each_pieces_e_or_d_into_out() -> None:
    """keep='e' leaves shifted_exp's e in out, keep='d' the rounded difference, for a row of 3 pieces."""
    x = np.random.default_rng(9).normal(scale=20.0, size=(2, 2 * es.BLOCK + 5))
    rm = es.row_max(x, "x", strict=True)
    d, e = es.shifted_exp(x, rm)
    out_e, out_d = np.empty_like(x), np.empty_like(x)
    s = es.exp_row_sums(x, rm, out_e, keep="e")
    es.exp_row_sums(x, rm, out_d, keep="d")
    assert np.array_equal(out_e, e) and np.array_equal(out_d, d)
    exact = [sum(Fraction(v) for v in row) for row in e.tolist()]
    assert all(
        abs(Fraction(float(g)) - ex) <= Fraction(math.ulp(float(ex)))
        for g, ex in zip(s.ravel(), exact, strict=True)
    )
    assert np.all((1.0 <= s) & (s <= x.shape[1]))  # the largest term is e^0 = 1: the sum lies in [1, n]


@pytest.mark.parametrize(
    ("z", "axis"),
    [(np.zeros((2, 3)), -1), (np.zeros(65), -1), (np.zeros(3), 1), (np.zeros(3), np.int64(0))]
    + [(np.array(v), -1) for v in ([np.nan, 0.0], [np.inf, 0.0], [-np.inf, 0.0], [1e308, -1e308], [])],
)
def test_small_shifted_exp_declines_what_is_not_a_short_finite_vector(z: np.ndarray, axis) -> None:
    """2-d input, more than SMALL entries, another axis, a non-int axis, NaN, infinities, no entries: None."""
    assert es.small_shifted_exp(z, axis) is None


def test_small_shifted_exp_gives_the_bits_of_shifted_exp() -> None:
    """(k, d, e): k the first maximum, d and e bit for bit those of shifted_exp on the same row."""
    rng = np.random.default_rng(10)
    for n in (1, 2, 5, es.SMALL):
        z = rng.normal(scale=300.0, size=n)
        z[-1] = z.max()  # a tie: k is the first
        k, d, e = es.small_shifted_exp(z, 0)
        d2, e2 = es.shifted_exp(z[None, :], es.row_max(z[None, :], "z", strict=True))
        assert k == int(np.argmax(z)) and np.array_equal(d, d2[0]) and np.array_equal(e, e2[0])
