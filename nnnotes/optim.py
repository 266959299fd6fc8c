r"""First- and second-order optimisers that return their whole trajectory.

Three iterations for minimising a twice-differentiable $f:\mathbb{R}^d \to \mathbb{R}$, given its
gradient $g$ and Hessian $H$ as callables of a 1-D array:

* `gradient_descent`: $x_{k+1} = x_k - \eta\, g(x_k)$;
* `newton`: $x_{k+1} = x_k - H(x_k)^{-1} g(x_k)$;
* `saddle_free_newton`: $x_{k+1} = x_k - |H(x_k)|^{-1} g(x_k)$, where $|H| = V|\Lambda|V^\top$
  replaces each eigenvalue of $H = V\Lambda V^\top$ by its absolute value (Dauphin et al., 2014).

Each returns an array of shape ``(steps + 1, d)`` whose row $k$ is $x_k$ (row 0 is ``x0``). They run
exactly ``steps`` steps unless the tolerance argument ``tol`` is given: then they stop at the first
iterate whose gradient norm is at most ``tol``, and the trajectory is shorter. An iterate, a gradient
or a Hessian that is not finite (overflow) raises `DivergenceError`, which carries the finite part of
the trajectory; no trajectory of NaN is ever returned. A bad argument raises a `TypeError` or
`ValueError` that names it.

Examples
--------
On $f(x) = x^2/2$ the gradient is $x$: with $\eta = 0.5$ each step halves $x$.

>>> traj = gradient_descent(lambda x: x, [1.0], lr=0.5, steps=3)
>>> traj.ravel().tolist() == [1.0, 0.5, 0.25, 0.125]
True

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

from nnnotes.arrays import as_real_array, nonnegative_int, real_number

__all__ = ["DivergenceError", "abs_matrix", "gradient_descent", "newton", "saddle_free_newton"]

Vector = NDArray[np.float64]

#: `abs_matrix` accepts $H$ as symmetric when $\max|H - H^\top| \le$ this times $\max|H|$.
SYMMETRY_RTOL = 1e-10


class DivergenceError(ArithmeticError):
    """An optimiser produced a non-finite iterate, gradient or Hessian.

    Attributes
    ----------
    step : int
        The step that failed, counted from 1: $k + 1$ when the gradient or Hessian at $x_k$, or
        the new iterate $x_{k+1}$, is not finite.
    trajectory : numpy.ndarray
        The finite iterates ``x_0 .. x_{step-1}``, shape ``(step, d)``.
    """

    def __init__(self, message: str, *, step: int, trajectory: Vector) -> None:
        super().__init__(message)
        self.step = step
        self.trajectory = trajectory


class _NotFinite(ArithmeticError):
    """Raised inside a step (by `_hessian`); `_run` turns it into a `DivergenceError`."""


def _gradient(grad: Callable[[Vector], ArrayLike], x: Vector) -> Vector:
    g = as_real_array(grad(x), "the value of grad")
    if g.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape}, got shape {g.shape}")
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
    x = as_real_array(x0, "x0", ndim=1, finite=True, nonempty=True).copy()
    steps = nonnegative_int(steps, "steps")
    if tol is not None:
        tol = real_number(tol, "tol", low=0.0)
    traj = np.empty((steps + 1, x.size))
    traj[0] = x
    isfinite, hypot = math.isfinite, math.hypot
    # overflow is detected and reported below, so numpy's warnings are not needed
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            g = _gradient(grad, x)
            # hypot neither overflows nor underflows on the way (sqrt(g @ g) does beyond 1e154 or
            # below 1e-162); it is not finite if an entry is not, or if the norm exceeds 1.8e308
            norm = hypot(*g.tolist())
            if not isfinite(norm) and not np.all(np.isfinite(g)):
                raise DivergenceError(
                    f"{method}: the gradient at iterate {k} is not finite (it diverged)",
                    step=k + 1,
                    trajectory=traj[: k + 1].copy(),
                )
            if tol is not None and norm <= tol:
                return traj[: k + 1].copy()
            try:
                x = step(x, g)
            except _NotFinite as exc:
                raise DivergenceError(
                    f"{method}: {exc} at iterate {k} is not finite (it diverged)",
                    step=k + 1,
                    trajectory=traj[: k + 1].copy(),
                ) from None
            # the sum is not finite if an entry is not (and, rarely, when it overflows)
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
    TypeError, ValueError
        If an argument is not of the documented kind; the message names it.

    Notes
    -----
    On a quadratic with Hessian $A \succ 0$ the error obeys $x_{k+1} - x^* = (I - \eta A)(x_k - x^*)$,
    which contracts for every start if and only if $0 < \eta < 2/\lambda_{\max}(A)$.

    Divergence is reported at the first step whose update overflows: the iterate, or the step
    $\eta\nabla f$ on the way to it (second example).

    Examples
    --------
    With $\nabla f(x) = x - 1$ the tolerance stops it once the gradient is small:

    >>> traj = gradient_descent(lambda x: x - 1.0, [0.0], lr=0.5, steps=100, tol=1e-3)
    >>> len(traj) - 1, float(traj[-1, 0])
    (10, 0.9990234375)

    On $x^2/2$ with $\eta = 2.5$, $x_k = (-1.5)^k$: the step $2.5\,x_{1749}$ overflows, though
    the iterate it leads to, $x_{1750}$, would still be a finite float (about 0.8 of the largest):

    >>> try:
    ...     gradient_descent(lambda x: x, [1.0], lr=2.5, steps=2000)
    ... except DivergenceError as err:
    ...     print(err.step, abs(err.trajectory[-1, 0]) > np.finfo(float).max / 2.5)
    1750 True
    >>> round(float(1.5**1750 / np.finfo(float).max), 2)
    0.8
    """
    lr = real_number(lr, "lr", positive=True)
    return _run(lambda x, g: x - lr * g, grad, x0, steps, tol, "gradient_descent")


