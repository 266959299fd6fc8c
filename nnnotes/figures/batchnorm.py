"""Figures of the batch-normalization chapter: tiny batches, training curves, the loss landscape."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from nnnotes.batchnorm import batch_norm
from nnnotes.experiments.landscape import LandscapeRun
from nnnotes.figures._theme import COLORS, new_figure, themed

__all__ = ["batch_of_two", "landscape", "training_loss"]


@themed()
def batch_of_two(eps_values: Sequence[float] = (1e-5, 1e-2, 1.0), points: int = 301) -> Figure:
    r"""Plot the first output of a batch of two, $y_1$, against $x_1 - x_2$, for several $\varepsilon$.

    With $d = (x_1 - x_2)/2$ the output is $y_1 = d / \sqrt{d^2 + \varepsilon}$ ($\gamma = 1$,
    $\beta = 0$): nearly $\pm 1$ unless $|d|$ is of the order of $\sqrt\varepsilon$. Computed with
    `nnnotes.batchnorm.batch_norm`.

    Examples
    --------
    >>> fig = batch_of_two()
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['ε = 1e-05', 'ε = 0.01', 'ε = 1']
    """
    diffs = np.linspace(-1.0, 1.0, points)
    fig, ax = new_figure(
        width=6.0,
        height=3.0,
        label="First output of batch normalization for a batch of two, against the difference "
        "of the two inputs: a smoothed step from -1 to 1 whose width shrinks with epsilon",
    )
    for k, eps in enumerate(eps_values):
        y1 = [batch_norm([[dv], [0.0]], eps=eps)[0, 0] for dv in diffs]
        ax.plot(diffs, y1, color=COLORS[k], label=f"ε = {eps:g}")
    ax.set_xlabel("$x_1 - x_2$")
    ax.set_ylabel("$y_1$ (γ = 1, β = 0)")
    ax.legend(loc="lower right")
    return fig


@themed()
def training_loss(runs: Sequence[LandscapeRun]) -> Figure:
    """Plot the training loss of each run against the step (logarithmic loss axis).

    Examples
    --------
    >>> from nnnotes.experiments.landscape import compare
    >>> fig = training_loss(compare(steps=10, probe_every=5))
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['plain', 'batch norm']
    """
    fig, ax = new_figure(
        width=6.0,
        height=3.2,
        label="Training loss against gradient-descent step, with and without batch "
        f"normalization, same data and same initial weights, learning rate {runs[0].lr:g}",
    )
    for k, run in enumerate(runs):
        ax.plot(np.arange(run.losses.size), run.losses, color=COLORS[k], label=run.label)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (mean squared error)")
    ax.set_title(f"full-batch gradient descent, learning rate {runs[0].lr:g}", fontsize=10)
    ax.legend()
    return fig


@themed()
def landscape(runs: Sequence[LandscapeRun]) -> Figure:
    r"""Plot what the look-ahead along the gradient measured: three scale-free panels over training.

    Left: the range of the loss met along the look-ahead, divided by the loss at the probe. Middle:
    the largest change of the gradient, divided by the gradient norm. Right: the effective
    smoothness, with the line $2/\eta$ where gradient descent with learning rate $\eta$ stops
    being stable on a quadratic.

    Examples
    --------
    >>> from nnnotes.experiments.landscape import compare
    >>> fig = landscape(compare(steps=20, probe_every=10))
    >>> len(fig.axes), fig.axes[2].get_lines()[-1].get_label()
    (3, '2 / learning rate')
    """
    fig, axes = new_figure(
        1,
        3,
        width=9.0,
        height=3.2,
        label="Along the gradient direction during training, with and without batch normalization: "
        "range of the loss relative to the loss, change of the gradient relative to its norm, and "
        f"effective smoothness against 2 over the learning rate {runs[0].lr:g}",
    )
    ax_loss, ax_grad, ax_beta = axes
    for k, run in enumerate(runs):
        c, t = COLORS[k], run.probe_steps
        ax_loss.plot(t, run.relative_range, color=c, marker="o", markersize=3, label=run.label)
        ax_grad.plot(t, run.relative_grad_change, color=c, marker="o", markersize=3, label=run.label)
        ax_beta.plot(t, run.smoothness, color=c, marker="o", markersize=3, label=run.label)
    ax_beta.axhline(
        2.0 / runs[0].lr, color=COLORS[6], linestyle="--", linewidth=1.2, label="2 / learning rate"
    )
    for ax, title in [
        (ax_loss, "loss range / loss"),
        (ax_grad, "gradient change / gradient norm"),
        (ax_beta, "effective smoothness"),
    ]:
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_title(title, fontsize=10)
    ax_loss.legend(loc="upper right", fontsize=8)
    ax_beta.legend(loc="upper right", fontsize=8)
    return fig
