"""The batch-normalization layer: PyTorch's running statistics, modes, refusals and overflow."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes import BatchNorm
from nnnotes.batchnorm import batch_norm

BATCH = np.array([[1.0], [2.0], [3.0], [6.0]])  # mean 3, biased variance 7/2, unbiased 14/3
BIG = 1.7e308


def test_page_worked_example_numbers() -> None:
    """The numbers the chapter shows for the batch (1, 2, 3, 6), against mpmath.

    Mean 3 and biased variance 7/2, so y = (x - 3) / sqrt(3.5 + 1e-5) with the default eps.
    """
    y = BatchNorm(1).forward(BATCH).ravel()
    with mpmath.workdps(50):
        root = mpmath.sqrt(mpmath.mpf("3.5") + mpmath.mpf(1e-5))  # eps is the float 1e-5
        exact = [float((mpmath.mpf(v) - 3) / root) for v in (1, 2, 3, 6)]
    assert_allclose(y, exact, rtol=4.5e-16, atol=0)


@pytest.mark.parametrize(
    ("momentum", "mean1", "var1", "mean2", "var2"),
    [
        # batch 1 = (1,2,3,6): mean 3, unbiased variance 14/3; batch 2 = (0, 4): mean 2, unbiased 8
        (0.1, Fraction(3, 10), Fraction(41, 30), Fraction(47, 100), Fraction(203, 100)),
        (0.5, Fraction(3, 2), Fraction(17, 6), Fraction(7, 4), Fraction(65, 12)),
        (0.0, Fraction(0), Fraction(1), Fraction(0), Fraction(1)),
        (1.0, Fraction(3), Fraction(14, 3), Fraction(2), Fraction(8)),
    ],
)
def test_running_statistics_follow_pytorch(momentum, mean1, var1, mean2, var2) -> None:
    """The running averages use momentum m and the unbiased batch variance (hand fractions)."""
    bn = BatchNorm(1, momentum=momentum)
    bn.forward(BATCH)
    assert_allclose([bn.running_mean[0], bn.running_var[0]], [float(mean1), float(var1)], rtol=4.5e-16)
    bn.forward([[0.0], [4.0]])
    assert_allclose([bn.running_mean[0], bn.running_var[0]], [float(mean2), float(var2)], rtol=6.7e-16)


def test_eval_mode_uses_running_statistics_and_changes_nothing() -> None:
    """Evaluation: (x - 3/10) / sqrt(41/30 + eps) * gamma + beta, running statistics untouched."""
    bn = BatchNorm(1)
    bn.forward(BATCH)
    bn.gamma, bn.beta = np.array([2.0]), np.array([-1.0])
    y = bn.forward([[2.0], [0.3], [-5.0]], training=False)
    d = mpmath.sqrt(mpmath.mpf(41) / 30 + mpmath.mpf("1e-5"))
    expected = [float(2 * (mpmath.mpf(v) - mpmath.mpf(3) / 10) / d - 1) for v in ("2", "0.3", "-5")]
    assert_allclose(y.ravel(), expected, rtol=4.5e-16, atol=1e-16)
    assert_allclose([bn.running_mean[0], bn.running_var[0]], [0.3, 41 / 30], rtol=4.5e-16)


def test_fresh_layer_in_eval_mode_divides_by_sqrt_one_plus_eps() -> None:
    """Initial running mean 0 and variance 1, gamma 1 and beta 0, as in PyTorch."""
    bn = BatchNorm(3)
    assert_array_equal(bn.gamma, 1.0)
    assert_array_equal(bn.beta, 0.0)
    assert_array_equal(bn.running_mean, 0.0)
    assert_array_equal(bn.running_var, 1.0)
    y = bn.forward([[1.0, -2.0, 4.0]], training=False)
    assert_allclose(y, [[1.0, -2.0, 4.0]] / np.float64(mpmath.sqrt(1 + mpmath.mpf("1e-5"))), rtol=4.5e-16)


def test_training_batch_of_one_raises_like_pytorch_and_changes_nothing() -> None:
    """PyTorch: ValueError 'Expected more than 1 value per channel when training'; state untouched."""
    bn = BatchNorm(2)
    with pytest.raises(
        ValueError,
        match=r"^Expected more than 1 value per channel when training, "
        r"got input of shape \(1, 2\)",
    ):
        bn.forward([[1.0, 2.0]])
    assert_array_equal(bn.running_mean, [0.0, 0.0])
    assert_array_equal(bn.running_var, [1.0, 1.0])
    with pytest.raises(ValueError, match="previous call of forward"):
        bn.backward([[1.0, 1.0]])


def test_eval_batch_of_one_is_fine() -> None:
    """Evaluation mode accepts one example: x / sqrt(1 + eps) for a fresh layer."""
    y = BatchNorm(1, eps=0.44).forward([[6.0]], training=False)
    assert_allclose(y, [[5.0]], rtol=4.5e-16)  # sqrt(1.44) = 1.2


def test_eval_backward_is_the_affine_derivative() -> None:
    """In evaluation mode grad_x = grad_out * gamma / sqrt(running_var + eps) (hand)."""
    bn = BatchNorm(1, eps=0.44)
    bn.gamma = np.array([3.0])
    bn.forward([[4.0]], training=False)
    gx, gg, gb = bn.backward([[2.0]])
    assert_allclose(gx, [[5.0]], rtol=4.5e-16)  # 2 * 3 / 1.2
    assert_allclose(gg, [2.0 * 4.0 / 1.2], rtol=4.5e-16)
    assert_array_equal(gb, [2.0])


def test_largest_floats_give_inf_running_variance_like_pytorch() -> None:
    """A batch variance beyond float64: outputs -1, 1; the running variance saturates to inf."""
    bn = BatchNorm(1)
    y = bn.forward([[-1.7e308], [1.7e308]])
    assert_allclose(y.ravel(), [-1.0, 1.0], rtol=1e-15)
    assert bn.running_var[0] == np.inf and bn.running_mean[0] == 0.0
    with pytest.raises(OverflowError, match="gamma overflows"):
        bn.backward([[1e308], [-1e308]])


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        ([1.0, 2.0], ValueError, r"x must be a 2-d array, got shape \(2,\)"),
        (np.zeros((2, 2, 3)), ValueError, r"x must be a 2-d array, got shape \(2, 2, 3\)"),
        (np.zeros((3, 3)), ValueError, r"x must have 2 features"),
        (np.zeros((0, 2)), ValueError, r"x must not be empty, got shape \(0, 2\)"),
        ([[1.0, np.nan], [2.0, 3.0]], ValueError, r"x must hold finite numbers"),
        ([[1.0, np.inf], [2.0, 3.0]], ValueError, r"x must hold finite numbers"),
        ([["a", "b"], ["c", "d"]], TypeError, r"x must hold real numbers"),
        ([[1j, 2.0], [3.0, 4.0]], TypeError, r"x must hold real numbers"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(x, error, match) -> None:
    """Wrong shape, wrong number of features, non-finite or non-real values name the argument."""
    with pytest.raises(error, match=match):
        BatchNorm(2).forward(x)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_features": 0}, ValueError, "num_features"),
        ({"num_features": True}, TypeError, "num_features"),
        ({"num_features": 2.0}, TypeError, "num_features"),
        ({"num_features": 2, "eps": 0.0}, ValueError, "eps"),
        ({"num_features": 2, "eps": float("nan")}, ValueError, "eps"),
        ({"num_features": 2, "momentum": 1.5}, ValueError, "momentum"),
        ({"num_features": 2, "momentum": -0.1}, ValueError, "momentum"),  # [0, 1], as documented
        ({"num_features": 2, "momentum": None}, TypeError, "momentum"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, match) -> None:
    """Constructor arguments are validated and the message names the argument."""
    with pytest.raises(error, match=match):
        BatchNorm(**kwargs)


def test_backward_checks_the_gradient_shape() -> None:
    """grad_out must match the last forward's input."""
    bn = BatchNorm(1)
    bn.forward(BATCH)
    with pytest.raises(
        ValueError, match=r"grad_out must have the shape of the last forward's input \(4, 1\)"
    ):
        bn.backward([[1.0], [2.0]])


