r"""Softmax, log-softmax and log-sum-exp along an axis, stable and accurate to a few ulp.

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
  where numpy's pairwise sum can be off by several ulp on a hundred terms;
* where the other terms add up to a small $S$ (a few times $n^2 2^{-53}$ at most), `log_softmax`
  and `logsumexp` need $S$ itself to a few ulp (the log-probability of the largest entry is about
  $-S$): it is recomputed relative to the second largest entry, scaled by $2^{64}$ so that terms
  below the normal range keep their digits, and rounded once.

Long slices are worked on in pieces that stay in the processor's cache, so the dozen passes of
the algorithm cost about as much as the naive formula's few (``make bench`` shows both).

Non-finite input: a NaN in a slice raises `ValueError` (it would spread to every entry of the
slice). ``-inf`` entries are fine (probability 0, log-probability ``-inf``). A slice holding
``+inf``, or only ``-inf``, has no softmax and raises `ValueError`; `logsumexp` returns ``+inf``
and ``-inf`` for those slices.

Examples
--------
>>> import numpy as np
>>> z = np.array([1000.0, 1.0])
>>> with np.errstate(all="ignore"):
...     print(np.exp(z) / np.exp(z).sum())
[nan  0.]
>>> print(softmax(z), log_softmax(z))
[1. 0.] [   0. -999.]
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array

__all__ = ["log_softmax", "logsumexp", "softmax"]

Array = NDArray[np.float64]


def _normalize_axis(axis: Any, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {ndim}")
    return int(axis) % ndim


#: Work is done in tiles of about this many entries (a block of rows, or a piece of one long row),
#: so that the dozen passes of the accurate algorithm run in the processor's cache instead of
#: streaming from memory each time.
_BLOCK = 1 << 15


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


def _blocks(rows: int, n: int) -> list[slice]:
    """Blocks of whole rows of about `_BLOCK` entries (one row each when rows are longer)."""
    step = max(1, _BLOCK // n)
    return [slice(i, min(i + step, rows)) for i in range(0, rows, step)]


@dataclass(frozen=True)
class _RowMax:
    """The maximum ``m`` of each row of a block, and how to shift by it."""

    m: Array
    good: Array  # rows whose maximum is finite
    shift: Array  # m where good, else 0
    fast: bool  # no infinity anywhere, and x - m cannot overflow


def _row_max(x: Array, name: str, *, strict: bool) -> _RowMax:
    """Return the maximum of each row of ``x``; raise on NaN, and on a row with no finite one if strict."""
    m = np.max(x, axis=-1, keepdims=True)  # NaN if the row holds one
    if np.isnan(m).any():
        raise ValueError(f"{name} contains NaN; its softmax and log-sum-exp are undefined")
    good = np.isfinite(m)
    all_good = bool(good.all())
    if strict and not all_good:
        kind = "+inf" if (m == np.inf).any() else "only -inf along the axis"
        raise ValueError(
            f"{name} has a slice with {kind}; softmax is undefined there (use logsumexp, which "
            "returns +inf or -inf for such slices)"
        )
    lo = float(x.min())
    # x - m overflows only for a spread beyond the largest float64; -inf entries make TwoSum NaN
    fast = all_good and lo > -np.inf and float(m.max()) - lo < 1.7e308
    return _RowMax(m, good, m if all_good else np.where(good, m, 0.0), fast)


def _shifted_exp(x: Array, rm: _RowMax) -> tuple[Array, Array]:
    """Return ``(d, e)`` for rows ``x``: ``d = x - m`` rounded, ``e = exp(x - m)`` with d's error put back."""
    with nullcontext() if rm.fast else np.errstate(all="ignore"):
        d = np.subtract(x, rm.shift)
        # Knuth's TwoSum of x and -m, in two buffers: d + r == x - m exactly
        b = np.subtract(d, x)
        r = np.subtract(d, b)
        np.subtract(x, r, out=r)
        np.subtract(np.negative(rm.shift), b, out=b)
        r += b
        if not rm.fast:
            r[~np.isfinite(r)] = 0.0
        # e^(d + r) = e^d (1 + r) to within r^2 / 2 < 2^-89 relative (|r| <= 2^-44)
        e = np.exp(d, out=b)
        r *= e
        e += r
    return d, e


