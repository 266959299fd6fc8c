"""A diagram of a small network's forward pass: weights on the edges, values in the nodes."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy
from matplotlib.figure import Figure

from nnnotes.figures._theme import COLORS, new_figure, themed
from nnnotes.mlp import ForwardPass
from nnnotes.render import INK, format_number

__all__ = ["network_diagram", "short_value"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: Colours of positive and negative weights (blue, vermillion).
POSITIVE, NEGATIVE = COLORS[1], COLORS[3]


def short_value(v: Any) -> str:
    """Return a short text for a node: integers as they are, others to 3 significant digits.

    A value within 0.001 below 1 is written ``1 − d``, with the gap ``d`` computed exactly when the
    value is exact, so that a probability like $1/(1 + e^{-36})$ does not read as 1.

    Examples
    --------
    >>> short_value(sympy.Integer(54)), short_value(sympy.Rational(1, 3)), short_value(0.25)
    ('54', '0.333', '0.25')
    >>> short_value(1 / (1 + sympy.exp(-36)))
    '1 − 2.32e-16'
    """
    if isinstance(v, sympy.Basic):
        if v.is_Integer:
            return str(int(v))
        gap = float(sympy.N(1 - v, 30))
        value = float(sympy.N(v, 30))
    else:
        value = float(v)
        gap = 1.0 - value
    if 0 < gap < 1e-3:
        return f"1 − {format_number(gap, 3)}"
    return format_number(value, 3)


def _node(ax: Any, x: float, y: float, text: str) -> None:
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=10,
        color=INK,
        zorder=3,
        bbox={"boxstyle": "round,pad=0.45", "facecolor": "none", "edgecolor": INK, "linewidth": 1.2},
    )


def _edge(
    ax: Any, src: tuple[float, float], dst: tuple[float, float], w: Any, carries: bool, at: float, lw: float
) -> None:
    """Draw an edge with a gap at fraction ``at`` where its weight is written."""
    (x0, y0), (x1, y1) = src, dst
    colour = POSITIVE if float(w) > 0 else NEGATIVE if float(w) < 0 else COLORS[6]
    style = "-" if carries else (0, (3, 2))
    length = np.hypot(x1 - x0, y1 - y0)
    gap = 0.07 / length
    pad0, pad1 = 0.2 / length, 0.3 / length  # keep clear of the node boxes
    for a, b, arrow in ((pad0, at - gap, False), (at + gap, 1 - pad1, True)):
        p, q = (x0 + a * (x1 - x0), y0 + a * (y1 - y0)), (x0 + b * (x1 - x0), y0 + b * (y1 - y0))
        ax.annotate(
            "",
            xy=q,
            xytext=p,
            zorder=1,
            arrowprops={
                "arrowstyle": "-|>" if arrow else "-",
                "color": colour,
                "lw": lw,
                "linestyle": style,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 9,
            },
        )
    ax.text(
        x0 + at * (x1 - x0),
        y0 + at * (y1 - y0),
        short_value(w),
        ha="center",
        va="center",
        fontsize=9,
        color=INK,
        zorder=2,
        gid="weight",
    )


@themed()
def network_diagram(result: ForwardPass, *, label: str | None = None) -> Figure:
    """Draw the network of ``result`` with its weights on the edges and its values in the nodes.

    Columns: the inputs, each hidden layer (pre-activation ``a`` and activation ``h`` in each
    node), the logits, and the outputs. Edges are blue for positive and vermillion for negative
    weights, thicker for larger ones, and dashed where the unit they leave outputs 0 (they carry
    nothing). Each weight is written in a gap of its edge, near the edge's start.

    Parameters
    ----------
    result : ForwardPass
        A pass on one input (1-D ``x``); an exact pass (`nnnotes.proofs.exact_forward`) shows
        exact values.
    label : str, optional
        Text alternative; by default it lists the layer sizes and the values.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from nnnotes.proofs.exact_forward import exact_forward
    >>> r = exact_forward([3, 1, -1], [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]])
    >>> fig = network_diagram(r)
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "weight")[:4]
    ['-1', '-1', '-2', '-3']
    """
    if result.x.ndim != 1:
        raise ValueError("network_diagram draws one input: result.x must be 1-D")
    mats = [w if result.layout == "x @ W" else w.T for w in result.weights]  # (n_in, n_out)
    columns = [list(result.x)]
    columns += [list(h) for h in result.activations]
    columns += [list(result.logits), list(result.outputs)]
    tall = max(len(c) for c in columns)
    fig, ax = new_figure(width=1.9 * len(columns) + 0.6, height=0.95 * tall + 0.9, label="")

    def ys(n: int) -> list[float]:
        return [(n - 1) / 2 - k for k in range(n)]

    pos = [[(float(c), y) for y in ys(len(col))] for c, col in enumerate(columns)]
    top = max(w for m in mats for w in np.abs(np.asarray(m, dtype=float)).ravel()) or 1.0
    for k, W in enumerate(mats):
        for i in range(W.shape[0]):
            carries = float(columns[k][i]) != 0.0
            for j in range(W.shape[1]):
                lw = 0.8 + 2.4 * abs(float(W[i, j])) / top
                _edge(ax, pos[k][i], pos[k + 1][j], W[i, j], carries, 0.3, lw)
    for i, v in enumerate(result.x):
        _node(ax, *pos[0][i], f"x{str(i + 1).translate(_SUB)} = {short_value(v)}")
    for c, (a, h) in enumerate(zip(result.pre_activations, result.activations, strict=True), 1):
        for j in range(len(h)):
            sub = str(j + 1).translate(_SUB)
            _node(ax, *pos[c][j], f"a{sub} = {short_value(a[j])}\nh{sub} = {short_value(h[j])}")
    L = len(columns) - 2
    out = "p" if result.output != "identity" else "ŷ"
    for k in range(len(result.logits)):
        sub = str(k + 1).translate(_SUB)
        _node(ax, *pos[L][k], f"o{sub} = {short_value(result.logits[k])}")
        ax.annotate(
            "",
            xy=(pos[L + 1][k][0] - 0.42, pos[L + 1][k][1]),
            xytext=(pos[L][k][0] + 0.32, pos[L][k][1]),
            zorder=1,
            arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.0, "mutation_scale": 9},
        )
        ax.text(
            pos[L + 1][k][0],
            pos[L + 1][k][1],
            f"{out}{sub} = {short_value(result.outputs[k])}",
            ha="center",
            va="center",
            fontsize=10,
            color=INK,
            zorder=3,
        )
    heads = ["input x"] + [f"hidden {c} ({result.hidden})" for c in range(1, L)]
    heads += ["logits o", f"{result.output}"]
    for c, head in enumerate(heads):
        ax.text(
            c,
            (tall - 1) / 2 + 0.75,
            head,
            ha="center",
            va="center",
            fontsize=10,
            color=INK,
            fontweight="bold",
        )
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.set_ylim(-(tall - 1) / 2 - 0.55, (tall - 1) / 2 + 1.0)
    ax.set_axis_off()
    if label is None:
        sizes = " → ".join(str(len(c)) for c in columns[:-1])
        label = (
            f"Diagram of a {sizes} network with {result.hidden} hidden units and a {result.output}"
            " output; the weights are written on the edges (blue positive, vermillion negative,"
            " dashed where the unit sends 0) and each node shows its value: inputs "
            + ", ".join(short_value(v) for v in result.x)
            + "; logits "
            + ", ".join(short_value(v) for v in result.logits)
            + "; outputs "
            + ", ".join(short_value(v) for v in result.outputs)
            + "."
        )
    fig.set_label(label)
    return fig
