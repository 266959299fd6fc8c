r"""Activation functions and their derivatives, accurate over the whole float64 range.

Each function takes any array-like of real numbers, computes in float64 elementwise and returns an
array of the same shape. Each is within a few ulp of the exact value of the function at the given
float64 input, for *every* finite input, and no finite input makes numpy warn under its default
error handling (which ignores underflow: an underflow to 0 or to a subnormal is intended here). The
obvious formulas are not: ``1 / (1 + np.exp(-x))`` overflows for $x < -709.78$, and
``1 - np.tanh(x)**2`` is exactly 0 for $|x| \gtrsim 19$ although
$\tanh'(x) = 4e^{-2|x|}/(1+e^{-2|x|})^2$ is still above half the smallest float64 up to
$|x| \approx 373.26$.

The kernels run a few vectorised passes over blocks that stay in the processor's cache, and cost
about as much as the obvious formula (``make bench`` prints each kernel's time beside the
formula's, `nnnotes.experiments.speed`).
numpy only.

Non-finite input
    $\pm\infty$ gives the limit of the function (``sigmoid(-inf) == 0``,
    ``tanh_derivative(inf) == 0``, ``relu(inf) == inf``). NaN gives NaN in the same place, and only
    there: a NaN is never produced from a number. Non-real input (complex, strings, objects) raises
    `TypeError`.

Examples
--------
>>> import numpy as np
>>> sigmoid([-745.0, 0.0, 40.0]).tolist() == [5e-324, 0.5, 1.0]
True
>>> float(tanh_derivative(30.0))  # 1 - tanh(30)**2 would give 0.0
3.502604305078608e-26
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, real_number

__all__ = [
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]

Array = NDArray[np.float64]

#: Below this, e^{-x} overflows (its limit is 709.78): `sigmoid` takes its careful path.
_SIGMOID_FAST_LOW = -709.0


#: Long inputs are processed in blocks of this many entries: the few passes of a kernel then run in
#: the processor's cache instead of streaming the whole array from memory each time.
_BLOCK = 1 << 14


def _blockwise(x: Array, kernel: Callable[[Array, Array, Array], object]) -> Array:
    """Return a new array of the shape of ``x``, filled block by block by ``kernel(x, out, scratch)``.

    ``kernel`` reads a block of ``x`` and writes ``out`` (same length), using ``scratch`` (same
    length) as it likes.
    """
    flat = x.reshape(-1)
    out = np.empty(flat.size)
    scratch = np.empty(min(flat.size, _BLOCK))
    if flat.size <= _BLOCK:  # one block: no slicing
        kernel(flat, out, scratch)
        return out.reshape(x.shape)
    for i in range(0, flat.size, _BLOCK):
        block = out[i : i + _BLOCK]
        kernel(flat[i : i + _BLOCK], block, scratch[: block.size])
    return out.reshape(x.shape)


def _alpha(alpha: Any) -> float:
    return real_number(alpha, "alpha", low=0.0, high=1.0)


def _step(x: Array, low: float) -> Array:
    """Return ``low`` where ``x <= 0``, 1 where ``x > 0`` and NaN where ``x`` is NaN, as a new array."""
    # clip to [0, 1], then round (0, 1] up to 1: both passes carry NaN through, which a comparison
    # would lose (finding it again would cost a third pass). Not blockwise: np.clip's Python
    # wrapper costs more per call than the cache saves on these two cheap passes.
    out = np.clip(x.reshape(-1), 0.0, 1.0)
    np.ceil(out, out=out)
    if low:
        np.clip(out, low, 1.0, out=out)  # 0 -> low, 1 stays: low <= 1
    return out.reshape(x.shape)


def _smallest(t: Array) -> float:
    """Return the least entry of a non-empty 1-d ``t`` (NaN if the scan meets a NaN first)."""
    # for a few entries Python's min over a list is cheaper than a numpy reduction's set-up
    return min(t.tolist()) if t.size <= 32 else float(np.minimum.reduce(t))


def sigmoid(x: ArrayLike) -> Array:
    r"""Return the logistic sigmoid $\sigma(x) = 1/(1 + e^{-x})$, elementwise.

    Parameters
    ----------
    x : array_like
        Real numbers, any shape.

    Returns
    -------
    ndarray of float64
        Values in $[0, 1]$. 0 only where the exact value rounds to 0; 1 from $x = 53 \ln 2
        \approx 36.74$ on, where $1 + e^{-x}$ rounds to 1, although the exact value rounds to 1 only
        from $54 \ln 2 \approx 37.43$: in between the result is 1, one ulp above it (tested).

    Notes
    -----
    The formula $1/(1 + e^{-x})$ is evaluated as written, three correctly rounded operations on
    an accurate exponential, wherever $e^{-x}$ is finite: for every $x$ above $-709.78$. Below,
    $e^{-x}$ overflows; there $\sigma(x) = e^x/(1+e^x)$ differs from $e^x$ by a relative
    $e^x < 10^{-307}$, so $e^x$ is returned. The result is within 2.5 ulp of the exact value on
    every input the tests compare with mpmath, including a dense sample where the error is largest
    (the worst input a wider search found, with the exponential of numpy on one CPU, is
    2.1 ulp off; numpy's exponential differs from one CPU to another).

    Examples
    --------
    The naive formula overflows and returns 0 at -710; this one returns the tiny positive value:

    >>> print(f"{float(sigmoid(-710.0)):.6e}")
    4.476286e-309
    >>> sigmoid([-np.inf, 0.0, np.inf]).tolist() == [0.0, 0.5, 1.0]
    True
    >>> print(sigmoid([[-1.0, 2.0], [-3.0, 4.0]]))
    [[0.26894142 0.88079708]
     [0.04742587 0.98201379]]
    """
    x = as_real_array(x)
    flat = x.reshape(-1)
    # one scan decides whether exp(-x) can overflow (a NaN may also send it the careful way)
    if flat.size and not _smallest(flat) >= _SIGMOID_FAST_LOW:
        return _sigmoid_careful(x)
    if flat.size <= _BLOCK:
        out = np.empty(flat.size)
        _sigmoid_kernel(flat, out, out)
        return out.reshape(x.shape)
    return _blockwise(x, _sigmoid_kernel)


def _sigmoid_kernel(v: Array, out: Array, _: Array) -> None:
    np.negative(v, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)


def _sigmoid_careful(x: Array) -> Array:
    with np.errstate(over="ignore"):
        t = np.exp(np.negative(x.reshape(-1)))
    t += 1.0
    out = np.divide(1.0, t, out=t).reshape(x.shape)
    # exactly 0 only where exp(-x) overflowed (or x = -inf): recompute those entries as e^x
    low = out == 0.0
    out[low] = np.exp(x[low])
    return out


def sigmoid_derivative(x: ArrayLike) -> Array:
    r"""Return $\sigma'(x) = \sigma(x)\,\sigma(-x)$, elementwise.

    Notes
    -----
    Evaluated as $t/(1+t)^2$ with $t = e^{-|x|}$ (the derivative is even), which never
    overflows and never cancels. The product $\sigma(x)(1 - \sigma(x))$ of the textbook is
    exactly 0 from $x \approx 36.7$ on, where $\sigma(x)$ rounds to 1; this one stays
    accurate until the exact value drops below half the smallest float64, at
    $|x| \approx 745.13$: within 4 ulp on every input the tests compare with mpmath (the worst
    input a wider search found on one CPU is 3.7 ulp off).

    Examples
    --------
    >>> float(sigmoid_derivative(0.0)) == 0.25  # the maximum, 1/4
    True
    >>> s = float(sigmoid(40.0))
    >>> s * (1 - s) == 0.0, float(sigmoid_derivative(40.0))
    (True, 4.248354255291589e-18)
    """
    return _blockwise(as_real_array(x), _sigmoid_derivative_kernel)


def _sigmoid_derivative_kernel(v: Array, t: Array, d: Array) -> None:
    np.abs(v, out=t)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.add(t, 1.0, out=d)
    np.multiply(d, d, out=d)
    np.divide(t, d, out=t)


def tanh(x: ArrayLike) -> Array:
    r"""Return the hyperbolic tangent $\tanh(x) = (e^x - e^{-x})/(e^x + e^{-x})$, elementwise.

    Notes
    -----
    numpy's ``tanh`` saturates without overflow; this function adds the input checks of the module.
    $\tanh(x) = 2\sigma(2x) - 1$. Its last bit depends on the CPU: numpy's AVX2 and AVX-512 loops
    are within 1.5 ulp of the exact value, and on a CPU without AVX2 numpy calls the C library's
    ``tanh`` (glibc 2.36's is within 2 ulp on the tests' samples); the tests check both paths.

    Examples
    --------
    >>> tanh([-1000.0, 0.0]).tolist() == [-1.0, 0.0]
    True
    >>> print(tanh([0.5, 2.0]))
    [0.46211716 0.96402758]
    """
    x = as_real_array(x)
    return np.tanh(x.reshape(-1)).reshape(x.shape)


def tanh_derivative(x: ArrayLike) -> Array:
    r"""Return $\tanh'(x) = 1 - \tanh^2(x) = 4\sigma(2x)\sigma(-2x)$, elementwise.

    Notes
    -----
    Evaluated as $4t/(1+t)^2$ with $t = e^{-2|x|}$: one exponential, which never overflows, and no
    cancellation. The usual $1 - \tanh^2(x)$ loses all its digits as $\tanh^2(x) \to 1$: it is
    exactly 0 for $|x| \gtrsim 19$, while the exact value rounds to a non-zero float64 up to
    $|x| \approx 373.26$, and so does this. Where $t$ falls below the smallest normal float64
    ($|x| > 354$) it has lost digits and reaches 0 at 372.57, so there the square
    $(2u/(1+u^2))^2 = (2u)^2$ with $u = e^{-|x|}$ is used instead ($1 + u^2$ rounds to 1 there).
    (The square everywhere would double the exponential's rounding error: it is more than 4.5 ulp
    off at some inputs, on every CPU tested, where this is within 4 ulp on a dense sample; both
    are tested.)

    Examples
    --------
    >>> float(tanh_derivative(0.0)) == 1.0  # the maximum, attained only at 0
    True
    >>> float(1 - np.tanh(20.0)**2) == 0.0, float(tanh_derivative(20.0))
    (True, 1.6993417021166355e-17)
    """
    return _blockwise(as_real_array(x), _tanh_derivative_kernel)


#: Beyond this $|x|$, $e^{-2|x|}$ is below the smallest normal float64 ($2|x| > 708.4$).
_TANH_DERIVATIVE_FAR = 354.0


def _tanh_derivative_kernel(v: Array, out: Array, d: Array) -> None:
    np.abs(v, out=out)
    far = out.size > 0 and bool(np.fmax.reduce(out) > _TANH_DERIVATIVE_FAR)  # fmax: NaN hides no far entry
    if far:  # rare: set aside, and keep out of the doubling below (which would overflow)
        where = out > _TANH_DERIVATIVE_FAR
        u = np.exp(-out[where])
        out[where] = 0.0
    out *= -2.0
    np.exp(out, out=out)  # t
    np.add(out, 1.0, out=d)
    np.multiply(d, d, out=d)
    out *= 4.0  # exact
    np.divide(out, d, out=out)
    if far:  # 2u / (1 + u^2) with 1 + u^2 == 1 (u < e^-354): doubled first, so the square rounds once
        u *= 2.0
        out[where] = u * u


def relu(x: ArrayLike) -> Array:
    r"""Return the rectifier $\operatorname{ReLU}(x) = \max(0, x)$, elementwise.

    Examples
    --------
    >>> relu([-2.0, -0.0, 0.0, 3.5, np.inf]).tolist() == [0.0, 0.0, 0.0, 3.5, np.inf]
    True
    """
    x = as_real_array(x)
    return np.maximum(x.reshape(-1), 0.0).reshape(x.shape)


def relu_derivative(x: ArrayLike) -> Array:
    r"""Return the derivative of ReLU: 1 for $x > 0$, 0 for $x \le 0$.

    Notes
    -----
    ReLU has no derivative at 0: the difference quotient tends to 0 from the left and to 1 from
    the right. Any value in $[0, 1]$ is a subgradient there; this function returns 0, the
    convention of the common frameworks (``-0.0`` for the input ``-0.0``: a zero too). NaN gives
    NaN (a comparison alone would return 0).

    Examples
    --------
    >>> relu_derivative([-1.0, 0.0, 1e-300, np.nan]).tolist()
    [0.0, 0.0, 1.0, nan]
    """
    return _step(as_real_array(x), 0.0)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> Array:
    r"""Return Leaky ReLU: $x$ for $x > 0$ and $\alpha x$ for $x \le 0$.

    Parameters
    ----------
    x : array_like
        Real numbers, any shape.
    alpha : float
        Slope for $x \le 0$, in $[0, 1]$ (0 gives ReLU, 1 the identity). The usual
        value is 0.01; PReLU learns it instead.

    Notes
    -----
    For $0 \le \alpha \le 1$, Leaky ReLU is $\max(x, \alpha x)$, one rounding per entry.

    Examples
    --------
    >>> leaky_relu([-100.0, 0.0, 2.0]).tolist()
    [-1.0, 0.0, 2.0]
    >>> leaky_relu([-100.0], alpha=0.2).tolist()
    [-20.0]
    >>> leaky_relu([1.0], alpha=1.5)
    Traceback (most recent call last):
    ...
    ValueError: alpha must lie in [0.0, 1.0], got 1.5
    """
    alpha = _alpha(alpha)
    x = as_real_array(x)
    flat = x.reshape(-1)
    # alpha = 0 is ReLU: 0 * x would turn -inf and inf into NaN, so the zeros are made directly
    out = np.multiply(flat, alpha) if alpha else np.zeros_like(flat)
    return np.maximum(flat, out, out=out).reshape(x.shape)


def leaky_relu_derivative(x: ArrayLike, alpha: float = 0.01) -> Array:
    r"""Return the derivative of Leaky ReLU: 1 for $x > 0$, $\alpha$ for $x \le 0$.

    Notes
    -----
    At 0 the one-sided derivatives are $\alpha$ (left) and 1 (right), so there is no
    derivative; this function returns $\alpha$ there, as the frameworks do.

    Examples
    --------
    >>> leaky_relu_derivative([-3.0, 0.0, 3.0], alpha=0.1).tolist() == [0.1, 0.1, 1.0]
    True
    """
    alpha = _alpha(alpha)
    return _step(as_real_array(x), alpha)
