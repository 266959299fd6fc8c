"""Figures of the batch-normalization chapter: what they draw is what the formulas say."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes.experiments.landscape import compare


def test_batch_of_two_figure_draws_the_hand_formula() -> None:
    """Each curve is y1 = d / sqrt(d^2 + eps) with d = (x1 - x2) / 2, and the figure has a label."""
    from nnnotes.figures.batchnorm import batch_of_two

    fig = batch_of_two(eps_values=(1e-5, 1.0), points=101)
    assert "batch of two" in fig.get_label()
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["ε = 1e-05", "ε = 1"]
    for line, eps in zip(lines, (1e-5, 1.0), strict=True):
        diff, y1 = line.get_xdata(), line.get_ydata()
        assert len(diff) == 101 and diff[0] == -1.0 and diff[-1] == 1.0
        d = diff / 2
        assert_allclose(y1, d / np.sqrt(d * d + eps), rtol=1e-13, atol=1e-16)


@pytest.fixture(scope="module")
def page_runs():
    """The two runs the chapter shows (learning rate 0.05, 200 steps, probes every 10 steps)."""
    return compare(lr=0.05, steps=200, probe_every=10)


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
    assert_array_equal(ax_loss.get_lines()[0].get_ydata(), page_runs[0].relative_range)
    assert [ln.get_label() for ln in ax_grad.get_lines()] == ["plain", "batch norm"]
    assert_array_equal(ax_grad.get_lines()[1].get_ydata(), page_runs[1].relative_grad_change)
    assert "0.05" in fig.get_label()
    assert_array_equal(ax_beta.get_lines()[0].get_ydata(), page_runs[0].smoothness)
    stability = ax_beta.get_lines()[-1]
    assert stability.get_label() == "2 / learning rate"
    assert_allclose(stability.get_ydata(), [40.0, 40.0])
    assert all(ax.get_yscale() == "log" for ax in fig.axes)
