"""Batch normalization: PyTorch's BatchNorm1d semantics, against hand, sympy and finite differences."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes import BatchNorm
from nnnotes.batchnorm import (
    batch_norm,
    batch_norm_backward,
    batch_norm_jacobian,
    batch_of_one_gradients,
    batch_of_one_output,
    central_difference_jacobian,
    jacobian_batch_of_two,
    undo_normalization,
)

BATCH = np.array([[1.0], [2.0], [3.0], [6.0]])  # mean 3, biased variance 7/2, unbiased 14/3
BIG = 1.7e308


def _exact_jacobian(values: list[Fraction], gamma: Fraction, eps: Fraction) -> np.ndarray:
    """Jacobian of one column's training-mode output, differentiated by sympy, at exact values."""
    xs = sympy.symbols(f"x0:{len(values)}", real=True)
    n = len(xs)
    mu = sum(xs) / n
    var = sum((x - mu) ** 2 for x in xs) / n
    ys = [sympy.Rational(gamma) * (x - mu) / sympy.sqrt(var + sympy.Rational(eps)) for x in xs]
    J = sympy.Matrix(ys).jacobian(sympy.Matrix(xs))
    at = {x: sympy.Rational(v) for x, v in zip(xs, values, strict=True)}
    return np.array(J.subs(at).evalf(30).tolist(), dtype=float)


# ------------------------------------------------------------------------------ forward, by hand
def test_training_forward_matches_hand_computation() -> None:
    """(1,2,3,6): mean 3, biased variance 7/2; with eps = 1/2 the divisor is sqrt(4) = 2."""
    x = np.array([[1.0, 10.0], [2.0, 10.0], [3.0, 10.0], [6.0, 14.0]])
    # second column: mean 11, biased variance 3, eps = 1/2 gives sqrt(3.5)
    y = batch_norm(x, gamma=[2.0, 1.0], beta=[1.0, 0.0], eps=0.5)
    s = float(mpmath.sqrt(mpmath.mpf(7) / 2))
    expected = np.array([[-1.0, -1 / s], [0.0, -1 / s], [1.0, -1 / s], [4.0, 3 / s]])
    assert_allclose(y, expected, rtol=4.5e-16, atol=0)


def test_training_forward_uses_the_biased_variance() -> None:
    """With the default eps the outputs are (x - 3) / sqrt(7/2 + 1e-5), evaluated with mpmath."""
    y = BatchNorm(1).forward(BATCH)
    d = mpmath.sqrt(mpmath.mpf(7) / 2 + mpmath.mpf("1e-5"))
    expected = [float((mpmath.mpf(v) - 3) / d) for v in (1, 2, 3, 6)]
    assert_allclose(y.ravel(), expected, rtol=4.5e-16, atol=0)


def test_page_worked_example_numbers() -> None:
    """The numbers the chapter shows for the batch (1, 2, 3, 6), against mpmath."""
    y = BatchNorm(1).forward(BATCH).ravel()
    assert_allclose(
        y, [-1.0690434404458735, -0.53452172022293674, 0.0, 1.6035651606688102], rtol=4.5e-16, atol=0
    )


# ------------------------------------------------------------------------------ running statistics
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


# ------------------------------------------------------------------------------ a batch of one
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


@pytest.mark.parametrize("value", [0.0, 1e-300, -3.5, 7e15, -1e300, 1.7e308])
def test_batch_of_one_math_gives_beta_and_zero_gradients_exactly(value) -> None:
    """The centred value of one number is exactly 0: output beta, input and gamma gradients 0."""
    x = np.array([[value, -value]])
    gamma, beta = np.array([3.0, -2.0]), np.array([0.25, -7.5])
    assert_array_equal(batch_norm(x, gamma, beta), beta[None, :])
    gx, gg, gb = batch_norm_backward([[2.0, -0.5]], x, gamma)
    assert_array_equal(gx, [[0.0, 0.0]])
    assert_array_equal(gg, [0.0, 0.0])
    assert_array_equal(gb, [2.0, -0.5])


