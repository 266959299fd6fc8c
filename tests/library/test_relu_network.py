"""The deep ReLU network of the loss-landscape experiment: initialisation, loss, gradient."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes.experiments.landscape import synthetic_data
from nnnotes.relu_network import he_normal_init, hidden_layers, loss_and_gradient


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


def _one_unit_network() -> list[np.ndarray]:
    """Return one input, one hidden unit: W1 = 2, b1 = -1, W_out = 3, b_out = 0.5 (nonzero biases)."""
    return [np.array([[2.0]]), np.array([-1.0]), np.array([[3.0]]), np.array([0.5])]


def test_loss_and_gradient_by_hand() -> None:
    """Biases enter the pre-activations and the output, and ReLU'(0) = 0 (as activations.relu_derivative).

    X = (1, 1/2), y = (0, 0): z = 2x - 1 = (1, 0), h = relu(z) = (1, 0), out = 3h + 0.5 = (3.5, 0.5),
    loss = (3.5^2 + 0.5^2)/2 = 6.25. Backward: g = 2r/N = (3.5, 0.5); dW_out = h.g = 3.5,
    db_out = 4; g W_out = (10.5, 1.5), times relu'(z) = (1, 0) gives (10.5, 0); dW1 = x.g = 10.5,
    db1 = 10.5.
    """
    X, y = np.array([[1.0], [0.5]]), np.zeros((2, 1))
    loss, grads = loss_and_gradient(_one_unit_network(), X, y, False)
    assert loss == 6.25
    assert [g.tolist() for g in grads] == [[[10.5]], [10.5], [[3.5]], [4.0]]


def test_second_layer_uses_its_own_bias() -> None:
    """With two hidden layers each adds its own bias, by hand.

    W1 = 1, b1 = 1, W2 = 1, b2 = -3, W_out = 1, b_out = 0, x = 1, y = 0: z1 = 2, h1 = 2, z2 = -1,
    h2 = 0, out = 0, loss 0. Adding b1 in the second layer instead would give z2 = 3 and loss 9.
    """
    one = np.array([[1.0]])
    params = [one, np.array([1.0]), one, np.array([-3.0]), one, np.array([0.0])]
    loss, _ = loss_and_gradient(params, np.array([[1.0]]), np.zeros((1, 1)), False)
    assert loss == 0.0


def test_an_infinite_weight_is_caught_at_its_layer() -> None:
    """A weight made infinite (by a diverging step) gives some infinite pre-activations: a FloatingPointError.

    Only the first unit's column is infinite; the other unit's pre-activations stay finite.
    """
    params = [np.array([[np.inf, 1.0]]), np.zeros(2), np.array([[1.0], [1.0]]), np.zeros(1)]
    with pytest.raises(FloatingPointError, match="^the pre-activations of hidden layer 1 overflow$"):
        loss_and_gradient(params, np.array([[1.0], [2.0]]), np.zeros((2, 1)), False)


def test_non_finite_inputs_are_named() -> None:
    """NaN in X is a ValueError naming X."""
    params = he_normal_init(1, 2, 1, seed=0)
    with pytest.raises(ValueError, match="^X must hold finite numbers"):
        loss_and_gradient(params, np.array([[np.nan], [0.0]]), np.zeros((2, 1)), False)


def test_zero_output_zeroes_only_the_output_layer() -> None:
    """With two hidden layers, zero_output zeroes W_out (shape (width, 1)) and keeps every other draw."""
    plain = he_normal_init(2, 3, 2, seed=5)
    zero = he_normal_init(2, 3, 2, seed=5, zero_output=True)
    assert zero[-2].shape == (3, 1) and not zero[-2].any()
    for p, q in zip(plain[:-2] + plain[-1:], zero[:-2] + zero[-1:], strict=True):
        assert_array_equal(p, q)
    assert zero[2].shape == (3, 3) and zero[2].all()


def test_hidden_layers_by_hand() -> None:
    """A 1-2-2-1 network's two hidden layers, computed by hand, with and without batch norm."""
    from nnnotes.relu_network import BN_EPS, hidden_layers

    W1, b1 = np.array([[1.0, -1.0]]), np.array([0.0, 1.0])
    W2, b2 = np.array([[2.0, 0.0], [1.0, -3.0]]), np.array([-1.0, 0.5])
    params = [W1, b1, W2, b2, np.ones((2, 1)), np.zeros(1)]
    X = np.array([[1.0], [3.0]])
    # plain: z1 = (1, 0), (3, -2); h1 = (1, 0), (3, 0); z2 = h1 W2 + b2 = (1, 0.5), (5, 0.5)
    plain = hidden_layers(params, X, batch_norm=False)
    assert_array_equal(plain[0].relu_input, [[1.0, 0.0], [3.0, -2.0]])
    assert_array_equal(plain[0].output, [[1.0, 0.0], [3.0, 0.0]])
    assert_array_equal(plain[1].relu_input, [[1.0, 0.5], [5.0, 0.5]])
    assert_array_equal(plain[1].output, [[1.0, 0.5], [5.0, 0.5]])
    # batch norm of two values a < b: (-d, d)/sqrt(d^2 + eps), d = (b - a)/2; here d = 1 per unit
    bn = hidden_layers(params, X, batch_norm=True)
    s = 1 / np.sqrt(1 + BN_EPS)
    assert_allclose(bn[0].relu_input, [[-s, s], [s, -s]], rtol=1e-15)
    assert_allclose(bn[0].output, [[0.0, s], [s, 0.0]], rtol=1e-15)
    # layer 2 sees (0, s), (s, 0): z2 = (s - 1, 0.5 - 3s), (2s - 1, 0.5); in each unit the first
    # value is the smaller, by s and by 3s, so d = s/2 and 3s/2
    d = np.array([s / 2, 3 * s / 2])
    expected = np.array([[-1.0, -1.0], [1.0, 1.0]]) * d / np.sqrt(d**2 + BN_EPS)
    assert_allclose(bn[1].relu_input, expected, rtol=1e-14)
    assert_allclose(bn[1].output, [[0.0, 0.0], expected[1]], rtol=1e-14)


