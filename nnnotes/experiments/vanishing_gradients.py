r"""Vanishing gradients at initialisation, and where float64 derivatives become exactly zero.

Examples
--------
>>> naive_sig, ours_sig, naive_tanh, ours_tanh = zero_derivative_rows()
>>> [round(r.zero_from, 2) for r in (naive_sig, ours_sig, ours_tanh)]
[36.74, 745.13, 373.26]

Where $1 - \tanh^2(x)$ becomes 0 depends on the CPU: numpy's AVX2 and AVX-512 loops round
$\tanh(x)$ up to 1 from 18.99, before the exact value does; on a CPU without AVX2 numpy calls the
C library's ``tanh`` (glibc 2.36 rounds to 1 exactly where the exact value does). Never later:

>>> 18.9 < naive_tanh.zero_from <= tanh_rounds_to_one()
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import numpy as np
from numpy.typing import NDArray

from nnnotes import activations as act
from nnnotes.arrays import positive_int
from nnnotes.deepnets import SETUPS, gradient_norms

__all__ = [
    "DEPTH_SEEDS",
    "GradientRow",
    "ZeroDerivativeRow",
    "first_zero",
    "gradient_rows",
    "gradient_rows_by_seed",
    "sigmoid_rounds_to_one",
    "tanh_rounds_to_one",
    "zero_derivative_rows",
]


@dataclass(frozen=True)
class GradientRow:
    r"""The gradient's norm at every layer for one setup (`gradient_norms`).

    Attributes
    ----------
    activation, init : str
        The setup (activation with spaces, ``"glorot"`` or ``"he"``).
    norms : numpy.ndarray, shape (depth,)
        $\lVert\partial L/\partial a_l\rVert$ for $l = 1, \dots,$ depth.
    """

    activation: str
    init: str
    norms: NDArray[np.float64]

    @property
    def first(self) -> float:
        r"""$\lVert\partial L/\partial a_1\rVert$, next to the input."""
        return float(self.norms[0])

    @property
    def last(self) -> float:
        r"""$\lVert\partial L/\partial a_{depth}\rVert$, next to the read-out."""
        return float(self.norms[-1])

    def per_layer(self) -> NDArray[np.float64]:
        """Return the factor by which each layer divides the gradient on its way to the input."""
        return self.norms[1:] / self.norms[:-1]

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
    """Return the gradient's norm at every layer for each of `SETUPS` (`gradient_norms`)."""
    return tuple(
        GradientRow(a.replace("_", " "), init, gradient_norms(a, depth=depth, init=init, seed=seed))
        for a, init in SETUPS
    )


#: The seeds over which the depth experiment's claims are checked (the figure and table show seed 0).
DEPTH_SEEDS = tuple(range(8))


def gradient_rows_by_seed(
    depth: int = 30, seeds: tuple[int, ...] = DEPTH_SEEDS
) -> tuple[dict[tuple[str, str], GradientRow], ...]:
    """Return `gradient_rows` for each seed, keyed by (activation, init).

    Examples
    --------
    >>> runs = gradient_rows_by_seed(depth=5, seeds=(0, 1))
    >>> len(runs), sorted(runs[0])[:2]
    (2, [('leaky relu', 'glorot'), ('relu', 'glorot')])
    """
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    return tuple({(r.activation, r.init): r for r in gradient_rows(depth, seed)} for seed in seeds)


