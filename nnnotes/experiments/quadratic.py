r"""Gradient descent and Newton's method on quadratics: the runs behind 6.5's tables.

Examples
--------
>>> [(r.method, r.lr, r.steps) for r in newton_vs_gradient_descent(kappas=(1.0,))]
[('GD', 0.1, 179), ('GD', 1.0, 1), ('GD (best fixed)', 1.0, 1), ('Newton', None, 1)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.optim import gradient_descent, newton
from nnnotes.quadratic import Quadratic, steps_to_tolerance

__all__ = [
    "Paths",
    "StepsToTolerance",
    "ThresholdRun",
    "newton_vs_gradient_descent",
    "quadratic_paths",
    "step_count_growth",
    "threshold_runs",
]


@dataclass(frozen=True)
class StepsToTolerance:
    r"""Steps one method needs to reach $\|\nabla f\| \le$ tol on $A = \mathrm{diag}(1, 1/\kappa)$.

    Attributes
    ----------
    kappa : float
        Condition number.
    method : str
        ``"GD"``, ``"GD (best fixed)"`` or ``"Newton"``.
    lr : float or None
        Learning rate of gradient descent (rounded to 6 decimals); None for Newton.
    steps : int or None
        Steps to the tolerance; None if not reached within ``max_steps``.
    max_steps : int
        The budget of the run.
    """

    kappa: float
    method: str
    lr: float | None
    steps: int | None
    max_steps: int

    def cells(self) -> tuple[object, ...]:
        """Return the table row: kappa, method, learning rate (``—`` for Newton), steps (or ``> max``)."""
        return (
            self.kappa,
            self.method,
            "—" if self.lr is None else self.lr,
            f"> {self.max_steps}" if self.steps is None else self.steps,
        )


def newton_vs_gradient_descent(
    kappas: tuple[float, ...] = (1.0, 10.0, 100.0, 1000.0),
    tol: float = 1e-8,
    max_steps: int = 20_000,
) -> list[StepsToTolerance]:
    r"""Return the steps to $\|\nabla f\| \le$ ``tol`` of gradient descent and Newton, per $\kappa$.

    The problem is $A = \mathrm{diag}(1, 1/\kappa)$, $b = (1, 1)$, so $x^* = (1, \kappa)$, started
    from $x_0 = 0$. Gradient descent runs at $\eta = 0.1$, at $\eta = 1 = 1/\lambda_{\max}$ and at
    the best fixed rate $2/(\lambda_{\min}+\lambda_{\max})$; Newton's method needs one step whatever
    $\kappa$.

    Examples
    --------
    >>> [r.cells()[1:] for r in newton_vs_gradient_descent(kappas=(1.0,), tol=1e-8)]
    [('GD', 0.1, 179), ('GD', 1.0, 1), ('GD (best fixed)', 1.0, 1), ('Newton', '—', 1)]
    """
    out: list[StepsToTolerance] = []
    for kappa in kappas:
        q = Quadratic(np.diag([1.0, 1.0 / kappa]), [1.0, 1.0])
        x0 = np.zeros(2)
        for label, lr in [("GD", 0.1), ("GD", 1.0), ("GD (best fixed)", q.best_lr())]:
            traj = gradient_descent(q.grad, x0, lr, max_steps, tol=tol)
            out.append(
                StepsToTolerance(kappa, label, round(lr, 6), steps_to_tolerance(traj, q, tol), max_steps)
            )
        traj = newton(q.grad, q.hess, x0, 10, tol=tol)
        out.append(StepsToTolerance(kappa, "Newton", None, steps_to_tolerance(traj, q, tol), 10))
    return out


def step_count_growth(runs: Sequence[StepsToTolerance]) -> list[float]:
    r"""Return, for each rate of gradient descent, its step count at one $\kappa$ over that at the one before.

    The rows of `newton_vs_gradient_descent` are grouped by rate: a fixed rate by its value, the
    best fixed rate (which changes with $\kappa$) as one. A pair is skipped when a count is missing
    (the budget ran out) or the first is a single step.

    Examples
    --------
    >>> [round(g, 2) for g in step_count_growth(newton_vs_gradient_descent(kappas=(10.0, 100.0)))]
    [10.04, 10.47, 9.99]
    """
    by_rate: dict[tuple[str, float | None], list[int | None]] = {}
    for r in runs:
        if r.method != "Newton":
            by_rate.setdefault((r.method, r.lr if r.method == "GD" else None), []).append(r.steps)
    return [
        b / a
        for counts in by_rate.values()
        for a, b in zip(counts, counts[1:], strict=False)
        if a is not None and b is not None and a > 1
    ]


@dataclass(frozen=True)
class ThresholdRun:
    r"""Gradient descent on $f = \lambda x^2/2$ from $x_0 = 1$ at $\eta = \text{factor} \times 2/\lambda$.

    Attributes
    ----------
    factor : float
        The learning rate as a multiple of the threshold $2/\lambda$.
    lr : float
        $\eta$.
    contraction : float
        $|1 - \eta\lambda|$, the factor by which $|x|$ changes per step.
    distances : numpy.ndarray, shape (steps + 1,)
        $|x_k|$ for $k = 0, \dots,$ steps.
    """

    factor: float
    lr: float
    contraction: float
    distances: NDArray[np.float64]

    @property
    def last(self) -> float:
        """$|x_k|$ after the last step."""
        return float(self.distances[-1])

    def cells(self) -> tuple[float, float, float, float]:
        """Return the table row: factor, learning rate, contraction, last distance."""
        return (self.factor, self.lr, self.contraction, self.last)


def threshold_runs(
    lam: float = 4.0, factors: tuple[float, ...] = (0.9, 0.99, 1.0, 1.01, 1.1), steps: int = 200
) -> list[ThresholdRun]:
    r"""Run gradient descent on $f = \lambda x^2/2$ just below, at and just above $\eta = 2/\lambda$.

    Each run uses $\eta = \text{factor}\times 2/\lambda$; $|x_k| = |1 - \eta\lambda|^k$.

    Examples
    --------
    >>> [r.factor for r in threshold_runs() if r.last < 1], [r.factor for r in threshold_runs() if r.last > 1]
    ([0.9, 0.99], [1.01, 1.1])
    """
    out: list[ThresholdRun] = []
    for fac in factors:
        lr = fac * 2.0 / lam
        traj = gradient_descent(lambda x: lam * x, [1.0], lr, steps)
        out.append(ThresholdRun(fac, lr, abs(1.0 - lr * lam), np.abs(traj[:, 0])))
    return out


@dataclass(frozen=True)
class Paths:
    r"""Gradient descent and Newton on $\tfrac12 x^\top \mathrm{diag}(1, 1/\kappa) x$, one start per $\kappa$.

    The minimum is the origin; $x_1$ is the steep coordinate (eigenvalue 1), $x_2$ the flat one
    (eigenvalue $1/\kappa$). The start is $(-2, 2\sqrt\kappa)$.

    Attributes
    ----------
    kappa : float
        Condition number.
    best_lr : float
        The best fixed rate $2/(1 + 1/\kappa)$.
    unit : numpy.ndarray, shape (steps + 1, 2)
        Gradient descent at $\eta = 1$.
    best : numpy.ndarray, shape (steps + 1, 2)
        Gradient descent at ``best_lr``.
    newton : numpy.ndarray, shape (2, 2)
        One step of Newton's method.
    """

    kappa: float
    best_lr: float
    unit: NDArray[np.float64]
    best: NDArray[np.float64]
    newton: NDArray[np.float64]

    def left(self, path: NDArray[np.float64], coordinate: int) -> float:
        """Return the share of its start's distance to the minimum a coordinate still has at the end."""
        return float(abs(path[-1, coordinate]) / abs(path[0, coordinate]))

    def sign_changes(self, path: NDArray[np.float64]) -> int:
        """Return how many steps of ``path`` change the sign of the steep coordinate."""
        return int(np.count_nonzero(path[1:, 0] * path[:-1, 0] < 0))

    def zigzags(self, path: NDArray[np.float64]) -> bool:
        """Return whether the steep coordinate changes sign at every step of ``path``."""
        return self.sign_changes(path) == len(path) - 1


def quadratic_paths(kappas: tuple[float, ...] = (1.0, 10.0, 100.0), steps: int = 60) -> list[Paths]:
    r"""Return the paths drawn on 6.5's contour plots: ``steps`` steps of gradient descent, one of Newton.

    The start $(-2, 2\sqrt\kappa)$ lies on the same level set for every $\kappa$, so each panel
    shows the same picture, stretched.

    Examples
    --------
    >>> p = quadratic_paths(kappas=(10.0,), steps=3)[0]
    >>> print(p.unit[:, 0], p.zigzags(p.best), p.zigzags(p.unit))
    [-2.  0.  0.  0.] True False
    """
    out: list[Paths] = []
    for kappa in kappas:
        q = Quadratic(np.diag([1.0, 1.0 / kappa]), [0.0, 0.0])
        x0 = np.array([-2.0, 2.0 * np.sqrt(kappa)])
        best = q.best_lr()
        out.append(
            Paths(
                kappa,
                best,
                gradient_descent(q.grad, x0, 1.0, steps),
                gradient_descent(q.grad, x0, best, steps),
                newton(q.grad, q.hess, x0, 1),
            )
        )
    return out
