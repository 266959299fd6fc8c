"""Training from identical hidden units: the plateau, the one-unit minimum, the line of critical points."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import tanhnet
from nnnotes.experiments.symmetric_start import (
    SymmetricStart,
    critical_line,
    one_unit_minimum,
    regression_task,
    symmetric_training,
)


def test_symmetric_start_stays_symmetric() -> None:
    """Identical units stay exactly identical for every seed; the perturbation grows."""
    r = symmetric_training(steps=300, seeds=3)
    assert r.steps.tolist() == [0, 50, 100, 150, 200, 250, 300]
    assert np.all(r.spread_identical == 0.0)
    assert np.all(r.spread_perturbed[:, -1] > 10 * r.spread_perturbed[:, 0])


@pytest.fixture(scope="module")
def long_run() -> SymmetricStart:
    """The page's experiment, run once for the tests that read it."""
    return symmetric_training()


def test_symmetric_start_costs_at_5000_steps(long_run) -> None:
    """At 5000 steps the identical start is stuck near the one-unit loss, the perturbed one far below."""
    assert np.median(long_run.excess_over_one_unit(5000)) < 0.02
    assert np.median(long_run.loss_perturbed[:, -1]) < long_run.one_unit_loss / 10


def test_old_500_step_experiment_shows_no_cost(long_run) -> None:
    """The old statement's run (stopped at 500 steps) cannot show the cost: the medians differ by < 10%."""
    assert long_run.symmetry_cost(500) < 1.1


def test_readings_of_a_made_up_run() -> None:
    """symmetry_cost, excess_over_one_unit and twin_gap on a hand-made table of two seeds, three steps."""
    ident = np.array([[4.0, 2.0, 1.1], [4.0, 3.0, 1.3]])
    pert = np.array([[4.0, 2.2, 0.1], [4.0, 2.7, 0.3]])
    zero = np.zeros((2, 3))
    r = SymmetricStart(np.array([0, 10, 20]), ident, pert, zero, zero, 1.0, 1e-4, 0.1)
    assert r.symmetry_cost(20) == pytest.approx(1.2 / 0.2)  # medians 1.2 and 0.2
    assert r.symmetry_cost(0) == 1.0
    assert_allclose(r.excess_over_one_unit(20), [0.1, 0.3], rtol=1e-14)
    assert r.twin_gap(10) == pytest.approx(0.1)  # 2.2/2 and 2.7/3: both seeds 10% apart
    assert r.twin_gap(0) == 0.0
    for bad in (5, 30, -10):
        with pytest.raises(ValueError, match="step must be one of the recorded steps 0, 10, ..., got"):
            r.symmetry_cost(bad)
    for bad, name in ((10.0, "float"), (True, "bool"), ("10", "str")):
        with pytest.raises(TypeError, match=f"step must be an int, got {name}"):
            r.twin_gap(bad)


def test_plateau_readings_of_a_made_up_run() -> None:
    """plateau_steps, break_away_steps and above_and_falling on hand-made losses (L1 = 1, rtol 10%).

    Seed 0 comes down, stays in the band for two recorded steps and leaves it downwards for good;
    seed 1 leaves the band and comes back; seed 2 is still in it at the last step; seed 3 never
    reaches it; seed 4 starts inside it (it never came down into it).
    """
    pert = np.array(
        [
            [2.0, 1.05, 0.95, 0.5, 0.4],
            [2.0, 1.05, 0.5, 0.95, 0.4],
            [2.0, 1.5, 1.2, 1.05, 1.01],
            [2.0, 1.5, 1.2, 1.15, 1.11],
            [1.05, 1.0, 0.5, 0.4, 0.3],
        ]
    )
    zero = np.zeros_like(pert)
    r = SymmetricStart(np.arange(0, 50, 10), pert + 1.0, pert, zero, zero, 1.0, 1e-4, 0.1)
    assert r.plateau_steps().tolist() == [20, 20, 20, 0, 20]  # two recorded steps, 10 apart
    assert r.break_away_steps().tolist() == [30, -1, -1, -1, -1]
    assert r.break_away_steps(rtol=0.6).tolist() == [-1, -1, -1, -1, -1]  # 2.0 is inside a 60% band
    assert r.band_steps(0.7, 0.9).tolist() == [0, 0, 0, 0, 0]
    assert r.band_steps(0.3, 0.6).tolist() == [20, 20, 0, 0, 30]  # 0.5 and 0.4 (and 0.3 for seed 4)
    assert r.band_steps(1.1, 1.3).tolist() == [0, 0, 10, 30, 0]  # 1.2; 1.2, 1.15 and 1.11
    assert r.band_below_steps().tolist() == [0, 0, 0, 0, 0]  # [0.7, 0.9): no loss of the made-up runs
    assert r.band_below_steps(rtol=0.2).tolist() == [20, 20, 0, 0, 20]  # [0.4, 0.8): 0.5 and 0.4
    with pytest.raises(ValueError, match="low must be below high"):
        r.band_steps(0.9, 0.9)
    assert r.above_and_falling(20) is False  # seed 0 is below 1 at step 20
    falling = SymmetricStart(np.arange(0, 50, 10), pert[2:4] + 1, pert[2:4], zero[:2], zero[:2], 1.0, 0, 0.1)
    assert falling.above_and_falling(40) is True
    flat = SymmetricStart(np.arange(0, 50, 10), pert[3:] + 1.0, np.array([[2.0, 1.5, 1.5, 1.2, 1.1]]),
                          zero[:1], zero[:1], 1.0, 0, 0.1)  # fmt: skip
    assert flat.above_and_falling(10) is True and flat.above_and_falling(20) is False  # 1.5 to 1.5


