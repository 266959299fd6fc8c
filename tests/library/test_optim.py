"""Optimisers, the quadratic model and its derivations, and the failure modes of gradient descent."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import quadratic as Q
from nnnotes.convergence import failure_modes, run_or_divergence
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


def _gd_steps_closed_form(kappa: float, lr: float, tol: float) -> int:
    """First k with |1-lr|^{2k} + |1-lr/kappa|^{2k} <= tol^2 (gradient of diag(1,1/k), x0=0, b=1)."""
    with mpmath.workdps(30):
        a, b = abs(1 - mpmath.mpf(lr)), abs(1 - mpmath.mpf(lr) / kappa)

        def small(k: int) -> bool:
            return a ** (2 * k) + b ** (2 * k) <= mpmath.mpf(tol) ** 2

        lo, hi = 0, 1
        while not small(hi):  # the norm decreases with k: bracket, then bisect
            lo, hi = hi, 2 * hi
            if hi > 10**6:
                return hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if small(mid) else (mid, hi)
        return 0 if small(0) else hi


@pytest.fixture(scope="module")
def table():
    """The 6.5(c) table, computed once."""
    return Q.newton_vs_gradient_descent()


def test_newton_vs_gd_table_against_closed_form(table) -> None:
    """Every step count of the 6.5(c) table equals the closed form from the eigen-decomposition."""
    rows = table
    assert len(rows) == 16
    for kappa, method, lr, steps in rows:
        if method == "Newton":
            assert steps == 1
            continue
        lr_exact = 2 / (1 + 1 / kappa) if "best" in method else lr
        expected = _gd_steps_closed_form(kappa, lr_exact, 1e-8)
        if expected > 20_000:
            assert steps == "> 20000"
        else:
            assert steps == expected, (kappa, method, lr)


def test_table_pinned_values(table) -> None:
    """Pinned numbers the page shows (from the closed form above)."""
    rows = {(r[0], r[1], r[2]): r[3] for r in table}
    assert rows[(1.0, "GD", 1.0)] == 1
    assert rows[(100.0, "GD (best fixed)", 1.980198)] == 939
    assert rows[(1000.0, "GD", 1.0)] == 18412


def test_quadratic_thresholds() -> None:
    """2/lam_max and 2/(lam_min + lam_max) by hand for diag(4, 1)."""
    q = Q.Quadratic(np.diag([4.0, 1.0]), [0.0, 0.0])
    assert q.lr_threshold() == 0.5 and q.best_lr() == 0.4 and q.condition_number() == 4.0
    with pytest.raises(ValueError, match="symmetric"):
        Q.Quadratic([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0])


def test_threshold_runs_closed_form() -> None:
    """|x_200| = |1 - f*2|^200 for each factor f (hand derivation)."""
    for fac, _lr, rate, last in Q.threshold_runs():
        assert_allclose(rate, abs(1 - 2 * fac), rtol=1e-12)
        assert_allclose(last, float(abs(1 - 2 * mpmath.mpf(fac)) ** 200), rtol=1e-9)


def test_published_derivations_verify() -> None:
    """Every derivation of the module is true (sympy)."""
    for name in [
        "quadratic_gradient",
        "newton_step_quadratic",
        "gradient_descent_error",
        "learning_rate_threshold",
        "learning_rate_above_threshold",
        "descent_lemma_tight",
        "newton_step_critical",
        "newton_step_saddle",
        "saddle_free_step",
    ]:
        assert getattr(Q, name)().verify().verified


def test_failure_modes_pinned() -> None:
    """Each failure mode ends as hand analysis says."""
    rows = failure_modes()
    exp_row, x4_big, x4_small, absx, saddle, escape = rows
    # exp: x_k ~ -ln(1 + lr k): after 10^4 steps x is near -ln(5001) = -8.517
    assert abs(float(exp_row[5]) + math.log(5001)) < 0.01 and exp_row[6] < 2.1e-4
    # x^4/4 from 5 with lr 0.1: x1 = -7.5, x2 = 34.6875, ..., overflow at step 8
    assert x4_big[4] == "overflow at step 8"
    # degenerate minimum: x_k ~ 1/sqrt(2 lr k) = 0.0707 after 1000 steps
    assert abs(float(x4_small[5]) - 1 / math.sqrt(200)) < 1e-3
    assert absx[4] == "2-cycle" and abs(abs(float(absx[5])) - 0.05) < 1e-9
    assert saddle[5] == "[1.74787e-46, 0.0]" and escape[5] == "[1.74787e-46, 1.0]"


def test_run_or_divergence_first_steps() -> None:
    """x^3 gradient from 5: hand-computed iterates."""
    traj, bad = run_or_divergence(lambda x: x**3, [5.0], 0.1, 100)
    assert bad == 8
    assert_allclose(traj[:3, 0], [5.0, -7.5, 34.6875], rtol=1e-15)
