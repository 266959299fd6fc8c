"""The quadratic model's classification of its critical point."""

from __future__ import annotations

import numpy as np
import pytest

from nnnotes.quadratic import Quadratic


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
