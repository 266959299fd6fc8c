"""The deep ReLU network of the loss-landscape experiment: initialisation, loss, gradient."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes.experiments.landscape import synthetic_data
from nnnotes.relu_network import he_normal_init, loss_and_gradient


def test_batch_norm_network_ignores_the_scale_of_the_first_layer() -> None:
    """Normalisation after a layer makes the loss invariant to scaling that layer (up to eps)."""
    X, y = synthetic_data(n=32, seed=0)
    params = he_normal_init(X.shape[1], 8, 3, 0)
    scaled = [p * 10.0 if k < 2 else p for k, p in enumerate(params)]
    base, with_bn = loss_and_gradient(params, X, y, True)[0], loss_and_gradient(scaled, X, y, True)[0]
    assert_allclose(with_bn, base, rtol=1e-5)
    plain = loss_and_gradient(scaled, X, y, False)[0]
    assert abs(plain - loss_and_gradient(params, X, y, False)[0]) > 1.0


def test_both_runs_start_from_the_same_weights() -> None:
    """Same seed, same initial weights: the initialisation does not depend on batch norm."""
    a, b = he_normal_init(8, 32, 8, 0), he_normal_init(8, 32, 8, 0)
    for p, q in zip(a, b, strict=True):
        assert_array_equal(p, q)
    assert [p.shape for p in a[:4]] == [(8, 32), (32,), (32, 32), (32,)]
    assert_allclose(np.std(a[2]), np.sqrt(2 / 32), rtol=0.1)  # He initialisation


def test_overflowing_pre_activations_raise_floating_point_error() -> None:
    """Weights so large that a pre-activation overflows give a FloatingPointError naming the layer."""
    params = he_normal_init(2, 3, 2, seed=0)
    params[2] = np.full_like(params[2], 1e300)
    X, y = np.ones((4, 2)) * 1e10, np.zeros((4, 1))
    with np.errstate(over="ignore"), pytest.raises(FloatingPointError, match="hidden layer 2 overflow"):
        loss_and_gradient(params, X, y, batch_norm=False)


@pytest.mark.parametrize("bn", [False, True])
def test_gradient_of_one_weight_by_central_differences(bn) -> None:
    """One entry of the first weight matrix, by (L(w + h) - L(w - h)) / 2h, h = 1e-6."""
    X, y = synthetic_data(n=10, d=3, seed=2)
    params = he_normal_init(3, 4, 2, seed=2)
    _, grads = loss_and_gradient(params, X, y, bn)
    h = 1e-6
    up = [p.copy() for p in params]
    down = [p.copy() for p in params]
    up[0][1, 2] += h
    down[0][1, 2] -= h
    fd = (loss_and_gradient(up, X, y, bn)[0] - loss_and_gradient(down, X, y, bn)[0]) / (2 * h)
    assert_allclose(grads[0][1, 2], fd, rtol=1e-6, atol=1e-9)


def test_an_overflowing_output_raises_floating_point_error() -> None:
    """Inputs so large that the output layer (not a hidden one) overflows: FloatingPointError, no inf loss."""
    params = he_normal_init(1, 2, 1, seed=0)
    with pytest.raises(FloatingPointError):
        loss_and_gradient(params, np.array([[1e155], [2e155]]), np.zeros((2, 1)), False)
    with pytest.raises(ValueError, match="y must hold finite numbers"):
        loss_and_gradient(params, np.ones((2, 1)), np.array([[np.inf], [0.0]]), False)
