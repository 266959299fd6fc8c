"""Spearman's rank correlation against hand values, ties included."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnnotes.rank_correlation import ranks, spearman


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1, 2, 3, 4], [10, 20, 30, 25], 0.8),
        ([1, 2, 3], [3, 2, 1], -1.0),
        # ranks (1, 2, 3, 4) and (1.5, 1.5, 3.5, 3.5), centred (-1.5, -0.5, 0.5, 1.5) and (-1, -1, 1, 1):
        # covariance sum 4, squared norms 5 and 4, so r = 4 / sqrt(5 * 4) = 2 / sqrt(5)
        ([1, 2, 3, 4], [1, 1, 2, 2], 2 / math.sqrt(5)),
    ],
)
def test_spearman_by_hand(a, b, expected) -> None:
    """Rank correlations computed by hand, including ties (average ranks 0.5, 0.5, 2.5, 2.5)."""
    assert abs(spearman(a, b) - expected) < 1e-12


def test_ranks_average_ties() -> None:
    """Ties share the mean of the ranks they occupy: 20, 20 take ranks 1 and 2, so 1.5 each."""
    assert_array_equal(ranks([10.0, 30.0, 20.0, 20.0]), [0.0, 3.0, 1.5, 1.5])


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([1.0], [2.0], "same length >= 2"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], "same length"),
        ([[1.0, 2.0]], [1.0], "a must be"),
    ],
)
def test_bad_samples_are_refused(a, b, match) -> None:
    """Samples of different lengths, of one element or of two dimensions are refused."""
    with pytest.raises(ValueError, match=match):
        spearman(a, b)


def test_a_constant_sample_is_an_error_not_nan() -> None:
    """A constant sample has no ranking: ValueError naming it, instead of NaN and numpy warnings."""
    with pytest.raises(ValueError, match="a is constant"):
        spearman([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="b is constant"):
        spearman([1, 2, 3], [5.0, 5.0, 5.0])


def test_two_points_are_enough() -> None:
    """Two points are the fewest with a ranking: opposite orders give -1, the same order 1 (by hand).

    numpy's corrcoef rounds these to within an ulp of 1 (1 - 2^-53 was seen), hence the tolerance.
    """
    assert abs(spearman([1.0, 2.0], [2.0, 1.0]) + 1.0) <= 2.0**-52
    assert abs(spearman([1.0, 2.0], [3.0, 5.0]) - 1.0) <= 2.0**-52


def test_non_finite_samples_are_named() -> None:
    """NaN or infinity in a sample is a ValueError naming it (x, a or b)."""
    with pytest.raises(ValueError, match="^x must hold finite numbers"):
        ranks([np.nan, 1.0])
    with pytest.raises(ValueError, match="^a must hold finite numbers"):
        spearman([np.nan, 1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="^b must hold finite numbers"):
        spearman([1.0, 2.0, 3.0], [1.0, np.inf, 3.0])