def test_page_plateau_statements_hold(long_run) -> None:
    """The page's run: every perturbed run breaks away; up to step 300 the twins agree within 1%."""
    assert np.all(long_run.break_away_steps() > 0)
    assert np.median(long_run.plateau_steps()) >= 200
    assert np.all(long_run.plateau_steps() > long_run.band_steps(0.7, 0.9))  # slower near L1, every seed
    assert long_run.band_below_steps().tolist() == long_run.band_steps(0.7, 0.9).tolist()
    assert max(long_run.twin_gap(k) for k in range(0, 301, 50)) < 0.01
    assert long_run.above_and_falling(300)


def test_one_unit_minimum_against_independent_fit() -> None:
    """L1 is a strict local minimum, checked independently of the code that found it.

    Recomputed from its parameters; a Levenberg-Marquardt fit from a perturbed copy comes back to
    it; the Hessian there is positive definite.
    """
    X, y = regression_task()
    theta, loss = one_unit_minimum()
    w, b, v, c = theta[:2], theta[2], theta[3], theta[4]
    assert_allclose(loss, 0.5 * np.mean((v * np.tanh(X @ w + b) + c - y) ** 2), rtol=1e-14)
    rng = np.random.default_rng(5)

    def half_mse(p: np.ndarray) -> float:
        return 0.5 * np.mean((p[3] * np.tanh(X @ p[:2] + p[2]) + p[4] - y) ** 2)

    def levenberg_marquardt(p: np.ndarray) -> float:
        mu = 1e-2
        for _ in range(300):
            t = np.tanh(X @ p[:2] + p[2])
            r = p[3] * t + p[4] - y
            J = np.column_stack([(p[3] * (1 - t**2))[:, None] * X, p[3] * (1 - t**2), t, np.ones_like(t)])
            q = p - np.linalg.solve(J.T @ J + mu * np.eye(5), J.T @ r)
            if half_mse(q) < half_mse(p):
                p, mu = q, mu / 3
            else:
                mu *= 4
        return half_mse(p)

    assert np.linalg.eigvalsh(tanhnet.hessian(theta, X, y, 1)).min() > 1e-6
    # from a perturbed copy of the returned point, the independent fit comes back to the same loss
    assert_allclose(levenberg_marquardt(theta + 0.05 * rng.normal(size=5)), loss, rtol=1e-9)


def test_loss_is_constant_along_the_duplicate_line() -> None:
    """The old erratum said discrete symmetries create no direction of constant loss: false.

    With two identical units, (v1 + t, v2 - t) leaves the loss unchanged for every t, at a random
    point (not only at a critical point), and the Hessian's quadratic form vanishes along it.
    """
    X, y = regression_task()
    rng = np.random.default_rng(2)
    w, b = rng.normal(size=2), rng.normal()
    theta = tanhnet.pack(np.tile(w, (2, 1)), np.array([b, b]), rng.normal(size=2), 0.3)
    d = np.array([0, 0, 0, 0, 0, 0, 1.0, -1.0, 0])
    base = tanhnet.loss(theta, X, y, 2)
    for t in (-3.0, -0.5, 0.7, 5.0):
        assert_allclose(tanhnet.loss(theta + t * d, X, y, 2), base, rtol=1e-14)
    assert abs(d @ tanhnet.hessian(theta, X, y, 2) @ d) < 1e-14


def test_critical_line_rows() -> None:
    """The embedded one-unit optimum: equal losses, zero gradient, H d = 0 at every lambda.

    Equal within 4 ulp, as the page claims: exactly equal in exact arithmetic, the computed losses
    differ in the last bit on some machines (OpenBLAS's Sandybridge kernels).
    """
    rows = critical_line((-1.0, 0.3, 2.0))
    assert [r.lam for r in rows] == [-1.0, 0.3, 2.0]
    losses = [r.loss for r in rows]  # equal in exact arithmetic; rounding may differ by machine
    assert 0 < min(losses) and max(losses) - min(losses) <= 4 * np.spacing(max(losses))
    assert all(r.grad_norm < 1e-12 and r.null_residual < 1e-12 and r.min_abs_eigenvalue < 1e-12 for r in rows)
    # a point off the line (units made different) is not critical
    X, y = regression_task()
    theta1, _ = one_unit_minimum()
    off = tanhnet.pack(
        np.array([theta1[:2], theta1[:2] + 0.1]),
        np.repeat(theta1[2], 2),
        np.array([0.5, 0.5]) * theta1[3],
        theta1[4],
    )
    assert np.linalg.norm(tanhnet.gradient(off, X, y, 2)) > 1e-4


def test_symmetric_training_initial_loss_by_hand() -> None:
    """Step 0 loss: with 4 identical units the output is 4 v tanh(w.x + b); recomputed directly."""
    X, y = regression_task()
    unit = np.random.default_rng([0, 1]).normal(size=4) * 0.5
    out = 4 * unit[3] * np.tanh(X @ unit[:2] + unit[2])
    expected = 0.5 * np.mean((out - y) ** 2)
    r = symmetric_training(steps=50, seeds=1)
    assert_allclose(r.loss_identical[0, 0], expected, rtol=1e-14)
    assert_allclose(r.loss_perturbed[0, 0], expected, rtol=1e-3)  # the perturbation barely moves it
