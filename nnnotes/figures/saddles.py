"""Figures of saddle points (chapter 6.7): trajectories near a saddle, escape times, index against loss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from nnnotes.experiments.curvature import EscapePath, EscapeTime, SaddleRuns
from nnnotes.figures._theme import COLORS, new_figure, themed, thin_trajectory
from nnnotes.render import INK

if TYPE_CHECKING:  # the figure draws the points it is given: it never computes them
    from nnnotes.experiments.critical_points import AutoencoderCriticalPoint, TanhCriticalPoint

__all__ = ["escape_figure", "index_error_figure", "saddle_figure"]


def saddle_figure(runs: SaddleRuns) -> Figure:
    r"""Contours of $x^2/2 - y^2/2 + y^4/4$ with the trajectories of `saddle_runs`.

    The saddle is at the origin, the minima at $(0, \pm 1)$.
    """
    fig, ax = new_figure(
        width=5.6,
        height=3.8,
        label=(
            "Contour plot of a saddle with minima above and below it: Newton's method converges to the "
            "saddle, gradient descent escapes slowly, saddle-free Newton escapes in a few steps"
        ),
    )
    with themed():
        gx, gy = np.meshgrid(np.linspace(-1.0, 1.0, 60), np.linspace(-1.4, 1.4, 60))
        ax.contour(
            gx,
            gy,
            gx**2 / 2 - gy**2 / 2 + gy**4 / 4,
            levels=12,
            colors=INK,
            linewidths=0.5,
            alpha=0.45,
            linestyles="solid",
        )
        colors = {"gradient_descent": COLORS[0], "newton": COLORS[2], "saddle_free_newton": COLORS[1]}
        for field, label in SaddleRuns.LABELS.items():
            traj = getattr(runs, field)
            ax.plot(
                traj[:, 0], traj[:, 1], "-o", color=colors[field], markersize=3, linewidth=1.2, label=label
            )
        ax.plot([0], [0], "X", color=COLORS[3], markersize=8, label="saddle")
        ax.plot([0, 0], [-1, 1], "*", color=COLORS[4], markersize=9, linestyle="none", label="minima")
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.legend(fontsize=8, loc="lower left")
    return fig


def escape_figure(rows: Sequence[EscapeTime], paths: Sequence[EscapePath]) -> Figure:
    r"""Gradient descent leaving the saddle $\tfrac12(x^2 - \varepsilon y^2)$.

    Left: $|y_k|$ against $k$ for the runs of `escape_paths`; right: escape time against
    $\varepsilon$ for the rows of `escape_times`.
    """
    fig, (left, right) = new_figure(
        1,
        2,
        width=7.2,
        height=3.0,
        label=(
            "Left: distance from the saddle along the escape direction against the step, for three "
            "negative curvatures. Right: steps to escape against the negative curvature, log-log; "
            "they follow log(R/delta)/(eta epsilon)"
        ),
    )
    with themed():
        for path, color in zip(paths, COLORS, strict=False):
            d = path.distances
            t = thin_trajectory(np.column_stack([np.arange(len(d)), d]))
            left.semilogy(t[:, 0], t[:, 1], color=color, label=rf"$\varepsilon = {path.eps:g}$")
        left.axhline(1.0, color=INK, linewidth=0.8, linestyle="--")
        left.set_xscale("log")
        left.set_xlabel("step $k$")
        left.set_ylabel("$|y_k|$")
        left.legend(fontsize=8)
        eps = np.array([r.eps for r in rows], dtype=float)
        right.loglog(eps, [r.run for r in rows], "o", color=COLORS[0], label="run")
        right.loglog(
            eps, [r.estimate for r in rows], "-", color=COLORS[1], label=r"$\ln(R/\delta)/(\eta\varepsilon)$"
        )
        right.set_xlabel(r"negative curvature $\varepsilon$")
        right.set_ylabel("steps to escape")
        right.legend(fontsize=8)
        for ax in (left, right):
            ax.minorticks_off()  # log-scale minor ticks double the SVG for no information
    return fig


def index_error_figure(rows: list[AutoencoderCriticalPoint], tanh_rows: list[TanhCriticalPoint]) -> Figure:
    """Loss against index of critical points: the linear autoencoder (left), a tanh network (right).

    ``rows`` and ``tanh_rows`` are the results of
    `nnnotes.experiments.critical_points.linear_autoencoder_critical_points` and
    `nnnotes.experiments.critical_points.tanh_critical_points`; the titles give the parameter
    counts the points carry.

    Raises
    ------
    ValueError
        If either list is empty.
    """
    for name, given in (("rows", rows), ("tanh_rows", tanh_rows)):
        if len(given) == 0:
            raise ValueError(f"{name}: expected at least one critical point, got none")
    fig, (ax, right) = new_figure(
        1,
        2,
        width=7.2,
        height=3.2,
        label=(
            "Two scatter plots of the loss of critical points against their index, the fraction of "
            "negative Hessian eigenvalues. Left, full-rank critical points of a linear autoencoder, one "
            "for each choice of kept principal directions; right, critical points of a small tanh "
            "network. In both the loss grows with the index and the lowest point has index zero"
        ),
    )
    with themed():
        right.plot(
            [r.index for r in tanh_rows],
            [r.loss for r in tanh_rows],
            "o",
            color=COLORS[1],
            markersize=6,
            linestyle="none",
            label="critical points",
        )
        right.set_xlabel(r"index $\alpha$")
        right.set_ylabel("regularised loss")
        right.set_title(f"tanh network, {tanh_rows[0].parameters} parameters", fontsize=9)
        ax.set_title(f"linear autoencoder, {rows[0].parameters} parameters", fontsize=9)
        alpha = np.array([r.index for r in rows], dtype=float)
        loss = np.array([r.loss for r in rows], dtype=float)
        ax.plot(alpha, loss, "o", color=COLORS[0], markersize=6, linestyle="none", label="critical points")
        ax.plot(
            alpha[:1], loss[:1], "*", color=COLORS[2], markersize=12, linestyle="none", label="global minimum"
        )
        ax.set_xlabel(r"index $\alpha$ (fraction of negative eigenvalues)")
        ax.set_ylabel("loss")
        ax.legend(fontsize=8, loc="lower right")
    return fig