# ------------------------------------------------------------------------------ gradients
@pytest.mark.parametrize(("n", "c", "seed"), [(2, 1, 0), (3, 2, 1), (5, 3, 2), (8, 1, 3)])
def test_backward_matches_central_finite_differences(n, c, seed) -> None:
    """L = sum(w * y): the class's gradients for x, gamma and beta against central differences."""
    rng = np.random.default_rng(seed)
    x, w = rng.normal(1.0, 2.0, (n, c)), rng.normal(size=(n, c))
    gamma, beta, h = rng.normal(size=c), rng.normal(size=c), 1e-6

    def loss(x_, g_, b_):
        return float(np.sum(w * batch_norm(x_, g_, b_)))

    fd_x = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        fd_x[idx] = (loss(x + e, gamma, beta) - loss(x - e, gamma, beta)) / (2 * h)
    eye = np.eye(c) * h
    fd_g = np.array([loss(x, gamma + e, beta) - loss(x, gamma - e, beta) for e in eye]) / (2 * h)
    fd_b = np.array([loss(x, gamma, beta + e) - loss(x, gamma, beta - e) for e in eye]) / (2 * h)
    bn = BatchNorm(c)
    bn.gamma, bn.beta = gamma, beta
    bn.forward(x)
    gx, gg, gb = bn.backward(w)
    assert_allclose(gx, fd_x, rtol=0, atol=1e-7)
    assert_allclose(gg, fd_g, rtol=0, atol=1e-7)
    assert_allclose(gb, fd_b, rtol=0, atol=1e-7)


def test_eval_backward_is_the_affine_derivative() -> None:
    """In evaluation mode grad_x = grad_out * gamma / sqrt(running_var + eps) (hand)."""
    bn = BatchNorm(1, eps=0.44)
    bn.gamma = np.array([3.0])
    bn.forward([[4.0]], training=False)
    gx, gg, gb = bn.backward([[2.0]])
    assert_allclose(gx, [[5.0]], rtol=4.5e-16)  # 2 * 3 / 1.2
    assert_allclose(gg, [2.0 * 4.0 / 1.2], rtol=4.5e-16)
    assert_array_equal(gb, [2.0])


@pytest.mark.parametrize(
    ("values", "gamma", "eps"),
    [
        ([1, 2, 3, 6], Fraction(3, 2), Fraction(1, 100000)),
        ([0, 1, 5], Fraction(1), Fraction(1, 10)),
        ([-2, 7], Fraction(-1, 3), Fraction(1, 2)),
    ],
)
def test_jacobian_matches_sympy(values, gamma, eps) -> None:
    """The closed-form Jacobian and the backward pass equal sympy's exact derivative."""
    exact = _exact_jacobian([Fraction(v) for v in values], gamma, eps)
    x = np.array(values, dtype=float)[:, None]
    J = batch_norm_jacobian(x, float(gamma), float(eps))[0]
    assert_allclose(J, exact, rtol=1e-14, atol=1e-15)
    g = np.linspace(-1.0, 2.0, len(values))[:, None]
    gx = batch_norm_backward(g, x, float(gamma), float(eps))[0]
    assert_allclose(gx[:, 0], exact.T @ g[:, 0], rtol=1e-13, atol=1e-15)


def test_page_jacobian_table() -> None:
    """The 4 x 4 Jacobian the chapter shows, against sympy, and central differences agree."""
    exact = _exact_jacobian(
        [Fraction(1), Fraction(2), Fraction(3), Fraction(6)], Fraction(3, 2), Fraction(1, 100000)
    )
    assert_allclose(exact[0], [0.372257, -0.314986, -0.200446, 0.143174], atol=5e-7)
    fd = central_difference_jacobian(BATCH, gamma=1.5)[0]
    assert_allclose(fd, exact, rtol=0, atol=1e-8)


def test_batch_of_two_jacobian_is_of_order_eps() -> None:
    """N = 2, d = 1: entries +-gamma eps / (2 (1 + eps)^(3/2)) (hand, evaluated with mpmath)."""
    eps = mpmath.mpf("1e-4")
    c = float(2 * eps / (2 * (1 + eps) ** mpmath.mpf(1.5)))
    J = batch_norm_jacobian([[0.0], [2.0]], gamma=2.0, eps=1e-4)[0]
    # the closed form subtracts numbers near 1/2 to get one of order eps: relative error ~ u / eps
    assert_allclose(J, [[c, -c], [-c, c]], rtol=1e-11)


# ------------------------------------------------------------------------------ undoing it
def test_scale_and_shift_can_undo_the_normalization() -> None:
    """The choice gamma = sqrt(var + eps), beta = mean undoes the normalization (eval: any input)."""
    rng = np.random.default_rng(6)
    x = rng.normal(3.0, 5.0, size=(8, 3))
    bn = BatchNorm(3)
    bn.gamma, bn.beta = np.sqrt(x.var(axis=0) + bn.eps), x.mean(axis=0)
    assert_allclose(bn.forward(x), x, rtol=0, atol=4.5e-16 * np.max(np.abs(x)))
    bn.gamma, bn.beta = np.sqrt(bn.running_var + bn.eps), bn.running_mean.copy()
    other = rng.normal(-2.0, 10.0, size=(5, 3))
    assert_allclose(bn.forward(other, training=False), other, rtol=0, atol=4.5e-16 * np.max(np.abs(other)))


