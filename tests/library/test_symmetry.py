"""Weight-space symmetries of a tanh hidden layer and the symmetric-initialisation experiment."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes import symmetry as S


@pytest.mark.parametrize(("M", "expected"), [(1, 2), (2, 8), (3, 48), (4, 384)])
def test_enumeration_counts_match_hyperoctahedral_order(M, expected) -> None:
    """Enumerated transformations are distinct signed permutations: 2^M M! of them."""
    syms = S.hidden_symmetries(M)
    assert len(syms) == len(set(syms)) == expected


@pytest.mark.parametrize("M", [1, 2, 3, 4])
def test_every_symmetry_preserves_the_function(M) -> None:
    """All 2^M M! transformed networks compute the same outputs, and are distinct parameters."""
    r = S.check_symmetries(M)
    assert r["count"] == r["distinct"] == 2**M * math.factorial(M)
    assert r["max_output_change"] <= 1e-15


def test_non_symmetry_changes_the_function() -> None:
    """Flipping only the output weight of a unit (not a symmetry) changes the outputs: the check can fail."""
    rng = np.random.default_rng(3)
    theta = rng.normal(size=2 * 2 + 2 * 2 + 1)
    X = rng.normal(size=(10, 2))
    bad = theta.copy()
    bad[6] *= -1  # v_1 only
    assert np.max(np.abs(S.tanh_network(bad, X, 2) - S.tanh_network(theta, X, 2))) > 1e-3


def test_apply_symmetry_by_hand() -> None:
    """Swap and sign flip, computed by hand for D = 1, M = 2."""
    out = S.apply_symmetry([1.0, 2.0, 0.1, 0.2, 3.0, 4.0, 9.0], 1, 2, ((1, 0), (-1, 1)))
    assert out.tolist() == [-2.0, 1.0, -0.2, 0.1, -4.0, 3.0, 9.0]
    with pytest.raises(ValueError, match="symmetry must be"):
        S.apply_symmetry(np.zeros(7), 1, 2, ((0, 0), (1, 1)))


def test_count_table_up_to_ten() -> None:
    """The table's last row: 2^10 * 10! = 1024 * 3628800 = 3715891200 (exact integers)."""
    rows = S.symmetry_count_rows(10)
    assert len(rows) == 10
    assert rows[-1] == [10, 1024, 3628800, 3715891200]
    assert all(r[3] == sympy.factorial(r[0]) * 2 ** r[0] for r in rows)


def test_symmetric_start_stays_symmetric() -> None:
    """Identical units stay exactly identical for every seed; the perturbation grows."""
    r = S.symmetric_training(steps=300, seeds=3)
    assert r.steps.tolist() == [0, 50, 100, 150, 200, 250, 300]
    assert np.all(r.spread_identical == 0.0)
    assert np.all(r.spread_perturbed[:, -1] > 10 * r.spread_perturbed[:, 0])


@pytest.fixture(scope="module")
def long_run() -> S.SymmetricStart:
    """The page's experiment, run once for the tests that read it."""
    return S.symmetric_training()


def test_symmetric_start_costs_at_5000_steps(long_run) -> None:
    """At 5000 steps the identical start is stuck near the one-unit loss, the perturbed one far below."""
    L1 = long_run.one_unit_loss
    assert np.median(long_run.loss_identical[:, -1]) < 1.02 * L1
    assert np.median(long_run.loss_perturbed[:, -1]) < L1 / 10


def test_old_500_step_experiment_shows_no_cost(long_run) -> None:
    """The old statement's run (stopped at 500 steps) cannot show the cost: the medians differ by < 10%."""
    k = long_run.steps.tolist().index(500)
    ratio = np.median(long_run.loss_identical[:, k]) / np.median(long_run.loss_perturbed[:, k])
    assert ratio < 1.1


def test_one_unit_minimum_against_independent_fit() -> None:
    """L1 is a strict local minimum, checked independently of the code that found it.

    Recomputed from its parameters; a Levenberg-Marquardt fit from a perturbed copy comes back to
    it; the Hessian there is positive definite.
    """
    X, y = S.regression_task()
    theta, loss = S.one_unit_minimum()
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

    from nnnotes import _tanhnet

    assert np.linalg.eigvalsh(_tanhnet.hessian(theta, X, y, 1)).min() > 1e-6
    # from a perturbed copy of the returned point, the independent fit comes back to the same loss
    assert_allclose(levenberg_marquardt(theta + 0.05 * rng.normal(size=5)), loss, rtol=1e-9)