class _RowSums:
    r"""Sums of the rows of $e \in [0, 1]$, added piece by piece, with one rounding at the end.

    Each entry splits exactly into a high part, a multiple of $2^{k-52}$ ($2^k \ge n + 2$), and a
    low part below $2^{k-53}$: partial sums of high parts are multiples of $2^{k-52}$ below $2^k$,
    hence exact, and the low parts add up to at most $n 2^{k-53}$ (negligible against a sum >= 1).
    """

    def __init__(self, rows: int, n: int) -> None:
        self.sigma = 2.0 ** math.ceil(math.log2(n + 2))
        self.high = np.zeros((rows, 1))
        self.low = np.zeros((rows, 1))

    def add(self, e: Array) -> None:
        """Add the rows of ``e`` (entries in $[0, 1]$) to the sums."""
        q = np.add(e, self.sigma)
        q -= self.sigma  # exact: the high part
        self.high += q.sum(axis=-1, keepdims=True)
        np.subtract(e, q, out=q)  # exact: the low part
        self.low += q.sum(axis=-1, keepdims=True)

    def total(self, less_one: bool) -> Array:
        """Return the sums, each rounded once; less 1 (subtracted exactly) with ``less_one``."""
        return (self.high - 1.0 if less_one else self.high) + self.low


def _exp_pass(
    x: Array, rm: _RowMax, out: Array | None = None, *, keep: str = "e", less_one: bool = False
) -> Array:
    r"""Return the row sums of $e = e^{x - m}$ (less the maximum's 1 with ``less_one``), in pieces.

    Each piece's ``e`` (``keep="e"``) or ``d = x - m`` (``keep="d"``) is written into ``out``.
    """
    sums = _RowSums(*x.shape)
    with nullcontext() if rm.fast else np.errstate(all="ignore"):
        for j in range(0, x.shape[1], _BLOCK):
            cols = slice(j, j + _BLOCK)
            d, e = _shifted_exp(x[:, cols], rm)
            sums.add(e)
            if out is not None:
                out[:, cols] = e if keep == "e" else d
        return sums.total(less_one)


def _small_rest_below(n: int) -> float:
    """Below this, S (a row of ``n``) is mostly low parts, added with roundings: `_small_rest` redoes it."""
    return 4 * n * 2.0 ** (math.ceil(math.log2(n + 2)) - 53)


#: 64 ln 2 = _C_HI + _C_LO: _C_HI is 64 times the float64 nearest ln 2, _C_LO the rest.
_C_HI, _C_LO = 64 * math.log(2.0), 64 * 2.3190468138462996e-17


def _small_rest(x: Array, m: Array) -> Array:
    r"""Return $S = \sum_{j \ne k} e^{x_j - m}$ per row ($k$ the first maximum) to a few ulp, for small S.

    Terms relative to the second largest entry $m_2$ lie in $(0, 1]$ and sum exactly to $T \ge 1$;
    then $S = 2^{-64} e^{m_2 - m + 64 \ln 2}\, T$ (TwoSum keeps the exponent's roundings) is normal
    until the final scaling, even where S is subnormal. Rows with one finite entry give 0.
    """
    idx = np.argmax(x, axis=-1, keepdims=True)
    others = x.copy()
    np.put_along_axis(others, idx, -np.inf, axis=-1)
    m2 = others.max(axis=-1, keepdims=True)
    alive = np.isfinite(m2)  # a second finite entry exists
    shift = np.where(alive, m2, 0.0)
    _, e = _shifted_exp(others, _RowMax(shift, alive, shift, False))
    sums = _RowSums(*x.shape)
    sums.add(e)
    t = sums.total(False)
    with np.errstate(all="ignore"):
        d = shift - m  # TwoSum of m2 and -m: d + r == m2 - m exactly
        b = d - shift
        r = (shift - (d - b)) + (-m - b)
        hi = d + _C_HI  # TwoSum of d and 64 ln 2's high part
        b = hi - d
        lo = (d - (hi - b)) + (_C_HI - b)
        corr = lo + r + _C_LO
        corr[~np.isfinite(corr)] = 0.0  # m2 - m overflowed to -inf: e^(m2 - m) is 0, so is S
        p = np.exp(hi) * t
        p += p * corr
        out = np.ldexp(p, -64)
    return np.where(alive, out, 0.0)


