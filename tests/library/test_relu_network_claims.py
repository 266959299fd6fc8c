"""The deep ReLU network: the docstrings' promises on overflow, initialisation and normalisation.

References: hand derivations (the values are chosen so every product is exact or plainly beyond
float64), mpmath for the normalised values.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.relu_network import he_normal_init, hidden_layers, loss_and_gradient


@pytest.mark.parametrize("where", ["W_out", "b_out"])
def test_an_infinite_output_weight_or_bias_raises_instead_of_an_infinite_loss(where: str) -> None:
    """Raises: FloatingPointError if the output or the loss overflows, "rather than propagating infinities".

    Found by this audit: an output weight or bias made infinite (by a diverging step) gave
    inf * 1 = inf without any floating-point flag, and the old code returned the loss inf and
    infinite gradients. One unit, W1 = 1, x = (1, 2): h = (1, 2), so the first of two outputs is inf exactly.
    """
    params = [np.array([[1.0]]), np.zeros(1), np.array([[1.0, 1.0]]), np.zeros(2)]
    params[2 if where == "W_out" else 3][..., 0] = np.inf  # one output of two: the other stays finite
    with pytest.raises(FloatingPointError, match="^the output of the network overflows$"):
        loss_and_gradient(params, np.array([[1.0], [2.0]]), np.zeros((2, 2)), False)


def test_a_gradient_beyond_float64_with_a_finite_loss_raises() -> None:
    """Raises: FloatingPointError if a gradient overflows, though the loss is finite.

    By hand: W1 = 1e300 and x = 1 give h = 1e300; W_out = 1e-300 gives an output of about 1, and with
    y = -1e10 the residual is about 1e10 (loss 1e20). The output weight's gradient is h * 2r/N, about
    2e310: beyond float64 (about 1.8e308). Only that matrix product overflows.
    """
    params = [np.array([[1e300]]), np.zeros(1), np.array([[1e-300]]), np.zeros(1)]
    with pytest.raises(FloatingPointError):
        loss_and_gradient(params, np.array([[1.0]]), np.array([[-1e10]]), False)
    params[0] = np.array([[1e290]])  # h = 1e290: the same gradient is about 2e300, finite
    loss, grads = loss_and_gradient(params, np.array([[1.0]]), np.array([[-1e10]]), False)
    assert 1e19 < loss < 1e21 and all(np.all(np.isfinite(g)) for g in grads)


def test_he_normal_init_has_zero_biases_and_variance_two_over_fan_in() -> None:
    """he_normal_init: hidden weights N(0, 2 / fan-in), every bias zero (fan-ins 400 and 300 here).

    The first matrix holds 120 000 draws (relative standard error of the sample variance
    sqrt(2 / 120000) = 0.4 %), the second 90 000 (0.5 %): 3 % is six standard errors and more.
    """
    params = he_normal_init(400, width=300, depth=2, seed=7)
    assert [p.shape for p in params] == [(400, 300), (300,), (300, 300), (300,), (300, 1), (1,)]
    for b in params[1::2]:
        assert not b.any()
    for W, fan_in in ((params[0], 400), (params[2], 300)):
        assert abs(W.mean()) < 5 * np.sqrt(2 / fan_in / W.size)
        assert_allclose(W.var() * fan_in / 2, 1.0, rtol=0.03)


def test_batch_normalization_uses_eps_1e_minus_5() -> None:
    """Module notes: gamma = 1, beta = 0, eps = 10^-5, over the batch, in training mode.

    A batch of two pre-activations 0 and 0.004 (W1 = 1): mean 0.002, biased variance 4e-6, so
    x_hat = -+0.002 / sqrt(4e-6 + 1e-5): eps weighs 2.5 times the variance, so another eps shows.
    """
    params = [np.array([[1.0]]), np.zeros(1), np.ones((1, 1)), np.zeros(1)]
    (layer,) = hidden_layers(params, np.array([[0.0], [0.004]]), batch_norm=True)
    with mpmath.workdps(40):
        d = (mpmath.mpf(0.004) - 0) / 2
        want = float(d / mpmath.sqrt(d**2 + mpmath.mpf("1e-5")))
    assert_allclose(layer.relu_input.ravel(), [-want, want], rtol=1e-12)
    assert_allclose(layer.output.ravel(), [0.0, want], rtol=1e-12)


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.ones(3), np.zeros((3, 1)), "^X must be a 2-d array"),
        (np.ones((3, 1)), np.zeros(3), "^y must be a 2-d array"),
    ],
)
def test_x_and_y_must_be_two_dimensional(X, y, match: str) -> None:
    """Raises: ValueError if X or y is not a 2-d array (non-finite values are tested elsewhere)."""
    with pytest.raises(ValueError, match=match):
        loss_and_gradient(he_normal_init(1, 2, 1, seed=0), X, y, False)
