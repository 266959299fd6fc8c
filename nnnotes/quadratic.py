r"""The quadratic model $f(x) = \tfrac12 x^\top A x - b^\top x + c$ and what optimisers do on it.

Near a non-degenerate critical point every smooth loss looks like a quadratic, so the quadratic is
where gradient descent and Newton's method can be compared exactly: gradient descent contracts the
error by $I - \eta A$ per step, Newton's method reaches the minimiser $A^{-1}b$ in one step.

The published derivations of this module (`newton_step_quadratic`, `quadratic_gradient`,
`gradient_descent_error`, `learning_rate_threshold`, `descent_lemma_tight`, `newton_step_critical`,
`saddle_free_step`) are checked by sympy at build time.

Examples
--------
>>> q = Quadratic(np.diag([1.0, 0.01]), [1.0, 1.0])
>>> q.minimiser().tolist(), q.condition_number()
([1.0, 100.0], 100.0)
>>> q.lr_threshold(), q.best_lr()
(2.0, 1.9801980198019802)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes.check.derivation import Derivation, published
from nnnotes.optim import gradient_descent, newton

__all__ = [
    "Quadratic",
    "descent_lemma_tight",
    "gradient_descent_error",
    "learning_rate_above_threshold",
    "learning_rate_threshold",
    "newton_step_saddle",
    "newton_step_critical",
    "newton_step_quadratic",
    "newton_vs_gradient_descent",
    "quadratic_gradient",
    "saddle_free_step",
    "steps_to_tolerance",
    "threshold_runs",
]


@dataclass(frozen=True)
class Quadratic:
    r"""$f(x) = \tfrac12 x^\top A x - b^\top x + c$ with a symmetric matrix $A$.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric matrix (the Hessian).
    b : array_like, shape (d,)
        Linear term.
    c : float
        Constant.

    Examples
    --------
    >>> q = Quadratic([[2.0, 0.0], [0.0, -1.0]], [0.0, 0.0])
    >>> q.f([1.0, 1.0]), q.grad([1.0, 1.0]).tolist(), q.is_saddle()
    (0.5, [2.0, -1.0], True)
    """

    A: NDArray[np.float64]
    b: NDArray[np.float64]
    c: float = 0.0

    def __init__(self, A: ArrayLike, b: ArrayLike, c: float = 0.0) -> None:
        A = np.array(A, dtype=np.float64)
        b = np.array(b, dtype=np.float64)
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},), got {b.shape}")
        if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b)) and np.isfinite(c)):
            raise ValueError("A, b and c must be finite")
        if not np.array_equal(A, A.T):
            raise ValueError("A must be symmetric")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "c", float(c))

    def f(self, x: ArrayLike) -> float:
        """Return $f(x)$."""
        x = np.asarray(x, dtype=np.float64)
        return float(0.5 * x @ self.A @ x - self.b @ x + self.c)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return $\nabla f(x) = Ax - b$."""
        return self.A @ np.asarray(x, dtype=np.float64) - self.b

    def hess(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return $\nabla^2 f(x) = A$ (the argument is ignored)."""
        return self.A.copy()

    def eigenvalues(self) -> NDArray[np.float64]:
        """Return the eigenvalues of $A$ in increasing order."""
        return np.linalg.eigvalsh(self.A)

    def minimiser(self) -> NDArray[np.float64]:
        r"""Return the critical point $A^{-1}b$ (the minimiser when $A \succ 0$)."""
        return np.linalg.solve(self.A, self.b)

    def is_saddle(self) -> bool:
        """Whether $A$ has eigenvalues of both signs."""
        lam = self.eigenvalues()
        return bool(lam[0] < 0 < lam[-1])

    def _positive(self) -> NDArray[np.float64]:
        lam = self.eigenvalues()
        if lam[0] <= 0:
            raise ValueError("A must be positive definite for this quantity")
        return lam

    def condition_number(self) -> float:
        r"""Return $\kappa = \lambda_{\max}/\lambda_{\min}$ (requires $A \succ 0$)."""
        lam = self._positive()
        return float(lam[-1] / lam[0])

    def lr_threshold(self) -> float:
        r"""Return $2/\lambda_{\max}$: gradient descent converges from every start iff $\eta$ is below."""
        return float(2.0 / self._positive()[-1])

    def best_lr(self) -> float:
        r"""Return $2/(\lambda_{\min} + \lambda_{\max})$, the fixed rate of fastest worst-case contraction."""
        lam = self._positive()
        return float(2.0 / (lam[0] + lam[-1]))


def steps_to_tolerance(trajectory: NDArray[np.float64], q: Quadratic, tol: float) -> int | None:
    r"""Return the first $k$ with $\|\nabla f(x_k)\| \le$ ``tol``, or ``None`` if never reached.

    Examples
    --------
    >>> q = Quadratic(np.eye(2), [1.0, 2.0])
    >>> steps_to_tolerance(np.array([[0.0, 0.0], [1.0, 2.0]]), q, 1e-12)
    1
    """
    norms = np.linalg.norm(trajectory @ q.A.T - q.b, axis=1)
    hit = np.flatnonzero(norms <= tol)
    return int(hit[0]) if hit.size else None


def newton_vs_gradient_descent(
    kappas: tuple[float, ...] = (1.0, 10.0, 100.0, 1000.0),
    tol: float = 1e-8,
    max_steps: int = 20_000,
) -> list[list[object]]:
    r"""Return steps to $\|\nabla f\| \le$ ``tol`` for gradient descent and Newton, as rows.

    Rows are (kappa, method, learning rate, steps) on $A = \mathrm{diag}(1, 1/\kappa)$.

    The problem is $b = (1, 1)$, so $x^* = (1, \kappa)$, started from $x_0 = 0$. Gradient descent runs
    at $\eta = 0.1$, at $\eta = 1 = 1/\lambda_{\max}$ and at the best fixed rate
    $2/(\lambda_{\min}+\lambda_{\max})$; Newton's method needs one step whatever $\kappa$. A run that
    does not reach the tolerance within ``max_steps`` shows ``"> max_steps"``.

    Examples
    --------
    >>> rows = newton_vs_gradient_descent(kappas=(1.0,), tol=1e-8)
    >>> [r[1:] for r in rows]
    [['GD', 0.1, 179], ['GD', 1.0, 1], ['GD (best fixed)', 1.0, 1], ['Newton', '—', 1]]
    """
    rows: list[list[object]] = []
    for kappa in kappas:
        q = Quadratic(np.diag([1.0, 1.0 / kappa]), [1.0, 1.0])
        x0 = np.zeros(2)
        for label, lr in [("GD", 0.1), ("GD", 1.0), ("GD (best fixed)", q.best_lr())]:
            traj = gradient_descent(q.grad, x0, lr, max_steps, tol=tol)
            k = steps_to_tolerance(traj, q, tol)
            rows.append([kappa, label, round(lr, 6), k if k is not None else f"> {max_steps}"])
        traj = newton(q.grad, q.hess, x0, 10, tol=tol)
        rows.append([kappa, "Newton", "—", steps_to_tolerance(traj, q, tol)])
    return rows


def threshold_runs(
    lam: float = 4.0, factors: tuple[float, ...] = (0.9, 0.99, 1.0, 1.01, 1.1), steps: int = 200
) -> list[list[object]]:
    r"""Rows (factor, $\eta$, $|1-\eta\lambda|$, $|x_{steps}|$) for $f = \lambda x^2/2$ from $x_0 = 1$.

    Each run uses $\eta = \text{factor}\times 2/\lambda$; $|x_k| = |1 - \eta\lambda|^k$.

    Examples
    --------
    >>> [r[0] for r in threshold_runs() if r[3] < 1], [r[0] for r in threshold_runs() if r[3] > 1]
    ([0.9, 0.99], [1.01, 1.1])
    """
    rows: list[list[object]] = []
    for fac in factors:
        lr = fac * 2.0 / lam
        traj = gradient_descent(lambda x: lam * x, [1.0], lr, steps)
        rows.append([fac, lr, abs(1.0 - lr * lam), float(abs(traj[-1, 0]))])
    return rows


# ------------------------------------------------------------------------------- derivations
def _sym_vec(name: str) -> sympy.Matrix:
    return sympy.Matrix([sympy.Symbol(f"{name}_{i}", real=True) for i in (1, 2)])


@published
def quadratic_gradient() -> Derivation:
    r"""Gradient of $\tfrac12 x^\top A x - b^\top x + c$ for a symbolic symmetric 2x2 $A$: $Ax - b$."""
    p, q, r, c = sympy.symbols("p q r c", real=True)
    A = sympy.Matrix([[p, q], [q, r]])
    x, b = _sym_vec("x"), _sym_vec("b")
    f = (x.T * A * x / 2 - b.T * x)[0, 0] + c
    grad = sympy.Matrix([sympy.Derivative(f, xi) for xi in x])
    return Derivation(
        grad,
        name="6-5-quadratic-gradient",
        scope=r"checked for a symmetric $2 \times 2$ matrix $A$",
        title=r"$\nabla f(x) = Ax - b$ for symmetric $2\times 2$ $A$",
    ).step(
        sympy.Matrix([p * x[0] + q * x[1] - b[0], q * x[0] + r * x[1] - b[1]]),
        r"differentiate: this is $Ax - b$",
    )


@published
def newton_step_quadratic() -> Derivation:
    r"""After one Newton step from any $x_0$ the gradient $Ax - b$ vanishes: $x_1$ is the critical point."""
    A = sympy.MatrixSymbol("A", 2, 2)
    x0, b = sympy.MatrixSymbol("x_0", 2, 1), sympy.MatrixSymbol("b", 2, 1)
    x1 = x0 - A.I * (A * x0 - b)
    return Derivation(
        A * x1 - b,
        name="6-5-newton-one-step",
        title=r"After one Newton step $x_1 = x_0 - A^{-1}(Ax_0 - b)$ the gradient $Ax_1 - b$ is zero",
    ).step(sympy.ZeroMatrix(2, 1), "distribute $A$; $AA^{-1} = I$")


@published
def gradient_descent_error() -> Derivation:
    r"""Error recursion of gradient descent on the quadratic: $x_1 - x^* = (I - \eta A)(x_0 - x^*)$."""
    A = sympy.MatrixSymbol("A", 2, 2)
    x0, b = sympy.MatrixSymbol("x_0", 2, 1), sympy.MatrixSymbol("b", 2, 1)
    eta = sympy.Symbol("eta", positive=True)
    xs = A.I * b
    identity = sympy.Identity(2)
    return (
        Derivation(
            x0 - eta * (A * x0 - b) - xs,
            name="6-5-gd-error",
            title=r"Gradient descent: $x_1 - x^* = (I - \eta A)(x_0 - x^*)$, $x^* = A^{-1}b$",
        )
        .step(x0 - xs - eta * A * (x0 - xs), "$b = A A^{-1} b$")
        .step((identity - eta * A) * (x0 - xs), "factor out $x_0 - x^*$")
    )


@published
def learning_rate_threshold() -> Derivation:
    r"""Along an eigenvector with eigenvalue $\lambda$, $|1 - \eta\lambda| < 1$ iff $0 < \eta\lambda < 2$."""
    t = sympy.Symbol("t", real=True)
    return Derivation(
        sympy.Abs(1 - t),
        name="6-5-lr-threshold",
        domain={t: sympy.Interval.open(0, 2)},
        title=r"$|1 - t| < 1$ for $t = \eta\lambda \in (0, 2)$ (the supremum 1 is approached at both ends)",
    ).step(sympy.Integer(1), r"$t = \eta\lambda$ strictly between 0 and 2", "<")


@published
def learning_rate_above_threshold() -> Derivation:
    r"""For $t = \eta\lambda \ge 2$ the factor $|1 - t|$ is at least 1: no contraction (equality at 2)."""
    t = sympy.Symbol("t", real=True)
    return Derivation(
        sympy.Abs(1 - t),
        name="6-5-lr-above-threshold",
        domain={t: sympy.Interval(2, 50)},
        title=r"$|1 - t| \ge 1$ for $t = \eta\lambda \ge 2$, with equality at $t = 2$",
    ).step(sympy.Integer(1), r"$t = \eta\lambda \ge 2$", ">=")


@published
def descent_lemma_tight() -> Derivation:
    r"""On $f = Lx^2/2$ the descent lemma holds with equality: it cannot be improved."""
    x, eta, L = sympy.symbols("x eta L", positive=True)
    g = L * x
    return (
        Derivation(
            L * (x - eta * g) ** 2 / 2,
            name="6-5-descent-lemma-tight",
            title=r"$f(x - \eta f'(x)) = f(x) - \eta(1 - L\eta/2) f'(x)^2$ for $f = Lx^2/2$",
        )
        .step(L * x**2 / 2 - eta * L**2 * x**2 + eta**2 * L**3 * x**2 / 2, "expand the square")
        .step(L * x**2 / 2 - eta * (1 - L * eta / 2) * g**2, r"collect $f'(x)^2 = L^2x^2$")
    )


@published
def newton_step_critical() -> Derivation:
    r"""On $\tfrac12 (x-s)^\top H (x-s)$, one Newton step lands on $s$ for every invertible $H$."""
    H = sympy.MatrixSymbol("H", 2, 2)
    x, s = sympy.MatrixSymbol("x", 2, 1), sympy.MatrixSymbol("s", 2, 1)
    return Derivation(
        x - H.I * (H * x - H * s),
        name="6-7-newton-critical",
        title=r"A Newton step on $\frac12(x-s)^\top H(x-s)$ lands on $s$, saddle or not",
    ).step(s, "distribute $H^{-1}$; $H^{-1}H = I$")


def _ratio(num: sympy.Expr, den: sympy.Expr) -> sympy.Expr:
    """``num / den`` kept unevaluated, so that the step is shown before it is simplified."""
    return sympy.Mul(num, sympy.Pow(den, -1, evaluate=False), evaluate=False)


def _saddle_symbols() -> tuple[sympy.Symbol, ...]:
    x, y = sympy.symbols("x y", real=True)
    l1, l2 = sympy.symbols("lambda_1 lambda_2", positive=True)
    return x, y, l1, l2


@published
def newton_step_saddle() -> Derivation:
    r"""Newton on $\tfrac12(\lambda_1 x^2 - \lambda_2 y^2)$: $(x, y) \mapsto (0, 0)$, the saddle."""
    x, y, l1, l2 = _saddle_symbols()
    neg = sympy.Mul(-1, l2, evaluate=False)
    start = sympy.Matrix(
        [
            sympy.Add(x, -_ratio(l1 * x, l1), evaluate=False),
            sympy.Add(y, -_ratio(sympy.Mul(neg, y, evaluate=False), neg), evaluate=False),
        ]
    )
    return Derivation(
        start,
        name="6-7-newton-saddle",
        title=r"Newton on $\frac12(\lambda_1x^2 - \lambda_2y^2)$: $(x, y) \mapsto (0, 0)$, the saddle",
    ).step(sympy.zeros(2, 1), r"divide each gradient entry by its eigenvalue $\lambda_1$, $-\lambda_2$")


@published
def saddle_free_step() -> Derivation:
    r"""Saddle-free Newton on $\tfrac12(\lambda_1 x^2 - \lambda_2 y^2)$: $(x, y) \mapsto (0, 2y)$."""
    x, y, l1, l2 = _saddle_symbols()
    neg = sympy.Mul(-1, l2, evaluate=False)
    start = sympy.Matrix(
        [
            sympy.Add(x, -_ratio(l1 * x, sympy.Abs(l1)), evaluate=False),
            sympy.Add(
                y,
                -_ratio(sympy.Mul(neg, y, evaluate=False), sympy.Abs(neg, evaluate=False)),
                evaluate=False,
            ),
        ]
    )
    return Derivation(
        start,
        name="6-7-saddle-free-step",
        title=r"Saddle-free Newton on $\frac12(\lambda_1x^2 - \lambda_2y^2)$: $(x, y) \mapsto (0, 2y)$",
    ).step(sympy.Matrix([0, 2 * y]), r"divide by $|\lambda_i|$: the $y$ step keeps the sign of descent")
