"""Optimisers: the bounds and behaviours the docstrings' prose states, each against a hand derivation.

References: closed forms of gradient descent on
quadratics, and Hadamard matrices (H^2 = d I, so |H| = sqrt(d) I); never a value from the code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnnotes.optim import abs_matrix, gradient_descent, newton, saddle_free_newton

MAX = float(np.finfo(float).max)
H2 = np.array([[1.0, 1.0], [1.0, -1.0]])


def _random_symmetric(rng: np.random.Generator, d: int, signs: bool) -> np.ndarray:
    a = rng.choice([-1.0, 1.0], (d, d)) if signs else rng.uniform(-1.0, 1.0, (d, d))
    return np.triu(a) + np.triu(a, 1).T


@pytest.mark.parametrize("d", [2, 3, 4, 5, 8])
def test_an_entry_of_abs_h_exceeds_the_entries_of_h_by_at_most_sqrt_d(d: int) -> None:
    """Notes: max|(|H|)| <= sqrt(d) max|H|: |H|_ii <= |H e_i| <= sqrt(d) max|H|, |H| is PSD (hand)."""
    rng = np.random.default_rng(d)
    for k in range(400):
        H = _random_symmetric(rng, d, signs=k % 2 == 1)
        assert np.abs(abs_matrix(H)).max() <= math.sqrt(d) * np.abs(H).max() * (1 + 1e-14)


@pytest.mark.parametrize("power", [1, 2, 3])
def test_a_symmetric_hadamard_matrix_attains_the_factor_sqrt_d(power: int) -> None:
    """Sylvester's H (d = 2^power) is symmetric with H^2 = d I, so |H| = sqrt(d) I: the factor is attained."""
    H = H2
    for _ in range(power - 1):
        H = np.kron(H, H2)
    d = H.shape[0]
    assert np.array_equal(H @ H, d * np.eye(d))
    np.testing.assert_allclose(abs_matrix(H), math.sqrt(d) * np.eye(d), rtol=0, atol=1e-14)


def test_a_hadamard_matrix_near_the_top_cannot_be_represented() -> None:
    """|a H4| = 2a I: an error for a = 1e308 (2e308 > 1.8e308), no warning; fine for a = 8e307."""
    H4 = np.kron(H2, H2)
    with pytest.raises(ValueError, match="H is too large"):
        abs_matrix(1e308 * H4)
    np.testing.assert_allclose(abs_matrix(8e307 * H4), 1.6e308 * np.eye(4), rtol=1e-14, atol=1e294)


def test_abs_matrix_of_a_positive_semidefinite_matrix_is_the_matrix() -> None:
    """Returns: |H| equals H up to rounding when H is PSD (all eigenvalues >= 0), singular ones too."""
    rng = np.random.default_rng(3)
    for d in (1, 2, 5, 9):
        B = rng.normal(size=(d, max(1, d - 2)))
        H = B @ B.T  # PSD, rank d - 2
        np.testing.assert_allclose(abs_matrix(H), H, rtol=0, atol=1e-13 * np.abs(H).max())


@pytest.mark.parametrize("seed", range(5))
def test_saddle_free_steps_descend_and_are_as_long_as_newtons(seed: int) -> None:
    """Notes: the saddle-free step is as long as Newton's, and a descent direction.

    Dividing by |lambda| instead of lambda keeps the length of each eigen-component of the step
    (so of the step), and makes it a descent direction: g . (x0 - x1) = sum g_i^2 / |lambda_i| > 0.
    """
    rng = np.random.default_rng(seed)
    H = _random_symmetric(rng, 4, signs=False) + np.diag([0.0, 0.0, 3.0, -3.0])  # indefinite
    g0 = rng.normal(size=4)
    x0 = rng.normal(size=4)

    def grad(x: np.ndarray) -> np.ndarray:
        return g0 + H @ (x - x0)

    nt = newton(grad, lambda x: H, x0, 1)[1] - x0
    sf = saddle_free_newton(grad, lambda x: H, x0, 1)[1] - x0
    assert math.isclose(np.linalg.norm(sf), np.linalg.norm(nt), rel_tol=1e-12)
    assert g0 @ sf < 0 < g0 @ -sf


def test_gradient_descent_contracts_if_and_only_if_lr_is_below_two_over_lambda_max() -> None:
    """Notes: gradient descent contracts for every start if and only if 0 < eta < 2 / lambda_max.

    On A = diag(4, 1), x_k - x* = ((1 - 4 eta)^k, (1 - eta)^k) x0 (hand): below 2/4 every start
    contracts; above, the start (1, 0) grows as |1 - 4 eta|^k.
    """
    rng = np.random.default_rng(0)
    star = np.array([0.5, -2.0])
    A = np.diag([4.0, 1.0])
    for x0 in rng.normal(size=(20, 2)) * 10.0:
        traj = gradient_descent(lambda x: A @ (x - star), x0, lr=0.49, steps=400)
        assert np.linalg.norm(traj[-1] - star) < 1e-3 * np.linalg.norm(x0 - star)
    traj = gradient_descent(lambda x: A @ (x - star), star + [1.0, 0.0], lr=0.51, steps=400)
    assert abs(traj[-1, 0] - star[0]) > 0.9 * 1.04**400 > 1e6
