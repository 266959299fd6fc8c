r"""The quadratic model $f(x) = \tfrac12 x^\top A x - b^\top x + c$ and what optimisers do on it.

Near a non-degenerate critical point every smooth loss looks like a quadratic, so the quadratic is
where gradient descent and Newton's method can be compared exactly: gradient descent contracts the
error by $I - \eta A$ per step, Newton's method reaches the minimiser $A^{-1}b$ in one step.

The derivations about this model that the pages publish (gradient, one Newton step, the error
recursion of gradient descent, the learning-rate threshold, the descent lemma, Newton at a saddle)
are in `nnnotes.proofs.quadratic`; the runs behind the tables in `nnnotes.experiments.quadratic`.

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
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, real_number

__all__ = ["Quadratic", "steps_to_tolerance"]


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
    >>> q.f([1.0, 1.0]) == 0.5, q.grad([1.0, 1.0]).tolist(), q.is_saddle()
    (True, [2.0, -1.0], True)
    """

    A: NDArray[np.float64]
    b: NDArray[np.float64]
    c: float = 0.0

    def __init__(self, A: ArrayLike, b: ArrayLike, c: float = 0.0) -> None:
        A = as_real_array(A, "A", ndim=2, finite=True).copy()
        b = as_real_array(b, "b", ndim=1, finite=True).copy()
        c = real_number(c, "c")
        if A.shape[0] != A.shape[1]:
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},), got {b.shape}")
        if not np.array_equal(A, A.T):
            raise ValueError("A must be symmetric")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "b", b)
        object.__setattr__(self, "c", float(c))

    def _point(self, x: ArrayLike) -> NDArray[np.float64]:
        x = as_real_array(x, "x", ndim=1)
        if x.shape != self.b.shape:
            raise ValueError(f"x must have shape {self.b.shape}, got {x.shape}")
        return x

    def f(self, x: ArrayLike) -> float:
        """Return $f(x)$."""
        x = self._point(x)
        return float(0.5 * x @ self.A @ x - self.b @ x + self.c)

    def grad(self, x: ArrayLike) -> NDArray[np.float64]:
        r"""Return $\nabla f(x) = Ax - b$."""
        return self.A @ self._point(x) - self.b

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
        r"""Whether $A$ has eigenvalues of both signs, beyond rounding.

        An eigenvalue counts as zero when its size is at most $8d\,u \max_i |\lambda_i|$
        ($u = 2^{-53}$): a computed eigenvalue of a singular matrix can be a small multiple of
        $d\,u \max_i|\lambda_i|$ away from 0, of either sign (almost twice that for $vv^\top$ with
        $v = (8, 2, 9)$, tested; how far depends on the LAPACK build), so a singular positive
        semi-definite $A$ is not a saddle.
        """
        lam = self.eigenvalues()
        tol = 8 * len(lam) * 2.0**-53 * float(np.abs(lam).max(initial=0.0))
        return bool(lam[0] < -tol and lam[-1] > tol)

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
        r"""Return $2/\lambda_{\max}$.

        For $A \succ 0$ (it raises otherwise), gradient descent with a fixed rate $\eta$ converges
        from every start iff $0 < \eta < 2/\lambda_{\max}$.
        """
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
    trajectory = as_real_array(trajectory, "trajectory", ndim=2)
    if trajectory.shape[1:] != q.b.shape:
        raise ValueError(f"trajectory must have rows of shape {q.b.shape}, got shape {trajectory.shape}")
    tol = real_number(tol, "tol", positive=True)
    norms = np.linalg.norm(trajectory @ q.A.T - q.b, axis=1)
    hit = np.flatnonzero(norms <= tol)
    return int(hit[0]) if hit.size else None
