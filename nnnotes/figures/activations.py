"""Figures of chapter 6.1: activations and their derivatives, gradients through depth.

Examples
--------
>>> fig = activation_curves()
>>> [line.get_label() for line in fig.axes[0].get_lines()][:2]
['σ(x)', 'tanh(x)']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from nnnotes import activations as act
from nnnotes.experiments.vanishing_gradients import GradientRow
from nnnotes.figures._theme import COLORS, new_figure, themed

__all__ = ["activation_curves", "gradient_depth_plot"]


@themed()
def activation_curves(n: int = 301, alpha: float = 0.1) -> Figure:
    """Sigmoid, tanh, ReLU and Leaky ReLU (left) and their derivatives (right) on [-5, 5].

    The text alternative is built from the same ``alpha`` and the computed peaks of the
    derivatives, so it cannot disagree with the plot.
    """
    x = np.linspace(-5.0, 5.0, n)
    sig_peak, tanh_peak = float(act.sigmoid_derivative(0.0)), float(act.tanh_derivative(0.0))
    fig, (ax, bx) = new_figure(
        1,
        2,
        width=8.0,
        height=3.4,
        label=f"Left: sigmoid rises from 0 to 1, tanh from -1 to 1, ReLU and Leaky ReLU are 0 "
        f"(or {alpha:g}x) left of 0 and x right of it. Right: the derivatives; sigmoid's peaks "
        f"at {sig_peak:g} and tanh's at {tanh_peak:g}, both at x = 0 and both decaying to 0; "
        f"ReLU's jumps from 0 to 1, Leaky ReLU's from {alpha:g} to 1.",
    )
    curves = [
        ("σ(x)", act.sigmoid, act.sigmoid_derivative, "-"),
        ("tanh(x)", act.tanh, act.tanh_derivative, "--"),
        ("ReLU(x)", act.relu, act.relu_derivative, "-."),
        (
            f"Leaky ReLU(x), α = {alpha:g}",
            lambda v: act.leaky_relu(v, alpha),
            lambda v: act.leaky_relu_derivative(v, alpha),
            ":",
        ),
    ]
    for k, (name, f, df, style) in enumerate(curves):
        ax.plot(x, f(x), style, color=COLORS[k], label=name)
        bx.plot(x, df(x), style, color=COLORS[k], label=name.replace("(x)", "′(x)", 1))
    ax.set_ylim(-1.2, 2.2)
    ax.set_xlabel("x")
    ax.set_title("activation")
    bx.axhline(sig_peak, color=COLORS[0], lw=0.8, alpha=0.6)
    bx.set_ylim(-0.05, 1.15)
    bx.set_xlabel("x")
    bx.set_title("derivative")
    ax.legend(loc="upper left", fontsize=8)
    bx.legend(loc="upper left", fontsize=8)
    return fig


@themed()
def gradient_depth_plot(rows: Sequence[GradientRow]) -> Figure:
    """Norm of the gradient at each layer's pre-activation, at initialisation, log scale.

    ``rows`` are the results of `nnnotes.experiments.vanishing_gradients.gradient_rows`, one line
    each. The text alternative states, for each setup, the orders of magnitude lost from the last
    layer to the first, computed from the plotted norms.
    """
    depth = len(rows[0].norms)
    drops = "; ".join(f"{r.activation} with {r.init} weights {np.log10(r.last / r.first):.1f}" for r in rows)
    fig, ax = new_figure(
        width=7.0,
        height=3.6,
        label=f"Gradient norm against layer (1 to {depth}) on a log scale. Orders of magnitude lost "
        f"from the last layer to the first: {drops}.",
    )
    layers = np.arange(1, depth + 1)
    styles = ["o-", "s--", "^-.", "v:", "D-"]
    for k, r in enumerate(rows):
        ax.semilogy(layers, r.norms, styles[k], color=COLORS[k], ms=3.5, label=f"{r.activation}, {r.init}")
    ax.set_xlabel("layer l (1 = next to the input)")
    ax.set_ylabel("‖∂L/∂a_l‖")
    ax.legend(fontsize=8, loc="lower right")
    return fig
