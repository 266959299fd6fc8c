"""One step of each optimiser and the matrix |H|, against hand derivations and mpmath eigen-decompositions.

Quadratic used by hand below: f(x) = x^T A x / 2 - b^T x with A = [[3, 1], [1, 2]], b = (1, -1), so
grad f(x) = A x - b, A^-1 = [[2, -1], [-1, 3]] / 5 and the minimiser is x* = A^-1 b = (0.6, -0.8).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.optim import SYMMETRY_RTOL, abs_matrix, gradient_descent, newton, saddle_free_newton

A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])


def grad_quadratic(x: np.ndarray) -> np.ndarray:
    """A x - b."""
    return A @ x - B


def hess_quadratic(x: np.ndarray) -> np.ndarray:
    """A, whatever x."""
    return A


def test_gradient_descent_two_steps_by_hand() -> None:
    """From (1, 2) with lr 0.1: g = (4, 6), x1 = (0.6, 1.4); g = (2.2, 4.4), x2 = (0.38, 0.96)."""
    traj = gradient_descent(grad_quadratic, [1.0, 2.0], 0.1, 2)
    assert_allclose(traj, [[1.0, 2.0], [0.6, 1.4], [0.38, 0.96]], rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("x0", [[1.0, 2.0], [-40.0, 7.5], [0.6, -0.8]])
def test_newton_lands_on_the_minimiser_of_a_quadratic_in_one_step(x0) -> None:
    """x1 = x0 - A^-1 (A x0 - b) = A^-1 b = (0.6, -0.8) from any start; then the gradient is 0."""
    traj = newton(grad_quadratic, hess_quadratic, x0, 3)
    assert_allclose(traj[0], x0, rtol=0, atol=0)
    assert_allclose(traj[1:], [[0.6, -0.8]] * 3, rtol=0, atol=1e-14)


def test_newton_on_the_quartic_by_hand() -> None:
    """On f = x^4/4: g = x^3, H = 3x^2, so x - g/H = 2x/3: 3, 2, 4/3, 8/9."""
    traj = newton(lambda x: x**3, lambda x: 3.0 * x[None, :] ** 2, [3.0], 3)
    assert_allclose(traj[:, 0], [3.0, 2.0, 4 / 3, 8 / 9], rtol=1e-15)


def test_saddle_free_newton_step_by_hand() -> None:
    """H = [[1, 2], [2, 1]] has eigenvalues 3, -1 on (1, 1)/sqrt2, (1, -1)/sqrt2, so |H| = [[2, 1], [1, 2]].

    On f = x^T H x / 2 from (1, 0): g = (1, 2), |H|^-1 g = [[2, -1], [-1, 2]] (1, 2) / 3 = (0, 1),
    x1 = (1, -1): the component on the ascent direction (eigenvalue -1) doubles, the other is zeroed.
    """
    H = np.array([[1.0, 2.0], [2.0, 1.0]])
    traj = saddle_free_newton(lambda x: H @ x, lambda x: H, [1.0, 0.0], 1)
    assert_allclose(traj, [[1.0, 0.0], [1.0, -1.0]], rtol=0, atol=1e-15)


def test_saddle_free_newton_damping_by_hand() -> None:
    """H = diag(1, -1), damping 1: |H| + I = 2I, so x1 = x0 - g/2 = (0.3, 0.2) - (0.15, -0.1)."""
    traj = saddle_free_newton(
        lambda v: v * [1.0, -1.0], lambda v: np.diag([1.0, -1.0]), [0.3, 0.2], 1, damping=1.0
    )
    assert_allclose(traj[-1], [0.15, 0.3], rtol=1e-15)


def _mp_matrix(M: np.ndarray) -> mpmath.matrix:
    return mpmath.matrix(M.tolist())


@pytest.mark.parametrize("seed", range(5))
def test_saddle_free_newton_step_against_mpmath(seed: int) -> None:
    """One step equals x0 - Q |L|^-1 Q^T g, from mpmath's 30-digit eigsy, on random symmetric 3x3 H."""
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(3, 3))
    H, x0, damping = M + M.T, rng.normal(size=3), 0.25 * seed
    g0 = H @ x0
    with mpmath.workdps(30):
        E, Q = mpmath.eigsy(_mp_matrix(H))
        inverse = mpmath.diag([1 / (abs(e) + damping) for e in E])
        step = Q * inverse * Q.T * mpmath.matrix(g0.tolist())
        expected = [float(mpmath.mpf(x) - s) for x, s in zip(x0.tolist(), step, strict=True)]
    traj = saddle_free_newton(lambda x: H @ x, lambda x: H, x0, 1, damping=damping)
    assert_allclose(traj[1], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_newton_step_against_mpmath(seed: int) -> None:
    """One Newton step equals x0 - H^-1 g with mpmath's 30-digit LU solve (H need not be symmetric)."""
    rng = np.random.default_rng(100 + seed)
    H, x0, c = rng.normal(size=(3, 3)) + 3 * np.eye(3), rng.normal(size=3), rng.normal(size=3)
    with mpmath.workdps(30):
        g0 = _mp_matrix(H) * mpmath.matrix(x0.tolist()) + mpmath.matrix(c.tolist())
        step = mpmath.lu_solve(_mp_matrix(H), g0)
        expected = [float(mpmath.mpf(x) - s) for x, s in zip(x0.tolist(), step, strict=True)]
    traj = newton(lambda x: H @ x + c, lambda x: H, x0, 1)
    assert_allclose(traj[1], expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("H", "expected"),
    [
        ([[1.0, 2.0], [2.0, 1.0]], [[2.0, 1.0], [1.0, 2.0]]),  # derived in the saddle-free test above
        ([[0.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]),  # eigenvalues +-1: |H| = I
        ([[2.0, 1.0], [1.0, 2.0]], [[2.0, 1.0], [1.0, 2.0]]),  # positive definite: itself
        ([[-3.0, 0.0], [0.0, 0.5]], [[3.0, 0.0], [0.0, 0.5]]),  # diagonal: absolute values
        ([[-7.0]], [[7.0]]),
    ],
)
def test_abs_matrix_hand_values(H, expected) -> None:
    """|H| of small matrices whose eigen-decomposition is known by hand."""
    assert_allclose(abs_matrix(H), expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize("scale", [1e-300, 1e-5, 1e8, 1e300])
def test_abs_matrix_is_homogeneous(scale: float) -> None:
    """|cH| = c|H| for c > 0, down to 1e-300 and up to 1e300, with no warning."""
    H = scale * np.array([[1.0, 2.0], [2.0, 1.0]])
    assert_allclose(abs_matrix(H), scale * np.array([[2.0, 1.0], [1.0, 2.0]]), rtol=1e-14, atol=0)


def test_abs_matrix_near_the_largest_float() -> None:
    """Entries of 1.5e308 (H + H^T would overflow): |[[0, a], [a, 0]]| = a I, with no warning."""
    a = 1.5e308
    assert_allclose(abs_matrix([[0.0, a], [a, 0.0]]), [[a, 0.0], [0.0, a]], rtol=0, atol=1e-14 * a)


@pytest.mark.parametrize("shape", [(2, 2), (0, 0)])
def test_abs_matrix_of_zero(shape) -> None:
    """|0| = 0, also for the empty matrix, without a 0/0."""
    out = abs_matrix(np.zeros(shape))
    assert out.shape == shape and not out.any()


@pytest.mark.parametrize("seed", range(4))
def test_abs_matrix_identities(seed: int) -> None:
    """|H| is symmetric, positive semi-definite, and |H|^2 = H^2 (V L^2 V^T both), on random H."""
    rng = np.random.default_rng(seed)
    M = rng.normal(size=(4, 4))
    H = M + M.T
    P = abs_matrix(H)
    assert_allclose(P, P.T, rtol=0, atol=1e-13)
    assert np.linalg.eigvalsh(P).min() > -1e-12
    assert_allclose(P @ P, H @ H, rtol=0, atol=1e-12)


def test_symmetry_tolerance_is_relative_to_the_largest_entry() -> None:
    """Asymmetry of exactly 1e-10 x max|H| is accepted and averaged away; 2e-10 x max|H| is refused."""
    assert SYMMETRY_RTOL == 1e-10
    assert_allclose(abs_matrix([[1.0, 1e-10], [0.0, 1.0]]), [[1.0, 5e-11], [5e-11, 1.0]], rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match=r"H must be symmetric \(to 1e-10 of its largest entry\)"):
        abs_matrix([[1.0, 2e-10], [0.0, 1.0]])
    # the same relative asymmetry at other scales: accepted at 1e6 (an absolute 1e-4), refused at 1e-20
    big = 1e6 * np.array([[1.0, 1.0 + 1e-11], [1.0, 1.0]])
    assert_allclose(abs_matrix(big), 1e6 * np.ones((2, 2)), rtol=1e-10)
    with pytest.raises(ValueError, match="symmetric"):
        abs_matrix(1e-20 * np.array([[1.0, 1.0], [0.0, 1.0]]))


@pytest.mark.parametrize("H", [[[0.0, 1.0], [0.0, 0.0]], [[1.0, 0.5], [-0.5, 1.0]], [[1.0, 1.0], [1.5, 1.0]]])
def test_abs_matrix_refuses_asymmetric(H) -> None:
    """Clearly asymmetric matrices (relative asymmetry 1, 1 and 1/3) are refused, not symmetrised."""
    with pytest.raises(ValueError, match="H must be symmetric"):
        abs_matrix(H)
