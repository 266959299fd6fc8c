r"""Accurate sums of exponentials shifted by a maximum, $\sum_j e^{x_j - m}$.

The building block of `nnnotes.softmax` (softmax, log-softmax and log-sum-exp), and through
log-softmax of `nnnotes.losses.cross_entropy`: one implementation of the shift, the exponentials
and their sum, for the rows of a 2-D array. The functions here take and return float64 arrays
that their callers have already checked (`nnnotes.softmax` validates the argument); they are
public so that the modules using them import no private name, not as a general-purpose API.

* `row_max` finds the shift $m$ of each row and refuses NaN;
* `shifted_exp` computes $e^{x_j - m}$ with the rounding error of $x_j - m$ put back (Knuth's
  TwoSum);
* `RowSums` adds the terms after the exact extraction of Rump, Ogita and Oishi (*Accurate
  floating-point summation*, 2008): high parts on a grid where they add without rounding, and
  tiny low parts;
* `exp_row_sums` does both, piece by piece, in tiles of about `BLOCK` entries that stay in the
  processor's cache;
* `small_rest` and `refine_rest` recompute a small sum $S$ of the terms other than the largest,
  relative to the second largest entry, where its low parts would otherwise dominate;
* `small_shifted_exp` is the short path for a vector of a few entries.

The accuracy this gives the public functions is stated, and tested, in `nnnotes.softmax`.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BLOCK",
    "SMALL",
    "RowMax",
    "RowSums",
    "blocks",
    "exp_row_sums",
    "refine_rest",
    "row_max",
    "shifted_exp",
    "small_rest",
    "small_rest_below",
    "small_shifted_exp",
]

Array = NDArray[np.float64]


#: Work is done in tiles of about this many entries (a block of rows, or a piece of one long row),
#: so that the dozen passes of the accurate algorithm run in the processor's cache instead of
#: streaming from memory each time.
BLOCK = 1 << 15


def blocks(rows: int, n: int) -> list[slice]:
    """Blocks of whole rows of about `BLOCK` entries (one row each when rows are longer)."""
    step = max(1, BLOCK // n)
    return [slice(i, min(i + step, rows)) for i in range(0, rows, step)]


@dataclass(frozen=True)
class RowMax:
    """The maximum ``m`` of each row of a block, and how to shift by it."""

    m: Array
    good: Array  # rows whose maximum is finite
    shift: Array  # m where good, else 0
    fast: bool  # no infinity anywhere, and x - m cannot overflow


def row_max(x: Array, name: str, *, strict: bool) -> RowMax:
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
    return RowMax(m, good, m if all_good else np.where(good, m, 0.0), fast)


def shifted_exp(x: Array, rm: RowMax) -> tuple[Array, Array]:
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


class RowSums:
    r"""Sums of the rows of an array ``e`` of terms in $[0, 1]$, added piece by piece, rounded once.

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


def exp_row_sums(
    x: Array, rm: RowMax, out: Array | None = None, *, keep: str = "e", less_one: bool = False
) -> Array:
    r"""Return the row sums of $e = e^{x - m}$ (less the maximum's 1 with ``less_one``), in pieces.

    Each piece's ``e`` (``keep="e"``) or ``d = x - m`` (``keep="d"``) is written into ``out``.
    """
    sums = RowSums(*x.shape)
    with nullcontext() if rm.fast else np.errstate(all="ignore"):
        for j in range(0, x.shape[1], BLOCK):
            cols = slice(j, j + BLOCK)
            d, e = shifted_exp(x[:, cols], rm)
            sums.add(e)
            if out is not None:
                out[:, cols] = e if keep == "e" else d
        return sums.total(less_one)


def small_rest_below(n: int) -> float:
    """Below this, S (a row of ``n``) is mostly low parts, added with roundings: `small_rest` redoes it."""
    return 4 * n * 2.0 ** (math.ceil(math.log2(n + 2)) - 53)


#: 64 ln 2 = _C_HI + _C_LO: _C_HI is 64 times the float64 nearest ln 2, _C_LO the rest.
_C_HI, _C_LO = 64 * math.log(2.0), 64 * 2.3190468138462996e-17


def small_rest(x: Array, m: Array) -> Array:
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
    _, e = shifted_exp(others, RowMax(shift, alive, shift, False))
    sums = RowSums(*x.shape)
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


def refine_rest(x: Array, rm: RowMax, rest: Array) -> Array:
    """Return ``rest`` with its small sums (rows with a finite maximum) redone by `small_rest`."""
    small = ((rest < small_rest_below(x.shape[1])) & rm.good).ravel()
    if x.shape[1] < 2 or not small.any():
        return rest
    rest[small] = small_rest(x[small], rm.m[small])  # rest is the caller's fresh array
    return rest


#: Vectors up to this length may take the short path of `small_shifted_exp`.
SMALL = 64


def small_shifted_exp(z: Array, axis: Any) -> tuple[int, Array, Array] | None:
    """For a short finite vector, return ``(k, d, e)`` as `shifted_exp` would (k: first maximum), else None.

    Python's list operations replace the numpy reductions, whose set-up dominates a call on a few
    entries; any other input returns None and takes the general path (which also raises the errors).
    """
    if z.ndim != 1 or not 0 < z.size <= SMALL or type(axis) is not int or axis not in (0, -1):
        return None
    values = z.tolist()
    m, lo = max(values), min(values)
    if not m - lo < 1.7e308:  # NaN, an infinity, or a spread beyond float64 (then x - m overflows)
        return None
    k = values.index(m)
    d = z - m
    b = d - z  # Knuth's TwoSum of z and -m, as in shifted_exp: d + r == z - m exactly
    r = d - b
    np.subtract(z, r, out=r)
    np.subtract(-m, b, out=b)
    r += b
    e = np.exp(d, out=b)
    r *= e
    e += r
    return k, d, e
