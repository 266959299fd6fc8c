"""Optimisers, on the quadratic model (more in test_optim_steps.py and test_optim_failures.py)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import quadratic as Q
from nnnotes.optim import DivergenceError, gradient_descent, newton, saddle_free_newton


def test_trajectory_shape_and_first_row() -> None:
    """Each optimiser returns (steps + 1, d) rows starting with x0, for every method."""
    q = Q.Quadratic(np.diag([2.0, 1.0]), [1.0, 0.0])
    x0 = np.array([3.0, -1.0])
    for traj in (
        gradient_descent(q.grad, x0, 0.1, 7),
        newton(q.grad, q.hess, x0, 7),
        saddle_free_newton(q.grad, q.hess, x0, 7),
    ):
        assert traj.shape == (8, 2)
        assert_allclose(traj[0], x0, rtol=0, atol=0)


def test_gradient_descent_matches_closed_form() -> None:
    """On lam x^2/2, x_k = (1 - lr lam)^k x0 (hand derivation), to rounding."""
    traj = gradient_descent(lambda x: 3.0 * x, [2.0], 0.1, 30)
    expected = 2.0 * 0.7 ** np.arange(31)
    assert_allclose(traj[:, 0], expected, rtol=1e-13, atol=0)


def test_tolerance_stops_early_and_only_when_asked() -> None:
    """The tol argument stops at the first iterate with small gradient; without tol all steps run."""
    traj = gradient_descent(lambda x: x - 1.0, [0.0], 0.5, 100, tol=1e-3)
    # |grad| = 2^-k; first k with 2^-k <= 1e-3 is 10
    assert len(traj) == 11
    assert len(gradient_descent(lambda x: x - 1.0, [0.0], 0.5, 100)) == 101


def test_divergence_raises_with_finite_trajectory() -> None:
    """Above 2/lam the iterates (-2)^k overflow at k = 1024 (2^1024 > max float64); no NaN returned."""
    with pytest.raises(DivergenceError, match="not finite") as err:
        gradient_descent(lambda x: x, [1.0], 3.0, 5000)
    assert err.value.step == 1024
    assert np.all(np.isfinite(err.value.trajectory)) and len(err.value.trajectory) == 1024


@pytest.mark.parametrize("x0", [[0.3, 0.2], [-5.0, 7.0], [1e3, -1e-3]])
def test_newton_and_saddle_free_on_quadratic_saddle(x0) -> None:
    """On (x^2 - y^2)/2: Newton lands on (0, 0); saddle-free Newton on (0, 2y) (derivations 6-7)."""
    g, h = (lambda v: v * [1.0, -1.0]), (lambda v: np.diag([1.0, -1.0]))
    assert_allclose(newton(g, h, x0, 1)[-1], [0.0, 0.0], atol=1e-12)
    assert_allclose(saddle_free_newton(g, h, x0, 1)[-1], [0.0, 2 * x0[1]], rtol=1e-15, atol=1e-15)


def test_quadratic_thresholds() -> None:
    """2/lam_max and 2/(lam_min + lam_max) by hand for diag(4, 1)."""
    q = Q.Quadratic(np.diag([4.0, 1.0]), [0.0, 0.0])
    assert q.lr_threshold() == 0.5 and q.best_lr() == 0.4 and q.condition_number() == 4.0
    with pytest.raises(ValueError, match="symmetric"):
        Q.Quadratic([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0])