def _refine_rest(x: Array, rm: _RowMax, rest: Array) -> Array:
    """Return ``rest`` with its small sums (rows with a finite maximum) redone by `_small_rest`."""
    small = ((rest < _small_rest_below(x.shape[1])) & rm.good).ravel()
    if x.shape[1] < 2 or not small.any():
        return rest
    rest[small] = _small_rest(x[small], rm.m[small])  # rest is the caller's fresh array
    return rest


#: Vectors up to this length may take the short path of `_small_shifted_exp`.
_SMALL = 64


def _small_shifted_exp(z: Array, axis: Any) -> tuple[int, Array, Array] | None:
    """For a short finite vector, return ``(k, d, e)`` as `_shifted_exp` would (k: first maximum), else None.

    Python's list operations replace the numpy reductions, whose set-up dominates a call on a few
    entries; any other input returns None and takes the general path (which also raises the errors).
    """
    if z.ndim != 1 or not 0 < z.size <= _SMALL or type(axis) is not int or axis not in (0, -1):
        return None
    values = z.tolist()
    m, lo = max(values), min(values)
    if not m - lo < 1.7e308:  # NaN, an infinity, or a spread beyond float64 (then x - m overflows)
        return None
    k = values.index(m)
    d = z - m
    b = d - z  # Knuth's TwoSum of z and -m, as in _shifted_exp: d + r == z - m exactly
    r = d - b
    np.subtract(z, r, out=r)
    np.subtract(-m, b, out=b)
    r += b
    e = np.exp(d, out=b)
    r *= e
    e += r
    return k, d, e


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

    >>> print(softmax([0.0, -800.0]))
    [1. 0.]
    >>> print(softmax([[0.0, 0.0], [0.0, np.log(3.0)]], axis=1))
    [[0.5  0.5 ]
     [0.25 0.75]]
    """
    z = as_real_array(z, "z")
    small = _small_shifted_exp(z, axis)
    if small is not None:
        e = small[2]
        e /= math.fsum(e.tolist())  # correctly rounded
        return e
    x, shape, axis = _as_rows(z, axis, "z")
    out = np.empty_like(x)
    for rows in _blocks(*x.shape):
        xr, o = x[rows], out[rows]
        o /= _exp_pass(xr, _row_max(xr, "z", strict=True), o, keep="e")
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
    >>> print(log_softmax([0.0, -800.0]))
    [   0. -800.]
    >>> float(log_softmax([0.0, -40.0])[0])  # log(1 + e^-40): lost to 1 + e^-40 == 1 without log1p
    -4.248354255291589e-18
    """
    z = as_real_array(z, "z")
    small = _small_shifted_exp(z, axis)
    if small is not None:
        k, d, e = small
        e[k] = 0.0
        rest = math.fsum(e.tolist())
        if rest < _small_rest_below(z.size) and z.size > 1:  # the same test as the blocks' (same bits)
            rest = float(_small_rest(z[None, :], np.array([[z[k]]]))[0, 0])
        d -= math.log1p(rest)
        return d
    x, shape, axis = _as_rows(z, axis, "z")
    out = np.empty_like(x)
    for rows in _blocks(*x.shape):
        # the rounding error r of d = z_i - m is below half an ulp of d, so of d - log(1 + S):
        # adding it back never changed a result (it was tried), so it is not added
        xr, o = x[rows], out[rows]
        rm = _row_max(xr, "z", strict=True)
        o -= np.log1p(_refine_rest(xr, rm, _exp_pass(xr, rm, o, keep="d", less_one=True)))
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
    for rows in _blocks(*x.shape):
        xr = x[rows]
        rm = _row_max(xr, "z", strict=False)
        rest = _refine_rest(xr, rm, _exp_pass(xr, rm, less_one=True))
        if rm.fast:
            out[rows] = rm.m + np.log1p(rest)
        else:  # rows of +inf or only -inf: LSE is m; their sums are inf, NaN or -1
            with np.errstate(all="ignore"):
                out[rows] = np.where(rm.good, rm.m + np.log1p(rest), rm.m)
    out = out.reshape(shape[:-1])
    return np.expand_dims(out, axis) if keepdims else out