def _hessian(hess: Callable[[Vector], ArrayLike], x: Vector) -> NDArray[np.float64]:
    H = as_real_array(hess(x), "the value of hess")
    d = x.size
    if H.shape != (d, d):
        raise ValueError(f"hess must return an array of shape ({d}, {d}), got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise _NotFinite("the Hessian")
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
        If the LU factorisation of the Hessian meets a pivot that is exactly 0 (numpy's
        `LinAlgError`). A singular Hessian whose pivots round to non-zero values is not
        detected, even one that is exactly singular: the step is then very large, and the next
        iterate is checked like any other.

    Notes
    -----
    Newton's method solves $\nabla f = 0$: it is attracted by every critical point, saddles
    included. On $f(x) = \tfrac12 (x - s)^\top H (x - s)$ with $H$ invertible, one step from any
    start lands on $s$, whatever the signs of the eigenvalues of $H$.

    Examples
    --------
    On the saddle $f(x, y) = (x^2 - y^2)/2$ one Newton step jumps onto the saddle point:

    >>> newton(lambda v: v * [1.0, -1.0], lambda v: np.diag([1.0, -1.0]), [0.3, 0.2], 1)[-1].tolist()
    [0.0, 0.0]
    """
    if not callable(hess):
        raise TypeError(f"hess must be callable, got {type(hess).__name__}")
    return _run(lambda x, g: x - _solve(_hessian(hess, x), g, "the Hessian"), grad, x0, steps, tol, "newton")


def abs_matrix(H: ArrayLike) -> NDArray[np.float64]:
    r"""Return $|H| = V|\Lambda|V^\top$ for a symmetric matrix $H = V\Lambda V^\top$.

    Parameters
    ----------
    H : array_like, shape (d, d)
        A symmetric matrix with finite entries. Symmetric up to rounding is enough: $H$ is accepted
        when $\max_{ij}|H_{ij} - H_{ji}| \le 10^{-10} \max_{ij}|H_{ij}|$ (`SYMMETRY_RTOL`), and
        its symmetric part $(H + H^\top)/2$ is used.

    Returns
    -------
    numpy.ndarray, shape (d, d)
        $|H|$: the same eigenvectors, the absolute values of the eigenvalues. It is exactly
        symmetric, positive semi-definite up to rounding, and equals $H$ up to rounding when $H$ is
        positive semi-definite.

    Raises
    ------
    ValueError
        If ``H`` is not a square matrix of finite numbers, or not symmetric, or if an entry of
        $|H|$ is beyond the largest float64.

    Notes
    -----
    The work is done on $H / \max_{ij}|H_{ij}|$ and scaled back, so entries near the largest
    float (1.8e308) do not overflow on the way; an entry of $|H|$ itself can exceed every
    entry of $H$, by up to a factor $\sqrt d$ (a diagonal entry of $|H|$ is at most the length of
    a column of $H$, and $|H|$ is positive semi-definite; a symmetric Hadamard matrix attains it),
    and then cannot be represented: that is an error, not a warning and an infinity.

    Examples
    --------
    The swap matrix has eigenvalues $\pm 2$ (eigenvectors $(1, \pm 1)/\sqrt2$), so $|H| = 2I$:

    >>> abs_matrix([[0.0, 2.0], [2.0, 0.0]]).round(12).tolist() == [[2.0, 0.0], [0.0, 2.0]]
    True
    """
    H = as_real_array(H, "H", ndim=2, finite=True)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    scale = np.abs(H).max(initial=0.0)
    if scale == 0:
        return H.copy()  # |0| = 0 (also for the empty matrix)
    S = H / scale  # entries in [-1, 1]: S - S.T and S + S.T cannot overflow, H - H.T can
    if np.abs(S - S.T).max() > SYMMETRY_RTOL:
        raise ValueError(f"H must be symmetric (to {SYMMETRY_RTOL:g} of its largest entry)")
    lam, V = np.linalg.eigh((S + S.T) / 2)
    M = (V * np.abs(lam)) @ V.T
    M = (M + M.T) / 2  # exactly symmetric
    if scale > 1 and np.abs(M).max() > np.finfo(np.float64).max / scale:
        raise ValueError("H is too large: an entry of |H| is beyond the largest float64")
    return M * scale


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
        If the LU factorisation of $|H| + \delta I$ meets a pivot that is exactly 0 (numpy's
        `LinAlgError`); as for `newton`, a singular matrix whose pivots round to non-zero values
        is not detected.

    Notes
    -----
    In the eigenbasis of $H$, Newton's step along an eigenvector with eigenvalue $\lambda$ is
    $-g_i/\lambda$: for $\lambda < 0$ it points *up* the gradient, towards the saddle. Dividing by
    $|\lambda|$ instead keeps the step a descent direction, of the same length as Newton's.

    Examples
    --------
    On the saddle $f(x, y) = (x^2 - y^2)/2$ it zeroes $x$ and doubles $y$: it leaves the saddle.

    >>> saddle_free_newton(lambda v: v * [1.0, -1.0], lambda v: np.diag([1.0, -1.0]),
    ...                    [0.3, 0.2], 1)[-1].tolist() == [0.0, 0.4]
    True
    """
    if not callable(hess):
        raise TypeError(f"hess must be callable, got {type(hess).__name__}")
    damping = real_number(damping, "damping", low=0.0)

    def step(x: Vector, g: Vector) -> Vector:
        M = abs_matrix(_hessian(hess, x)) + damping * np.eye(x.size)
        return x - _solve(M, g, "|H| + damping * I")

    return _run(step, grad, x0, steps, tol, "saddle_free_newton")
