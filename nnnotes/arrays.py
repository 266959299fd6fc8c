"""The library's one argument checker: the numerical functions validate their inputs here.

Modelled on scipy's ``_asarray_validated``: a function names each argument once, says what it
expects, and gets back a float64 array (or a Python number) or a clear `TypeError`/`ValueError`
that names the argument and what was expected. numpy only.

Examples
--------
>>> as_real_array([1, 2]).dtype
dtype('float64')
>>> as_real_array([[1.0, 2.0]], "batch", ndim=2).shape
(1, 2)
>>> as_real_array([1.0], "batch", ndim=2)
Traceback (most recent call last):
...
ValueError: batch must be a 2-d array, got shape (1,)
>>> real_number(0.5, "alpha", low=0.0, high=1.0)
0.5
>>> positive_int(0, "steps")
Traceback (most recent call last):
...
ValueError: steps must be a positive integer, got 0
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["as_real_array", "nonnegative_int", "positive_int", "real_number"]

_FLOAT64 = np.dtype(np.float64)


def as_real_array(
    x: Any,
    name: str = "x",
    *,
    ndim: int | None = None,
    finite: bool = False,
    nonempty: bool = False,
) -> NDArray[np.float64]:
    """Return ``x`` as a float64 array, or raise if it is not what the caller expects.

    Booleans and integers are converted; complex numbers, strings and objects are refused with a
    `TypeError`. A float64 array is returned as it is, without a copy.

    Parameters
    ----------
    x : array_like
        The argument.
    name : str
        Its name, as the caller's signature spells it (used in the error message).
    ndim : int, optional
        The number of dimensions required.
    finite : bool
        Refuse NaN and infinities (`ValueError`).
    nonempty : bool
        Refuse an array with no elements (`ValueError`).

    Examples
    --------
    >>> as_real_array([1j], "z")
    Traceback (most recent call last):
    ...
    TypeError: z must hold real numbers, got an array of dtype complex128
    >>> as_real_array([1.0, float("nan")], "z", finite=True)
    Traceback (most recent call last):
    ...
    ValueError: z must hold finite numbers (no NaN or infinity)
    """
    # fast path: a float64 ndarray needs only the checks asked for (a 10-element call is then
    # as cheap as the ufunc it guards)
    if type(x) is np.ndarray and x.dtype is _FLOAT64 and ndim is None and not (finite or nonempty):
        return x
    a = np.asarray(x)
    if a.dtype.kind == "O" and a.size and all(type(v) is int for v in a.flat):
        a = _big_ints(a, name)  # Python integers beyond int64 and uint64
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {a.dtype}")
    a = a.astype(np.float64, copy=False)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array, got shape {a.shape}")
    if nonempty and a.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {a.shape}")
    if finite and not np.isfinite(a).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or infinity)")
    return a


def _big_ints(a: NDArray[Any], name: str) -> NDArray[np.float64]:
    """Return Python integers too large for int64 as float64; refuse those beyond float64."""
    try:
        return a.astype(np.float64)
    except OverflowError:
        raise ValueError(f"{name} holds an integer too large for float64 (above 1.8e308)") from None


def real_number(
    v: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    positive: bool = False,
) -> float:
    """Return ``v`` as a finite Python float, checked against optional bounds (inclusive).

    Booleans are refused (`TypeError`): ``True`` is not a learning rate.

    Examples
    --------
    >>> real_number(True, "lr")
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got bool
    >>> real_number(0.0, "lr", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive finite number, got 0.0
    """
    if isinstance(v, bool | np.bool_) or not isinstance(v, Real):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__}")
    try:
        f = float(v)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got an integer too large for float64") from None
    if positive and not (math.isfinite(f) and f > 0):
        raise ValueError(f"{name} must be a positive finite number, got {f!r}")
    if not math.isfinite(f):
        raise ValueError(f"{name} must be finite, got {f!r}")
    if (low is not None and f < low) or (high is not None and f > high):
        lo = "-inf" if low is None else repr(low)
        hi = "inf" if high is None else repr(high)
        raise ValueError(f"{name} must lie in [{lo}, {hi}], got {f!r}")
    return f


def positive_int(v: Any, name: str) -> int:
    """Return ``v`` as a Python int, or raise unless it is an integer of at least 1.

    Examples
    --------
    >>> positive_int(3, "steps")
    3
    >>> positive_int(2.0, "steps")
    Traceback (most recent call last):
    ...
    TypeError: steps must be an integer, got float
    """
    return _integer(v, name, 1, "a positive")


def nonnegative_int(v: Any, name: str) -> int:
    """Return ``v`` as a Python int, or raise unless it is an integer of at least 0.

    Examples
    --------
    >>> nonnegative_int(0, "steps")
    0
    >>> nonnegative_int(-1, "steps")
    Traceback (most recent call last):
    ...
    ValueError: steps must be a non-negative integer, got -1
    """
    return _integer(v, name, 0, "a non-negative")


def _integer(v: Any, name: str, low: int, what: str) -> int:
    if isinstance(v, bool | np.bool_) or not isinstance(v, Integral):
        raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
    if v < low:
        raise ValueError(f"{name} must be {what} integer, got {v}")
    return int(v)
