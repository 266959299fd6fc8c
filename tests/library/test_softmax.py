"""Softmax, log-softmax, log-sum-exp: accuracy against mpmath, stability, errors."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.softmax import log_softmax, logsumexp, softmax


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


@pytest.mark.parametrize("scale", [1.0, 30.0, 700.0, 1e300])
def test_short_path_gives_the_bits_of_the_general_path(scale: float) -> None:
    """A short vector takes a path without numpy reductions; a 1-row batch the general one: same bits."""
    rng = np.random.default_rng(11)
    for n in (1, 2, 3, 10, 64):
        z = rng.normal(scale=scale, size=n)
        assert np.array_equal(softmax(z), softmax(z[None, :])[0])
        assert np.array_equal(log_softmax(z), log_softmax(z[None, :])[0])


def test_an_empty_vector_is_refused_by_the_short_path_too() -> None:
    """A 1-d input with no entries raises the general path's error, not a failure of max()."""
    for f in (softmax, log_softmax):
        with pytest.raises(ValueError, match="z has no entries along axis 0"):
            f(np.zeros(0))


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_small_matrices_along_either_axis(axis: int) -> None:
    """A small 2-d input along any axis equals the function applied to each of its vectors."""
    z = np.random.default_rng(12).normal(scale=5.0, size=(3, 4))
    moved = np.moveaxis(z, axis, -1)
    for f in (softmax, log_softmax):
        expected = np.stack([f(v) for v in moved])
        assert np.array_equal(np.moveaxis(f(z, axis=axis), axis, -1), expected)