def test_equal_huge_values_have_zero_running_variance() -> None:
    """A column of equal values near the float64 limit: variance exactly 0, not inf * 0 = NaN."""
    bn = BatchNorm(1, momentum=1.0)
    y = bn.forward([[1.7e308], [1.7e308]])
    assert_array_equal(y, [[0.0], [0.0]])
    assert_array_equal([bn.running_mean[0], bn.running_var[0]], [1.7e308, 0.0])


@pytest.mark.parametrize("momentum", [0.0, 0.1, 1.0])
def test_momentum_edges_never_produce_nan(momentum) -> None:
    """An infinite running variance followed by ordinary batches: inf or finite, never NaN."""
    bn = BatchNorm(1, momentum=momentum)
    bn.running_var = np.array([np.inf])
    bn.forward([[-1.7e308], [1.7e308]])
    bn.forward([[1.0], [3.0]])
    expected = {0.0: np.inf, 0.1: np.inf, 1.0: 2.0}[momentum]
    assert bn.running_var[0] == expected


def test_training_forward_overflow_raises() -> None:
    """An output beyond float64 (1e308 * 0.99998 + 1e308) is an OverflowError, not inf."""
    x = [[0.0], [1.0], [2.0]]
    with pytest.raises(OverflowError, match="the output gamma \\* x_hat \\+ beta overflows float64"):
        batch_norm(x, gamma=1e308, beta=1e308)
    bn = BatchNorm(1)
    bn.gamma, bn.beta = np.array([1e308]), np.array([1e308])
    with pytest.raises(OverflowError, match="overflows float64"):
        bn.forward(x)


