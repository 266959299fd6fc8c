"""The quadratic model's classification of its critical point."""

from __future__ import annotations

import numpy as np
import pytest

from nnnotes.quadratic import Quadratic, steps_to_tolerance


@pytest.mark.parametrize(
    "A",
    [
        [[2.0, 3.0, 5.0], [3.0, 5.0, 8.0], [5.0, 8.0, 13.0]],  # rank 2: eigvalsh gives -1.0e-15
        [[4.0, 2.0, 2.0], [2.0, 1.0, 1.0], [2.0, 1.0, 1.0]],  # rank 1: eigvalsh gives -1.1e-15
    ],
)
def test_a_singular_positive_semidefinite_matrix_is_not_a_saddle(A) -> None:
    """Exactly singular and PSD (determinant 0 by hand): the rounded negative eigenvalue is not counted."""
    q = Quadratic(A, np.zeros(3))
    assert q.eigenvalues()[0] < 0  # what rounding makes of the zero eigenvalue
    assert not q.is_saddle()


def test_small_eigenvalues_of_both_signs_beyond_rounding_make_a_saddle() -> None:
    """diag(1, -1e-12) is a saddle: its negative eigenvalue is far beyond rounding. diag(1, 1) is not."""
    assert Quadratic(np.diag([1.0, -1e-12]), np.zeros(2)).is_saddle()
    assert not Quadratic(np.eye(2), np.zeros(2)).is_saddle()


@pytest.mark.parametrize("method", ["condition_number", "lr_threshold", "best_lr"])
def test_quantities_that_need_a_positive_definite_matrix_refuse_others(method: str) -> None:
    """condition_number, lr_threshold and best_lr require A > 0, as their docstrings say."""
    for A in (np.diag([1.0, -1.0]), np.diag([1.0, 0.0])):
        with pytest.raises(ValueError, match="A must be positive definite"):
            getattr(Quadratic(A, np.zeros(2)), method)()


def test_a_singular_psd_rank_one_matrix_is_not_a_saddle() -> None:
    """vv^T with v = (8, 2, 9) is exactly singular and PSD; eigvalsh gave -5.5e-14, 1.84 d u max|lambda|."""
    v = np.array([8.0, 2.0, 9.0])
    q = Quadratic(np.outer(v, v), np.zeros(3))
    assert not q.is_saddle()
    assert Quadratic(np.outer(v, v) - 1e-9 * np.eye(3), np.zeros(3)).is_saddle()  # a real negative one


U = 2.0**-53  # the unit roundoff of float64


def test_default_constant_is_zero() -> None:
    """Without c, the constant is 0: f(0) = 0."""
    q = Quadratic(np.eye(2), [1.0, 1.0])
    assert q.c == 0.0
    assert q.f([0.0, 0.0]) == 0.0


def test_value_and_gradient_by_hand() -> None:
    """Check f and its gradient at a point, by hand.

    A = [[2, 1], [1, 3]], b = (1, -1), c = 0.5, x = (1, 2): x^T A x = 2 + 2*2 + 3*4 = 18, b^T x = -1, so
    f = 18/2 + 1 + 0.5 = 10.5; the gradient A x - b = (4, 7) - (1, -1) = (3, 8).
    """
    q = Quadratic([[2.0, 1.0], [1.0, 3.0]], [1.0, -1.0], c=0.5)
    assert q.c == 0.5
    assert q.f([1.0, 2.0]) == 10.5
    assert q.grad([1.0, 2.0]).tolist() == [3.0, 8.0]
    assert q.hess([1.0, 2.0]).tolist() == [[2.0, 1.0], [1.0, 3.0]]


