r"""Vanishing gradients at initialisation, and where float64 derivatives become exactly zero.

Examples
--------
>>> [round(r.zero_from, 2) for r in zero_derivative_rows()]
[36.74, 745.13, 18.99, 373.26]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnnotes import activations as act
from nnnotes.deepnets import SETUPS, gradient_norms

__all__ = ["GradientRow", "ZeroDerivativeRow", "gradient_rows", "zero_derivative_rows"]


@dataclass(frozen=True)
class GradientRow:
    r"""The gradient's norm at the first and last layer for one setup.

    Attributes
    ----------
    activation, init : str
        The setup (activation with spaces, ``"glorot"`` or ``"he"``).
    first, last : float
        $\lVert\partial L/\partial a_1\rVert$ and $\lVert\partial L/\partial a_{depth}\rVert$.
    """

    activation: str
    init: str
    first: float
    last: float

    @property
    def ratio(self) -> float:
        """First over last: below 1 when the gradient shrinks towards the input."""
        return self.first / self.last


@dataclass(frozen=True)
class ZeroDerivativeRow:
    """Where a float64 formula of a derivative first gives exactly 0.

    Attributes
    ----------
    formula : str
        The formula (Markdown).
    zero_from : float
        The smallest float64 $x > 0$ where it evaluates to 0.
    """

    formula: str
    zero_from: float


def gradient_rows(depth: int = 30, seed: int = 0) -> tuple[GradientRow, ...]:
    """Return the norms at the first and last layer for each of `SETUPS` (`gradient_norms`)."""
    rows = []
    for a, init in SETUPS:
        g = gradient_norms(a, depth=depth, init=init, seed=seed)
        rows.append(GradientRow(a.replace("_", " "), init, float(g[0]), float(g[-1])))
    return tuple(rows)


def _first_zero(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Smallest float64 x in (lo, hi] with f(x) == 0, for f non-zero at lo, zero at hi, monotone."""
    a, b = int(np.float64(lo).view(np.int64)), int(np.float64(hi).view(np.int64))
    while b - a > 1:  # bisection on the bit patterns: exact, 64 steps at most
        mid = (a + b) // 2
        if f(float(np.int64(mid).view(np.float64))) == 0.0:
            b = mid
        else:
            a = mid
    return float(np.int64(b).view(np.float64))


def zero_derivative_rows() -> tuple[ZeroDerivativeRow, ...]:
    r"""Return where float64 derivatives become exactly 0, for the textbook and the package's formulas.

    For the accurate formulas this is where the exact value drops below half the smallest float64
    ($2^{-1075}$); for the textbook formulas it is where $\sigma(x)$ or
    $\tanh(x)$ rounds to 1 and the subtraction cancels everything.

    """

    def naive_sig(x: float) -> float:
        s = 1.0 / (1.0 + np.exp(-x))
        return float(s * (1.0 - s))

    return (
        ZeroDerivativeRow(r"$\sigma(x)(1 - \sigma(x))$, as written", _first_zero(naive_sig, 1.0, 800.0)),
        ZeroDerivativeRow(
            r"$\sigma'(x)$ by `sigmoid_derivative`",
            _first_zero(lambda x: float(act.sigmoid_derivative(x)), 1.0, 800.0),
        ),
        ZeroDerivativeRow(
            r"$1 - \tanh^2(x)$, as written", _first_zero(lambda x: float(1.0 - np.tanh(x) ** 2), 1.0, 800.0)
        ),
        ZeroDerivativeRow(
            r"$\tanh'(x)$ by `tanh_derivative`",
            _first_zero(lambda x: float(act.tanh_derivative(x)), 1.0, 800.0),
        ),
    )
