r"""First- and second-order optimisers that return their whole trajectory.

Three iterations for minimising a twice-differentiable $f:\mathbb{R}^d \to \mathbb{R}$, given its
gradient $g$ and Hessian $H$ as callables of a 1-D array:

* `gradient_descent`: $x_{k+1} = x_k - \eta\, g(x_k)$;
* `newton`: $x_{k+1} = x_k - H(x_k)^{-1} g(x_k)$;
* `saddle_free_newton`: $x_{k+1} = x_k - |H(x_k)|^{-1} g(x_k)$, where $|H| = V|\Lambda|V^\top$
  replaces each eigenvalue of $H = V\Lambda V^\top$ by its absolute value (Dauphin et al., 2014).

Each returns an array of shape ``(steps + 1, d)`` whose row $k$ is $x_k$ (row 0 is ``x0``). They run
exactly ``steps`` steps unless the tolerance argument ``tol`` is given: then they stop at the first
iterate whose gradient norm is at most ``tol``, and the trajectory is shorter. An iterate or a gradient
that is not finite (overflow) raises `DivergenceError`, which carries the finite part of the trajectory;
no trajectory of NaN is ever returned.

Examples
--------
On $f(x) = x^2/2$ the gradient is $x$: with $\eta = 0.5$ each step halves $x$.

>>> traj = gradient_descent(lambda x: x, [1.0], lr=0.5, steps=3)
>>> traj.ravel().tolist()
[1.0, 0.5, 0.25, 0.125]

Above the threshold $\eta = 2$ the iterates grow, here $x_k = (-2)^k$, until $2^{1024}$
overflows float64 at step 1024; that is reported, with the 1024 finite iterates:

>>> try:
...     gradient_descent(lambda x: x, [1.0], lr=3.0, steps=2000)
... except DivergenceError as err:
...     print(err.step, err.trajectory.shape)
1024 (1024, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DivergenceError", "gradient_descent", "newton", "saddle_free_newton"]

Vector = NDArray[np.float64]


class DivergenceError(ArithmeticError):
    """An optimiser produced a non-finite iterate or gradient.

    Attributes
    ----------
    step : int
        The step whose result was not finite (1 for the first step).
    trajectory : numpy.ndarray
        The finite iterates ``x_0 .. x_{step-1}``, shape ``(step, d)``.
    """

    def __init__(self, message: str, *, step: int, trajectory: Vector) -> None:
        super().__init__(message)
        self.step = step
        self.trajectory = trajectory


def _start(x0: ArrayLike, steps: int, tol: float | None) -> Vector:
    x = np.array(x0, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite")
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if tol is not None and not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be None or a finite number >= 0, got {tol!r}")
    return x


def _as_gradient(g: object, d: int, name: str) -> Vector:
    if not (isinstance(g, np.ndarray) and g.dtype == np.float64):
        g = np.asarray(g, dtype=np.float64)
    if g.shape != (d,):
        raise ValueError(f"{name} must return an array of shape ({d},), got shape {g.shape}")
    return g


def _run(
    step: Callable[[Vector, Vector], Vector],
    grad: Callable[[Vector], ArrayLike],
    x0: ArrayLike,
    steps: int,
    tol: float | None,
    method: str,
) -> Vector:
    """Iterate ``x <- step(x, grad(x))``; stop at ``||grad|| <= tol``; raise on non-finite values."""
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    x = _start(x0, steps, tol)
    d = x.size
    traj = np.empty((steps + 1, d))
    traj[0] = x
    tol2 = None if tol is None else tol * tol
    isfinite = math.isfinite
    # overflow is detected and reported below, so numpy's warnings are not needed
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = _as_gradient(grad(x), d, "grad")
            gg = float(g @ g)  # inf or nan exactly when some entry is not finite (or overflows)
            if not isfinite(gg) and not np.all(np.isfinite(g)):
                raise DivergenceError(
                    f"{method}: the gradient at iterate {k} is not finite (it diverged)",
                    step=k + 1,
                    trajectory=traj[: k + 1].copy(),
                )
            if tol2 is not None and gg <= tol2:
                return traj[: k + 1].copy()
            x = step(x, g)
            if not isfinite(float(x.sum())) and not np.all(np.isfinite(x)):
                raise DivergenceError(
                    f"{method}: iterate {k + 1} is not finite (it diverged)",
                    step=k + 1,
                    trajectory=traj[: k + 1].copy(),
                )
            traj[k + 1] = x
    return traj


def gradient_descent(
    grad: Callable[[Vector], ArrayLike],
    x0: ArrayLike,
    lr: float,
    steps: int,
    *,
    tol: float | None = None,
) -> Vector:
    r"""Run fixed-step gradient descent $x_{k+1} = x_k - \eta\,\nabla f(x_k)$.

    Parameters
    ----------
    grad : callable
        $\nabla f$, mapping a 1-D array of shape ``(d,)`` to one of the same shape.
    x0 : array_like, shape (d,)
        Starting point.
    lr : float
        Learning rate $\eta > 0$.
    steps : int
        Number of steps to run (at most, if ``tol`` is given).
    tol : float, optional
        Early-stopping tolerance: stop at the first iterate $x_k$ with $\|\nabla f(x_k)\|_2 \le$
        ``tol`` and return ``x_0 .. x_k``. ``None`` (the default) never stops early.

    Returns
    -------
    numpy.ndarray, shape (k + 1, d)
        The iterates; ``k = steps`` unless the tolerance stopped it sooner.

    Raises
    ------
    DivergenceError
        If an iterate or gradient is not finite; the error holds the finite trajectory.

    Notes
    -----
    On a quadratic with Hessian $A \succ 0$ the error obeys $x_{k+1} - x^* = (I - \eta A)(x_k - x^*)$,
    which contracts for every start if and only if $0 < \eta < 2/\lambda_{\max}(A)$.

    Examples
    --------
    With $\nabla f(x) = x - 1$ the tolerance stops it once the gradient is small:

    >>> traj = gradient_descent(lambda x: x - 1.0, [0.0], lr=0.5, steps=100, tol=1e-3)
    >>> len(traj) - 1, float(traj[-1, 0])
    (10, 0.9990234375)
    """
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    return _run(lambda x, g: x - lr * g, grad, x0, steps, tol, "gradient_descent")


def _hessian(hess: Callable[[Vector], ArrayLike], x: Vector) -> NDArray[np.float64]:
    H = np.asarray(hess(x), dtype=np.float64)
    d = x.size
    if H.shape != (d, d):
        raise ValueError(f"hess must return an array of shape ({d}, {d}), got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise DivergenceError("the Hessian is not finite (it diverged)", step=0, trajectory=x[None, :].copy())
    return H


def _solve(M: NDArray[np.float64], g: Vector, what: str) -> Vector:
    try:
        return np.linalg.solve(M, g)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"{what} is singular at the current iterate; cannot take the step") from exc


def newton(
    grad: Callable[[Vector], ArrayLike],
    hess: Callable[[Vector], ArrayLike],
    x0: ArrayLike,
    steps: int,
    *,
    tol: float | None = None,
) -> Vector:
    r"""Run Newton's method $x_{k+1} = x_k - H(x_k)^{-1}\nabla f(x_k)$.

    Parameters
    ----------
    grad : callable
        $\nabla f$, shape ``(d,)`` to ``(d,)``.
    hess : callable
        $\nabla^2 f$, shape ``(d,)`` to ``(d, d)``.
    x0 : array_like, shape (d,)
        Starting point.
    steps : int
        Number of steps (at most, if ``tol`` is given).
    tol : float, optional
        Stop at the first iterate whose gradient norm is at most ``tol`` (see `gradient_descent`).

    Returns
    -------
    numpy.ndarray, shape (k + 1, d)
        The iterates.

    Raises
    ------
    DivergenceError
        If an iterate, gradient or Hessian is not finite.
    ValueError
        If the Hessian is singular at an iterate.

    Notes
    -----
    Newton's method solves $\nabla f = 0$: it is attracted by every critical point, saddles
    included. On $f(x) = \tfrac12 (x - s)^\top H (x - s)$ with $H$ invertible, one step from any
    start lands on $s$, whatever the signs of the eigenvalues of $H$.

    Examples
    --------
    On the saddle $f(x, y) = (x^2 - y^2)/2$ one Newton step jumps onto the saddle point:

    >>> newton(lambda v: v * [1.0, -1.0], lambda v: np.diag([1.0, -1.0]), [0.3, 0.2], 1)[-1]
    array([0., 0.])
    """
    if not callable(hess):
        raise TypeError(f"hess must be callable, got {type(hess).__name__}")
    return _run(lambda x, g: x - _solve(_hessian(hess, x), g, "the Hessian"), grad, x0, steps, tol, "newton")


def abs_matrix(H: ArrayLike) -> NDArray[np.float64]:
    r"""Return $|H| = V|\Lambda|V^\top$ for a symmetric matrix $H = V\Lambda V^\top$.

    Parameters
    ----------
    H : array_like, shape (d, d)
        A symmetric matrix.

    Examples
    --------
    >>> abs_matrix([[0.0, 2.0], [2.0, 0.0]]).round(12)
    array([[2., 0.],
           [0., 2.]])
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12 * (1 + np.abs(H).max())):
        raise ValueError("H must be symmetric")
    lam, V = np.linalg.eigh((H + H.T) / 2)
    return (V * np.abs(lam)) @ V.T


