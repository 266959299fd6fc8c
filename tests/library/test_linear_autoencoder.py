"""The linear autoencoder: loss and gradient against hand values and central differences."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import linear_autoencoder as LA
from nnnotes.curvature import finite_difference_hessian

VARIANCES = (8.0, 5.0, 3.0, 2.0, 1.0, 0.5)


def test_loss_by_hand() -> None:
    """W2 W1 = diag(1, 0) keeps the first direction: the loss is half the other variance, 2/2 = 1."""
    theta = np.array([1.0, 0.0, 1.0, 0.0])  # W1 = [[1, 0]], W2 = [[1], [0]]
    assert LA.loss(theta, [3.0, 2.0], 1) == 1.0
    assert LA.loss(np.zeros(4), [3.0, 2.0], 1) == 2.5


def test_gradient_matches_central_differences() -> None:
    """The closed-form gradient equals central differences of the loss at a random point."""
    rng = np.random.default_rng(4)
    theta = rng.normal(size=2 * 2 * 6)
    h = 1e-6
    fd = [
        (LA.loss(theta + h * e, VARIANCES, 2) - LA.loss(theta - h * e, VARIANCES, 2)) / (2 * h)
        for e in np.eye(theta.size)
    ]
    assert_allclose(LA.gradient(theta, VARIANCES, 2), fd, rtol=1e-7, atol=1e-8)


def test_critical_points_keep_directions_whatever_c() -> None:
    """W2 = U_S C, W1 = C^-1 U_S^T is critical for any invertible C, with the same loss."""
    C = np.array([[2.0, 1.0], [0.5, 3.0]])
    a, b = LA.critical_point((0, 2), 6), LA.critical_point((0, 2), 6, C)
    assert LA.loss(a, VARIANCES, 2) == pytest.approx((5.0 + 2.0 + 1.0 + 0.5) / 2, rel=1e-15)
    assert LA.loss(b, VARIANCES, 2) == pytest.approx(LA.loss(a, VARIANCES, 2), rel=1e-14)
    assert np.abs(LA.gradient(b, VARIANCES, 2)).max() < 1e-13
    H = finite_difference_hessian(lambda t: LA.gradient(t, VARIANCES, 2), a)
    # kept variances 8 and 3; of the dropped (5, 2, 1, 0.5) only 5 exceeds a kept one (3): one descent pair
    assert np.sum(np.linalg.eigvalsh(H) < -1e-6) == 1


@pytest.mark.parametrize(
    ("kept", "C", "match"),
    [
        ((0, 0), None, "kept must be distinct"),
        ((6,), None, "kept must be distinct"),
        ((0, 1), np.eye(3), r"C must have shape \(2, 2\)"),
    ],
)
def test_bad_critical_point_arguments(kept, C, match) -> None:
    """Repeated or out-of-range directions and a C of the wrong size are refused."""
    with pytest.raises(ValueError, match=match):
        LA.critical_point(kept, 6, C)


def test_theta_of_the_wrong_size_is_refused() -> None:
    """Theta must have 2 p d entries."""
    with pytest.raises(ValueError, match="theta must have 2 p d = 24 entries, got 5"):
        LA.loss(np.zeros(5), VARIANCES, 2)


@pytest.mark.parametrize(
    ("variances", "match"),
    [([np.nan, 1.0], "^variances must hold finite numbers"), ([], "^variances must not be empty")],
)
def test_bad_variances_are_named(variances, match: str) -> None:
    """NaN or no variances at all are a ValueError naming variances, in loss and gradient."""
    with pytest.raises(ValueError, match=match):
        LA.loss(np.zeros(4), variances, 1)
    with pytest.raises(ValueError, match=match):
        LA.gradient(np.zeros(4), variances, 1)


@pytest.mark.parametrize("kept", [(-1,), (0, 7), (7, 0)])
def test_kept_out_of_range_is_refused(kept) -> None:
    """A negative index, or one index beyond d = 6 next to a valid one, is a ValueError naming kept."""
    with pytest.raises(ValueError, match=r"^kept must be distinct indices in range\(6\)"):
        LA.critical_point(kept, 6)


def test_non_finite_c_is_refused() -> None:
    """A C holding NaN is a ValueError naming C."""
    with pytest.raises(ValueError, match="^C must hold finite numbers"):
        LA.critical_point((0, 1), 3, [[np.nan, 0.0], [0.0, 1.0]])
