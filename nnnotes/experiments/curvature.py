r"""The computations behind the curvature tables and figures of 6.5 and 6.7.

* `tanh_regression_problem`: the small tanh network on which Hessian-vector products are checked.
* `hessian_cost`, `hardware_fits`: memory and time to form and factorise a Hessian, from $10^3$ to
  $10^{11}$ parameters, and the largest Hessian that stated hardware holds.
* `escape_times`: escape times near a saddle against the closed form, and the mirror image at a
  minimum.
* `saddle_runs`: gradient descent, Newton and saddle-free Newton near a saddle, and the step at
  which a run's $y$ first passes a level (`SaddleRuns.climb`).

Examples
--------
>>> theta, X, y, hidden = tanh_regression_problem()
>>> theta.size, X.shape, hidden
(13, (20, 2), 3)
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes import tanhnet
from nnnotes.arrays import positive_int
from nnnotes.curvature import (
    double_well_saddle,
    escape_distances,
    escape_time,
    escape_time_formula,
    largest_hessian_n,
)
from nnnotes.optim import gradient_descent, newton, saddle_free_newton

__all__ = [
    "HARDWARE",
    "EscapePath",
    "Climb",
    "EscapeTime",
    "HardwareFit",
    "HessianCost",
    "SaddleRuns",
    "escape_paths",
    "escape_times",
    "hardware_fits",
    "hessian_cost",
    "saddle_runs",
    "tanh_regression_problem",
]

Array = NDArray[np.float64]


def tanh_regression_problem(hidden: int = 3, n: int = 20, seed: int = 0) -> tuple[Array, Array, Array, int]:
    r"""Return a tiny regression task and random parameters of a 2-input tanh network.

    Returns ``(theta, X, y, hidden)``: $X$ uniform on $[-2, 2]^2$, $y = \sin x_1 \cos x_2$, and
    $\theta \sim N(0, 1)$ of size $2M + 2M + 1$.
    """
    hidden = positive_int(hidden, "hidden")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    theta = rng.normal(size=tanhnet.n_params(2, hidden))
    return theta, X, y, hidden


def _bytes(n: float) -> str:
    units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    k = min(int(math.log10(n) // 3), len(units) - 1) if n >= 1 else 0
    return f"{n / 10 ** (3 * k):.3g} {units[k]}"


def _duration(s: float) -> str:
    for unit, size in [("years", 3.156e7), ("days", 86400.0), ("h", 3600.0), ("min", 60.0)]:
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.3g} s"


@dataclass(frozen=True)
class HessianCost:
    r"""What Newton's method costs for a model of $n = 10^e$ parameters, formatted for the table.

    Attributes
    ----------
    n, entries : str
        $n$ and $n^2$, in TeX.
    memory : str
        $8n^2$ bytes (float64), with a unit.
    flops : float
        $\tfrac23 n^3$, the operations of an LU factorisation.
    time : str
        ``flops`` at the assumed throughput, with a unit.
    hvp_memory : str
        Memory of a Hessian-vector product, $4 \times 8n$ bytes.
    """

    n: str
    entries: str
    memory: str
    flops: float
    time: str
    hvp_memory: str

    def cells(self) -> tuple[object, ...]:
        """Return the table row: the fields in order."""
        return astuple(self)


def hessian_cost(
    exponents: tuple[int, ...] = tuple(range(3, 12)), flops_per_second: float = 1e14
) -> list[HessianCost]:
    r"""Return the cost of Newton's method per model size $n = 10^e$, one `HessianCost` each.

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
    >>> c = hessian_cost((3,))[0]
    >>> c.n, c.entries, c.memory, f"{c.flops:.3g}", c.time, c.hvp_memory
    ('$10^{3}$', '$10^{6}$', '8 MB', '6.67e+08', '6.67e-06 s', '32 kB')
    """
    out: list[HessianCost] = []
    for e in exponents:
        n = 10**e
        flops = 2 * n**3 / 3
        out.append(
            HessianCost(
                n=f"$10^{{{e}}}$",
                entries=f"$10^{{{2 * e}}}$",
                memory=_bytes(8 * n**2),
                flops=flops,
                time=_duration(flops / flops_per_second),
                hvp_memory=_bytes(32 * n),
            )
        )
    return out


#: Memory of stated hardware, in bytes, with the source of each figure (vendor specifications).
HARDWARE: dict[str, tuple[int, str]] = {
    "one accelerator": (80 * 10**9, "NVIDIA H100 SXM: 80 GB of HBM3"),
    "a large shared-memory server": (48 * 10**12, "HPE Superdome Flex, 32 sockets: up to 48 TB"),
}


@dataclass(frozen=True)
class HardwareFit:
    """The largest float64 Hessian that a stated piece of hardware holds.

    Attributes
    ----------
    source : str
        The hardware, named by its source (vendor specification).
    memory_bytes : int
        Its memory.
    memory : str
        The same, with a unit.
    largest_n : int
        The largest $n$ with $8n^2$ bytes at most ``memory_bytes``.
    """

    source: str
    memory_bytes: int
    memory: str
    largest_n: int

    def cells(self) -> tuple[str, str, str]:
        """Return the table row: source, memory, largest n with thousands separators."""
        return (self.source, self.memory, f"{self.largest_n:,}")


def hardware_fits() -> list[HardwareFit]:
    """Return, for each entry of `HARDWARE`, the largest n whose float64 Hessian fits.

    Examples
    --------
    >>> fit = hardware_fits()[0]
    >>> fit.memory, fit.cells()[2]
    ('80 GB', '100,000')
    """
    return [HardwareFit(src, mem, _bytes(mem), largest_hessian_n(mem)) for mem, src in HARDWARE.values()]


@dataclass(frozen=True)
class EscapeTime:
    r"""Steps to leave a saddle of curvature $-\varepsilon$, and to converge at $+\varepsilon$.

    Attributes
    ----------
    eps : float
        $\varepsilon$.
    run : int
        Steps to escape, by running gradient descent (`nnnotes.curvature.escape_time`).
    formula : int
        The first $k$ with $\delta(1+\eta\varepsilon)^k \ge R$.
    estimate : float
        $\ln(R/\delta)/(\eta\varepsilon)$.
    converge : int
        Steps for the distance along a direction of curvature $+\varepsilon$ to shrink from $R$
        to $\delta$: the first $k$ with $R(1 - \eta\varepsilon)^k \le \delta$.
    """

    eps: float
    run: int
    formula: int
    estimate: float
    converge: int

    def cells(self) -> tuple[object, ...]:
        """Return the table row: the fields in order."""
        return astuple(self)


def escape_times(
    eps_values: tuple[float, ...] = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001),
    lr: float = 0.5,
    delta: float = 1e-3,
    radius: float = 1.0,
) -> list[EscapeTime]:
    r"""Return escape times near a saddle and convergence times near a minimum, one per $\varepsilon$.

    Both grow like $1/\varepsilon$.

    Examples
    --------
    >>> escape_times((0.1,))
    [EscapeTime(eps=0.1, run=142, formula=142, estimate=138.15510557964274, converge=135)]
    """
    return [
        EscapeTime(
            eps=eps,
            run=escape_time(eps, lr, delta, radius),
            formula=escape_time_formula(eps, lr, delta, radius),
            estimate=math.log(radius / delta) / (lr * eps),
            converge=math.ceil(math.log(delta / radius) / math.log1p(-lr * eps)),
        )
        for eps in eps_values
    ]


@dataclass(frozen=True)
class EscapePath:
    r"""$|y_k|$ for gradient descent from $(1, \delta)$ on $\tfrac12(x^2 - \varepsilon y^2)$ until it escapes.

    Attributes
    ----------
    eps : float
        $\varepsilon$.
    distances : ndarray, shape (k + 1,)
        $|y_0| = \delta, \dots, |y_k| \ge R$, $k$ the escape step (`nnnotes.curvature.escape_distances`).
    """

    eps: float
    distances: Array


def escape_paths(
    eps_values: tuple[float, ...] = (0.1, 0.01, 0.001),
    lr: float = 0.5,
    delta: float = 1e-3,
    radius: float = 1.0,
) -> list[EscapePath]:
    r"""Return the run behind each escape time of `escape_times`, for a few $\varepsilon$: $|y_k|$ per step.

    Examples
    --------
    >>> [(p.eps, len(p.distances) - 1) for p in escape_paths((0.1,))]
    [(0.1, 142)]
    """
    return [EscapePath(eps, escape_distances(eps, lr, delta, radius)) for eps in eps_values]


@dataclass(frozen=True)
class Climb:
    """How a run's $y$ first passes a level: the step, the values, and whether it rose all the way.

    Attributes
    ----------
    level : float
        The level of $y$ to pass (strictly above it).
    step : int or None
        The first step whose $y$ is above ``level`` (0 for the start); None if no step is.
    start : float
        $y$ at the start.
    reached : float or None
        $y$ at `step`; None if no step passes ``level``.
    rising : bool
        True when $y$ grew strictly at every step from the start to `step`; False if no step passes.
    """

    level: float
    step: int | None
    start: float
    reached: float | None
    rising: bool


@dataclass(frozen=True)
class SaddleRuns:
    """Trajectories of three methods near the saddle of `nnnotes.curvature.double_well_saddle`.

    Attributes
    ----------
    gradient_descent, newton, saddle_free_newton : ndarray, shape (steps + 1, 2)
        The iterates of each method, the start included.
    """

    gradient_descent: Array
    newton: Array
    saddle_free_newton: Array

    #: The methods as the figure labels them, with their fields.
    LABELS = {
        "gradient_descent": "gradient descent",
        "newton": "Newton",
        "saddle_free_newton": "saddle-free Newton",
    }

    def climb(self, method: str = "saddle_free_newton", level: float = 1.0) -> Climb:
        r"""Find the first step at which ``method``'s $y$ (second coordinate) is above ``level``.

        Parameters
        ----------
        method : str
            One of `LABELS`' keys.
        level : float
            The level to pass; the minima of the double well are at $y = \pm 1$.

        Raises
        ------
        ValueError
            If ``method`` is not a field of `SaddleRuns`, or ``level`` is not finite.

        Examples
        --------
        From the saddle's neighbourhood, saddle-free Newton climbs straight past the minimum's
        $y = 1$ before it settles; gradient descent has not reached it after 40 steps:

        >>> runs = saddle_runs()
        >>> c = runs.climb()
        >>> c.step, c.rising, round(c.reached, 2)
        (4, True, 1.18)
        >>> runs.climb("gradient_descent").step is None
        True
        """
        if method not in self.LABELS:
            raise ValueError(f"method must be one of {sorted(self.LABELS)}, got {method!r}")
        if not math.isfinite(level):
            raise ValueError(f"level must be a finite number, got {level!r}")
        ys = getattr(self, method)[:, 1]
        above = np.flatnonzero(ys > level)
        if above.size == 0:
            return Climb(level, None, float(ys[0]), None, False)
        step = int(above[0])
        rising = bool(np.all(np.diff(ys[: step + 1]) > 0))
        return Climb(level, step, float(ys[0]), float(ys[step]), rising)


def saddle_runs(
    x0: tuple[float, float] = (0.8, 0.05), lr: float = 0.1, gd_steps: int = 40, newton_steps: int = 10
) -> SaddleRuns:
    """Run gradient descent, Newton and saddle-free Newton on `nnnotes.curvature.double_well_saddle`.

    Examples
    --------
    >>> runs = saddle_runs()
    >>> [np.round(getattr(runs, f)[-1], 6).tolist() for f in SaddleRuns.LABELS]
    [[0.011825, 0.934173], [0.0, 0.0], [0.0, 1.0]]
    """
    _, grad, hess = double_well_saddle()
    return SaddleRuns(
        gradient_descent=gradient_descent(grad, x0, lr, gd_steps),
        newton=newton(grad, hess, x0, newton_steps),
        saddle_free_newton=saddle_free_newton(grad, hess, x0, newton_steps),
    )
