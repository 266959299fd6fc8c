"""The sigmoid-to-tanh map on random networks: the tanh image agrees, the source's map does not.

Examples
--------
>>> row = equivalence_rows(((2, 3, 1),), n=50)[0]
>>> (row.D, row.M, row.K), row.max_abs_difference < 1e-15, row.sheet_max_abs_difference > 0.1
((2, 3, 1), True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnnotes.reparam import random_network, sheet_map, sigmoid_to_tanh, tanh_to_sigmoid, two_layer_network

__all__ = ["Equivalence", "equivalence_rows"]


@dataclass(frozen=True)
class Equivalence:
    """The sigmoid network of one size against its tanh image and the source's map.

    Attributes
    ----------
    D, M, K : int
        Inputs, hidden units, outputs.
    max_abs_difference, max_rel_difference : float
        Largest absolute and relative difference between the sigmoid network and its tanh image.
    sheet_max_abs_difference : float
        Largest absolute difference when the source's map is used instead.
    round_trip_error : float
        Largest change of a parameter by ``tanh_to_sigmoid(sigmoid_to_tanh(p))``.
    """

    D: int
    M: int
    K: int
    max_abs_difference: float
    max_rel_difference: float
    sheet_max_abs_difference: float
    round_trip_error: float


def equivalence_rows(
    sizes: tuple[tuple[int, int, int], ...] = ((1, 1, 1), (2, 3, 1), (5, 10, 3), (20, 50, 10)),
    n: int = 200,
    seed: int = 0,
) -> tuple[Equivalence, ...]:
    """Compare the sigmoid network with its tanh image, and with the source's map, on random inputs.

    Returns
    -------
    tuple of Equivalence
        One per size, on ``n`` normal inputs (standard deviation 2).
    """
    rows = []
    for k, (D, M, K) in enumerate(sizes):
        p = random_network(D, M, K, seed=seed + k)
        x = np.random.default_rng(seed + 1000 + k).normal(scale=2.0, size=(n, D))
        y = two_layer_network(x, *p, hidden="sigmoid")
        y_t = two_layer_network(x, *sigmoid_to_tanh(*p), hidden="tanh")
        y_s = two_layer_network(x, *sheet_map(*p), hidden="tanh")
        back = tanh_to_sigmoid(*sigmoid_to_tanh(*p))
        trip = max(float(np.max(np.abs(a - b))) for a, b in zip(p, back, strict=True))
        rows.append(
            Equivalence(
                D=D,
                M=M,
                K=K,
                max_abs_difference=float(np.max(np.abs(y - y_t))),
                max_rel_difference=float(np.max(np.abs(y - y_t) / y)),
                sheet_max_abs_difference=float(np.max(np.abs(y - y_s))),
                round_trip_error=trip,
            )
        )
    return tuple(rows)
