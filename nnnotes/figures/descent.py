"""Figures of gradient descent (chapter 6.5): paths on quadratics, the rate threshold, a symmetric start."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from nnnotes.experiments.quadratic import Paths, ThresholdRun
from nnnotes.experiments.symmetric_start import SymmetricStart
from nnnotes.figures._theme import COLORS, new_figure, themed, thin_trajectory
from nnnotes.render import INK

__all__ = ["quadratic_trajectories_figure", "symmetric_start_figure", "threshold_figure"]


def quadratic_trajectories_figure(paths: Sequence[Paths]) -> Figure:
    r"""Contours of $\tfrac12 x^\top \mathrm{diag}(1, 1/\kappa) x$ with the paths of `quadratic_paths`.

    The axes are the coordinates of $x = (\xi, \zeta)$: $\xi$ the steep one, $\zeta$ the flat one (a subscript
    on $x$ numbers an iterate on the pages).

    One panel per $\kappa$: gradient descent at $\eta = 1$ and at the best fixed rate, Newton's
    single step (its points marked).
    """
    steps = len(paths[0].unit) - 1
    alt = (
        "Contour plots of quadratics with condition numbers "
        + ", ".join(f"{p.kappa:g}" for p in paths)
        + f": Newton reaches the minimum in one step; gradient descent, {steps} steps shown, "
        "zigzags and crawls along the flat direction as the condition number grows"
    )
    fig, axes = new_figure(1, len(paths), width=7.2, height=2.8, label=alt)
    axes = np.atleast_1d(axes)
    with themed():
        for ax, p in zip(axes, paths, strict=True):
            kappa = p.kappa
            s = np.sqrt(kappa)
            gx, gy = np.meshgrid(np.linspace(-2.4, 2.4, 50), np.linspace(-2.4 * s, 2.4 * s, 50))
            ax.contour(
                gx,
                gy,
                0.5 * (gx**2 + gy**2 / kappa),
                levels=6,
                colors=INK,
                linewidths=0.5,
                alpha=0.45,
                linestyles="solid",
            )
            runs = [
                (p.best, COLORS[1], "GD best fixed"),
                (p.unit, COLORS[0], r"GD $\eta = 1$"),
                (p.newton, COLORS[2], "Newton"),
            ]
            for traj, color, label in runs:
                t = thin_trajectory(traj)
                # markers only for Newton: hundreds of GD markers would bloat the SVG
                ax.plot(
                    t[:, 0],
                    t[:, 1],
                    "-o" if label == "Newton" else "-",
                    color=color,
                    markersize=3,
                    linewidth=1.4 if label != "GD best fixed" else 0.8,
                    label=label,
                )
            ax.plot([0], [0], "*", color=COLORS[3], markersize=9)
            ax.set_title(rf"$\kappa = {kappa:g}$")
            ax.set_xlabel(r"$\xi$ (steep)")
        axes[0].set_ylabel(r"$\zeta$ (flat)")
        axes[-1].legend(loc="lower right", fontsize=8)
    return fig


def threshold_figure(runs: Sequence[ThresholdRun]) -> Figure:
    r"""$|x_k|$ against $k$ for the runs of `threshold_runs`, at rates around $2/\lambda$ (log scale)."""
    fig, ax = new_figure(
        width=6.0,
        height=3.0,
        label=(
            "Distance to the minimum against the step, log scale: rates below 2 over lambda shrink it "
            "geometrically, the rate 2 over lambda keeps it at 1, rates above make it grow geometrically"
        ),
    )
    with themed():
        for run, color in zip(runs, COLORS, strict=False):
            ax.semilogy(
                np.arange(len(run.distances)),
                run.distances,
                color=color,
                label=rf"$\eta = {run.factor:g} \times 2/\lambda$",
            )
        ax.set_xlabel("step $k$")
        ax.set_ylabel("$|x_k - x^*|$")
        ax.legend(fontsize=8)
        ax.minorticks_off()
    return fig


def symmetric_start_figure(run: SymmetricStart) -> Figure:
    r"""Loss against step, log scale, for every seed of a `SymmetricStart` experiment.

    The identical starts (dashed) and the perturbed starts (solid), with the loss $L_1$ of the
    one-unit minimum as a horizontal line.
    """
    S = run.loss_identical.shape[0]
    fig, ax = new_figure(
        width=6.4,
        height=3.2,
        label=(
            f"Training loss against step, log scale, for {S} seeds: the identical starts approach the "
            f"one-unit minimum's loss {run.one_unit_loss:.3g}; the starts perturbed by {run.perturbation:g} "
            "follow them on a plateau, then drop far below it"
        ),
    )
    with themed():
        for i in range(S):
            ax.semilogy(
                run.steps,
                run.loss_identical[i],
                "--",
                color=COLORS[0],
                linewidth=1.0,
                label="identical start" if i == 0 else None,
            )
            ax.semilogy(
                run.steps,
                run.loss_perturbed[i],
                "-",
                color=COLORS[1],
                linewidth=1.0,
                label="perturbed start" if i == 0 else None,
            )
        ax.axhline(run.one_unit_loss, color=COLORS[3], linewidth=0.8, label=r"$L_1$ (one-unit minimum)")
        ax.set_xlabel("step")
        ax.set_ylabel("loss")
        ax.legend(fontsize=8)
        ax.minorticks_off()
    return fig
