"""The failure modes of fixed-step gradient descent, against hand analysis."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes.experiments.convergence import (
    DescentLemmaRun,
    decreasing_step_run,
    descent_lemma_run,
    failure_modes,
    quartic_local_smoothness,
    run_or_divergence,
)


def test_failure_modes_pinned() -> None:
    """Each failure mode ends as hand analysis says."""
    rows = failure_modes()
    exp_row, x4_big, x4_small, absx, saddle, escape = rows
    # exp: x_k ~ -ln(1 + lr k): after 10^4 steps x is near -ln(5001) = -8.517
    assert abs(float(exp_row.last) + math.log(5001)) < 0.01 and exp_row.last_grad_norm < 2.1e-4
    # x^4/4 from 5 with lr 0.1: x1 = -7.5, x2 = 34.6875, ..., overflow at step 8
    assert x4_big.outcome == "overflow at step 8"
    # degenerate minimum: x_k ~ 1/sqrt(2 lr k) = 0.0707 after 1000 steps
    assert abs(float(x4_small.last) - 1 / math.sqrt(200)) < 1e-3
    assert absx.outcome == "2-cycle" and abs(abs(float(absx.last)) - 0.05) < 1e-9
    # double well from (1, 0) and (1, 1e-10), lr 0.1, 1000 steps: x <- x - 0.1 x = 0.9 x, so x_1000 = 0.9^1000
    # (1000 roundings move it by < 1e-12 relative, far below the 6 digits shown); y stays 0, or reaches 1
    with mpmath.workdps(50):
        x_1000 = f"{float((mpmath.mpf(9) / 10) ** 1000):.6g}"
    assert x_1000 == "1.74787e-46"
    assert saddle.last == f"[{x_1000}, 0.0]" and escape.last == f"[{x_1000}, 1.0]"
    assert [r.broken for r in rows][4:] == ["non-convex", "non-convex"]
    assert len(exp_row.cells()) == 8
    assert [r.steps for r in rows] == [10_000, None, 1000, None, 1000, 1000]


def test_run_or_divergence_first_steps() -> None:
    """x^3 gradient from 5: hand-computed iterates."""
    traj, bad = run_or_divergence(lambda x: x**3, [5.0], 0.1, 100)
    assert bad == 8
    assert_allclose(traj[:3, 0], [5.0, -7.5, 34.6875], rtol=1e-15)


def test_descent_lemma_run_against_mpmath() -> None:
    """The values, squared gradients and slacks equal an mpmath evaluation of log cosh at 40 digits.

    The run's iterates are replayed exactly (x - eta * tanh x in float64); everything else is
    recomputed from mpmath.cosh and mpmath.tanh, with the lemma's slack and bound built by hand.
    """
    run = descent_lemma_run(steps=30)
    x = np.array([3.0, -2.0, 0.5])
    with mpmath.workdps(40):
        values, grad_sq = [], []
        for _ in range(31):
            values.append(sum(mpmath.log(mpmath.cosh(v)) for v in x))
            grad_sq.append(sum(mpmath.tanh(v) ** 2 for v in x))
            x = x - 1.9 * np.tanh(x)
        c = mpmath.mpf(1.9) * (1 - mpmath.mpf(1.9) / 2)
        slack = [values[k] - c * grad_sq[k] - values[k + 1] for k in range(30)]
        bound = [min(grad_sq[: k + 1]) * c * (k + 1) / values[0] for k in range(30)]
        summed = [sum(grad_sq[: k + 1]) * c / values[0] for k in range(30)]
    assert_allclose(run.values, [float(v) for v in values], rtol=1e-14, atol=0)
    assert_allclose(run.grad_sq, [float(g) for g in grad_sq], rtol=1e-14, atol=0)
    assert_allclose(run.slack(), [float(s) for s in slack], rtol=1e-6, atol=1e-15)
    assert min(slack) > 0  # the lemma, at 40 digits
    assert_allclose(run.bound_ratio(), [float(b) for b in bound], rtol=1e-12)
    assert_allclose(run.sum_bound_ratio(), [float(b) for b in summed], rtol=1e-12)
    assert max(summed) <= 1  # the summed lemma, at 40 digits


def test_descent_lemma_slack_and_bound_by_hand() -> None:
    """On made-up values the readings are the hand-computed ones, negative when the lemma fails."""
    run = DescentLemmaRun(1.0, np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.25, 0.0]))
    assert_allclose(run.slack(), [1.0 - 0.5 - 2.0, 2.0 - 0.125 - 0.5])  # eta (1 - eta/2) = 1/2
    assert_allclose(run.bound_ratio(), [1.0 / 2.0, 0.25 / 1.0])  # bound (f0 - 0) / (c K) = 2/K
    assert_allclose(run.sum_bound_ratio(), [1.0 / 2.0, 1.25 / 2.0])  # bound (f0 - 0) / c = 2, any K
    with pytest.raises(ValueError, match="lr must be in"):
        descent_lemma_run(lr=2.0)


def test_decreasing_step_on_abs_by_hand() -> None:
    """|x| with eta_k = 0.1/sqrt(k+1) from 0.35, against a hand count and a hand bound.

    Five steps (0.1, 0.0707, 0.0577, 0.05, 0.0447) leave 0.0268, the sixth (0.0408) crosses 0. From
    then on a step from |x_k| <= eta_{k-1} lands at |eta_k - |x_k|| <= max(eta_k, eta_{k-1} - eta_k)
    = eta_k (for k >= 1, eta_{k-1} <= 2 eta_k).
    """
    steps = [0.1 / math.sqrt(k + 1) for k in range(6)]
    assert sum(steps[:5]) < 0.35 < sum(steps)  # the hand count: the sixth step crosses
    assert not decreasing_step_run(steps=5).crossed
    six = decreasing_step_run(steps=6)
    assert six.crossed and six.within
    assert six.last == pytest.approx(0.35 - sum(steps), abs=1e-15)
    run = decreasing_step_run()
    assert run.crossed and run.within and abs(run.last) <= run.last_step == pytest.approx(1e-3)
    # a fixed step (the failure mode above) would end in a 2-cycle of size 0.05: here 1e-3 at most
    big = decreasing_step_run(start=-3.0, eta0=1.0, steps=100)
    assert big.crossed and big.within and abs(big.last) <= 0.1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": float("nan")}, ValueError, "start"),
        ({"eta0": 0.0}, ValueError, "eta0"),
        ({"steps": 0}, ValueError, "steps"),
        ({"steps": 2.5}, TypeError, "steps"),
        ({"digits": 10}, ValueError, "digits"),
    ],
)
def test_decreasing_step_run_rejects_bad_arguments(kwargs: dict, error: type, match: str) -> None:
    """Bad arguments raise a clear error naming the argument."""
    with pytest.raises(error, match=match):
        decreasing_step_run(**kwargs)


@pytest.mark.parametrize(
    ("x0", "lr", "bound", "stays", "stable"),
    [
        (1.0, 0.1, 3, True, True),  # the page's row: eta x0^2 = 0.1 < 1, eta * 3 = 0.3 < 2
        (2.0, 0.2, 12, True, False),  # eta x0^2 = 0.8 < 1, but eta * 12 = 2.4 >= 2
        (5.0, 0.1, 75, False, False),  # the diverging row: eta x0^2 = 2.5
        (0.5, 4.0, sympy.Rational(3, 4), False, False),  # eta x0^2 = 1 exactly (not < 1); eta * 3/4 = 3
        (0.5, 2.0, sympy.Rational(3, 4), True, True),  # eta x0^2 = 1/2; eta * 3/4 = 3/2 < 2
    ],
    ids=["page", "stays-only", "diverging-row", "edge", "half"],
)
def test_quartic_local_smoothness_by_hand(x0, lr, bound, stays, stable) -> None:
    """The curvature 3x^2 is largest at the ends of [-x0, x0]; the two conditions by hand, exactly."""
    q = quartic_local_smoothness(x0, lr)
    assert (q.curvature_bound, q.stays, q.stable) == (bound, stays, stable)
    assert q.x0 == sympy.nsimplify(x0) and q.lr == sympy.nsimplify(lr)


@pytest.mark.parametrize(
    ("x0", "lr", "error", "name"),
    [(0.0, 0.1, ValueError, "x0"), (1.0, float("nan"), ValueError, "lr"), ("1", 0.1, TypeError, "x0")],
)
def test_quartic_local_smoothness_refuses_bad_arguments(x0, lr, error: type, name: str) -> None:
    """A start or a rate that is not a positive finite number is refused, naming it."""
    with pytest.raises(error, match=f"^{name} "):
        quartic_local_smoothness(x0, lr)
