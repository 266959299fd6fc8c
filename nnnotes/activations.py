r"""Activation functions and their derivatives, accurate over the whole float64 range.

Each function takes any array-like of real numbers, computes in float64 elementwise and returns an
array of the same shape. Each is within a few ulp of the exact value of the function at the given
float64 input, for *every* finite input, and no finite input makes numpy warn. The obvious formulas
are not: ``1 / (1 + np.exp(-x))`` overflows for $x < -709.78$, and ``1 - np.tanh(x)**2`` is
exactly 0 for $|x| > 19$ although $\tanh'(x) = 4e^{-2|x|}/(1+e^{-2|x|})^2$ is still
above half the smallest float64 up to $|x| \approx 373.26$.

Non-finite input
    $\pm\infty$ gives the limit of the function (``sigmoid(-inf) == 0``,
    ``tanh_derivative(inf) == 0``, ``relu(inf) == inf``). NaN gives NaN in the same place, and only
    there: a NaN is never produced from a number. Non-real input (complex, strings, objects) raises
    `TypeError`.

Examples
--------
>>> import numpy as np
>>> print(sigmoid([-745.0, 0.0, 40.0]))
[4.94065646e-324 5.00000000e-001 1.00000000e+000]
>>> float(tanh_derivative(30.0))  # 1 - tanh(30)**2 would give 0.0
3.502604305078608e-26
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array

__all__ = [
    "leaky_relu",
    "leaky_relu_derivative",
    "one_sided_derivatives_at_zero",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]

Array = NDArray[np.float64]


def _check_alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.integer | np.floating):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}")
    alpha = float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1] (the slope for x <= 0), got {alpha!r}")
    return alpha


def sigmoid(x: ArrayLike) -> Array:
    r"""Return the logistic sigmoid $\sigma(x) = 1/(1 + e^{-x})$, elementwise.

    Parameters
    ----------
    x : array_like
        Real numbers, any shape.

    Returns
    -------
    ndarray of float64
        Values in $[0, 1]$; 0 and 1 only where the exact value rounds to them.

    Notes
    -----
    For $x \ge -709$ the formula $1/(1 + e^{-x})$ is evaluated as written: three
    correctly rounded operations on an accurate exponential. Below, $e^{-x}$ would overflow;
    there $\sigma(x) = e^x/(1+e^x)$ differs from $e^x$ by a relative
    $e^x < 10^{-307}$, so $e^x$ is returned. The result is within 2 ulp of the exact
    value everywhere (tests compare with mpmath at 50 digits).

    Examples
    --------
    The naive formula overflows and returns 0 at -710; the exact value is about 4.4e-309:

    >>> float(sigmoid(-710.0))
    4.4762862256751e-309
    >>> print(sigmoid([[-np.inf, 0.0], [2.0, np.inf]]))
    [[0.         0.5       ]
     [0.88079708 1.        ]]
    """
    x = as_real_array(x)
    with np.errstate(over="ignore"):
        t = np.exp(np.negative(x))
    t = np.add(t, 1.0, out=t) if isinstance(t, np.ndarray) else t + 1.0
    out = np.asarray(np.divide(1.0, t, out=t) if isinstance(t, np.ndarray) else 1.0 / t)
    # exactly 0 only where exp(-x) overflowed (or x = -inf): recompute those entries as e^x
    if out.size and out.min() == 0.0:
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
    $|x| \approx 745.13$.

    Examples
    --------
    >>> float(sigmoid_derivative(0.0))  # the maximum, 1/4
    0.25
    >>> s = float(sigmoid(40.0))
    >>> s * (1 - s), float(sigmoid_derivative(40.0))
    (0.0, 4.248354255291589e-18)
    """
    x = as_real_array(x)
    t = np.abs(x.reshape(-1))
    np.exp(np.negative(t, out=t), out=t)
    d = np.add(t, 1.0)
    d *= d
    return np.divide(t, d, out=t).reshape(x.shape)


def tanh(x: ArrayLike) -> Array:
    r"""Return the hyperbolic tangent $\tanh(x) = (e^x - e^{-x})/(e^x + e^{-x})$, elementwise.

    Notes
    -----
    numpy's ``tanh`` is accurate to about 1 ulp and saturates without overflow; this function adds
    the input checks of the module. $\tanh(x) = 2\sigma(2x) - 1$.

    Examples
    --------
    >>> print(tanh([-1000.0, 0.0, 0.5]))
    [-1.          0.          0.46211716]
    """
    return np.asarray(np.tanh(as_real_array(x)))