# ------------------------------------------------------------------------------ extreme inputs
def test_huge_inputs_neither_overflow_nor_warn() -> None:
    """(1,2,3,6) * 1e300: eps is negligible, outputs (x - 3) / sqrt(7/2) (mpmath); no warning."""
    y = batch_norm(BATCH * 1e300)
    expected = [float((mpmath.mpf(v) - 3) / mpmath.sqrt(mpmath.mpf(7) / 2)) for v in (1, 2, 3, 6)]
    assert_allclose(y.ravel(), expected, rtol=1e-15, atol=1e-16)


def test_largest_floats_give_inf_running_variance_like_pytorch() -> None:
    """A batch variance beyond float64: outputs -1, 1; the running variance saturates to inf."""
    bn = BatchNorm(1)
    y = bn.forward([[-1.7e308], [1.7e308]])
    assert_allclose(y.ravel(), [-1.0, 1.0], rtol=1e-15)
    assert bn.running_var[0] == np.inf and bn.running_mean[0] == 0.0
    with pytest.raises(OverflowError, match="gamma overflows"):
        bn.backward([[1e308], [-1e308]])


def test_tiny_inputs_are_dominated_by_eps() -> None:
    """Values of 1e-300: the variance underflows harmlessly; outputs (x - mean) / sqrt(eps)."""
    y = batch_norm(np.array([[1e-300], [3e-300]]), eps=0.25)
    assert_allclose(y.ravel(), [-2e-300, 2e-300], rtol=1e-15)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        ([1.0, 2.0], ValueError, r"x must be 2-D of shape \(N, C\).*1-D"),
        (np.zeros((2, 2, 3)), ValueError, r"2-D.*3-D"),
        (np.zeros((3, 3)), ValueError, r"x must have 2 features"),
        (np.zeros((0, 2)), ValueError, r"at least one example"),
        ([[1.0, np.nan], [2.0, 3.0]], ValueError, r"x must be finite"),
        ([[1.0, np.inf], [2.0, 3.0]], ValueError, r"x must be finite"),
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
    with pytest.raises(ValueError, match="grad_out must have the shape"):
        bn.backward([[1.0], [2.0]])


# ------------------------------------------------------------------------------ derivations
@pytest.mark.parametrize(
    "factory", [batch_of_one_output, batch_of_one_gradients, undo_normalization, jacobian_batch_of_two]
)
def test_published_derivations_are_proved_symbolically(factory) -> None:
    """Every published derivation of the chapter holds, every step proved by sympy."""
    d = factory().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * len(d.steps)


def test_batch_of_one_derivation_rejects_a_wrong_conclusion() -> None:
    """Claiming the output is beta + gamma instead of beta fails."""
    from nnnotes.check import DerivationError

    d = batch_of_one_output()
    d.steps[-1].expr = d.steps[-1].expr + sympy.Symbol("gamma", real=True)
    with pytest.raises(DerivationError):
        d.verify()


def test_batch_of_two_derivation_rejects_a_wrong_power() -> None:
    """The power 3/2 in the N = 2 Jacobian entry matters: 1/2 fails."""
    from nnnotes.check import DerivationError

    d = jacobian_batch_of_two()
    last = d.steps[-1].expr
    # the power sits in the denominator: sympy stores it as the exponent -3/2
    d.steps[-1].expr = last.replace(lambda e: e == sympy.Rational(-3, 2), lambda e: sympy.Rational(-1, 2))
    assert d.steps[-1].expr != last
    with pytest.raises(DerivationError):
        d.verify()


# ------------------------------------------------------------------------------ figure
def test_batch_of_two_figure_draws_the_hand_formula() -> None:
    """Each curve is y1 = d / sqrt(d^2 + eps) with d = (x1 - x2) / 2, and the figure has a label."""
    from nnnotes.figures.batchnorm import batch_of_two

    fig = batch_of_two(eps_values=(1e-5, 1.0), points=101)
    assert "batch of two" in fig.get_label()
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["ε = 1e-05", "ε = 1"]
    for line, eps in zip(lines, (1e-5, 1.0), strict=True):
        diff, y1 = line.get_xdata(), line.get_ydata()
        assert len(diff) == 101 and diff[0] == -1.0 and diff[-1] == 1.0
        d = diff / 2
        assert_allclose(y1, d / np.sqrt(d * d + eps), rtol=1e-13, atol=1e-16)


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