def first_zero(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Return the smallest float64 x in (lo, hi] with f(x) == 0, for f non-zero at lo, zero at hi, monotone.

    The bisection runs over the bit patterns of the positive float64 numbers, so the answer is
    exact: the float64 number just below it gives a non-zero value.

    Examples
    --------
    >>> first_zero(lambda x: 0.0 if x >= 2.0 else 1.0, 1.0, 3.0)
    2.0
    >>> first_zero(lambda x: 1.0, 1.0, 3.0)
    Traceback (most recent call last):
    ...
    ValueError: f must be 0 at hi = 3.0 and non-zero at lo = 1.0; got f(lo) = 1.0, f(hi) = 1.0
    """
    if not (0.0 < lo < hi < np.inf):
        raise ValueError(f"lo and hi must be finite with 0 < lo < hi; got lo = {lo!r}, hi = {hi!r}")
    if f(lo) == 0.0 or f(hi) != 0.0:
        raise ValueError(
            f"f must be 0 at hi = {hi!r} and non-zero at lo = {lo!r}; "
            f"got f(lo) = {f(lo)!r}, f(hi) = {f(hi)!r}"
        )
    a, b = int(np.float64(lo).view(np.int64)), int(np.float64(hi).view(np.int64))
    while b - a > 1:  # bisection on the bit patterns: exact, 64 steps at most
        mid = (a + b) // 2
        if f(float(np.int64(mid).view(np.float64))) == 0.0:
            b = mid
        else:
            a = mid
    return float(np.int64(b).view(np.float64))


def tanh_rounds_to_one(dps: int = 50) -> float:
    r"""Return the smallest float64 $x$ whose exact $\tanh(x)$ rounds to 1 in float64.

    The float64 number just below 1 is $1 - 2^{-53}$, so $\tanh(x)$ rounds to 1 when
    $1 - \tanh(x)$ is at most $2^{-54}$ (a tie goes to 1, the even one). $1 - \tanh(x) =
    2e^{-2x}/(1 + e^{-2x})$ equals $2^{-54}$ at $x^* = \tfrac12\ln(2^{55} - 1)$, a hair below
    $\tfrac{55}{2}\ln 2 \approx 19.0615$; the answer is the first float64 above $x^*$. Each
    comparison is made by mpmath at ``dps`` digits, the search is `first_zero`'s.

    Examples
    --------
    >>> tanh_rounds_to_one()
    19.061547465398498
    """

    def rounded_one(x: float) -> float:
        with mpmath.workdps(dps):
            return 0.0 if 1 - mpmath.tanh(mpmath.mpf(x)) <= mpmath.mpf(2) ** -54 else 1.0

    return first_zero(rounded_one, 1.0, 40.0)


def sigmoid_rounds_to_one(dps: int = 50) -> float:
    r"""Return the smallest float64 $z$ whose exact $\sigma(z)$ rounds to 1 in float64.

    As for `tanh_rounds_to_one`: $\sigma(z)$ rounds to 1 when $1 - \sigma(z) = 1/(1 + e^z)$ is at
    most $2^{-54}$, half the spacing below 1 (a tie goes to 1). That happens from
    $z^* = \ln(2^{54} - 1)$ on, a hair below $54 \ln 2 \approx 37.43$; the answer is the first float64
    at or above $z^*$. Each comparison is made by mpmath at ``dps`` digits (at least 30), the search is
    `first_zero`'s.

    Examples
    --------
    >>> sigmoid_rounds_to_one()
    37.42994775023705
    """
    positive_int(dps, "dps")
    if dps < 30:
        raise ValueError(
            f"dps must be at least 30 (to tell neighbouring float64 numbers near 37 apart), got {dps}"
        )

    def rounded_one(z: float) -> float:
        with mpmath.workdps(dps):
            return 0.0 if 1 / (1 + mpmath.exp(mpmath.mpf(z))) <= mpmath.mpf(2) ** -54 else 1.0

    return first_zero(rounded_one, 1.0, 60.0)


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
        ZeroDerivativeRow(r"$\sigma(x)(1 - \sigma(x))$, as written", first_zero(naive_sig, 1.0, 800.0)),
        ZeroDerivativeRow(
            r"$\sigma'(x)$ by `sigmoid_derivative`",
            first_zero(lambda x: float(act.sigmoid_derivative(x)), 1.0, 800.0),
        ),
        ZeroDerivativeRow(
            r"$1 - \tanh^2(x)$, as written", first_zero(lambda x: float(1.0 - np.tanh(x) ** 2), 1.0, 800.0)
        ),
        ZeroDerivativeRow(
            r"$\tanh'(x)$ by `tanh_derivative`",
            first_zero(lambda x: float(act.tanh_derivative(x)), 1.0, 800.0),
        ),
    )
