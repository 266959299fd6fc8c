r"""Curvature of a loss: Hessian-vector products, the cost of the Hessian, escaping saddles.

* `hessian_vector_product`: $H(\theta)v$ for a small tanh network, by Pearlmutter's R-operator, at
  the cost of about two gradients and $O(n)$ memory, never forming the $n\times n$ Hessian;
  `finite_difference_hessian` builds the explicit Hessian independently, for checking.
* `hessian_cost_rows`: memory and time to form and invert the Hessian, from $10^3$ to $10^{11}$
  parameters.
* `escape_time`: steps gradient descent needs to leave a saddle whose negative eigenvalue is
  $-\varepsilon$; it grows like $1/\varepsilon$.

Examples
--------
>>> theta, X, y, hidden = tanh_regression_problem()
>>> theta.size, X.shape, hidden
(13, (20, 2), 3)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes import _tanhnet
from nnnotes.optim import gradient_descent, newton, saddle_free_newton

__all__ = [
    "double_well_saddle",
    "escape_rows",
    "escape_time",
    "escape_time_formula",
    "finite_difference_hessian",
    "HARDWARE",
    "hessian_cost_rows",
    "hardware_rows",
    "hessian_fits",
    "largest_hessian_n",
    "hessian_vector_product",
    "saddle_runs",
    "tanh_loss",
    "tanh_loss_gradient",
    "tanh_regression_problem",
]

Array = NDArray[np.float64]


def tanh_regression_problem(hidden: int = 3, n: int = 20, seed: int = 0) -> tuple[Array, Array, Array, int]:
    r"""Return a tiny regression task and random parameters of a 2-input tanh network.

    Returns ``(theta, X, y, hidden)``: $X$ uniform on $[-2, 2]^2$, $y = \sin x_1 \cos x_2$, and
    $\theta \sim N(0, 1)$ of size $2M + 2M + 1$.
    """
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
        raise ValueError(f"hidden must be a positive integer, got {hidden!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    theta = rng.normal(size=_tanhnet.n_params(2, hidden))
    return theta, X, y, hidden


def _args(theta: ArrayLike, X: ArrayLike, y: ArrayLike, hidden: int) -> tuple[Array, Array, Array]:
    theta = np.asarray(theta, dtype=np.float64)
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (N, D) and y (N,), got {X.shape} and {y.shape}")
    if theta.shape != (_tanhnet.n_params(X.shape[1], hidden),):
        raise ValueError(
            f"theta must have shape ({_tanhnet.n_params(X.shape[1], hidden)},), got {theta.shape}"
        )
    return theta, X, y


def tanh_loss(theta: ArrayLike, X: ArrayLike, y: ArrayLike, hidden: int) -> float:
    r"""$L(\theta) = \frac{1}{2N}\sum_n (v^\top\tanh(Wx_n + b) + c - y_n)^2$.

    Examples
    --------
    >>> tanh_loss([0.0, 0.0, 0.0, 0.0, 0.5], [[1.0, 2.0]], [1.5], hidden=1)
    0.5
    """
    theta, X, y = _args(theta, X, y, hidden)
    return _tanhnet.loss(theta, X, y, hidden)


def tanh_loss_gradient(theta: ArrayLike, X: ArrayLike, y: ArrayLike, hidden: int) -> Array:
    """Gradient of `tanh_loss` with respect to the flat parameters, by backpropagation.

    Examples
    --------
    >>> tanh_loss_gradient([0.0, 0.0, 0.0, 0.0, 0.5], [[1.0, 2.0]], [1.5], hidden=1).tolist()
    [0.0, 0.0, 0.0, 0.0, -1.0]
    """
    theta, X, y = _args(theta, X, y, hidden)
    return _tanhnet.grad(theta, X, y, hidden)


def hessian_vector_product(theta: ArrayLike, X: ArrayLike, y: ArrayLike, hidden: int, v: ArrayLike) -> Array:
    r"""Return $H(\theta)v$ for the loss `tanh_loss`, without forming $H$.

    Parameters
    ----------
    theta, X, y, hidden
        As in `tanh_loss`.
    v : array_like, shape (n,) or (k, n)
        One direction, or k directions (rows); the result has the same shape.

    Notes
    -----
    Pearlmutter (1994): apply $\mathcal{R}_v\{\cdot\} = \frac{d}{dr}(\cdot)(\theta + rv)|_{r=0}$ to
    every quantity of the forward and backward passes. $\mathcal{R}_v\{\nabla L\} = Hv$ exactly,
    at the cost of about two gradient evaluations and $O(n)$ memory.

    Examples
    --------
    The Hessian of this loss with respect to the output bias $c$ is 1 (its second derivative):

    >>> theta, X, y, hidden = tanh_regression_problem()
    >>> e_c = np.zeros(theta.size); e_c[-1] = 1.0
    >>> float(hessian_vector_product(theta, X, y, hidden, e_c)[-1])
    1.0
    """
    theta, X, y = _args(theta, X, y, hidden)
    v = np.asarray(v, dtype=np.float64)
    if v.shape[-1:] != theta.shape or v.ndim > 2:
        raise ValueError(f"v must have shape ({theta.size},) or (k, {theta.size}), got {v.shape}")
    return _tanhnet.hvp(theta, X, y, hidden, v)


def finite_difference_hessian(grad: Callable[[Array], ArrayLike], theta: ArrayLike, h: float = 1e-5) -> Array:
    r"""Explicit Hessian by central differences of the gradient, $(g(\theta + he_i) - g(\theta - he_i))/2h$.

    The error is $O(h^2)$ plus rounding of order $\epsilon_{\text{mach}}/h$; the result is
    symmetrised.

    Examples
    --------
    >>> H = finite_difference_hessian(lambda t: np.array([2 * t[0] + t[1], t[0]]), [1.0, 1.0])
    >>> H.round(8).tolist()
    [[2.0, 1.0], [1.0, 0.0]]
    """
    theta = np.asarray(theta, dtype=np.float64)
    if not (h > 0):
        raise ValueError(f"h must be > 0, got {h!r}")
    E = np.eye(theta.size) * h
    H = np.array([(np.asarray(grad(theta + e)) - np.asarray(grad(theta - e))) / (2 * h) for e in E])
    return (H + H.T) / 2


def _bytes(n: float) -> str:
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    k = min(int(math.log10(n) // 3), len(units) - 1) if n >= 1 else 0
    return f"{n / 10 ** (3 * k):.3g} {units[k]}"


def _duration(s: float) -> str:
    for unit, size in [("years", 3.156e7), ("days", 86400.0), ("h", 3600.0), ("min", 60.0)]:
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.3g} s"


def hessian_cost_rows(
    exponents: tuple[int, ...] = tuple(range(3, 12)), flops_per_second: float = 1e14
) -> list[list[object]]:
    r"""Return the cost of Newton's method per model size $n$, as table rows.

    Each row: $n$, entries $n^2$, float64 memory, flops to factorise $\tfrac23 n^3$, time, and the
    memory of a Hessian-vector product.

    Parameters
    ----------
    exponents : tuple of int
        Model sizes $n = 10^e$.
    flops_per_second : float
        Assumed sustained float64 throughput (default $10^{14}$, optimistic for one accelerator).

    Notes
    -----
    Storing $H$ takes $8n^2$ bytes; an LU factorisation (the way to solve $Hx = g$) takes about
    $\tfrac23 n^3$ floating-point operations. A Hessian-vector product needs a few vectors of
    length $n$: we count $4 \times 8n$ bytes (parameters, direction, gradient, result).

    Examples
    --------
    >>> row = hessian_cost_rows((3,))[0]
    >>> row[:3], f"{row[3]:.3g}", row[4:]
    (['$10^{3}$', '$10^{6}$', '8 MB'], '6.67e+08', ['6.67e-06 s', '32 kB'])
    """
    rows: list[list[object]] = []
    for e in exponents:
        n = 10**e
        flops = 2 * n**3 / 3
        rows.append(
            [
                f"$10^{{{e}}}$",
                f"$10^{{{2 * e}}}$",
                _bytes(8 * n**2),
                flops,
                _duration(flops / flops_per_second),
                _bytes(32 * n),
            ]
        )
    return rows


#: Memory of stated hardware, in bytes, with the source of each figure (vendor specifications).
HARDWARE: dict[str, tuple[int, str]] = {
    "one accelerator": (80 * 10**9, "NVIDIA H100 SXM: 80 GB of HBM3"),
    "a large shared-memory server": (48 * 10**12, "HPE Superdome Flex, 32 sockets: up to 48 TB"),
}


def largest_hessian_n(memory_bytes: int) -> int:
    r"""Return the largest $n$ whose float64 Hessian ($8n^2$ bytes) fits in ``memory_bytes``.

    Exact integer arithmetic (`math.isqrt`).

    Examples
    --------
    >>> largest_hessian_n(80 * 10**9)   # 8 n^2 <= 8e10 exactly at n = 1e5
    100000
    """
    if isinstance(memory_bytes, bool) or not isinstance(memory_bytes, int) or memory_bytes < 8:
        raise ValueError(f"memory_bytes must be an int >= 8, got {memory_bytes!r}")
    return math.isqrt(memory_bytes // 8)


def hessian_fits(n: int, memory_bytes: int) -> bool:
    r"""Whether the float64 Hessian of $n$ parameters ($8n^2$ bytes) fits in ``memory_bytes``.

    Examples
    --------
    >>> hessian_fits(10**6, HARDWARE["one accelerator"][0]), hessian_fits(10**6, 48 * 10**12)
    (False, True)
    """
    return 8 * n * n <= memory_bytes


def hardware_rows() -> list[list[str]]:
    """Rows (hardware, memory, largest n whose float64 Hessian fits) for `HARDWARE`.

    The hardware is named by its source (vendor specification).

    Examples
    --------
    >>> hardware_rows()[0][1], hardware_rows()[0][2]
    ('80 GB', '100,000')
    """
    return [[src, _bytes(mem), f"{largest_hessian_n(mem):,}"] for mem, src in HARDWARE.values()]


def escape_time_formula(eps: float, lr: float, delta: float, radius: float) -> int:
    r"""Smallest $k$ with $\delta(1 + \eta\varepsilon)^k \ge R$: steps to leave the saddle.

    Examples
    --------
    >>> escape_time_formula(0.1, 0.5, 1e-3, 1.0)
    142
    """
    if not (eps > 0 and lr > 0 and 0 < delta < radius):
        raise ValueError("need eps > 0, lr > 0 and 0 < delta < radius")
    k = math.ceil(math.log(radius / delta) / math.log1p(lr * eps))
    # guard the rounding of the logarithms: step back or forward to the exact first k
    while k > 0 and delta * (1 + lr * eps) ** (k - 1) >= radius:
        k -= 1
    while delta * (1 + lr * eps) ** k < radius:
        k += 1
    return k


def escape_time(
    eps: float, lr: float = 0.5, delta: float = 1e-3, radius: float = 1.0, max_steps: int = 100_000
) -> int:
    r"""Return the first $k$ with $|y_k| \ge R$ for gradient descent near a saddle.

    Gradient descent runs on $f(x, y) = \tfrac12(x^2 - \varepsilon y^2)$ from $(1, \delta)$.

    The $y$ coordinate obeys $y_{k+1} = (1 + \eta\varepsilon) y_k$, so the answer is
    `escape_time_formula`, about $\ln(R/\delta)/(\eta\varepsilon)$ for small $\varepsilon$.

    Examples
    --------
    >>> escape_time(0.1), escape_time(0.01)
    (142, 1386)
    """
    if not (eps > 0):
        raise ValueError(f"eps must be > 0, got {eps!r}")
    guess = escape_time_formula(eps, lr, delta, radius)
    if guess > max_steps:
        raise ValueError(f"escape needs {guess} steps, more than max_steps={max_steps}")
    traj = gradient_descent(lambda v: v * np.array([1.0, -eps]), [1.0, delta], lr, guess + 1)
    hit = np.flatnonzero(np.abs(traj[:, 1]) >= radius)
    return int(hit[0])


def escape_rows(
    eps_values: tuple[float, ...] = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001),
    lr: float = 0.5,
    delta: float = 1e-3,
    radius: float = 1.0,
) -> list[list[object]]:
    r"""Return escape times near a saddle and convergence times near a minimum, as rows.

    Each row: $\varepsilon$, steps to escape (run), the formula, $\ln(R/\delta)/(\eta\varepsilon)$,
    steps to converge at $+\varepsilon$.

    The last column is the mirror image at a minimum with curvature $+\varepsilon$: steps for the
    distance along that direction to shrink from $R$ to $\delta$, the first $k$ with
    $R(1 - \eta\varepsilon)^k \le \delta$. Both grow like $1/\varepsilon$.

    Examples
    --------
    >>> escape_rows((0.1,))
    [[0.1, 142, 142, 138.15510557964274, 135]]
    """
    rows: list[list[object]] = []
    for eps in eps_values:
        run = escape_time(eps, lr, delta, radius)
        shrink = math.ceil(math.log(delta / radius) / math.log1p(-lr * eps))
        rows.append(
            [
                eps,
                run,
                escape_time_formula(eps, lr, delta, radius),
                math.log(radius / delta) / (lr * eps),
                shrink,
            ]
        )
    return rows


def double_well_saddle() -> tuple[
    Callable[[Array], float], Callable[[Array], Array], Callable[[Array], Array]
]:
    r"""Return $(f, \nabla f, \nabla^2 f)$ for $f(x, y) = x^2/2 - y^2/2 + y^4/4$.

    A saddle at the origin (Hessian $\mathrm{diag}(1, -1)$) between two minima $(0, \pm 1)$
    (Hessian $\mathrm{diag}(1, 2)$).

    Examples
    --------
    >>> f, g, h = double_well_saddle()
    >>> f(np.array([0.0, 1.0])), g(np.array([0.0, 1.0])).tolist(), np.diag(h(np.zeros(2))).tolist()
    (-0.25, [0.0, 0.0], [1.0, -1.0])
    """

    def f(v: Array) -> float:
        return float(v[0] ** 2 / 2 - v[1] ** 2 / 2 + v[1] ** 4 / 4)

    def grad(v: Array) -> Array:
        return np.array([v[0], v[1] ** 3 - v[1]])

    def hess(v: Array) -> Array:
        return np.diag([1.0, 3 * v[1] ** 2 - 1.0])

    return f, grad, hess


def saddle_runs(
    x0: tuple[float, float] = (0.8, 0.05), lr: float = 0.1, gd_steps: int = 40, newton_steps: int = 10
) -> dict[str, Array]:
    """Trajectories of gradient descent, Newton and saddle-free Newton on `double_well_saddle`.

    Examples
    --------
    >>> runs = saddle_runs()
    >>> {k: np.round(v[-1], 6).tolist() for k, v in runs.items()}
    {'gradient descent': [0.011825, 0.934173], 'Newton': [0.0, 0.0], 'saddle-free Newton': [0.0, 1.0]}
    """
    _, grad, hess = double_well_saddle()
    return {
        "gradient descent": gradient_descent(grad, x0, lr, gd_steps),
        "Newton": newton(grad, hess, x0, newton_steps),
        "saddle-free Newton": saddle_free_newton(grad, hess, x0, newton_steps),
    }
