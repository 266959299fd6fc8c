r"""Softmax in floating point: the naive formula, the package's, and exact values (mpmath).

`stability_rows` is the table of chapter 6.1; `shifted_exp_error_ulp` and `shifted_exp_bound_ulp`
measure and bound the error that the rounded subtraction $z_i - m$ causes in $e^{z_i - m}$,
which `nnnotes.softmax` recovers and puts back; `top_log_softmax` shows why the package computes
$\log(1 + S)$ with ``log1p``.

Examples
--------
>>> rows = stability_rows()
>>> rows[0].label, rows[0].i, rows[0].naive, rows[0].stable
('$(1000, 1)$', 1, 'NaN', 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array
from nnnotes.softmax import log_softmax, softmax

__all__ = [
    "ERROR_DPS",
    "INPUTS",
    "REFERENCE_DPS",
    "StabilityRow",
    "TopLogSoftmax",
    "naive_softmax",
    "shifted_exp_bound_ulp",
    "shifted_exp_error_ulp",
    "shifted_exp_worst",
    "smaller_exponent_shift",
    "softmax_error_ulp",
    "softmax_worst",
    "stability_rows",
    "top_log_softmax",
]

Array = NDArray[np.float64]

#: The inputs of the table of `stability_rows`: overflow, all-underflow, a tiny probability, a
#: subnormal one, and a negative maximum beside a term that underflows unshifted although its
#: probability is a normal float64.
INPUTS = ((1000.0, 1.0), (-1000.0, -1000.5), (0.0, -800.0), (710.0, 0.0), (-700.0, -800.0))


def smaller_exponent_shift(y: tuple[float, float]) -> tuple[float, float]:
    """Return the smaller entry of a pair and its exponent once the maximum is subtracted.

    Examples
    --------
    >>> smaller_exponent_shift((1000.0, 1.0)), smaller_exponent_shift((-1000.0, -1000.5))
    ((1.0, -999.0), (-1000.5, -0.5))
    """
    small, big = min(y), max(y)
    return small, small - big


#: Working precision (decimal digits) of the mpmath references of `stability_rows`.
REFERENCE_DPS = 50
#: Working precision (decimal digits) of the exact values of `shifted_exp_error_ulp`.
ERROR_DPS = 60


@dataclass(frozen=True)
class StabilityRow:
    r"""One entry of one input of the stability table.

    Attributes
    ----------
    label : str
        The input vector, as LaTeX.
    i : int
        The entry (1-based).
    naive : float or str
        The naive formula's $p_i$ (``"NaN"`` where it fails).
    stable : float
        `nnnotes.softmax.softmax`'s $p_i$.
    exact : str
        The exact $p_i$, 8 digits by mpmath, as the table shows the floats (it may lie outside the
        float64 range).
    log_stable : float
        `nnnotes.softmax.log_softmax`'s $\log p_i$.
    exact_log : str
        The exact $\log p_i$, 8 digits.
    """

    label: str
    i: int
    naive: float | str
    stable: float
    exact: str
    log_stable: float
    exact_log: str


def naive_softmax(z: ArrayLike) -> Array:
    r"""Return the textbook formula $e^{z_i}/\sum_j e^{z_j}$ over the last axis, unshifted.

    For comparison only: it returns NaN where $e^{z_j}$ overflows (``inf / inf``) or every
    term underflows (``0 / 0``). Floating-point warnings are silenced so that the failure shows in
    the values.

    Examples
    --------
    >>> print(naive_softmax([1000.0, 1.0]), naive_softmax([-1000.0, -1000.0]))
    [nan  0.] [nan nan]
    """
    x = as_real_array(z)
    with np.errstate(all="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)


def shifted_exp_error_ulp(y: float, m: float) -> float:
    r"""Return the error of the naive shifted exponential ``exp(y - m)`` in ulp of the result.

    The float64 subtraction ``y - m`` is rounded; the exact $e^{y - m}$ is computed by mpmath at
    `ERROR_DPS` digits from the exact values of the two floats.

    Examples
    --------
    Subtracting $2^{-44}$ from $-700$ rounds by half an ulp of $700$, which the exponential
    turns into hundreds of ulp:

    >>> round(shifted_exp_error_ulp(-700.0, 2.0**-44))
    277
    """
    y, m = float(y), float(m)
    got = math.exp(y - m)
    if not (math.isfinite(got) and got > 0):
        raise ValueError(f"exp(y - m) must be a positive finite float64, got exp({y!r} - {m!r}) = {got!r}")
    with mpmath.workdps(ERROR_DPS):
        exact = mpmath.exp(mpmath.mpf(y) - mpmath.mpf(m))
        return float(abs(mpmath.mpf(got) - exact) / mpmath.mpf(math.ulp(got)))


def shifted_exp_bound_ulp(d: float) -> float:
    r"""Return the bound on the error of ``exp(y - m)`` in ulp, where ``y - m`` rounds to ``d``.

    The subtraction errs by at most half an ulp of $d$, which becomes a relative error
    $\delta = \mathrm{ulp}(d)/2$ of $e^d$, that is $\delta\, e^d / \mathrm{ulp}(e^d)$ ulp; the
    rounding of the exponential itself adds at most one more (a correctly rounded ``exp`` adds half).
    Since $e^d/\mathrm{ulp}(e^d) < 2^{53}$, the bound never exceeds
    $\mathrm{ulp}(d)\,2^{52} + 1$ ulp: $2^9 + 1$ for $|d|$ in $[512, 1024)$.

    Examples
    --------
    >>> round(shifted_exp_bound_ulp(-700.0), 1)
    277.9
    """
    d = float(d)
    e = math.exp(d)
    if not (math.isfinite(e) and e >= 2.0**-1022):
        raise ValueError(f"exp(d) must be a normal float64, got d={d!r}")
    # e / ulp(e) first: ulp(d) / 2 * e alone would be subnormal and lose most of its digits
    return math.ulp(d) / 2 * (e / math.ulp(e)) + 1.0


def shifted_exp_worst(centre: float = -700.0, count: int = 400) -> tuple[float, float]:
    r"""Return the largest error (ulp) of ``exp(y - 2**-44)`` over ``count`` grid points near ``centre``.

    With $m = 2^{-44}$ the subtraction $y - m$ rounds by exactly half an ulp for every
    $y$ in $[-1024, -512]$; the grid covers one factor of 2 of $e^d$ ($d$ from
    ``centre - ln 2`` to ``centre``), so it meets the worst mantissa of the result. Returns
    (largest error, the $y$ where it occurs).

    Examples
    --------
    >>> err, y = shifted_exp_worst(count=50)
    >>> 500 < err < 513
    True
    """
    return max(
        ((shifted_exp_error_ulp(y, _HALF_ULP_SHIFT), y) for y in _grid(centre, count)), default=(0.0, centre)
    )


#: The maximum $m = 2^{-44}$ of `shifted_exp_worst`: $y - m$ rounds by half an ulp for $y$ in $[-1024, -512]$.
_HALF_ULP_SHIFT = 2.0**-44


def _grid(centre: float, count: int) -> list[float]:
    """``count`` points from ``centre`` down to ``centre - ln 2`` (one factor of 2 of $e^y$)."""
    return [centre - math.log(2) * k / count for k in range(count)]


def softmax_worst(centre: float = -700.0, count: int = 400) -> tuple[float, float]:
    r"""Return the largest error (ulp) of `softmax_error_ulp` at ``(2**-44, y)`` on `shifted_exp_worst`'s y.

    Returns (largest error, the $y$ where it occurs).

    Examples
    --------
    >>> err, y = softmax_worst(count=50)
    >>> err <= 2
    True
    """
    return max(
        ((softmax_error_ulp(y, _HALF_ULP_SHIFT), y) for y in _grid(centre, count)), default=(0.0, centre)
    )


def stability_rows() -> tuple[StabilityRow, ...]:
    r"""Compare the naive formula, the shifted one and the exact value (mpmath, 50 digits).

    Returns
    -------
    tuple of StabilityRow
        One per entry of each of the inputs of `INPUTS`; exact values are strings printed by mpmath.
    """
    rows: list[StabilityRow] = []
    with mpmath.workdps(REFERENCE_DPS):
        for z in map(list, INPUTS):
            naive, stable, logs = naive_softmax(z), softmax(z), log_softmax(z)
            # the inputs are integers or halves: z_i - m is exact at 50 digits
            zs = [mpmath.mpf(v) for v in z]
            k = int(np.argmax(z))
            log1p_rest = mpmath.log1p(mpmath.fsum(mpmath.exp(v - zs[k]) for j, v in enumerate(zs) if j != k))
            label = "$(" + ", ".join(f"{v:g}" for v in z) + ")$"
            for i, v in enumerate(zs):
                log_p = (v - zs[k]) - log1p_rest
                rows.append(
                    StabilityRow(
                        label=label,
                        i=i + 1,
                        naive="NaN" if np.isnan(naive[i]) else float(naive[i]),
                        stable=float(stable[i]),
                        exact=mpmath.nstr(mpmath.exp(log_p), 8),  # the digits the table shows
                        log_stable=float(logs[i]),
                        exact_log=mpmath.nstr(log_p, 8),
                    )
                )
    return tuple(rows)


@dataclass(frozen=True)
class TopLogSoftmax:
    r"""$\log\operatorname{softmax}$ of a vector's largest entry, $-\log(1 + S)$, three ways.

    $S = \sum_{j \ne k} e^{y_j - m}$ sums the other entries' shifted exponentials, where
    $m = y_k$ is the largest entry.

    Attributes
    ----------
    y : tuple of float
        The input vector.
    s : float
        $S$ in float64.
    log_of_sum : float
        ``log(1 + S)`` in float64: 0 whenever $1 + S$ rounds to 1, which loses $S$.
    package : float
        `nnnotes.softmax.log_softmax`'s value at the largest entry.
    exact : float
        $-\log(1 + S)$ from the exact inputs, by mpmath at `REFERENCE_DPS` digits, rounded to float64.
    error_ulp : float
        The distance from ``package`` to the exact (unrounded) value, in ulp of ``exact``.
    """

    y: tuple[float, ...]
    s: float
    log_of_sum: float
    package: float
    exact: float
    error_ulp: float


def top_log_softmax(y: ArrayLike) -> TopLogSoftmax:
    r"""Compare ``log(1 + S)``, the package and mpmath on $\log\operatorname{softmax}$ of the largest entry.

    Parameters
    ----------
    y : array_like, shape (n,)
        A finite, non-empty vector.

    Raises
    ------
    ValueError
        If ``y`` is not a finite non-empty vector.

    Examples
    --------
    With $S = e^{-40}$, $1 + S$ rounds to 1 in float64 and ``log(1 + S)`` is 0; the package keeps
    $-S$:

    >>> t = top_log_softmax([0.0, -40.0])
    >>> t.log_of_sum, f"{t.package:.3e}", t.error_ulp <= 1
    (0.0, '-4.248e-18', True)
    """
    x = as_real_array(y, "y", ndim=1, finite=True, nonempty=True)
    k = int(np.argmax(x))
    m = x[k]
    others = np.delete(x, k)
    s = math.fsum(math.exp(v - m) for v in others.tolist())
    package = float(log_softmax(x)[k])
    with mpmath.workdps(REFERENCE_DPS):
        exact_sum = mpmath.fsum(mpmath.exp(mpmath.mpf(v) - mpmath.mpf(float(m))) for v in others.tolist())
        exact = -mpmath.log1p(exact_sum)
        error = float(abs(mpmath.mpf(package) - exact) / mpmath.mpf(math.ulp(float(exact))))
    return TopLogSoftmax(tuple(x.tolist()), s, math.log(1.0 + s), package, float(exact), error)


def softmax_error_ulp(y: float, m: float) -> float:
    r"""Return the error of `nnnotes.softmax.softmax`'s $p_2$ for the vector $(m, y)$, in ulp of $p_2$.

    The exact $p_2 = e^{y - m}/(1 + e^{y - m})$ is computed by mpmath at `ERROR_DPS` digits from the
    exact values of the two floats. Where `shifted_exp_error_ulp` shows the rounded subtraction
    $y - m$ costing hundreds of ulp, this shows what is left once the package puts that rounding
    error back.

    Examples
    --------
    >>> shifted_exp_error_ulp(-700.0, 2.0**-44) > 200, softmax_error_ulp(-700.0, 2.0**-44) < 1
    (True, True)
    """
    y, m = float(y), float(m)
    if not (math.isfinite(y) and math.isfinite(m) and m > y):
        raise ValueError(f"y and m must be finite with m > y (m the maximum), got y={y!r}, m={m!r}")
    got = float(softmax([m, y])[1])
    if not (math.isfinite(got) and got > 0):
        raise ValueError(f"p_2 must be a positive float64, got {got!r} for y={y!r}, m={m!r}")
    with mpmath.workdps(ERROR_DPS):
        t = mpmath.exp(mpmath.mpf(y) - mpmath.mpf(m))
        exact = t / (1 + t)
        return float(abs(mpmath.mpf(got) - exact) / mpmath.mpf(math.ulp(got)))