@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4),
        elements=st.floats(allow_nan=False, allow_infinity=False),
    ),
    gamma=st.floats(-1e300, 1e300, allow_nan=False),
)
@settings(max_examples=150, deadline=None)
def test_any_finite_input_gives_finite_results_or_overflow_error(x, gamma) -> None:
    """Property: finite outputs and gradients, or OverflowError; never NaN, never a numpy warning."""
    try:
        y = batch_norm(x, gamma)
        assert np.all(np.isfinite(y))
        grads = batch_norm_backward(np.flipud(x), x, gamma)
        assert all(np.all(np.isfinite(v)) for v in grads)
    except OverflowError:
        pass
    assert np.all(np.isfinite(batch_norm_jacobian(x)))


def test_batch_of_two_entry_is_order_eps_over_d_cubed() -> None:
    """The old text said the N = 2 entry is 'of the order of eps': false, it is eps / |d|^3.

    Evaluated by hand from the general formula gamma / sqrt(var + eps) * (1/2 - xhat^2 / 2), the
    entry divided by eps grows like 1/|d|^3 as d shrinks (no bound of the form C * eps).
    """
    import math

    from nnnotes.batchnorm import batch_of_two_entry_order

    lim, expected = batch_of_two_entry_order()
    assert lim == expected
    gamma, eps = 1.0, 1e-8

    def entry(d: float) -> float:
        xhat = d / math.sqrt(d * d + eps)
        return gamma / math.sqrt(d * d + eps) * (0.5 - xhat * xhat / 2)

    ratios = [entry(d) / eps for d in (1.0, 0.1, 0.01)]
    assert ratios[1] / ratios[0] > 900 and ratios[2] / ratios[1] > 900
    assert math.isclose(entry(0.1) / (eps / 0.1**3), gamma / 2, rel_tol=1e-5)


# ------------------------------------------------------------------------------ found by mutation testing
def test_constant_huge_column_gets_the_gradient_of_one_over_sqrt_eps() -> None:
    """A constant column above 1e150 has variance 0, so 1/sqrt(var + eps) = 1/sqrt(eps) (hand).

    With x_hat = 0 the backward formula is gamma / sqrt(eps) * (g - mean(g)): for g = (1, 0) and
    eps = 1e-5 that is +-0.5 / sqrt(1e-5) = +-158.11..., and the Jacobian is (I - 1/2) / sqrt(eps).
    """
    x = [[1e200], [1e200]]
    s = 1.0 / np.sqrt(1e-5)
    gx, gg, gb = batch_norm_backward([[1.0], [0.0]], x)
    assert_allclose(gx.ravel(), [0.5 * s, -0.5 * s], rtol=1e-15)
    assert_allclose(gx.ravel(), [158.11388300841898, -158.11388300841898], rtol=1e-15)
    assert_array_equal(gg, [0.0])
    assert_array_equal(gb, [1.0])
    assert_allclose(batch_norm_jacobian(x)[0], [[0.5 * s, -0.5 * s], [-0.5 * s, 0.5 * s]], rtol=1e-15)
    bn = BatchNorm(1)
    assert_array_equal(bn.forward(x), [[0.0], [0.0]])
    assert_allclose(bn.backward([[1.0], [0.0]])[0].ravel(), [0.5 * s, -0.5 * s], rtol=1e-15)


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


def test_batch_of_one_gradients_differentiates_by_x1_gamma_and_beta() -> None:
    """The derivation's three entries are dL/dx_1, dL/dgamma and dL/dbeta, as its title says."""
    x = sympy.IndexedBase("x")
    gamma, beta = sympy.symbols("gamma beta", real=True)
    d = batch_of_one_gradients()
    wrt = [next(iter(entry.atoms(sympy.Derivative))).variables for entry in d.start]
    assert wrt == [(x[1],), (gamma,), (beta,)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gamma": ["a", "b"]}, TypeError, "gamma must hold real numbers"),
        ({"beta": [np.nan, 0.0]}, ValueError, "beta must be finite"),
        ({"gamma": [1.0, np.inf]}, ValueError, "gamma must be finite"),
        ({"eps": True}, TypeError, "eps must be a positive float"),
        ({"eps": "1e-5"}, TypeError, "eps must be a positive float"),
    ],
)
def test_bad_parameters_are_refused(kwargs, error, match) -> None:
    """Non-real, non-finite (in one entry of two) gamma or beta, and a non-float eps, name themselves."""
    with pytest.raises(error, match=match):
        batch_norm([[1.0, 2.0], [3.0, 5.0]], **kwargs)