def test_loss_is_constant_along_the_duplicate_line() -> None:
    """The old erratum said discrete symmetries create no direction of constant loss: false.

    With two identical units, (v1 + t, v2 - t) leaves the loss unchanged for every t, at a random
    point (not only at a critical point), and the Hessian's quadratic form vanishes along it.
    """
    from nnnotes import _tanhnet

    X, y = S.regression_task()
    rng = np.random.default_rng(2)
    w, b = rng.normal(size=2), rng.normal()
    theta = _tanhnet.pack(np.tile(w, (2, 1)), np.array([b, b]), rng.normal(size=2), 0.3)
    d = np.array([0, 0, 0, 0, 0, 0, 1.0, -1.0, 0])
    base = _tanhnet.loss(theta, X, y, 2)
    for t in (-3.0, -0.5, 0.7, 5.0):
        assert_allclose(_tanhnet.loss(theta + t * d, X, y, 2), base, rtol=1e-14)
    assert abs(d @ _tanhnet.hessian(theta, X, y, 2) @ d) < 1e-14


def test_critical_line_rows() -> None:
    """The embedded one-unit optimum: equal losses, zero gradient, H d = 0 at every lambda."""
    rows = S.critical_line((-1.0, 0.3, 2.0))
    assert len({r[1] for r in rows}) == 1
    assert all(r[2] < 1e-12 and r[3] < 1e-12 and r[4] < 1e-12 for r in rows)
    # a point off the line (units made different) is not critical
    from nnnotes import _tanhnet

    X, y = S.regression_task()
    theta1, _ = S.one_unit_minimum()
    off = _tanhnet.pack(
        np.array([theta1[:2], theta1[:2] + 0.1]),
        np.repeat(theta1[2], 2),
        np.array([0.5, 0.5]) * theta1[3],
        theta1[4],
    )
    assert np.linalg.norm(_tanhnet.grad(off, X, y, 2)) > 1e-4


def test_duplicate_line_derivation_fails_when_weights_move_together() -> None:
    """Moving both output weights the same way (v1 + t, v2 + t) changes the output: the check fails."""
    import sympy

    from nnnotes.check.derivation import Derivation, DerivationError

    a, t, v1, v2 = sympy.symbols("a t v_1 v_2", real=True)
    bad = Derivation((v1 + t) * sympy.tanh(a) + (v2 + t) * sympy.tanh(a), name="bad-line").step(
        (v1 + v2) * sympy.tanh(a), "collect"
    )
    with pytest.raises(DerivationError):
        bad.verify()
    assert S.duplicate_unit_line().verify().steps[0].method == "symbolic"


def test_unit_gradient_derivation_against_finite_differences() -> None:
    """The derived gradient of one unit matches central differences of the loss at a point."""
    d = S.identical_units_gradient().verify()
    expr = d.steps[-1].expr
    syms = {str(s): s for s in expr.free_symbols}
    pt = {"x": 0.7, "r": -0.3, "w_j": 1.1, "b_j": -0.4, "v_j": 0.9}
    got = np.array([float(e.subs({syms[k]: v for k, v in pt.items()})) for e in expr])

    def loss(w, b, v):
        return (v * np.tanh(w * pt["x"] + b) + pt["r"]) ** 2 / 2

    h = 1e-6
    base = [pt["w_j"], pt["b_j"], pt["v_j"]]
    fd = []
    for i in range(3):
        up, dn = list(base), list(base)
        up[i] += h
        dn[i] -= h
        fd.append((loss(*up) - loss(*dn)) / (2 * h))
    assert_allclose(got, fd, rtol=1e-8, atol=1e-10)


def test_bad_m() -> None:
    """M must be a positive integer, and small enough to enumerate."""
    with pytest.raises(ValueError, match="M"):
        S.symmetry_count(0)
    with pytest.raises(ValueError, match="at most 6"):
        S.hidden_symmetries(7)


def test_symmetry_check_rows_page_values() -> None:
    """The page's table: counts 2^M M! enumerated and distinct, output changes at rounding level."""
    rows = S.symmetry_check_rows()
    assert [r[:3] for r in rows] == [[1, 2, 2], [2, 8, 8], [3, 48, 48], [4, 384, 384]]
    assert all(r[3] <= 1e-15 for r in rows)


def test_symmetric_training_initial_loss_by_hand() -> None:
    """Step 0 loss: with 4 identical units the output is 4 v tanh(w.x + b); recomputed directly."""
    X, y = S.regression_task()
    unit = np.random.default_rng([0, 1]).normal(size=4) * 0.5
    out = 4 * unit[3] * np.tanh(X @ unit[:2] + unit[2])
    expected = 0.5 * np.mean((out - y) ** 2)
    r = S.symmetric_training(steps=50, seeds=1)
    assert_allclose(r.loss_identical[0, 0], expected, rtol=1e-14)
    assert_allclose(r.loss_perturbed[0, 0], expected, rtol=1e-3)  # the perturbation barely moves it