def saddle_free_newton(
    grad: Callable[[Vector], ArrayLike],
    hess: Callable[[Vector], ArrayLike],
    x0: ArrayLike,
    steps: int,
    *,
    tol: float | None = None,
    damping: float = 0.0,
) -> Vector:
    r"""Run saddle-free Newton $x_{k+1} = x_k - (|H(x_k)| + \delta I)^{-1}\nabla f(x_k)$.

    Parameters
    ----------
    grad, hess, x0, steps, tol
        As in `newton`.
    damping : float
        $\delta \ge 0$ added to every eigenvalue of $|H|$; it keeps the step finite where $H$ has
        eigenvalues near zero (Dauphin et al. use such a damping). Default 0.

    Returns
    -------
    numpy.ndarray, shape (k + 1, d)
        The iterates.

    Raises
    ------
    DivergenceError
        If an iterate, gradient or Hessian is not finite.
    ValueError
        If $|H| + \delta I$ is singular at an iterate.

    Notes
    -----
    In the eigenbasis of $H$, Newton's step along an eigenvector with eigenvalue $\lambda$ is
    $-g_i/\lambda$: for $\lambda < 0$ it points *up* the gradient, towards the saddle. Dividing by
    $|\lambda|$ instead keeps the step a descent direction, of the same length as Newton's.

    Examples
    --------
    On the saddle $f(x, y) = (x^2 - y^2)/2$ it zeroes $x$ and doubles $y$: it leaves the saddle.

    >>> saddle_free_newton(lambda v: v * [1.0, -1.0], lambda v: np.diag([1.0, -1.0]),
    ...                    [0.3, 0.2], 1)[-1]
    array([0. , 0.4])
    """
    if not callable(hess):
        raise TypeError(f"hess must be callable, got {type(hess).__name__}")
    if not (np.isfinite(damping) and damping >= 0):
        raise ValueError(f"damping must be a finite number >= 0, got {damping!r}")

    def step(x: Vector, g: Vector) -> Vector:
        M = abs_matrix(_hessian(hess, x)) + damping * np.eye(x.size)
        return x - _solve(M, g, "|H| + damping * I")

    return _run(step, grad, x0, steps, tol, "saddle_free_newton")
