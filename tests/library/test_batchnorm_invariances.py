"""Batch normalization: the invariances the docstrings state, on random batches, by hand derivation.

With mean mu and biased variance var of a column, a x + c (a > 0) has mean a mu + c and variance
a^2 var, so its x_hat is (x - mu) / sqrt(var + eps / a^2): a shift changes nothing, a rescaling only
eps. The input gradient is g minus its mean and its component along x_hat, times gamma / sqrt(var + eps):
its column sums are 0, and its product with x_hat is gamma inv_std sum(g x_hat) eps / (var + eps).
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.batchnorm import batch_norm, batch_norm_backward, batch_statistics


@pytest.mark.parametrize(("n", "c", "seed"), [(2, 1, 0), (5, 3, 1), (64, 4, 2), (300, 2, 3)])
def test_shift_and_rescaling_change_the_output_only_through_eps(n: int, c: int, seed: int) -> None:
    """Backward notes: a shift or a rescaling of the batch does not change the output (up to eps)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c)) * rng.uniform(0.5, 3.0, c)
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    y = batch_norm(x, gamma, beta, eps=1e-5)
    assert_allclose(batch_norm(x + 123.25, gamma, beta, eps=1e-5), y, rtol=1e-12, atol=1e-12)
    for a in (1e-3, 7.0, 1e6):
        scaled = batch_norm(a * x - 5.0, gamma, beta, eps=1e-5)
        assert_allclose(scaled, batch_norm(x, gamma, beta, eps=1e-5 / a**2), rtol=1e-11, atol=1e-11)
    assert_allclose(
        batch_norm(1e6 * x, gamma, beta), batch_norm(x, gamma, beta, eps=1e-300), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize(("n", "c", "seed"), [(2, 1, 0), (3, 2, 4), (40, 5, 5), (500, 3, 6)])
def test_the_input_gradient_sums_to_zero_and_is_orthogonal_to_x_hat_up_to_eps(
    n: int, c: int, seed: int
) -> None:
    """Backward example and notes: grad_x sums to zero over the batch and is orthogonal to x_hat up to eps.

    Its product with x_hat is gamma inv_std sum(g x_hat) eps / (var + eps) (hand), 0 as eps -> 0.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c)) * 3.0 + 1.0
    g = rng.normal(size=(n, c))
    gamma = rng.uniform(0.5, 2.0, c)
    for eps in (1e-5, 0.3):
        gx, _, _ = batch_norm_backward(g, x, gamma, eps=eps)
        scale = np.abs(gamma) * np.abs(g).sum(axis=0) / np.sqrt(x.var(axis=0) + eps)
        assert np.all(np.abs(gx.sum(axis=0)) <= 1e-13 * scale)
        st = batch_statistics(x, eps=eps)
        var = x.var(axis=0)
        expected = gamma * st.inv_std * (g * st.x_hat).sum(axis=0) * eps / (var + eps)
        assert_allclose((gx * st.x_hat).sum(axis=0), expected, rtol=1e-8, atol=1e-13 * scale.max())


def test_a_constant_gradient_column_gives_exact_zeros_however_large_gamma() -> None:
    """A constant g gives grad_x = 0 exactly: sum(x_hat) is identically 0, so sum(c y) does not move.

    The computed mean of (0.1, 0.1, 0.1) misses 0.1 by an ulp (0.30000000000000004 / 3); times
    gamma * inv_std = 1e10 / sqrt(eps) that noise would be about 4e-6 (hand). Other columns keep it.
    """
    g = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 4.0]])
    x = np.array([[5.0, 0.0], [5.0, 1.0], [5.0, 3.0]])
    assert g[:, 0].mean() != 0.1  # the noise the code must not blow up
    gx, _, _ = batch_norm_backward(g, x, gamma=1e10)
    assert gx[:, 0].tolist() == [0.0, 0.0, 0.0]
    assert np.all(gx[:, 1] != 0.0)


def test_gamma_gradient_whose_products_overflow_while_the_sum_fits() -> None:
    """grad_gamma = sum g x_hat = 0 exactly here, though each product g x_hat is beyond float64.

    x = (1, 1, 0, ..., 0) with 202 rows: x_hat = 10 on the two ones (sqrt((n - 2) / 2), by hand); g
    = (1e308, -1e308, 0, ...): the products are +-1e309 and cancel. grad_beta = 0 and grad_x, with
    gamma = 1e-3, about 1e306, fit too; nothing may overflow on the way.
    """
    x = np.zeros((202, 1))
    x[:2] = 1.0
    g = np.zeros((202, 1))
    g[0], g[1] = 1e308, -1e308
    st = batch_statistics(x)
    assert_allclose(st.x_hat[:2, 0], [10.0, 10.0], rtol=1e-3)  # eps = 1e-5 against var 0.0099
    with np.errstate(all="raise"):
        gx, grad_gamma, grad_beta = batch_norm_backward(g, x, gamma=1e-3)
    assert grad_gamma.tolist() == [0.0] and grad_beta.tolist() == [0.0]
    assert np.all(np.isfinite(gx)) and 5e305 < abs(gx[0, 0]) < 2e306
