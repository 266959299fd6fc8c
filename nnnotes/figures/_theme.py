"""The site's matplotlib theme and the one way figures are created."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from nnnotes.render import INK

__all__ = ["COLORS", "THEME", "new_figure", "themed", "thin_trajectory"]

#: Six of the eight Okabe-Ito colours (colour-blind safe), which read on light and dark backgrounds alike
#: (not its black, nor its dark blue ``#0072B2``), then a mid grey.
COLORS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#F0E442", "#7F7F7F")

THEME: dict[str, Any] = {
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "axes.titlecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "grid.color": INK,
    "grid.alpha": 0.18,
    "axes.grid": True,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "legend.frameon": False,
    "legend.labelcolor": INK,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "font.size": 10.0,
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
    "figure.dpi": 100,
}


@contextmanager
def themed() -> Iterator[None]:
    """Apply the site's theme inside the ``with`` block (rcParams are restored afterwards)."""
    with matplotlib.rc_context(THEME):
        yield


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = 7.0,
    height: float = 3.6,
    label: str = "",
    **subplot_kw: Any,
) -> tuple[Figure, Any]:
    """Return ``(fig, axes)`` made with the site's theme, without pyplot.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes; ``axes`` is a single Axes for 1 x 1, else an array as from ``subplots``.
    width, height : float
        Size in inches.
    label : str
        The figure's text alternative (used by `nnnotes.render.figure_to_svg` when it is given
        none).

    Examples
    --------
    >>> fig, ax = new_figure(label="an empty plot")
    >>> fig.get_label(), ax.xaxis.label.get_color() == INK
    ('an empty plot', True)
    """
    with themed():
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    fig.set_label(label)
    return fig, axes


def thin_trajectory(traj: np.ndarray, most: int = 300) -> np.ndarray:
    """Keep at most ``most`` points of a trajectory (the first and, for ``most`` from 2, the last)."""
    if len(traj) <= most:
        return traj
    idx = np.unique(np.linspace(0, len(traj) - 1, most).round().astype(int))
    return traj[idx]
