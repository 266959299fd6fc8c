r"""When fixed-step gradient descent does and does not converge: one demonstration per failure.

The positive result (the *descent lemma*): if $f$ is bounded below by $f^*$ and $L$-smooth
($\|\nabla f(x) - \nabla f(y)\| \le L\|x - y\|$), gradient descent with $0 < \eta < 2/L$ satisfies
$f(x_{k+1}) \le f(x_k) - \eta(1 - L\eta/2)\|\nabla f(x_k)\|^2$, hence

$$\min_{k < K} \|\nabla f(x_k)\|^2 \le \frac{f(x_0) - f^*}{\eta(1 - L\eta/2)\,K} \to 0.$$

That is all it promises: the *gradient* goes to zero. The iterates need not converge, and if they
do, the limit may be a saddle point. Convergence to a minimiser needs more, e.g. convexity and the
existence of a minimiser. Each row of `failure_modes` breaks a hypothesis; two still converge to
a minimiser (a degenerate minimum, slowly; the double well, from off the saddle's attracting line).

Examples
--------
>>> [r.broken for r in failure_modes()][:4]
['no minimiser', 'gradient not Lipschitz', 'degenerate minimum', 'not differentiable']
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.arrays import positive_int, real_number
from nnnotes.curvature import double_well_saddle
from nnnotes.optim import DivergenceError, gradient_descent

__all__ = [
    "DecreasingStepRun",
    "DescentLemmaRun",
    "FailureMode",
    "QuarticLocalSmoothness",
    "decreasing_step_run",
    "descent_lemma_run",
    "failure_modes",
    "quartic_local_smoothness",
    "run_or_divergence",
]


@dataclass(frozen=True)
class QuarticLocalSmoothness:
    r"""Why gradient descent on $x^4/4$ from $x_0 > 0$ converges although $f''$ is unbounded.

    Exact arithmetic (sympy rationals) throughout.

    Attributes
    ----------
    x0, lr : sympy.Rational
        The start and the rate, as exact rationals.
    curvature_bound : sympy.Rational
        The largest value of the curvature $3x^2$ on $[-x_0, x_0]$, the sublevel set of $x_0$.
    stays : bool
        Whether $\eta x_0^2$ is below 1, so that each step $x \mapsto x(1 - \eta x^2)$ keeps $x$ in
        $(0, x_0]$.
    stable : bool
        Whether $\eta$ times ``curvature_bound`` is below 2: the step is short enough for that
        curvature.
    """

    x0: object
    lr: object
    curvature_bound: object
    stays: bool
    stable: bool


def quartic_local_smoothness(x0: float, lr: float) -> QuarticLocalSmoothness:
    r"""Return the exact curvature bound of $x^4/4$ on $[-x_0, x_0]$ and the two conditions on $\eta$.

    Examples
    --------
    >>> q = quartic_local_smoothness(1.0, 0.1)
    >>> q.curvature_bound, q.stays, q.stable
    (3, True, True)
    >>> quartic_local_smoothness(-1.0, 0.1)
    Traceback (most recent call last):
    ...
    ValueError: x0 must be a positive finite number, got -1.0
    """
    import sympy

    start = sympy.nsimplify(real_number(x0, "x0", positive=True))
    rate = sympy.nsimplify(real_number(lr, "lr", positive=True))
    x = sympy.Symbol("x", real=True)
    bound = sympy.maximum(sympy.diff(x**4 / 4, x, 2), x, sympy.Interval(-start, start))
    return QuarticLocalSmoothness(start, rate, bound, bool(rate * start**2 < 1), bool(rate * bound < 2))


def run_or_divergence(
    grad: object, x0: list[float], lr: float, steps: int
) -> tuple[NDArray[np.float64], int | None]:
    """Run `gradient_descent`; return ``(trajectory, None)``, or the finite part and the failing step.

    Examples
    --------
    >>> traj, bad = run_or_divergence(lambda x: x**3, [5.0], 0.1, 100)
    >>> bad, traj[:4, 0].tolist()
    (8, [5.0, -7.5, 34.6875, -4138.9910888671875])
    """
    try:
        return gradient_descent(grad, x0, lr, steps), None  # type: ignore[arg-type]
    except DivergenceError as err:
        return err.trajectory, err.step


@dataclass(frozen=True)
class FailureMode:
    r"""One run of fixed-step gradient descent on a function that breaks one hypothesis.

    Attributes
    ----------
    function : str
        The function, in TeX.
    broken : str
        The hypothesis it breaks.
    x0 : str
        The start.
    lr : float
        The learning rate.
    outcome : str
        ``"<k> steps"``, ``"2-cycle"`` or ``"overflow at step <k>"``.
    last : str
        The last finite iterate, to 6 significant digits.
    last_grad_norm : float
        $\lVert\nabla f\rVert$ there (``inf`` after an overflow).
    reading : str
        What the run shows.
    start, end : tuple of float
        The start and the last finite iterate as numbers (the table shows them as text).
    steps : int or None
        The number of steps of a run that ran its whole budget (the ``<k>`` of `outcome`); None
        for a run that ended in a 2-cycle or overflowed.

    Examples
    --------
    >>> rows = failure_modes()
    >>> rows[0].outcome, rows[0].steps, rows[1].steps
    ('10000 steps', 10000, None)
    """

    function: str
    broken: str
    x0: str
    lr: float
    outcome: str
    last: str
    last_grad_norm: float
    reading: str
    start: tuple[float, ...]
    end: tuple[float, ...]
    steps: int | None

    def cells(self) -> tuple[object, ...]:
        """Return the table row: the fields in order, up to ``reading``."""
        return astuple(self)[:-3]


def failure_modes() -> list[FailureMode]:
    r"""Return one `FailureMode` per broken hypothesis, all with a fixed learning rate.

    The cases, all with a fixed learning rate:

    * $e^x$: bounded below but no minimiser; the gradient tends to 0 while $x \to -\infty$.
    * $x^4/4$: gradient not Lipschitz; no fixed rate suits every start: from $|x_0| >
      \sqrt{2/\eta}$ the iterates blow up (overflow is caught), from a small start they converge,
      but only sublinearly, because the minimum is degenerate ($f''(0) = 0$).
    * $|x|$: not differentiable at the minimiser; a fixed step $\eta$ reaches 0 only by landing on
      it (a start that is a multiple of $\eta$, in exact arithmetic), and otherwise ends in a
      2-cycle around 0, as from the start of the table.
    * $x^2/2 - y^2/2 + y^4/4$: non-convex; from a start on the stable line $y = 0$ gradient descent
      converges to the saddle $(0, 0)$; a perturbation of $10^{-10}$ reaches the minimum $(0, 1)$.
    """
    rows: list[FailureMode] = []
    _, saddle_grad, _ = double_well_saddle()

    def add(name: str, why: str, grad: object, x0: list[float], lr: float, steps: int, means: str) -> None:
        traj, bad = run_or_divergence(grad, x0, lr, steps)
        last = traj[-1]
        ran: int | None = None
        if bad is not None:
            outcome, gnorm = f"overflow at step {bad}", float("inf")
        else:
            gnorm = float(np.linalg.norm(np.asarray(grad(last))))  # type: ignore[operator]
            cycle = np.linalg.norm(last - traj[-3]) < 1e-12 < np.linalg.norm(last - traj[-2])
            ran = None if cycle else len(traj) - 1
            outcome = "2-cycle" if cycle else f"{ran} steps"
        shown = [float(f"{v:.6g}") for v in last]
        rows.append(
            FailureMode(
                name,
                why,
                str(x0),
                lr,
                outcome,
                str(shown[0] if len(shown) == 1 else shown),
                gnorm,
                means,
                tuple(x0),
                tuple(float(v) for v in last),
                ran,
            )
        )

    quartic, double_well = "$x^4/4$", "$x^2/2 - y^2/2 + y^4/4$"
    add("$e^x$", "no minimiser", np.exp, [0.0], 0.5, 10_000, r"gradient $\to 0$ but $x \to -\infty$")
    add(quartic, "gradient not Lipschitz", lambda x: x**3, [5.0], 0.1, 1_000, r"diverges: $x_0^2 > 2/\eta$")
    add(
        quartic,
        "degenerate minimum",
        lambda x: x**3,
        [1.0],
        0.1,
        1_000,
        r"converges, but only like $1/\sqrt{k}$",
    )
    add(
        r"$\lvert x \rvert$",
        "not differentiable",
        np.sign,
        [0.35],
        0.1,
        1_000,
        "never converges: 2-cycle around 0",
    )
    add(double_well, "non-convex", saddle_grad, [1.0, 0.0], 0.1, 1_000, "converges to the saddle $(0, 0)$")
    add(double_well, "non-convex", saddle_grad, [1.0, 1e-10], 0.1, 1_000, "converges to the minimum $(0, 1)$")
    return rows


def _log_cosh(x: NDArray[np.float64]) -> float:
    r"""Return $\sum_i \log\cosh x_i$ to a few ulp, without overflow.

    For $|x| < 1$, $\log(1 + 2\sinh^2(x/2))$ keeps the relative accuracy near 0, where $\log\cosh x
    \approx x^2/2$; beyond, $|x| + \log(1 + e^{-2|x|}) - \log 2$ (at least $0.43$: no cancellation).
    """
    a = np.abs(x)
    small = a < 1.0
    out = np.empty_like(a)
    out[small] = np.log1p(2.0 * np.sinh(a[small] / 2.0) ** 2)
    big = a[~small]
    out[~small] = big + np.log1p(np.exp(-2.0 * big)) - np.log(2.0)
    return float(np.sum(out))


@dataclass(frozen=True)
class DescentLemmaRun:
    r"""Gradient descent on $f(x) = \sum_i \log\cosh x_i$, which is $1$-smooth, not quadratic, $f^* = 0$.

    $f'' = 1/\cosh^2 \le 1$ with equality at 0, so $L = 1$; the minimum value is $f(0) = 0$.

    Attributes
    ----------
    lr : float
        The learning rate $\eta$ (the lemma needs $0 < \eta < 2/L = 2$).
    values : numpy.ndarray, shape (K + 1,)
        $f(x_k)$.
    grad_sq : numpy.ndarray, shape (K + 1,)
        $\|\nabla f(x_k)\|^2$.
    """

    lr: float
    values: NDArray[np.float64]
    grad_sq: NDArray[np.float64]

    L = 1.0
    f_star = 0.0

    @property
    def decrease(self) -> float:
        r"""$\eta(1 - L\eta/2)$, the lemma's factor of $\|\nabla f(x_k)\|^2$."""
        return self.lr * (1.0 - self.L * self.lr / 2.0)

    def slack(self) -> NDArray[np.float64]:
        r"""Return $f(x_k) - \eta(1 - L\eta/2)\|\nabla f(x_k)\|^2 - f(x_{k+1})$, per step ($\ge 0$)."""
        return self.values[:-1] - self.decrease * self.grad_sq[:-1] - self.values[1:]

    def sum_bound_ratio(self) -> NDArray[np.float64]:
        r"""Return, for $K = 1, 2, \dots$, $\sum_{k<K}\|\nabla f(x_k)\|^2$ over its bound ($\le 1$).

        The descent lemma summed over $K$ steps bounds the sum by $(f(x_0) - f^*)/(\eta(1 - L\eta/2))$,
        whatever $K$: the squared gradients have a finite sum, so they tend to zero.
        """
        return np.cumsum(self.grad_sq[:-1]) / ((self.values[0] - self.f_star) / self.decrease)

    def bound_ratio(self) -> NDArray[np.float64]:
        r"""Return, for $K = 1, 2, \dots$, $\min_{k<K}\|\nabla f(x_k)\|^2$ over its bound ($\le 1$)."""
        K = np.arange(1, len(self.values))
        return np.minimum.accumulate(self.grad_sq[:-1]) / (
            (self.values[0] - self.f_star) / (self.decrease * K)
        )


