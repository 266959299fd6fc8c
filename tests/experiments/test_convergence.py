"""The failure modes of fixed-step gradient descent, against hand analysis."""

from __future__ import annotations

import math

from numpy.testing import assert_allclose

from nnnotes.experiments.convergence import failure_modes, run_or_divergence


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
    assert saddle.last == "[1.74787e-46, 0.0]" and escape.last == "[1.74787e-46, 1.0]"
    assert [r.broken for r in rows][4:] == ["non-convex", "non-convex"]
    assert len(exp_row.cells()) == 8


def test_run_or_divergence_first_steps() -> None:
    """x^3 gradient from 5: hand-computed iterates."""
    traj, bad = run_or_divergence(lambda x: x**3, [5.0], 0.1, 100)
    assert bad == 8
    assert_allclose(traj[:3, 0], [5.0, -7.5, 34.6875], rtol=1e-15)