@pytest.mark.parametrize("h", [0.0, -1e-6, 1])
def test_central_difference_step_must_be_a_positive_float(h) -> None:
    """A zero, negative or integer step is refused."""
    with pytest.raises(ValueError, match="h must be a positive float"):
        central_difference_jacobian(BATCH, h=h)


def test_backward_refuses_a_gradient_with_other_rows() -> None:
    """grad_out of shape (1, 1) for x of shape (2, 1) is refused, naming both shapes."""
    with pytest.raises(ValueError, match=r"grad_out must have the shape of x \(2, 1\), got \(1, 1\)"):
        batch_norm_backward([[1.0]], [[1.0], [2.0]])


def test_backward_defaults_are_gamma_one_and_pytorch_eps() -> None:
    """With the defaults, grad_x = J^T g for the sympy Jacobian at gamma = 1, eps = 1e-5."""
    J = _exact_jacobian([Fraction(v) for v in (1, 2, 3, 6)], Fraction(1), Fraction(1, 100000))
    g = np.array([1.0, -2.0, 0.5, 0.25])
    gx, _, _ = batch_norm_backward(g[:, None], BATCH)
    assert_allclose(gx.ravel(), J.T @ g, rtol=1e-13)


def test_huge_spread_columns_get_the_right_backward_and_jacobian() -> None:
    """(1, 2, 3, 6) * 1e152 (rescaled path): 1/sigma = 1 / (sqrt(7/2) 1e152), J by the hand formula."""
    x = BATCH * 1e152
    x_hat = (np.array([1.0, 2.0, 3.0, 6.0]) - 3.0) / np.sqrt(3.5)
    expected = (np.eye(4) - 0.25 - np.outer(x_hat, x_hat) / 4) / (np.sqrt(3.5) * 1e152)
    assert_allclose(batch_norm_jacobian(x)[0], expected, rtol=1e-13, atol=1e-13 * np.max(np.abs(expected)))
    g = np.array([1.0, 0.0, 0.0, 0.0])
    gx, _, _ = batch_norm_backward(g[:, None], x)
    assert_allclose(gx.ravel(), expected.T @ g, rtol=1e-13, atol=1e-13 * np.max(np.abs(expected)))


def test_running_variance_of_a_huge_batch() -> None:
    """(1, 2, 3, 6) * 1e152: unbiased variance 14/3 * 1e304, so running_var = 0.9 + 0.1 * that (hand)."""
    bn = BatchNorm(1)
    bn.forward(BATCH * 1e152)
    assert_allclose(bn.running_var, [0.9 + 0.1 * 14 / 3 * 1e304], rtol=1e-14)
    assert_allclose(bn.running_mean, [0.1 * 3e152], rtol=1e-14)


def test_gradients_near_the_float64_limit_are_rescaled() -> None:
    """Column g = (1.7, -1.7, -1.7, 1) * 1e308 beside a small one: g - mean(g) alone would overflow.

    With x = (1, 1, -1, -1), x_hat = a (1, 1, -1, -1), a = 1 / sqrt(1 + eps); grad_x =
    (g - mean g - x_hat mean(g x_hat)) * a, about 1.7e308 at most: finite, evaluated in mpmath.
    """
    x = np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, 2.0], [-1.0, 3.0]])
    g = np.array([[1.7e308, 1.0], [-1.7e308, 0.0], [-1.7e308, 0.0], [1e308, 0.0]])
    gx, _, _ = batch_norm_backward(g, x)
    with mpmath.workdps(50):
        for col in range(2):
            xc = [mpmath.mpf(float(v)) for v in x[:, col]]
            mu = sum(xc) / 4
            s = mpmath.sqrt(sum((v - mu) ** 2 for v in xc) / 4 + mpmath.mpf(1e-5))
            xh = [(v - mu) / s for v in xc]
            gc = [mpmath.mpf(float(v)) for v in g[:, col]]
            mg = sum(gc) / 4
            mgx = sum(a * b for a, b in zip(gc, xh, strict=True)) / 4
            exact = [float((gi - mg - xi * mgx) / s) for gi, xi in zip(gc, xh, strict=True)]
            assert_allclose(gx[:, col], exact, rtol=1e-13)


