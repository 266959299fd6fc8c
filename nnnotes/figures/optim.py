"""Figures of the optimisation chapters (6.5 and 6.7): contour plots with trajectories, escape times."""

from __future__ import annotations

import inspect

import numpy as np
from matplotlib.figure import Figure

from nnnotes import tanhnet
from nnnotes.experiments.critical_points import (
    AutoencoderCriticalPoint,
    TanhCriticalPoint,
    linear_autoencoder_critical_points,
    tanh_critical_points,
)
from nnnotes.experiments.curvature import EscapeTime, SaddleRuns, escape_times, saddle_runs
from nnnotes.experiments.symmetric_start import SymmetricStart
from nnnotes.figures._theme import COLORS, new_figure, themed
from nnnotes.optim import gradient_descent, newton
from nnnotes.quadratic import Quadratic
from nnnotes.render import INK

__all__ = [
    "escape_figure",
    "index_error_figure",
    "quadratic_trajectories_figure",
    "saddle_figure",
    "symmetric_start_figure",
    "threshold_figure",
]


def _thin(traj: np.ndarray, most: int = 300) -> np.ndarray:
    """Keep at most ``most`` points of a trajectory (always the first and the last)."""
    if len(traj) <= most:
        return traj
    idx = np.unique(np.linspace(0, len(traj) - 1, most).round().astype(int))
    return traj[idx]


def quadratic_trajectories_figure(kappas: tuple[float, ...] = (1.0, 10.0, 100.0), steps: int = 60) -> Figure:
    r"""Contours of $\tfrac12 x^\top \mathrm{diag}(1, 1/\kappa) x$ with gradient descent and Newton.

    Gradient descent runs ``steps`` steps at $\eta = 1$ and at the best fixed rate; Newton one step.
    The start is $(-2, 2\sqrt\kappa)$, so every panel shows the same level sets, stretched.
    """
    alt = (
        "Contour plots of quadratics with condition numbers "
        + ", ".join(f"{k:g}" for k in kappas)
        + f": Newton reaches the minimum in one step; gradient descent, {steps} steps shown, "
        "zigzags and crawls along the flat direction as the condition number grows"
    )
    fig, axes = new_figure(1, len(kappas), width=7.2, height=2.8, label=alt)
    axes = np.atleast_1d(axes)
    with themed():
        for ax, kappa in zip(axes, kappas, strict=True):
            q = Quadratic(np.diag([1.0, 1.0 / kappa]), [0.0, 0.0])
            x0 = np.array([-2.0, 2.0 * np.sqrt(kappa)])
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
                (gradient_descent(q.grad, x0, q.best_lr(), steps), COLORS[1], "GD best fixed"),
                (gradient_descent(q.grad, x0, 1.0, steps), COLORS[0], r"GD $\eta = 1$"),
                (newton(q.grad, q.hess, x0, 1), COLORS[2], "Newton"),
            ]
            for traj, color, label in runs:
                t = _thin(traj)
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
            ax.set_xlabel("$x_1$")
        axes[0].set_ylabel("$x_2$")
        axes[-1].legend(loc="lower right", fontsize=8)
    return fig


def threshold_figure(
    lam: float = 4.0, factors: tuple[float, ...] = (0.9, 0.99, 1.01, 1.1), steps: int = 200
) -> Figure:
    r"""$|x_k|$ for gradient descent on $\lambda x^2/2$ at rates just below and above $2/\lambda$."""
    fig, ax = new_figure(
        width=6.0,
        height=3.0,
        label=(
            "Distance to the minimum against the step, log scale: rates below 2 over lambda shrink it "
            "geometrically, rates above make it grow geometrically"
        ),
    )
    with themed():
        for fac, color in zip(factors, COLORS, strict=False):
            traj = gradient_descent(lambda x: lam * x, [1.0], fac * 2.0 / lam, steps)
            ax.semilogy(
                np.arange(steps + 1),
                np.abs(traj[:, 0]),
                color=color,
                label=rf"$\eta = {fac:g} \times 2/\lambda$",
            )
        ax.set_xlabel("step $k$")
        ax.set_ylabel("$|x_k - x^*|$")
        ax.legend(fontsize=8)
        ax.minorticks_off()
    return fig


def saddle_figure(runs: SaddleRuns | None = None) -> Figure:
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
        runs = saddle_runs() if runs is None else runs
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


def escape_figure(
    eps_values: tuple[float, ...] = (0.1, 0.01, 0.001),
    lr: float = 0.5,
    delta: float = 1e-3,
    rows: list[EscapeTime] | None = None,
) -> Figure:
    r"""Gradient descent leaving the saddle $\tfrac12(x^2 - \varepsilon y^2)$.

    Left: $|y_k|$ against $k$; right: escape time against $\varepsilon$ (`escape_times`).
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
    rows = escape_times(lr=lr, delta=delta) if rows is None else rows
    with themed():
        for eps, color in zip(eps_values, COLORS, strict=False):
            k = next((r.run for r in rows if r.eps == eps), 2000)
            traj = gradient_descent(lambda v, e=eps: v * np.array([1.0, -e]), [1.0, delta], lr, int(k))
            t = _thin(np.column_stack([np.arange(len(traj)), np.abs(traj[:, 1])]))
            left.semilogy(t[:, 0], t[:, 1], color=color, label=rf"$\varepsilon = {eps:g}$")
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


def index_error_figure(
    rows: list[AutoencoderCriticalPoint] | None = None, tanh_rows: list[TanhCriticalPoint] | None = None
) -> Figure:
    """Loss against index of critical points: the linear autoencoder (left), a tanh network (right)."""
    rows = linear_autoencoder_critical_points() if rows is None else rows
    tanh_rows = tanh_critical_points() if tanh_rows is None else tanh_rows
    fig, (ax, right) = new_figure(
        1,
        2,
        width=7.2,
        height=3.2,
        label=(
            "Two scatter plots of the loss of critical points against their index, the fraction of "
            "negative Hessian eigenvalues. Left, every critical point of a linear autoencoder; right, "
            "critical points of a small tanh network. In both the loss grows with the index and the "
            "lowest point has index zero"
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
        hidden = inspect.signature(tanh_critical_points).parameters["hidden"].default
        right.set_title(f"tanh network, {tanhnet.n_params(2, hidden)} parameters", fontsize=9)
        ae = inspect.signature(linear_autoencoder_critical_points).parameters
        ae_params = 2 * ae["hidden"].default * len(ae["variances"].default)
        ax.set_title(f"linear autoencoder, {ae_params} parameters", fontsize=9)
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