@pytest.mark.parametrize(
    ("A", "b", "match"),
    [
        ([[1.0, np.nan], [np.nan, 1.0]], [0.0, 0.0], "^A must hold finite numbers"),
        (np.eye(2), [0.0, np.inf], "^b must hold finite numbers"),
        (np.zeros((2, 3)), [0.0, 0.0], r"^A must be a square matrix, got shape \(2, 3\)"),
        (np.zeros((3, 2)), [0.0, 0.0, 0.0], r"^A must be a square matrix, got shape \(3, 2\)"),
        (np.eye(2), [0.0, 0.0, 0.0], r"^b must have shape \(2,\), got \(3,\)"),
        ([[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0], "^A must be symmetric$"),
    ],
)
def test_bad_arguments_are_named(A, b, match: str) -> None:
    """Non-finite, non-square, mismatched or non-symmetric arguments raise a ValueError naming them."""
    with pytest.raises(ValueError, match=match):
        Quadratic(A, b)


@pytest.mark.parametrize(
    ("diagonal", "saddle"),
    [
        ((1.0, -16 * U), False),  # exactly at the band 8 d u max|lambda| = 16 u: counted as zero
        ((1.0, -15 * U), False),
        ((1.0, -17 * U), True),
        ((-1.0, 16 * U), False),  # the positive side's band is the same, also inclusive
        ((-1.0, 17 * U), True),
        ((2.0**-10, -17 * U * 2.0**-10), True),  # the band scales with max|lambda| below 1 too
        ((2.0**-10, -15 * U * 2.0**-10), False),
    ],
)
def test_saddle_band_is_eight_d_u_max_lambda(diagonal, saddle: bool) -> None:
    """For d = 2 the zero band is 8 * 2 * 2^-53 max|lambda| = 16 u max|lambda|, inclusive, as documented.

    A diagonal matrix's eigenvalues are its diagonal entries, computed exactly.
    """
    q = Quadratic(np.diag(diagonal), np.zeros(2))
    assert sorted(q.eigenvalues().tolist()) == sorted(diagonal)
    assert q.is_saddle() is saddle


def test_positive_definite_quantities_by_hand() -> None:
    """For A = diag(1, 2, 4): kappa = 4/1, 2/lambda_max = 1/2, 2/(lambda_min + lambda_max) = 2/5."""
    q = Quadratic(np.diag([1.0, 2.0, 4.0]), np.zeros(3))
    assert q.condition_number() == 4.0
    assert q.lr_threshold() == 0.5
    assert q.best_lr() == 0.4


def test_steps_to_tolerance_by_hand() -> None:
    """The first step whose gradient norm is at most tol, boundary included, or None.

    q = (1/2)|x|^2 - b^T x with b = (1, 1): the gradient is x - b; the trajectory's gradients are (3, 4),
    (0, 2), (0, 0) and (0, 2), of norms 5, 2, 0 and 2.
    """
    q = Quadratic(np.eye(2), [1.0, 1.0])
    traj = np.array([[4.0, 5.0], [1.0, 3.0], [1.0, 1.0], [1.0, 3.0]])
    assert steps_to_tolerance(traj, q, 2.0) == 1
    assert steps_to_tolerance(traj, q, 1.0) == 2
    assert steps_to_tolerance(traj[:2], q, 1.0) is None


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        ([1.0, 2.0, 3.0], ValueError, r"x must have shape \(2,\), got \(3,\)"),
        ([[1.0, 2.0]], ValueError, "x must be a 1-d array"),
        ([1j, 0.0], TypeError, "x must"),
    ],
)
def test_value_and_gradient_refuse_a_point_of_the_wrong_shape_or_kind(x, error, match: str) -> None:
    """The value and the gradient name ``x`` when it is not a real vector of the problem's size."""
    q = Quadratic(np.eye(2), [1.0, 2.0])
    for method in (q.f, q.grad):
        with pytest.raises(error, match=match):
            method(x)


@pytest.mark.parametrize(
    ("trajectory", "tol", "match"),
    [
        (np.zeros((3, 3)), 1.0, r"trajectory must have rows of shape \(2,\), got shape \(3, 3\)"),
        (np.zeros(2), 1.0, "trajectory must be a 2-d array"),
        (np.zeros((3, 2)), 0.0, "tol must be"),
        (np.zeros((3, 2)), float("nan"), "tol must be"),
    ],
)
def test_steps_to_tolerance_names_a_bad_argument(trajectory, tol: float, match: str) -> None:
    """A trajectory of the wrong width, or a tolerance that is not positive, is refused by name."""
    q = Quadratic(np.eye(2), [1.0, 2.0])
    with pytest.raises(ValueError, match=match):
        steps_to_tolerance(trajectory, q, tol)