def test_overflow_in_one_column_of_two_raises() -> None:
    """Output, x-gradient, beta-gradient and Jacobian: one column overflowing is enough to raise."""
    x = [[0.0, 0.0], [1.0, 2.0]]
    with pytest.raises(OverflowError, match="the output gamma"):
        batch_norm(x, gamma=[1e308, 1.0], beta=[1e308, 0.0])
    with pytest.raises(OverflowError, match="the gradient with respect to beta overflows"):
        batch_norm_backward([[1e308, 1.0], [1e308, 1.0]], x)
    # a variance of 1e-300 and eps = 1e-300 make 1/sigma about 7e149; g = 1e300 then overflows
    tiny = [[0.0, 0.0], [2e-150, 2.0]]
    with pytest.raises(OverflowError, match="the gradient with respect to x overflows"):
        batch_norm_backward([[1e300, 1.0], [-1e300, 0.0]], tiny, eps=1e-300)
    with pytest.raises(OverflowError, match="the Jacobian overflows"):
        batch_norm_jacobian([[0.0, 0.0], [2e-5, 2.0]], gamma=[1e308, 1.0])


def test_batch_of_one_output_starts_from_the_layer_formula() -> None:
    """The start is gamma (x_1 - mu) / sqrt(sigma^2 + eps) + beta with the N = 1 sums (textbook)."""
    x = sympy.IndexedBase("x")
    i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
    gamma, beta = sympy.symbols("gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mu = sympy.Sum(x[j], (j, 1, 1))
    var = sympy.Sum((x[i] - mu) ** 2, (i, 1, 1))
    layer = gamma * (x[1] - mu) / sympy.sqrt(var + eps) + beta
    assert batch_of_one_output().start == layer
    g = sympy.IndexedBase("g")
    assert batch_of_one_gradients().start == sympy.Matrix(
        [g[1] * sympy.Derivative(layer, v) for v in (x[1], gamma, beta)]
    )


def test_undo_and_batch_of_two_start_from_the_stated_expressions() -> None:
    """undo: sqrt(s2 + eps) * ((x - mu) / sqrt(s2 + eps)) + mu, unsimplified; N = 2: d y_1 / d x_1."""
    xi, mu = sympy.symbols("x_i mu_B", real=True)
    var = sympy.Symbol("sigma_B^2", nonnegative=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    s = sympy.sqrt(var + eps)
    start = undo_normalization().start
    assert sympy.simplify(start - xi) == 0
    assert start.func is sympy.Add and set(start.args) >= {mu}
    assert s in set(sympy.preorder_traversal(start)) and 1 / s in set(sympy.preorder_traversal(start))
    assert undo_normalization().steps[0].expr.func is sympy.Add
    assert set(undo_normalization().steps[0].expr.args) == {xi - mu, mu}

    x1, x2, gamma, beta = sympy.symbols("x_1 x_2 gamma beta", real=True)
    m = (x1 + x2) / 2
    y1 = gamma * (x1 - m) / sympy.sqrt(((x1 - m) ** 2 + (x2 - m) ** 2) / 2 + eps) + beta
    assert jacobian_batch_of_two().start == sympy.Derivative(y1, x1)


def test_undo_normalization_is_printed_unsimplified() -> None:
    """The start keeps sqrt(s2 + eps) * ((x - mu) * sqrt(s2 + eps)^-1) + mu as written, for the page."""
    xi, mu = sympy.symbols("x_i mu_B", real=True)
    s = sympy.sqrt(sympy.Symbol("sigma_B^2", nonnegative=True) + sympy.Symbol("varepsilon", positive=True))
    inner = sympy.Mul(xi - mu, sympy.Pow(s, -1), evaluate=False)
    assert undo_normalization().start == sympy.Add(sympy.Mul(s, inner, evaluate=False), mu, evaluate=False)


def test_a_subnormal_column_beside_a_huge_one() -> None:
    """Column (0, 1e-323) next to (1e200, -1e200): centred +-5e-324 over sqrt(eps), by hand."""
    y = batch_norm([[1e200, 0.0], [-1e200, 1e-323]])
    assert_allclose(y[:, 1], [-5e-324 / np.sqrt(1e-5), 5e-324 / np.sqrt(1e-5)], rtol=1e-2)
    assert_allclose(y[:, 0], [1.0, -1.0], rtol=1e-15)