def descent_lemma_run(
    x0: tuple[float, ...] = (3.0, -2.0, 0.5), lr: float = 1.9, steps: int = 50
) -> DescentLemmaRun:
    r"""Run gradient descent on $\sum_i \log\cosh x_i$ and keep the terms of the descent lemma.

    Examples
    --------
    >>> run = descent_lemma_run(steps=5)
    >>> bool(run.slack().min() > 0), bool(run.bound_ratio().max() <= 1)
    (True, True)
    >>> bool(run.sum_bound_ratio().max() <= 1)
    True
    """
    if not 0.0 < lr < 2.0:
        raise ValueError(f"lr must be in (0, 2/L) = (0, 2), where the descent lemma applies; got {lr!r}")
    traj = gradient_descent(np.tanh, list(x0), lr, steps)
    values = np.array([_log_cosh(x) for x in traj])
    grad_sq = np.sum(np.tanh(traj) ** 2, axis=1)
    return DescentLemmaRun(lr, values, grad_sq)


@dataclass(frozen=True)
class DecreasingStepRun:
    r"""Gradient descent on $\lvert x \rvert$ with a decreasing step (`decreasing_step_run`).

    The step is $\eta_k = \eta_0/\sqrt{k + 1}$ at step $k = 0, 1, \ldots$

    Attributes
    ----------
    start, eta0 : float
        The start $x_0$ and the first step $\eta_0$.
    steps, digits : int
        The number of steps, and the working precision (decimal digits, mpmath).
    crossed : bool
        Whether some step crossed 0.
    within : bool
        Whether every iterate after the first crossing lies within the step that led to it:
        $\lvert x_{k+1} \rvert \le \eta_k$.
    last : float
        The last iterate, rounded to float64.
    last_step : float
        The last step, $\eta_0/\sqrt{\text{steps}}$.
    """

    start: float
    eta0: float
    steps: int
    digits: int
    crossed: bool
    within: bool
    last: float
    last_step: float