def test_hidden_layers_checks_its_input() -> None:
    """Non-finite inputs are named; an overflowing layer raises FloatingPointError."""
    from nnnotes.relu_network import hidden_layers

    params = he_normal_init(2, 3, 2, seed=0)
    with pytest.raises(ValueError, match="X"):
        hidden_layers(params, np.array([[np.nan, 1.0]]), batch_norm=False)
    params[2] = np.full_like(params[2], 1e300)
    with np.errstate(over="ignore"), pytest.raises(FloatingPointError, match="hidden layer 2 overflow"):
        hidden_layers(params, np.ones((4, 2)) * 1e10, batch_norm=False)


def test_an_overflowing_gradient_through_batch_norm_raises_floating_point_error() -> None:
    """The batch-norm backward overflows (output weights near 2^1018): FloatingPointError, as documented.

    Found by an audit: `nnnotes.batchnorm.batch_norm_input_gradient` raises OverflowError, which
    the network passed on although its docstring promises FloatingPointError for every overflow.
    """
    params = [np.array([[1.0, 1.0]]), np.zeros(2), np.array([[2.0**1018], [-(2.0**1018)]]), np.zeros(1)]
    X = np.array([[0.0], [0.0], [1e-3]])
    with pytest.raises(FloatingPointError, match="batch normalization of hidden layer 1 overflows"):
        loss_and_gradient(params, X, np.ones((3, 1)), True)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        (np.zeros((2, 1)), TypeError, r"params must be a list \[W1, b1, \.\.\., W_out, b_out\]"),
        ([np.zeros((2, 1))], TypeError, "an even number of arrays"),
        ([], TypeError, "an even number of arrays"),
        ([np.zeros((2, 1)), np.zeros(1), np.zeros((1, 1))], TypeError, "an even number of arrays"),
        ([np.zeros((3, 1)), np.zeros(1)], ValueError, r"must have shapes \(2, n\) and \(n,\), got \(3, 1\)"),
        ([np.zeros((2, 1)), np.zeros(2)], ValueError, r"params\[0\] and params\[1\] must have shapes"),
        (
            [np.zeros((2, 3)), np.zeros(3), np.zeros((2, 1)), np.zeros(1)],
            ValueError,
            r"params\[2\] and params\[3\] must have shapes \(3, n\)",
        ),
        ([np.zeros(2), np.zeros(1)], ValueError, r"params\[0\] must be a 2-d array"),
        ([np.zeros((2, 1)), [1j]], TypeError, r"params\[1\] must hold real numbers"),
    ],
)
def test_layers_that_do_not_chain_are_refused_by_name(params, error, match: str) -> None:
    """loss_and_gradient and hidden_layers name the entry of ``params`` that does not fit."""
    X, y = np.ones((4, 2)), np.ones((4, 1))
    with pytest.raises(error, match=match):
        loss_and_gradient(params, X, y, False)
    with pytest.raises(error, match=match):
        hidden_layers(params, X, False)
