"""Critical points of the linear autoencoder (exact), of a small tanh network, and the GOE fraction."""

from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np
import pytest

from nnnotes.experiments import critical_points as CP
from nnnotes.rank_correlation import spearman

VARIANCES = (8.0, 5.0, 3.0, 2.0, 1.0, 0.5)


def _inverted_pairs(kept: tuple[int, ...]) -> int:
    """Pairs (kept i, dropped j) with a larger dropped variance: the hand-derived descent directions."""
    d = len(VARIANCES)
    return sum(1 for i in kept for j in range(d) if j not in kept and VARIANCES[j] > VARIANCES[i])


@pytest.fixture(scope="module")
def rows():
    """The 20 critical points of the page's autoencoder."""
    return CP.linear_autoencoder_critical_points()


def test_every_subset_appears_once(rows) -> None:
    """C(6, 3) = 20 critical points, one per subset of kept directions."""
    expected = {",".join(str(i + 1) for i in S) for S in itertools.combinations(range(6), 3)}
    assert len(rows) == 20 and {r.kept for r in rows} == expected


def test_loss_is_half_the_dropped_variance(rows) -> None:
    """Loss = (1/2) * sum of the dropped variances (Baldi and Hornik), exactly in binary."""
    for r in rows:
        kept = {int(i) - 1 for i in r.kept.split(",")}
        expected = sum(v for j, v in enumerate(VARIANCES) if j not in kept) / 2
        assert abs(r.loss - expected) <= 1e-12


def test_points_are_critical(rows) -> None:
    """The gradient vanishes to rounding at every point."""
    assert max(r.max_grad for r in rows) < 1e-13


def test_negative_and_zero_eigenvalue_counts(rows) -> None:
    """Negative eigenvalues = inverted pairs; zero eigenvalues = p^2 = 9 (GL(3) symmetry)."""
    for r in rows:
        kept = tuple(int(i) - 1 for i in r.kept.split(","))
        assert r.negative == _inverted_pairs(kept), r
        assert r.zero == 9
        assert r.index == r.negative / 36
        assert r.parameters == 36  # W1 (3 x 6) and W2 (6 x 3)


def test_grouped_table_pinned(rows) -> None:
    """The page's table: counts per number of negative eigenvalues and mean losses (by hand)."""
    grouped = CP.loss_by_negative_count(rows)
    assert [g.negative for g in grouped] == list(range(10))
    assert [g.count for g in grouped] == [1, 1, 2, 3, 3, 3, 3, 2, 1, 1]
    np.testing.assert_allclose(
        [g.mean_loss for g in grouped],
        [1.75, 2.25, 3.0, 23 / 6, 4.5, 5.25, 71 / 12, 6.75, 7.5, 8.0],
        rtol=1e-12,
    )
    assert [g.index for g in grouped] == [k / 36 for k in range(10)]


def test_goe_fraction_n2_against_exact_integral() -> None:
    """For n = 2 the Monte Carlo fraction matches the eigenvalue-density integral, (2 - sqrt 2)/4."""

    # eigenvalue density |a - b| exp(-(a^2 + b^2)/2); by symmetry integrate over a > b.
    # total: with u = (a - b)/sqrt2, v = (a + b)/sqrt2 it is sqrt2 * 1 * sqrt(2 pi).
    # positive part: inner integral over a > b of (a - b) exp(-a^2/2) in closed form.
    def inner(b):
        return mpmath.exp(-(b**2) / 2) - b * mpmath.sqrt(mpmath.pi / 2) * mpmath.erfc(b / mpmath.sqrt(2))

    pos = mpmath.quad(lambda b: mpmath.exp(-(b**2) / 2) * inner(b), [0, mpmath.inf])
    exact = pos / (mpmath.sqrt(2) * mpmath.sqrt(2 * mpmath.pi))
    assert abs(exact - (2 - mpmath.sqrt(2)) / 4) < 1e-10
    n, frac, se = CP.random_hessian_positive_fraction((2,), samples=SAMPLES)[0].cells()
    assert n == 2
    _check_binomial_estimate(frac, se, float(exact))


def test_goe_fraction_n1_is_one_half() -> None:
    """For n = 1 a single N(0, 1) entry is positive half of the time (within 3 standard errors)."""
    _, frac, se = CP.random_hessian_positive_fraction((1,), samples=SAMPLES)[0].cells()
    _check_binomial_estimate(frac, se, 0.5)


#: The default number of samples of `random_hessian_positive_fraction` (the page's), passed explicitly.
SAMPLES = 20_000


def _check_binomial_estimate(frac: float, se: float, p: float) -> None:
    """Frac within 3 binomial standard errors sqrt(p (1 - p) / samples) of the exact p (computed here).

    The returned standard error is the same formula at the observed fraction: it is pinned to that
    (rounding only), and so lies within a few per cent of the one at p (|frac - p| < 3 se).
    """
    se_exact = math.sqrt(p * (1 - p) / SAMPLES)
    assert abs(frac - p) < 3 * se_exact
    assert se == pytest.approx(math.sqrt(frac * (1 - frac) / SAMPLES), rel=1e-12)
    assert se == pytest.approx(se_exact, rel=1e-2)


def test_bad_variances() -> None:
    """Variances must decrease strictly; hidden must be smaller than the dimension."""
    with pytest.raises(ValueError, match="variances"):
        CP.linear_autoencoder_critical_points(variances=(1.0, 2.0))
    with pytest.raises(ValueError, match="hidden"):
        CP.linear_autoencoder_critical_points(variances=(2.0, 1.0), hidden=2)


def test_tanh_critical_points_properties() -> None:
    """The page's sample: critical, non-degenerate (|eig| >= ~weight decay), loss tracks index."""
    pts = CP.tanh_critical_points()
    assert len(pts) >= 6
    assert all(r.grad_norm <= 1e-12 for r in pts)
    assert all(r.min_abs_eigenvalue > 5e-4 for r in pts)
    assert pts[0].index == 0.0
    assert spearman([r.loss for r in pts], [r.index for r in pts]) > 0.8
    # indices are multiples of 1/17: 2*4 + 4 + 4 + 1 = 17 parameters (2 inputs, 4 units), by hand
    assert all(abs(r.index * 17 - round(r.index * 17)) < 1e-12 for r in pts)
    assert {r.parameters for r in pts} == {17}
    assert pts[0].cells() == (pts[0].loss, pts[0].index, pts[0].min_abs_eigenvalue, pts[0].grad_norm)


def test_tanh_critical_points_are_non_degenerate_only_thanks_to_weight_decay() -> None:
    """'No critical point is degenerate' was asserted; it is checked, and owes to the weight decay.

    Every point found has smallest |eigenvalue| of at least 0.9 lambda, and at some the smallest is
    lambda itself to 1e-9: the unregularised Hessian has a zero eigenvalue there.
    """
    rows = CP.tanh_critical_points()
    assert min(r.min_abs_eigenvalue for r in rows) >= 0.9e-3
    assert all(r.grad_norm <= 1e-12 for r in rows)
    assert any(
        abs(r.nearest_zero_eigenvalue - 1e-3) < 1e-9 for r in rows
    )  # eigenvalue +lambda (not -lambda): flat without the decay
    assert all(abs(r.nearest_zero_eigenvalue) == r.min_abs_eigenvalue for r in rows)