def decreasing_step_run(
    start: float = 0.35, eta0: float = 0.1, steps: int = 10_000, digits: int = 50
) -> DecreasingStepRun:
    r"""Run $x_{k+1} = x_k - \eta_k\,\mathrm{sign}(x_k)$, $\eta_k = \eta_0/\sqrt{k + 1}$, in mpmath.

    The fixed step of `failure_modes` cycles around 0 for ever; a step that decreases to 0 (while
    its sum diverges) brings the iterates to 0: once a step has crossed 0, each iterate is within
    the step that led to it, which shrinks. At ``digits`` decimal digits no iterate lands exactly
    on 0 by rounding, as float64 iterates can.

    Raises
    ------
    ValueError, TypeError
        If ``start`` is not a finite real number, ``eta0`` not positive, or ``steps`` or
        ``digits`` not a positive integer (``digits`` at least 15).

    Examples
    --------
    >>> run = decreasing_step_run(steps=3)  # 0.1 + 0.0707 + 0.0577 does not reach 0.35
    >>> run.crossed, round(run.last, 4)
    (False, 0.1216)
    """
    import mpmath

    start = real_number(start, "start")
    eta0 = real_number(eta0, "eta0", positive=True)
    steps = positive_int(steps, "steps")
    digits = positive_int(digits, "digits")
    if digits < 15:
        raise ValueError(f"digits must be at least 15, got {digits}")
    with mpmath.workdps(digits):
        x, crossed, within = mpmath.mpf(start), False, True
        for k in range(steps):
            step = mpmath.mpf(eta0) / mpmath.sqrt(k + 1)
            following = x - step * mpmath.sign(x)
            crossed = crossed or mpmath.sign(following) != mpmath.sign(x)
            within = within and (not crossed or abs(following) <= step)
            x = following
        return DecreasingStepRun(start, eta0, steps, digits, crossed, within, float(x), float(step))
