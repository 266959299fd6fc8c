"""Spearman's rank correlation: how two samples go together, whatever the scale of either.

Examples
--------
>>> print(f"{spearman([1, 2, 3, 4], [1, 4, 9, 16]):.12f}")
1.000000000000
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array

__all__ = ["ranks", "spearman"]


def ranks(x: ArrayLike) -> NDArray[np.float64]:
    """Return the 0-based ranks of a sample, ties getting their average rank.

    Examples
    --------
    >>> ranks([10.0, 30.0, 20.0, 20.0]).tolist() == [0.0, 3.0, 1.5, 1.5]
    True
    """
    x = as_real_array(x, "x", ndim=1, finite=True)
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x), dtype=float)
    for v in np.unique(x):  # average ranks over ties
        r[x == v] = r[x == v].mean()
    return r


def spearman(a: ArrayLike, b: ArrayLike) -> float:
    """Return Spearman's rank correlation of two samples: the correlation of their `ranks`.

    A constant sample has no ranking (its ranks have zero variance): that is a `ValueError`,
    not a NaN.

    Examples
    --------
    >>> print(f"{spearman([1, 2, 3, 4], [10, 20, 30, 25]):.12f} {spearman([1, 2, 3], [3, 2, 1]):.12f}")
    0.800000000000 -1.000000000000
    """
    a = as_real_array(a, "a", ndim=1, finite=True)
    b = as_real_array(b, "b", ndim=1, finite=True)
    if a.shape != b.shape or a.size < 2:
        raise ValueError(f"a and b must be 1-D of the same length >= 2, got {a.shape} and {b.shape}")
    for name, v in (("a", a), ("b", b)):
        if np.all(v == v[0]):
            raise ValueError(f"{name} is constant: its ranks are all equal, so no correlation is defined")
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])