@pytest.mark.parametrize("x", [[[1.7e308]], [[1.7e308], [0.0]]])
def test_eval_forward_overflow_raises(x) -> None:
    """In evaluation mode 1.7e308 - (-1.7e308) overflows, in every entry or in one: OverflowError."""
    bn = BatchNorm(1)
    bn.running_mean = np.array([-1.7e308])
    with pytest.raises(OverflowError, match="the normalised input overflows float64 in evaluation mode"):
        bn.forward(x, training=False)


def test_eval_backward_overflow_in_one_entry_raises() -> None:
    """In evaluation mode grad_x = g * gamma / sqrt(1 + eps): 1e308 * 10 overflows, 1 * 10 does not."""
    bn = BatchNorm(1)
    bn.gamma = np.array([10.0])
    bn.forward([[0.0], [0.0]], training=False)
    with pytest.raises(OverflowError, match="the gradient with respect to x overflows float64"):
        bn.backward([[1e308], [1.0]])


@pytest.mark.parametrize("name", ["gamma", "beta"])
def test_parameters_of_the_wrong_shape_are_refused(name: str) -> None:
    """A gamma or beta of shape (1,) for 2 features is an error, not a silent broadcast."""
    x = [[1.0, 2.0], [3.0, 5.0]]
    with pytest.raises(ValueError, match=rf"{name} must have shape \(2,\), got \(1,\)"):
        batch_norm(x, **{name: [1.0]})
    bn = BatchNorm(2)
    setattr(bn, name, np.ones(1))
    with pytest.raises(ValueError, match=rf"{name} must have shape \(2,\), got \(1,\)"):
        bn.forward(x)


def test_running_variance_of_a_huge_batch() -> None:
    """(1, 2, 3, 6) * 1e152: unbiased variance 14/3 * 1e304, so running_var = 0.9 + 0.1 * that (hand)."""
    bn = BatchNorm(1)
    bn.forward(BATCH * 1e152)
    assert_allclose(bn.running_var, [0.9 + 0.1 * 14 / 3 * 1e304], rtol=1e-14)
    assert_allclose(bn.running_mean, [0.1 * 3e152], rtol=1e-14)


def test_an_empty_batch_is_refused_in_evaluation_mode_too() -> None:
    """No rows: evaluation mode refuses it as training mode does, naming x."""
    with pytest.raises(ValueError, match=r"x must not be empty, got shape \(0, 2\)"):
        BatchNorm(2).forward(np.zeros((0, 2)), training=False)


def test_a_gamma_made_infinite_after_forward_is_refused_by_backward() -> None:
    """Evaluation-mode backward multiplies by gamma: a gamma set to inf in between is named."""
    bn = BatchNorm(1)
    bn.forward(BATCH, training=False)
    bn.gamma = np.array([np.inf])
    with pytest.raises(ValueError, match="gamma must hold finite numbers"):
        bn.backward(BATCH)