def _dense_rows() -> list[list[float]]:
    rng = np.random.default_rng(20261130)
    return [
        (rng.standard_normal(n) * scale).tolist()
        for n in (3, 10, 64, 65, 100, 1000)
        for scale in (1.0, 5.0, 30.0, 300.0)
        for _ in range(max(1, 400 // n))
    ]


DENSE_ROWS = _dense_rows()


def test_softmax_dense_rows_within_3_ulp() -> None:
    """Within 3 ulp on ~570 random rows of 3 to 1000 entries at four scales.

    The short path (up to 64 entries) and the blocked path (65 on) both; a plain sum of the terms
    put probabilities 3.5 ulp off on rows of 10 entries and 5.6 on rows of 100 (measured before
    the sum was made accurate).
    """
    worst_p = worst_lp = 0.0
    for z in DENSE_ROWS:
        p_ref, lp_ref, _ = reference(z)
        worst_p = max(worst_p, *(ulps(float(a), e) for a, e in zip(softmax(z), p_ref, strict=True)))
        worst_lp = max(worst_lp, *(ulps(float(a), e) for a, e in zip(log_softmax(z), lp_ref, strict=True)))
    assert worst_p <= 3 and worst_lp <= 3


def test_rows_longer_than_a_piece() -> None:
    """Rows of 40 000 entries (two pieces of 2^15) against mpmath, along either axis."""
    rng = np.random.default_rng(7)
    z = rng.standard_normal((2, 40_000)) * np.array([[3.0], [40.0]])
    z[0, 12345] = 9.0  # the maximum inside the first piece of row 0
    z[1, -1] = 200.0  # in the last piece of row 1
    picks = [*range(0, 40_000, 97), 12345, 39_999]  # every 97th entry, and the maxima
    refs = [reference(z[row].tolist()) for row in range(2)]
    for axis in (-1, 0):
        zz = z if axis == -1 else z.T
        p, lp, lse = softmax(zz, axis=axis), log_softmax(zz, axis=axis), logsumexp(zz, axis=axis)
        if axis == 0:
            p, lp = p.T, lp.T
        for row, (p_ref, lp_ref, lse_ref) in enumerate(refs):
            assert max(ulps(float(p[row, j]), p_ref[j]) for j in picks) <= 3
            assert max(ulps(float(lp[row, j]), lp_ref[j]) for j in picks) <= 3
            assert ulps(float(lse[row]), lse_ref) <= 3
        assert np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=4e-16)


def _sum_rows() -> list[np.ndarray]:
    rng = np.random.default_rng(2)
    rows = [rng.uniform(-3.0, 0.0, n) for n in (65, 100) for _ in range(40)]
    rows += [rng.uniform(-0.01, 0.0, n) for n in (100, 1000) for _ in range(5)]  # sums near n
    for z in rows:
        z[0] = 0.0  # the maximum: its probability is exactly 1 / sum
    return rows


def test_the_sum_is_rounded_once() -> None:
    """softmax(z)[k] = 1/S for the maximum k: within 2u (u = 2^-53) relative, S's rounding and 1/S's.

    With e^{z_j} correctly rounded and summed by numpy (pairwise), 1/S is off by more than 2u on
    some of these rows: the test would catch a sum that rounds at every addition.
    """
    u = 2.0**-53
    plain_worst = 0.0
    for z in _sum_rows():
        with mpmath.workdps(40):
            terms = [mpmath.exp(mpmath.mpf(v)) for v in z.tolist()]
            exact = 1 / mpmath.fsum(terms)
            assert abs(mpmath.mpf(float(softmax(z)[0])) - exact) <= 2 * u * exact
            plain = 1.0 / np.sum([float(t) for t in terms])
            plain_worst = max(plain_worst, float(abs(mpmath.mpf(plain) - exact) / exact) / u)
    assert plain_worst > 2


def test_logsumexp_of_finite_rows_beside_infinite_ones() -> None:
    """Rows of +inf or only -inf do not change the value of the ordinary rows of the same block."""
    z = np.array([[0.0, 0.0], [np.inf, 1.0], [-np.inf, -np.inf], [1.0, -np.inf], [2.0, 0.0]])
    expected = [math.log(2), math.inf, -math.inf, 1.0, 2 + math.log1p(math.exp(-2))]
    assert_allclose(logsumexp(z), expected, rtol=2.3e-16)


#: Rows whose terms other than the largest sum to a tiny S, found by a dense search: before
#: `_small_rest`, log_softmax of the largest entry (about -S) was off by 30.8, 2047, 3.50, 4.05
#: (batched), 6.52 and 4.05 ulp (logsumexp), because subnormal terms are rounded on a coarse grid
#: and the low parts of a small sum were added with a rounding each.
SMALL_REST_ROWS = [
    [0.0] + [-721.4382954897317] * 62,
    [0.0] + [-732.2045497033517] * 4095,
    [-727.6074566855932, -712.1364129693346, -727.577366712348, -709.759619033767, -745.0445683159527]
    + [-734.5968902462353, -708.5156005821717, 0.0, -744.0038069216548, -737.5375800459974],
    [1.5] + [-35.82125719605269] * 14,
    [0.0] + [-219.75633447348753] * 126,
    [0.0] + [-37.32125719605269] * 14,
]


@pytest.mark.parametrize("z", SMALL_REST_ROWS)
def test_a_tiny_rest_keeps_its_digits(z: list[float]) -> None:
    """log_softmax of the largest entry and logsumexp within 2 ulp, as a vector and as a row of a batch."""
    _, lp_ref, lse_ref = reference(z)
    k = z.index(max(z))
    assert ulps(float(log_softmax(z)[k]), lp_ref[k]) <= 2
    assert ulps(float(log_softmax([z, z])[1][k]), lp_ref[k]) <= 2
    m = max(z)
    scale = max(abs(m), float(lse_ref - m), abs(float(lse_ref)))
    assert abs(mpmath.mpf(float(logsumexp(z))) - lse_ref) <= 2 * math.ulp(scale)
    assert abs(mpmath.mpf(float(logsumexp([z, z])[0])) - lse_ref) <= 2 * math.ulp(scale)


def test_a_tiny_rest_beside_infinite_rows() -> None:
    """A row of +inf in the same block does not keep the tiny-rest row from its accurate sum."""
    z = SMALL_REST_ROWS[0]
    _, _, lse_ref = reference(z)
    got = logsumexp([z, [np.inf] + [0.0] * (len(z) - 1)])
    assert got[1] == np.inf and abs(mpmath.mpf(float(got[0])) - lse_ref) <= 2 * math.ulp(float(lse_ref))
