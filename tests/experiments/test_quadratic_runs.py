"""Gradient descent and Newton on quadratics: the 6.5 tables against closed forms."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.quadratic import (
    newton_vs_gradient_descent,
    quadratic_paths,
    step_count_growth,
    threshold_runs,
)


def _gd_steps_closed_form(kappa: float, lr: float, tol: float) -> int:
    """First k with |1-lr|^{2k} + |1-lr/kappa|^{2k} <= tol^2 (gradient of diag(1,1/k), x0=0, b=1)."""
    a, b = abs(1 - mpmath.mpf(lr)), abs(1 - mpmath.mpf(lr) / kappa)

    def small(k: int) -> bool:
        with mpmath.workdps(30):
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
    return newton_vs_gradient_descent()


def test_newton_vs_gd_table_against_closed_form(table) -> None:
    """Every step count of the 6.5(c) table equals the closed form from the eigen-decomposition."""
    assert len(table) == 16
    for r in table:
        if r.method == "Newton":
            assert r.steps == 1 and r.cells()[2] == "—"
            continue
        lr_exact = 2 / (1 + 1 / r.kappa) if "best" in r.method else r.lr
        expected = _gd_steps_closed_form(r.kappa, lr_exact, 1e-8)
        if expected > 20_000:
            assert r.steps is None and r.cells()[3] == "> 20000"
        else:
            assert r.steps == expected, r


def test_step_count_growth_from_the_closed_form_counts(table) -> None:
    """Each rate's count ratio per tenfold kappa, from the closed-form counts (1-step pairs skipped)."""
    counts = {  # the closed form above at kappa = 1, 10, 100, 1000 (None: beyond 20000 steps)
        "eta 0.1": [_gd_steps_closed_form(k, 0.1, 1e-8) for k in (1, 10, 100)] + [None],
        "eta 1": [_gd_steps_closed_form(k, 1.0, 1e-8) for k in (1, 10, 100, 1000)],
        "best": [_gd_steps_closed_form(k, 2 / (1 + 1 / k), 1e-8) for k in (1, 10, 100, 1000)],
    }
    expected = [b / a for c in counts.values() for a, b in zip(c, c[1:], strict=False) if a and b and a > 1]
    assert len(expected) == 6
    assert_allclose(step_count_growth(table), expected, rtol=1e-15)


def test_table_pinned_values(table) -> None:
    """Pinned numbers the page shows (from the closed form above)."""
    rows = {(r.kappa, r.method, r.lr): r.steps for r in table}
    assert rows[(1.0, "GD", 1.0)] == 1
    assert rows[(100.0, "GD (best fixed)", 1.980198)] == 939
    assert rows[(1000.0, "GD", 1.0)] == 18412


def test_threshold_runs_closed_form() -> None:
    """|x_200| = |1 - f*2|^200 for each factor f (hand derivation)."""
    for r in threshold_runs():
        assert_allclose(r.contraction, abs(1 - 2 * r.factor), rtol=1e-12)
        assert_allclose(r.last, float(abs(1 - 2 * mpmath.mpf(r.factor)) ** 200), rtol=1e-9)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
def test_contour_paths_against_closed_form(kappa: float) -> None:
    """Each coordinate of each path is its start times (1 - eta * eigenvalue)^k (hand derivation)."""
    (p,) = quadratic_paths(kappas=(kappa,), steps=60)
    k = np.arange(61)
    start = np.array([-2.0, 2.0 * math.sqrt(kappa)])
    best = 2 / (1 + 1 / kappa)
    assert p.best_lr == pytest.approx(best, rel=1e-15)
    for path, lr in [(p.unit, 1.0), (p.best, best)]:
        for i, lam in enumerate([1.0, 1 / kappa]):
            assert_allclose(path[:, i], start[i] * (1 - lr * lam) ** k, rtol=1e-12, atol=1e-300)
    assert_allclose(p.newton, [start, [0.0, 0.0]], atol=1e-12)


def test_contour_path_readings() -> None:
    """What the page reads off the paths: zigzag only at the best rate for kappa > 1; shares left."""
    one, ten, hundred = quadratic_paths()
    assert [p.zigzags(p.best) for p in (one, ten, hundred)] == [False, True, True]
    assert not any(p.zigzags(p.unit) for p in (one, ten, hundred))
    # at eta = 1 the steep coordinate is 0 after one step, so no step changes its sign; at the
    # best rate (1 - kappa)/(1 + kappa) < 0 flips it at all 60 steps
    assert [p.sign_changes(p.unit) for p in (one, ten, hundred)] == [0, 0, 0]
    assert [p.sign_changes(p.best) for p in (one, ten, hundred)] == [0, 60, 60]
    assert hundred.left(hundred.unit, 1) == pytest.approx(0.99**60, rel=1e-12)
    assert hundred.left(hundred.best, 1) == pytest.approx((99 / 101) ** 60, rel=1e-12)
    assert one.left(one.unit, 0) == 0.0