def tanh_derivative(x: ArrayLike) -> Array:
    r"""Return $\tanh'(x) = 1 - \tanh^2(x) = 4\sigma(2x)\sigma(-2x)$, elementwise.

    Notes
    -----
    Evaluated as $(2u)^2/(1+u^2)^2$ with $u = e^{-|x|}$. The usual
    $1 - \tanh^2(x)$ loses all its digits to cancellation as $\tanh^2(x) \to 1$: it is
    exactly 0 for $|x| \gtrsim 19$, while the exact value rounds to a non-zero float64 up
    to $|x| \approx 373.26$.

    Examples
    --------
    >>> float(tanh_derivative(0.0))  # the maximum, attained only at 0
    1.0
    >>> float(1 - np.tanh(20.0)**2), float(tanh_derivative(20.0))
    (0.0, 1.6993417021166355e-17)
    """
    x = as_real_array(x)
    # with u = e^{-|x|}: (2u)^2 = 4e^{-2|x|} rounds once, even where it is subnormal
    u = np.abs(x.reshape(-1))
    np.exp(np.negative(u, out=u), out=u)
    d = np.multiply(u, u)
    d += 1.0
    d *= d
    u *= 2.0
    u *= u
    return np.divide(u, d, out=u).reshape(x.shape)


def relu(x: ArrayLike) -> Array:
    r"""Return the rectifier $\operatorname{ReLU}(x) = \max(0, x)$, elementwise.

    Examples
    --------
    >>> print(relu([-2.0, -0.0, 0.0, 3.5, np.inf]))
    [0.  0.  0.  3.5 inf]
    """
    return np.asarray(np.maximum(as_real_array(x), 0.0))


def relu_derivative(x: ArrayLike) -> Array:
    r"""Return the derivative of ReLU: 1 for $x > 0$, 0 for $x \le 0$.

    Notes
    -----
    ReLU has no derivative at 0: the difference quotient tends to 0 from the left and to 1 from
    the right. Any value in $[0, 1]$ is a subgradient there; this function returns 0, the
    convention of the common frameworks. NaN gives NaN (a comparison alone would return 0).

    Examples
    --------
    >>> print(relu_derivative([-1.0, 0.0, 1e-300, np.nan]))
    [ 0.  0.  1. nan]
    """
    x = as_real_array(x)
    out = np.asarray(np.greater(x, 0.0), dtype=np.float64)
    nan = np.isnan(x)
    if nan.any():
        out[nan] = np.nan
    return out


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
    >>> print(leaky_relu([-100.0, 0.0, 2.0]))
    [-1.  0.  2.]
    >>> print(leaky_relu([-100.0], alpha=0.2))
    [-20.]
    >>> leaky_relu([1.0], alpha=1.5)
    Traceback (most recent call last):
    ...
    ValueError: alpha must lie in [0, 1] (the slope for x <= 0), got 1.5
    """
    alpha = _check_alpha(alpha)
    x = as_real_array(x)
    return np.asarray(np.maximum(x, alpha * x))


def leaky_relu_derivative(x: ArrayLike, alpha: float = 0.01) -> Array:
    r"""Return the derivative of Leaky ReLU: 1 for $x > 0$, $\alpha$ for $x \le 0$.

    Notes
    -----
    At 0 the one-sided derivatives are $\alpha$ (left) and 1 (right), so there is no
    derivative; this function returns $\alpha$ there, as the frameworks do.

    Examples
    --------
    >>> print(leaky_relu_derivative([-3.0, 0.0, 3.0], alpha=0.1))
    [0.1 0.1 1. ]
    """
    alpha = _check_alpha(alpha)
    x = as_real_array(x)
    out = np.where(np.greater(x, 0.0), 1.0, alpha)
    nan = np.isnan(x)
    if nan.any():
        out[nan] = np.nan
    return np.asarray(out)


def one_sided_derivatives_at_zero(alpha: float = 0.0) -> tuple[Any, Any]:
    r"""Return the one-sided derivatives of Leaky ReLU at 0, exactly (sympy): ``(left, right)``.

    The difference quotient $f(h)/h$ is taken on the branch for $h < 0$ and for
    $h > 0$ and its limit as $h \to 0$ computed by sympy; ``alpha = 0`` gives ReLU.
    Unequal one-sided derivatives mean no derivative at 0.

    Examples
    --------
    >>> one_sided_derivatives_at_zero()
    (0, 1)
    >>> one_sided_derivatives_at_zero(0.01)
    (1/100, 1)
    """
    import sympy

    alpha = _check_alpha(alpha)
    a = sympy.nsimplify(alpha)

    def f(h: Any) -> Any:
        return sympy.Piecewise((h, h > 0), (a * h, True))

    left_h = sympy.Symbol("h", negative=True)
    right_h = sympy.Symbol("h", positive=True)
    return (
        sympy.limit(f(left_h) / left_h, left_h, 0, "-"),
        sympy.limit(f(right_h) / right_h, right_h, 0, "+"),
    )
