r"""The forward pass of chapter 6.3 in three arithmetics: the layer table and what rounding does.

`QUESTION_NETWORK` is the homework's network; `layer_rows` lays the passes side by side and
`rounding_rows` measures the floating-point outputs against the exact pass (mpmath).

Examples
--------
>>> from nnnotes.mlp import forward
>>> from nnnotes.proofs.exact_forward import exact_forward
>>> x, W = QUESTION_NETWORK
>>> rows = layer_rows({"exact": exact_forward(x, W), "float32": forward(x, W, arithmetic="float32")})
>>> rows[-1].quantity, rows[-1].values
('$p_{2}$', ('$\\frac{e^{-36}}{e^{-36} + 1}$', '`2.3195227e-16`'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy
from numpy.typing import NDArray

from nnnotes.mlp import ForwardPass
from nnnotes.proofs.exact_forward import latex_value

__all__ = ["EXACT_DIGITS_SHOWN", "QUESTION_NETWORK", "LayerRow", "RoundingRow", "layer_rows", "rounding_rows"]

#: Significant digits `rounding_rows` prints of each exact value.
EXACT_DIGITS_SHOWN = 20

#: The input and weights that the homework's forward-pass question sets (layout ``x @ W``, ReLU
#: hidden units, softmax outputs): ``(x, [W1, W2])``.
QUESTION_NETWORK: tuple[list[int], list[list[list[int]]]] = (
    [3, 1, -1],
    [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]],
)


@dataclass(frozen=True)
class LayerRow:
    """One quantity of the network in each pass, as the page prints it.

    Attributes
    ----------
    quantity : str
        Its LaTeX name, such as ``$a^{(1)}_{2}$``.
    values : tuple of str
        Its value in each pass, in the order of the passes given.
    """

    quantity: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class RoundingRow:
    """How each floating-point format stores one output.

    Attributes
    ----------
    quantity : str
        ``$p_{k}$``, or ``$1 - p_{k}$`` for the complement of the largest output.
    exact : str
        The exact value, 20 digits by mpmath.
    values, errors : tuple of str
        Per format: the stored value and its relative error (2 digits).
    """

    quantity: str
    exact: str
    values: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def cells(self) -> list[str]:
        """The row of the page's table: quantity, exact, then value and error per format."""
        return [
            self.quantity,
            self.exact,
            *(c for pair in zip(self.values, self.errors, strict=True) for c in pair),
        ]


def _cell(v: Any, arithmetic: str) -> str:
    if arithmetic == "exact":
        return f"${latex_value(v)}$"
    if arithmetic == "float32":
        return f"`{np.float32(v)!r}`".replace("np.float32(", "").replace(")", "")
    return f"`{float(v)!r}`"


def _quantities(p: ForwardPass) -> list[tuple[str, NDArray[Any]]]:
    if p.x.ndim != 1:
        raise ValueError("tables show one input: x must be 1-D")
    named = [("x", p.x)]
    for k, (a, h) in enumerate(zip(p.pre_activations, p.activations, strict=True), start=1):
        named += [(f"a^{{({k})}}", a), (f"h^{{({k})}}", h)]
    named += [("o", p.logits), ("p" if p.output != "identity" else r"\hat y", p.outputs)]
    return named


def layer_rows(passes: Mapping[str, ForwardPass]) -> tuple[LayerRow, ...]:
    r"""Return one row per quantity: its LaTeX name and its value in each pass.

    Parameters
    ----------
    passes : mapping of str to ForwardPass
        Column title to a pass of the same network on one input (1-D ``x``). Exact values are
        printed as LaTeX, float64 and float32 values as the shortest decimal that reads back as
        the same float of that format.

    """
    columns = [_quantities(p) for p in passes.values()]
    rows = []
    for q, (name, _) in enumerate(columns[0]):
        size = columns[0][q][1].shape[0]
        for i in range(size):
            values = tuple(
                _cell(col[q][1][i], p.arithmetic) for p, col in zip(passes.values(), columns, strict=True)
            )
            rows.append(LayerRow(f"${name}_{{{i + 1}}}$", values))
    return tuple(rows)


def rounding_rows(
    exact: ForwardPass, passes: Mapping[str, ForwardPass], dps: int = 40
) -> tuple[RoundingRow, ...]:
    """Return how each format stores the outputs: value and relative error against the exact pass.

    One row per output $p_k$, then a row for $1 - p_{k^*}$ (the complement of the
    largest output, computed in each format), which equals the sum of the others exactly.

    Parameters
    ----------
    exact : ForwardPass
        The pass in exact arithmetic (1-D input).
    passes : mapping of str to ForwardPass
        Column title to a floating-point pass of the same network.
    dps : int
        Digits of the mpmath evaluation of the exact values (`EXACT_DIGITS_SHOWN` are printed).

    Examples
    --------
    >>> from nnnotes.mlp import forward
    >>> from nnnotes.proofs.exact_forward import exact_forward
    >>> x, W = QUESTION_NETWORK
    >>> rows = rounding_rows(exact_forward(x, W), {"float32": forward(x, W, arithmetic="float32")})
    >>> rows[-1].quantity, rows[-1].values, rows[-1].errors
    ('$1 - p_{1}$', ('`0.0`',), ('1.0',))
    """
    if exact.arithmetic != "exact" or exact.x.ndim != 1:
        raise ValueError("exact must be a pass in exact arithmetic on one input")
    with mpmath.workdps(dps):
        ref = [mpmath.mpf(sympy.N(v, dps + 5)) for v in exact.outputs]
        top = int(exact.prediction)
        ref_c = mpmath.fsum(ref[:top] + ref[top + 1 :])
        rows = []
        for k, r in enumerate([*ref, ref_c]):
            name = f"$p_{{{k + 1}}}$" if k < len(ref) else f"$1 - p_{{{top + 1}}}$"
            values, errors = [], []
            for p in passes.values():
                dt = p.outputs.dtype.type
                v = p.outputs[k] if k < len(ref) else dt(1) - p.outputs[top]
                err = abs(mpmath.mpf(float(v)) - r) / r
                values.append(_cell(v, p.arithmetic))
                errors.append(mpmath.nstr(err, 2))
            rows.append(RoundingRow(name, mpmath.nstr(r, EXACT_DIGITS_SHOWN), tuple(values), tuple(errors)))
    return tuple(rows)
