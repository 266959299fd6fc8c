r"""Curvature of a loss: finite-difference Hessians, the memory a Hessian needs, escaping saddles.

* `finite_difference_hessian`: the explicit Hessian by central differences of a gradient, an
  independent check of Hessian-vector products (`nnnotes.tanhnet.hessian_vector_product`).
* `largest_hessian_n`, `hessian_fits`: whether the $8n^2$ bytes of a float64 Hessian fit.
* `escape_time`: steps gradient descent needs to leave a saddle whose negative eigenvalue is
  $-\varepsilon$; it grows like $1/\varepsilon$ (`escape_time_formula`).
* `double_well_saddle`: a saddle between two minima, where Newton and saddle-free Newton differ.

Examples
--------
>>> escape_time(0.1), escape_time_formula(0.1, 0.5, 1e-3, 1.0)
(142, 142)
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, positive_int, real_number
from nnnotes.optim import gradient_descent

__all__ = [
    "double_well_saddle",
    "escape_distances",
    "escape_time",
    "escape_time_formula",
    "finite_difference_hessian",
    "hessian_fits",
    "largest_hessian_n",
]

Array = NDArray[np.float64]


def finite_difference_hessian(grad: Callable[[Array], ArrayLike], theta: ArrayLike, h: float = 1e-5) -> Array:
    r"""Explicit Hessian by central differences of the gradient, $(g(\theta + he_i) - g(\theta - he_i))/2h$.

    The error is $O(h^2)$ plus rounding of order $\epsilon_{\text{mach}}/h$; the result is
    symmetrised.

    Examples
    --------
    >>> H = finite_difference_hessian(lambda t: np.array([2 * t[0] + t[1], t[0]]), [1.0, 1.0])
    >>> H.round(8).tolist() == [[2.0, 1.0], [1.0, 0.0]]
    True
    """
    theta = as_real_array(theta, "theta", ndim=1, finite=True)
    h = real_number(h, "h", positive=True)
    E = np.eye(theta.size) * h
    H = np.array([(np.asarray(grad(theta + e)) - np.asarray(grad(theta - e))) / (2 * h) for e in E])
    return (H + H.T) / 2


def largest_hessian_n(memory_bytes: int) -> int:
    r"""Return the largest $n$ whose float64 Hessian ($8n^2$ bytes) fits in ``memory_bytes``.

    Exact integer arithmetic (`math.isqrt`).

    Examples
    --------
    >>> largest_hessian_n(80 * 10**9)   # 8 n^2 <= 8e10 exactly at n = 1e5
    100000
    """
    if positive_int(memory_bytes, "memory_bytes") < 8:
        raise ValueError(f"memory_bytes must be at least 8 (one float64), got {memory_bytes!r}")
    return math.isqrt(memory_bytes // 8)


def hessian_fits(n: int, memory_bytes: int) -> bool:
    r"""Whether the float64 Hessian of $n$ parameters ($8n^2$ bytes) fits in ``memory_bytes``.

    Examples
    --------
    >>> hessian_fits(10**6, 80 * 10**9), hessian_fits(10**6, 48 * 10**12)
    (False, True)
    """
    return 8 * positive_int(n, "n") ** 2 <= positive_int(memory_bytes, "memory_bytes")


def escape_time_formula(eps: float, lr: float, delta: float, radius: float) -> int:
    r"""Smallest $k$ with $\delta(1 + \eta\varepsilon)^k \ge R$: steps to leave the saddle.

    The comparison is made in logarithms, $k \log(1 + \eta\varepsilon) \ge \log(R/\delta)$, in
    100-digit decimal arithmetic (the standard library's `decimal`) on the exact values of the
    floats: powers of the rounded $1 + \eta\varepsilon$ would drift by many steps when
    $\eta\varepsilon$ is small (it rounds to 1 below about $10^{-16}$), and a float64 quotient of
    logarithms, off by about $k u$, can land on the wrong side of an integer it is that close to,
    as at an exact tie (second example). A quotient within $10^{-60}$ (relative) of an integer $n$
    is taken for a possible tie and settled in exact rationals: $R/\delta = (1 + \eta\varepsilon)^n$ can
    hold only for $n \le 2097$; beyond, such a quotient raises `ArithmeticError` (no input is
    known to reach it).

    Raises
    ------
    ValueError
        If an argument is not a positive finite number, if ``delta`` is not below ``radius``, or
        if the answer exceeds $2^{52}$ (step counts beyond it are not exact as float64 numbers).
    ArithmeticError
        If the quotient is within $10^{-60}$ of an integer above 2097 (see above).

    Examples
    --------
    >>> escape_time_formula(0.1, 0.5, 1e-3, 1.0)
    142

    With ``eps``, ``lr`` and ``delta`` all 1, each step doubles the distance, and 29 steps reach a
    ``radius`` of ``2**29`` exactly; the float64 quotient of logarithms is a little above 29 and
    would give 30:

    >>> escape_time_formula(1.0, 1.0, 1.0, 2.0**29), math.ceil(math.log(2.0**29) / math.log1p(1.0))
    (29, 30)
    """
    eps, lr = real_number(eps, "eps", positive=True), real_number(lr, "lr", positive=True)
    delta, radius = real_number(delta, "delta", positive=True), real_number(radius, "radius", positive=True)
    if not delta < radius:
        raise ValueError(f"delta must be below radius, got delta={delta!r}, radius={radius!r}")
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        target = (decimal.Decimal(radius) / decimal.Decimal(delta)).ln()
        step = (1 + decimal.Decimal(lr) * decimal.Decimal(eps)).ln()
        quotient = target / step
        if quotient > 2**52:
            raise ValueError(
                f"eps * lr = {lr * eps!r} is too small: the escape needs about {float(quotient):.3g} "
                "steps, beyond what float64 can count exactly"
            )
        nearest = int(quotient.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        # 1 + x rounded near 1 loses digits of x: log(R/delta) >= log(1 + 2^-53) at most 16, and
        # log(1 + lr*eps) at most 32 (a count below 2^52 needs lr*eps >= 2^-53 / 2^52). The
        # quotient is good to about 10^-67 relative: 10^-60 leaves a margin.
        if abs(quotient - nearest) > quotient * decimal.Decimal("1e-60"):
            return int(quotient.to_integral_value(rounding=decimal.ROUND_CEILING))
    if nearest <= _EXACT_POWERS:
        return _exact_escape(eps, lr, delta, radius, nearest)
    raise ArithmeticError(  # no float inputs are known to come this close without a tie
        f"log(R/delta) / log(1 + lr*eps) is within 1e-60 of {nearest} but cannot equal it"
    )


#: Above this count, $R/\delta = (1 + \eta\varepsilon)^n$ is impossible for floats (`_exact_escape`).
_EXACT_POWERS = 2097


def _exact_escape(eps: float, lr: float, delta: float, radius: float, n: int) -> int:
    r"""Return $n$ if $\delta(1 + \eta\varepsilon)^n \ge R$ in exact rationals, else $n + 1$.

    Called with $n$ an integer the quotient of logarithms cannot be told apart from. An exact
    tie $(1 + \eta\varepsilon)^n = R/\delta$ needs $n \le 2097$. Write
    $1 + \eta\varepsilon = N 2^j$ with $N$ odd: if $N \ge 3$, $N^n$ is the odd part of the
    numerator of $R/\delta$, below $2^{53}$, so $n \le 33$; if $N = 1$, $R/\delta = 2^{jn}$ with
    $j \ge 1$ and $jn \le 1023 + 1074$.
    """
    base = 1 + Fraction(lr) * Fraction(eps)
    return n if Fraction(delta) * base**n >= Fraction(radius) else n + 1


def escape_distances(
    eps: float, lr: float = 0.5, delta: float = 1e-3, radius: float = 1.0, max_steps: int = 100_000
) -> Array:
    r"""Return $|y_0|, \dots, |y_k|$ for gradient descent near a saddle, until the first $|y_k| \ge R$.

    Gradient descent runs on $f(x, y) = \tfrac12(x^2 - \varepsilon y^2)$ from $(1, \delta)$.
    The $y$ coordinate obeys $y_{k+1} = (1 + \eta\varepsilon) y_k$, so in exact arithmetic $k$
    is `escape_time_formula`, about $\ln(R/\delta)/(\eta\varepsilon)$ for small $\varepsilon$.
    The run rounds every step, and where the exact count is close to an integer it can take
    one step more (the function runs one step beyond the formula's count, and raises
    `ValueError` if even that does not escape).

    Examples
    --------
    >>> d = escape_distances(0.1)
    >>> len(d) - 1, float(d[0]), bool(d[-1] >= 1.0 > d[-2])
    (142, 0.001, True)
    """
    guess = escape_time_formula(eps, lr, delta, radius)
    if guess > max_steps:
        raise ValueError(f"escape needs {guess} steps, more than max_steps={max_steps}")
    traj = gradient_descent(lambda v: v * np.array([1.0, -eps]), [1.0, delta], lr, guess + 1)
    hit = np.flatnonzero(np.abs(traj[:, 1]) >= radius)
    if not hit.size:  # the rounded run lags the exact count (only for very small eps * lr)
        raise ValueError(f"the run did not escape within {guess + 1} steps, the formula's count plus one")
    return np.abs(traj[: hit[0] + 1, 1])


def escape_time(
    eps: float, lr: float = 0.5, delta: float = 1e-3, radius: float = 1.0, max_steps: int = 100_000
) -> int:
    r"""Return the first $k$ with $|y_k| \ge R$ for gradient descent near a saddle (`escape_distances`).

    Examples
    --------
    >>> escape_time(0.1), escape_time(0.01)
    (142, 1386)
    """
    return len(escape_distances(eps, lr, delta, radius, max_steps)) - 1


def double_well_saddle() -> tuple[
    Callable[[Array], float], Callable[[Array], Array], Callable[[Array], Array]
]:
    r"""Return $(f, \nabla f, \nabla^2 f)$ for $f(x, y) = x^2/2 - y^2/2 + y^4/4$.

    A saddle at the origin (Hessian $\mathrm{diag}(1, -1)$) between two minima $(0, \pm 1)$
    (Hessian $\mathrm{diag}(1, 2)$).

    Examples
    --------
    >>> f, g, h = double_well_saddle()
    >>> f(np.array([0.0, 1.0])) == -0.25, g(np.array([0.0, 1.0])).tolist(), np.diag(h(np.zeros(2))).tolist()
    (True, [0.0, 0.0], [1.0, -1.0])
    """

    def f(v: Array) -> float:
        return float(v[0] ** 2 / 2 - v[1] ** 2 / 2 + v[1] ** 4 / 4)

    def grad(v: Array) -> Array:
        return np.array([v[0], v[1] ** 3 - v[1]])

    def hess(v: Array) -> Array:
        return np.diag([1.0, 3 * v[1] ** 2 - 1.0])

    return f, grad, hess
