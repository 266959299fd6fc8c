"""The batch-norm Jacobian: its structure and the error bounds of its notes.

The reference is the closed form of the notes evaluated in mpmath at 60 digits on the exact values of
the float inputs (mean, biased variance and x_hat all exact), so it shares no rounding with the code.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from nnnotes.batchnorm import batch_norm
from nnnotes.batchnorm_jacobian import batch_norm_jacobian, central_difference_jacobian

U = 2.0**-53


def _exact(xs: list[float], eps: float) -> tuple[list[list[mpmath.mpf]], mpmath.mpf, mpmath.mpf]:
    """The Jacobian (gamma = 1), its scale 1 / sqrt(var + eps) and sigma_B in mpmath (inside workdps)."""
    v = [mpmath.mpf(t) for t in xs]
    n = len(v)
    mu = sum(v) / n
    var = sum((t - mu) ** 2 for t in v) / n
    s = 1 / mpmath.sqrt(var + mpmath.mpf(eps))
    xh = [(t - mu) * s for t in v]
    J = [[s * (int(i == j) - mpmath.mpf(1) / n - xh[i] * xh[j] / n) for j in range(n)] for i in range(n)]
    return J, s, mpmath.sqrt(var)


def _abs_error(J: np.ndarray, exact: list[list[mpmath.mpf]]) -> mpmath.mpf:
    n = len(exact)
    return max(abs(mpmath.mpf(float(J[i, j])) - exact[i][j]) for i in range(n) for j in range(n))


@pytest.mark.parametrize(("xs", "eps"), [([0.0, 2.0], 1e-10), ([0.0, 2.0], 1e-12), ([-3.0, 5.0], 1e-9)])
def test_small_entries_are_got_by_cancellation_to_u_at_the_scale(xs: list[float], eps: float) -> None:
    """Notes: a small entry comes by cancellation, relative error about u / |J_ij| at that scale.

    For a batch of two far apart the entries are about eps/2 against a scale of about 1: the
    absolute error stays within 8 u times gamma / sqrt(var + eps), far more than u relative.
    """
    J = batch_norm_jacobian(np.array(xs)[:, None], 1.0, eps)[0]
    with mpmath.workdps(60):
        exact, scale, _ = _exact(xs, eps)
        assert abs(exact[0][0]) < 1e-9 * scale  # the entries are small against the scale
        assert _abs_error(J, exact) <= 8 * U * scale


@pytest.mark.parametrize("offset", [1e4, 1e8, 1e12])
def test_a_large_mean_costs_kappa_u_at_the_scale(offset: float) -> None:
    """Notes: with kappa = max|x| / sigma_B, every entry is good to about kappa u relative to the scale.

    Batches of 6 normal values around 1e4, 1e8 and 1e12 (kappa up to about 1e12): the absolute error
    stays within 8 kappa u gamma / sqrt(var + eps).
    """
    rng = np.random.default_rng(int(np.log10(offset)))
    for _ in range(5):
        xs = (offset + rng.normal(size=6)).tolist()
        J = batch_norm_jacobian(np.array(xs)[:, None])[0]
        with mpmath.workdps(60):
            exact, scale, sigma = _exact(xs, 1e-5)
            kappa = max(abs(mpmath.mpf(t)) for t in xs) / sigma
            assert _abs_error(J, exact) <= 8 * kappa * U * scale


def test_the_jacobian_is_symmetric_and_kills_constants() -> None:
    """Notes: J is symmetric, and J 1 = 0 (a constant added to the whole batch changes nothing).

    x_hat_i x_hat_j is computed as x_hat_j x_hat_i, so symmetry holds exactly; the row sums are 0
    up to the rounding of sum(x_hat) (well within 8 N u times the scale for a batch with kappa ~ 3).
    """
    rng = np.random.default_rng(8)
    x = rng.normal(size=(50, 3)) * [1.0, 10.0, 0.1] + [1.0, -2.0, 0.0]
    gamma = np.array([1.5, -0.5, 2.0])
    J = batch_norm_jacobian(x, gamma)
    assert np.array_equal(J, J.transpose(0, 2, 1))
    scale = np.abs(gamma) / np.sqrt(x.var(axis=0) + 1e-5)
    assert np.all(np.abs(J.sum(axis=2)).max(axis=1) <= 8 * 50 * U * scale)


def test_the_full_jacobian_is_block_diagonal() -> None:
    """Columns are normalised independently: moving x_jc leaves every other column's output unchanged.

    So the full (NC, NC) Jacobian is block-diagonal, and block c is the Jacobian of column c alone.
    """
    x = np.array([[1.0, 5.0, -1.0], [2.0, 3.0, 0.5], [3.0, 9.0, 0.0], [6.0, 1.0, 2.0]])
    gamma = np.array([2.0, 1.0, -1.0])
    y = batch_norm(x, gamma, 0.0)
    for j, c in [(0, 0), (2, 1), (3, 2)]:
        moved = x.copy()
        moved[j, c] += 0.25
        other = [k for k in range(3) if k != c]
        assert np.array_equal(batch_norm(moved, gamma, 0.0)[:, other], y[:, other])
    J = batch_norm_jacobian(x, gamma)
    for c in range(3):
        alone = batch_norm_jacobian(x[:, [c]], gamma[c])[0]
        np.testing.assert_allclose(J[c], alone, rtol=1e-14, atol=1e-15)


def test_central_differences_err_by_h_squared_plus_rounding_over_h() -> None:
    """central_difference_jacobian: error of the order of h^2 plus rounding of about 1e-16 / h.

    Halving a large h divides the error by about 4; at h = 1e-9, where rounding dominates, the
    error stays below 100 times 1e-16 / h.
    """
    x = [[1.0], [2.0], [3.0], [6.0]]
    J = batch_norm_jacobian(x)

    def err(h: float) -> float:
        return float(np.abs(central_difference_jacobian(x, h=h) - J).max())

    assert 3.5 < err(0.02) / err(0.01) < 4.5
    assert 3.5 < err(0.1) / err(0.05) < 4.5
    assert err(1e-9) <= 100 * 1e-16 / 1e-9
