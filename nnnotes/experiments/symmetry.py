r"""The weight-space symmetries of a tanh hidden layer, counted and checked on random networks.

Examples
--------
>>> [c.total for c in symmetry_counts(4)]
[2, 8, 48, 384]
>>> check = check_symmetries(2)
>>> check.enumerated, check.distinct, check.max_output_change < 1e-14
(8, 8, True)
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes import tanhnet
from nnnotes.arrays import positive_int
from nnnotes.symmetry import apply_symmetry, hidden_symmetries, symmetry_count

__all__ = [
    "FlipMidpoint",
    "SymmetryCheck",
    "SymmetryCount",
    "check_symmetries",
    "flip_midpoint",
    "symmetry_checks",
    "symmetry_counts",
]


@dataclass(frozen=True)
class SymmetryCount:
    """The size of the symmetry group of M tanh units: $2^M$ sign flips times $M!$ permutations.

    Attributes
    ----------
    M, sign_flips, permutations, total : int
        $M$, $2^M$, $M!$ and $2^M M!$.
    """

    M: int
    sign_flips: int
    permutations: int
    total: int

    def cells(self) -> tuple[int, int, int, int]:
        """Return the table row: the fields in order."""
        return astuple(self)


def symmetry_counts(max_m: int = 10) -> list[SymmetryCount]:
    """Return the group sizes for M = 1 .. ``max_m``.

    Examples
    --------
    >>> [c.cells() for c in symmetry_counts(2)]
    [(1, 2, 1, 2), (2, 4, 2, 8)]
    """
    return [
        SymmetryCount(m, 2**m, math.factorial(m), symmetry_count(m))
        for m in range(1, positive_int(max_m, "max_m") + 1)
    ]


@dataclass(frozen=True)
class SymmetryCheck:
    """Every symmetry of M units applied to one random network, and the outputs compared.

    Attributes
    ----------
    M : int
        Hidden units.
    enumerated : int
        Transformations enumerated.
    distinct : int
        Distinct transformed parameter vectors.
    max_output_change : float
        Largest output difference over all of them, on random inputs.
    """

    M: int
    enumerated: int
    distinct: int
    max_output_change: float

    def cells(self) -> tuple[int, int, int, float]:
        """Return the table row: the fields in order."""
        return astuple(self)


def check_symmetries(M: int, D: int = 3, n_inputs: int = 50, seed: int = 0) -> SymmetryCheck:
    """Apply every symmetry to a random network and compare outputs on random inputs.

    Examples
    --------
    >>> check_symmetries(1).distinct
    2
    """
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=tanhnet.n_params(D, M))
    X = rng.normal(size=(n_inputs, D))
    y0 = tanhnet.forward(theta, X, M)
    images = [apply_symmetry(theta, D, M, s) for s in hidden_symmetries(M)]
    change = max(float(np.max(np.abs(tanhnet.forward(t, X, M) - y0))) for t in images)
    distinct = len({t.tobytes() for t in images})
    return SymmetryCheck(M, len(images), distinct, change)


def symmetry_checks(ms: tuple[int, ...] = (1, 2, 3, 4)) -> list[SymmetryCheck]:
    """Return `check_symmetries` for each M of ``ms``.

    Examples
    --------
    >>> [(c.M, c.enumerated, c.distinct) for c in symmetry_checks((1, 2))]
    [(1, 2, 2), (2, 8, 8)]
    """
    return [check_symmetries(M) for M in ms]


@dataclass(frozen=True)
class FlipMidpoint:
    r"""The point halfway between a random network and its copy with one unit's signs flipped.

    Attributes
    ----------
    M, D, unit : int
        Hidden units, inputs, and the unit whose signs are flipped (counted from 0).
    unit_params : ndarray
        That unit's incoming weights, bias and outgoing weight at the midpoint.
    midpoint_outputs, without_unit_outputs : ndarray
        Outputs on random inputs of the midpoint network and of the original network with that
        unit removed (``M - 1`` units): equal up to rounding (the sums pair their terms differently).
    """

    M: int
    D: int
    unit: int
    unit_params: NDArray[np.float64]
    midpoint_outputs: NDArray[np.float64]
    without_unit_outputs: NDArray[np.float64]


def flip_midpoint(M: int = 3, D: int = 2, unit: int = 0, n_inputs: int = 50, seed: int = 0) -> FlipMidpoint:
    r"""Halfway between $\theta$ and its copy with unit ``unit`` sign-flipped: that unit is switched off.

    A convex function's minimisers form a convex set, so if the loss were convex and $\theta$ a
    minimum, this midpoint of two equally good networks would be a minimum too; it is the
    network without that unit.

    Examples
    --------
    >>> mid = flip_midpoint()
    >>> mid.unit_params.tolist()
    [0.0, 0.0, 0.0, 0.0]
    >>> float(np.max(np.abs(mid.midpoint_outputs - mid.without_unit_outputs))) < 1e-15  # rounding only
    True
    """
    M, D = positive_int(M, "M"), positive_int(D, "D")
    if M < 2 or not 0 <= unit < M:
        raise ValueError(f"unit must index one of M >= 2 hidden units (0 to {M - 1}), got M={M}, unit={unit}")
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=tanhnet.n_params(D, M))
    X = rng.normal(size=(n_inputs, D))
    signs = tuple(-1 if j == unit else 1 for j in range(M))
    mid = (theta + apply_symmetry(theta, D, M, (tuple(range(M)), signs))) / 2
    W, b, v, c = tanhnet.unpack(mid, D, M)
    W0, b0, v0, c0 = tanhnet.unpack(theta, D, M)
    keep = [j for j in range(M) if j != unit]
    without = tanhnet.pack(W0[keep], b0[keep], v0[keep], float(c0))
    return FlipMidpoint(
        M,
        D,
        unit,
        np.concatenate([W[unit], [b[unit], v[unit]]]),
        tanhnet.forward(mid, X, M),
        tanhnet.forward(without, X, M - 1),
    )
