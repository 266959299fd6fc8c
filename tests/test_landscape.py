"""The loss-landscape experiment: its network's gradients, its measurements, its figures."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes.landscape import (
    LOOKAHEAD,
    _init,
    _loss_and_grad,
    compare,
    gradient_check,
    learning_rate_sweep,
    summary,
    synthetic_data,
    train,
)


@pytest.fixture(scope="module")
def page_runs():
    """The two runs the chapter shows (learning rate 0.05, 200 steps, probes every 10 steps)."""
    return compare(lr=0.05, steps=200, probe_every=10)


def test_synthetic_data_is_standardised_and_seeded() -> None:
    """Targets have mean 0 and variance 1; the same seed gives the same data, another does not."""
    X, y = synthetic_data(n=50, d=4, seed=3)
    assert X.shape == (50, 4) and y.shape == (50, 1)
    assert_allclose([y.mean(), y.var()], [0.0, 1.0], atol=1e-14)
    assert_array_equal(synthetic_data(n=50, d=4, seed=3)[1], y)
    assert not np.array_equal(synthetic_data(n=50, d=4, seed=4)[1], y)


@pytest.mark.parametrize("bn", [False, True])
def test_network_gradient_matches_central_finite_differences(bn) -> None:
    """Hand-written backpropagation (with and without batch norm) against central differences."""
    bp, fd = gradient_check(bn)
    assert bp.size == 61  # 3*4+4 + 4*4+4 + 4*4+4 + 4*1+1
    assert_allclose(bp, fd, rtol=0, atol=1e-7 * np.max(np.abs(fd)))


def test_batch_norm_network_ignores_the_scale_of_the_first_layer() -> None:
    """Normalisation after a layer makes the loss invariant to scaling that layer (up to eps)."""
    X, y = synthetic_data(n=32, seed=0)
    params = _init(X.shape[1], 8, 3, 0)
    scaled = [p * 10.0 if k < 2 else p for k, p in enumerate(params)]
    base, with_bn = _loss_and_grad(params, X, y, True)[0], _loss_and_grad(scaled, X, y, True)[0]
    assert_allclose(with_bn, base, rtol=1e-5)
    plain = _loss_and_grad(scaled, X, y, False)[0]
    assert abs(plain - _loss_and_grad(params, X, y, False)[0]) > 1.0


def test_both_runs_start_from_the_same_weights() -> None:
    """Same seed, same initial weights: the initialisation does not depend on batch norm."""
    a, b = _init(8, 32, 8, 0), _init(8, 32, 8, 0)
    for p, q in zip(a, b, strict=True):
        assert_array_equal(p, q)
    assert [p.shape for p in a[:4]] == [(8, 32), (32,), (32, 32), (32,)]
    assert_allclose(np.std(a[2]), np.sqrt(2 / 32), rtol=0.1)  # He initialisation


@pytest.mark.parametrize("bn", [False, True])
def test_lookahead_brackets_the_next_loss(bn) -> None:
    """The look-ahead includes the actual step (s = lr), so the next loss lies in its range."""
    assert 1.0 in LOOKAHEAD
    run = train(bn, steps=40, probe_every=10)
    assert_array_equal(run.probe_steps, [0, 10, 20, 30])
    nxt = run.losses[run.probe_steps + 1]
    assert np.all(run.loss_min <= nxt) and np.all(nxt <= run.loss_max)
    assert np.all(run.grad_change > 0) and np.all(run.smoothness > 0)


def test_divergence_raises_instead_of_returning_nan() -> None:
    """The plain network at learning rate 0.2 overflows: a FloatingPointError names the step."""
    with pytest.raises(FloatingPointError, match=r"diverged at step 3 \(lr=0.2\)"):
        train(False, lr=0.2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lr": 0.0}, "lr"),
        ({"lr": float("inf")}, "lr"),
        ({"steps": 0}, "steps"),
        ({"probe_every": True}, "probe_every"),
        ({"width": 2.5}, "width"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match) -> None:
    """Arguments are checked and the message names the argument."""
    with pytest.raises(ValueError, match=match):
        train(True, **kwargs)


# ------------------------------------------------------------------------------ page numbers
# These pin the experiment the chapter shows. They are regression values (an experiment has no
# independent reference), at the three significant digits the page prints.
def test_page_summary_numbers(page_runs) -> None:
    """The summary table of the chapter, and the four claims made from it."""
    (lp, l0p, l1p, rp, cp, sp), (lb, l0b, l1b, rb, cb, sb) = summary(page_runs)
    assert (lp, lb) == ("plain", "batch norm")
    assert_allclose([l0p, l1p, rp, cp, sp], [10.1, 0.0238, 1.27, 13.4, 49.2], rtol=5e-3)
    assert_allclose([l0b, l1b, rb, cb, sb], [1.59, 4.67e-05, 0.0015, 0.39, 41.3], rtol=5e-3)
    assert l1b * 100 < l1p and rb * 100 < rp and cb * 10 < cp
    assert abs(sp / 40 - 1) < 0.25 and abs(sb / 40 - 1) < 0.25


def test_page_learning_rate_table() -> None:
    """The learning-rate table of the chapter: the plain network diverges at 0.1 and 0.2."""
    rows = learning_rate_sweep((0.05, 0.1, 0.2))
    assert [r[0] for r in rows] == [0.05, 0.1, 0.2]
    assert_allclose([rows[0][1], rows[0][2]], [0.0238, 4.67e-05], rtol=5e-3)
    assert rows[1][1] == "diverged at step 5" and rows[2][1] == "diverged at step 3"
    assert_allclose([rows[1][2], rows[2][2]], [1.51e-07, 5.04e-07], rtol=5e-3)


# ------------------------------------------------------------------------------ figures
def test_training_loss_figure_plots_the_runs(page_runs) -> None:
    """One line per run, its data the run's losses, on a logarithmic axis, with a text alternative."""
    from nnnotes.figures.batchnorm import training_loss

    fig = training_loss(page_runs)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and fig.get_label()
    for line, run in zip(ax.get_lines(), page_runs, strict=True):
        assert line.get_label() == run.label
        assert_array_equal(line.get_ydata(), run.losses)


def test_landscape_figure_has_three_panels_and_the_stability_line(page_runs) -> None:
    """Loss bands, gradient change, smoothness with the line 2 / lr = 40."""
    from nnnotes.figures.batchnorm import landscape

    fig = landscape(page_runs)
    ax_loss, ax_grad, ax_beta = fig.axes
    assert len(ax_loss.collections) == 2
    assert [ln.get_label() for ln in ax_grad.get_lines()] == ["plain", "batch norm"]
    assert_array_equal(ax_grad.get_lines()[1].get_ydata(), page_runs[1].grad_change)
    assert_array_equal(ax_beta.get_lines()[0].get_ydata(), page_runs[0].smoothness)
    stability = ax_beta.get_lines()[-1]
    assert stability.get_label() == "2 / learning rate"
    assert_allclose(stability.get_ydata(), [40.0, 40.0])
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
