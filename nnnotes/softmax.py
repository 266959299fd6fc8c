r"""Softmax, log-softmax and log-sum-exp along an axis, stable and accurate to a few ulp.

(For log-sum-exp, a few ulp of the larger of its two terms, see `logsumexp`: where they nearly
cancel, the error is small next to them, not next to the tiny result.)

For a vector $\mathbf{z} = (z_1, \dots, z_n)$,

$$
\operatorname{softmax}(\mathbf{z})_i = \frac{e^{z_i}}{\sum_{j=1}^n e^{z_j}}, \qquad
\operatorname{LSE}(\mathbf{z}) = \log \sum_{j=1}^n e^{z_j}, \qquad
\log\operatorname{softmax}(\mathbf{z})_i = z_i - \operatorname{LSE}(\mathbf{z}).
$$

The naive formulas overflow as soon as one $z_j > 709.78$ (``inf / inf = nan``) and, when
every $z_j < -745.13$, underflow to ``0 / 0``. All three functions here shift by
$m = \max_j z_j$ first (softmax does not change when the same constant is added to every
entry), which removes both failures: the largest shifted term is $e^0 = 1$, so the sum lies in
$[1, n]$. Shifting does *not* remove underflow of the small terms: a probability below
$2^{-1075}$ (half the smallest positive float64) rounds to 0, because no float64 can hold it; its
logarithm, from `log_softmax`, stays accurate to a few ulp.

Four further details give accuracy to a few ulp over the whole float64 range:

* the subtraction $z_i - m$ is rounded, and $e^{z_i - m}$ turns an absolute error
  $\delta$ of its argument into a relative error $\delta$: up to about 277 ulp at
  $z_i - m = -700$ and up to 512 ulp for $z_i - m$ in $[-709, -512]$ (measured in
  `nnnotes.experiments.softmax_stability`); the rounding error is recovered exactly (Knuth's
  TwoSum) and put back;
* $\log \sum_j e^{z_j - m} = \log(1 + S)$ with $S$ the sum of the other terms is computed
  with ``log1p``, so a tiny $S$ is not lost to $1 + S = 1$.
* the terms $e^{z_j - m} \in [0, 1]$ are split exactly into a high part, on a grid where they
  add without rounding, and a tiny low part (the extraction of Rump, Ogita and Oishi, *Accurate
  floating-point summation*, 2008): the sum is within about half an ulp however long the slice,
  where numpy's pairwise sum can be off by more than 2 ulp on a hundred terms;
* where the other terms add up to a small $S$ (a few times $n^2 2^{-53}$ at most), `log_softmax`
  and `logsumexp` need $S$ itself to a few ulp (the log-probability of the largest entry is about
  $-S$): it is recomputed relative to the second largest entry, scaled by $2^{64}$ so that terms
  below the normal range keep their digits, and rounded once.

Long slices are worked on in pieces that stay in the processor's cache, so the dozen passes of
the algorithm cost a small multiple of the naive formula's few, not a dozen times as much
(``make bench`` shows both, side by side).

Non-finite input: a NaN in a slice raises `ValueError` (it would spread to every entry of the
slice). ``-inf`` entries are fine (probability 0, log-probability ``-inf``). A slice holding
``+inf``, or only ``-inf``, has no softmax and raises `ValueError`; `logsumexp` returns ``+inf``
and ``-inf`` for those slices.

Examples
--------
>>> import numpy as np
>>> z = np.array([1000.0, 1.0])
>>> with np.errstate(all="ignore"):
...     print((np.exp(z) / np.exp(z).sum()).tolist())
[nan, 0.0]
>>> softmax(z).tolist() == [1.0, 0.0] and log_softmax(z).tolist() == [0.0, -999.0]
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array
from nnnotes.expsums import (
    blocks,
    exp_row_sums,
    refine_rest,
    row_max,
    small_rest,
    small_rest_below,
    small_shifted_exp,
)

__all__ = ["log_softmax", "logsumexp", "softmax"]

Array = NDArray[np.float64]


def _normalize_axis(axis: Any, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {ndim}")
    return int(axis) % ndim


def _as_rows(z: ArrayLike, axis: Any, name: str) -> tuple[Array, tuple[int, ...], int]:
    """Validate ``z`` and return it as a 2-D array of slices along ``axis`` (one per row)."""
    x = as_real_array(z, name)
    if x.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    axis = _normalize_axis(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError(f"{name} has no entries along axis {axis}")
    moved = np.moveaxis(x, axis, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape, axis


def softmax(z: ArrayLike, axis: int = -1) -> Array:
    r"""Return $e^{z_i} / \sum_j e^{z_j}$ along ``axis``.

    Parameters
    ----------
    z : array_like
        Real numbers with at least one dimension; the axis must not be empty.
    axis : int
        The axis along which the entries sum to 1 (default: the last).

    Returns
    -------
    ndarray of float64
        Same shape as ``z``; each slice along ``axis`` sums to 1 up to rounding.

    Raises
    ------
    ValueError
        If ``z`` holds NaN, or a slice holds ``+inf`` or only ``-inf``.

    Notes
    -----
    Computes $e^{z_i - m} / \sum_j e^{z_j - m}$ with $m = \max_j z_j$; see the module
    notes for the rounding error of $z_i - m$, which is put back.

    Examples
    --------
    Adding a constant to every entry changes nothing, which is what makes the shift legal:

    >>> print(softmax([1.0, 2.0, 3.0]), softmax([101.0, 102.0, 103.0]))
    [0.09003057 0.24472847 0.66524096] [0.09003057 0.24472847 0.66524096]

    A probability smaller than the smallest float64 still underflows; shifting cannot help it:

    >>> softmax([0.0, -800.0]).tolist() == [1.0, 0.0]
    True
    >>> softmax([[0.0, 0.0], [0.0, np.log(3.0)]], axis=1).round(12).tolist() == [[0.5, 0.5], [0.25, 0.75]]
    True
    """
    z = as_real_array(z, "z")
    small = small_shifted_exp(z, axis)
    if small is not None:
        e = small[2]
        e /= math.fsum(e.tolist())  # correctly rounded
        return e
    x, shape, axis = _as_rows(z, axis, "z")
    out = np.empty_like(x)
    for rows in blocks(*x.shape):
        xr, o = x[rows], out[rows]
        o /= exp_row_sums(xr, row_max(xr, "z", strict=True), o, keep="e")
    return np.moveaxis(out.reshape(shape), -1, axis)


def log_softmax(z: ArrayLike, axis: int = -1) -> Array:
    r"""Return $z_i - \log\sum_j e^{z_j}$ along ``axis``, the logarithm of `softmax`.

    Parameters
    ----------
    z : array_like
        Real numbers with at least one dimension.
    axis : int
        The axis of the distribution (default: the last).

    Raises
    ------
    ValueError
        As `softmax`.

    Notes
    -----
    $\log\operatorname{softmax}(\mathbf{z})_i = (z_i - m) - \log(1 + S)$ with
    $S = \sum_{j \ne k} e^{z_j - m}$, $k$ the index of the maximum. Both terms are
    $\le 0$ and $\ge 0$, so the difference never cancels. Unlike
    ``np.log(softmax(z))`` it does not underflow to ``-inf``.

    Examples
    --------
    >>> log_softmax([0.0, -800.0]).tolist() == [0.0, -800.0]
    True
    >>> float(log_softmax([0.0, -40.0])[0])  # log(1 + e^-40): lost to 1 + e^-40 == 1 without log1p
    -4.248354255291589e-18
    """
    z = as_real_array(z, "z")
    small = small_shifted_exp(z, axis)
    if small is not None:
        k, d, e = small
        e[k] = 0.0
        rest = math.fsum(e.tolist())
        if rest < small_rest_below(z.size) and z.size > 1:  # the same test as the blocks' (same bits)
            rest = float(small_rest(z[None, :], np.array([[z[k]]]))[0, 0])
        d -= math.log1p(rest)
        return d
    x, shape, axis = _as_rows(z, axis, "z")
    out = np.empty_like(x)
    for rows in blocks(*x.shape):
        # the rounding error r of d = z_i - m is below half an ulp of d, so of d - log(1 + S):
        # adding it back never changed a result (it was tried), so it is not added
        xr, o = x[rows], out[rows]
        rm = row_max(xr, "z", strict=True)
        o -= np.log1p(refine_rest(xr, rm, exp_row_sums(xr, rm, o, keep="d", less_one=True)))
    return np.moveaxis(out.reshape(shape), -1, axis)


def logsumexp(z: ArrayLike, axis: int = -1, keepdims: bool = False) -> Array:
    r"""Return $\log \sum_j e^{z_j}$ along ``axis``.

    Parameters
    ----------
    z : array_like
        Real numbers with at least one dimension; ``+inf`` and ``-inf`` are allowed.
    axis : int
        The axis summed over (default: the last).
    keepdims : bool
        Keep the summed axis with length 1.

    Returns
    -------
    ndarray of float64
        ``+inf`` for a slice holding ``+inf``, ``-inf`` for a slice of only ``-inf``.

    Raises
    ------
    ValueError
        If ``z`` holds NaN.

    Notes
    -----
    $\operatorname{LSE}(\mathbf{z}) = m + \log(1 + S)$, as in `log_softmax`. The result is
    within a few ulp of $\max(|m|, \log(1+S))$: where $m < 0$ nearly cancels
    $\log(1 + S) \le \log n$, the relative error of the (small) result grows as for any
    algorithm working in float64.

    Examples
    --------
    >>> print(logsumexp([1000.0, 1000.0]))  # 1000 + log 2; the naive formula gives inf
    1000.6931471805599
    >>> print(logsumexp([[-np.inf, -np.inf], [np.inf, 0.0]]))
    [-inf  inf]
    """
    if not isinstance(keepdims, bool):
        raise TypeError(f"keepdims must be a bool, got {type(keepdims).__name__}")
    x, shape, axis = _as_rows(z, axis, "z")
    out = np.empty((x.shape[0], 1))
    for rows in blocks(*x.shape):
        xr = x[rows]
        rm = row_max(xr, "z", strict=False)
        rest = refine_rest(xr, rm, exp_row_sums(xr, rm, less_one=True))
        if rm.fast:
            out[rows] = rm.m + np.log1p(rest)
        else:  # rows of +inf or only -inf: LSE is m; their sums are inf, NaN or -1
            with np.errstate(all="ignore"):
                out[rows] = np.where(rm.good, rm.m + np.log1p(rest), rm.m)
    out = out.reshape(shape[:-1])
    return np.expand_dims(out, axis) if keepdims else out
