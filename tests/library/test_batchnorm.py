"""Batch normalization, the mathematics: forward and backward against hand values and sympy."""

from __future__ import annotations

import math
import sys
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes import BatchNorm
from nnnotes.batchnorm import (
    BatchStatistics,
    batch_norm,
    batch_norm_backward,
    batch_norm_input_gradient,
    batch_norm_parameter_gradients,
    batch_statistics,
    scale_and_shift,
)
from nnnotes.batchnorm_jacobian import batch_norm_jacobian

BATCH = np.array([[1.0], [2.0], [3.0], [6.0]])  # mean 3, biased variance 7/2, unbiased 14/3
BIG = 1.7e308


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


def test_huge_inputs_neither_overflow_nor_warn() -> None:
    """(1,2,3,6) * 1e300: eps is negligible, outputs (x - 3) / sqrt(7/2) (mpmath); no warning."""
    y = batch_norm(BATCH * 1e300)
    expected = [float((mpmath.mpf(v) - 3) / mpmath.sqrt(mpmath.mpf(7) / 2)) for v in (1, 2, 3, 6)]
    assert_allclose(y.ravel(), expected, rtol=1e-15, atol=1e-16)


def test_inputs_just_above_the_rescaling_threshold_neither_overflow_nor_warn() -> None:
    """(1e154, -1e154): mean 0, biased variance 1e308 (eps negligible), so y = (1, -1) exactly (by hand).

    The squares fit float64 but their sum 2e308 does not: columns this large must be rescaled.
    """
    x = [[1e154], [-1e154]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = batch_norm(x)
        st = batch_statistics(x)
    assert_array_equal(y, [[1.0], [-1.0]])
    assert_array_equal(st.x_hat, [[1.0], [-1.0]])
    with mpmath.workdps(50):  # 1/sqrt(var + eps), var = (1e154)^2 for the float 1e154
        exact = 1 / mpmath.sqrt(mpmath.mpf(1e154) ** 2 + mpmath.mpf(1e-5))
        assert abs(mpmath.mpf(float(st.inv_std[0])) - exact) <= 2 * math.ulp(float(exact))


@pytest.mark.parametrize(
    "value", [0.1, 1e14, 1.8429517117616752e93, 1e152, -3e200, 1.7e308, 1.7976931348623157e308]
)
def test_a_constant_huge_column_normalises_to_exact_zeros(value: float) -> None:
    """Equal values have variance 0, so x_hat = 0 exactly (by hand), for ordinary and huge values alike.

    The mean of three equal floats need not round to them (3a/3 can miss a by an ulp); centred on that
    mean, the rounding noise alone was normalised to +-1 wherever its square exceeds eps (1.84e93 did,
    and every huge value, where eps / scale**2 underflows), and to about -4.4e-15 for 0.1.
    """
    x = np.full((3, 2), value)
    x[:, 1] = [1.0, 2.0, 3.0]  # a normal column beside it keeps its own statistics
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = batch_norm(x)
    assert_array_equal(y[:, 0], [0.0, 0.0, 0.0])
    assert_allclose(y[:, 1], np.array([-1.0, 0.0, 1.0]) / math.sqrt(2 / 3 + 1e-5), rtol=1e-15)


def test_tiny_inputs_are_dominated_by_eps() -> None:
    """Values of 1e-300: the variance underflows harmlessly; outputs (x - mean) / sqrt(eps)."""
    y = batch_norm(np.array([[1e-300], [3e-300]]), eps=0.25)
    assert_allclose(y.ravel(), [-2e-300, 2e-300], rtol=1e-15)


@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4),
        elements=st.floats(allow_nan=False, allow_infinity=False),
    ),
    gamma=st.floats(-1e300, 1e300, allow_nan=False),
)
@example(x=np.full((3, 1), 1.7976931348623155e308), gamma=0.0)  # once named the wrong gradient
@settings(max_examples=150, deadline=None)
def test_any_finite_input_gives_finite_results_or_overflow_error(x, gamma) -> None:
    """Property: finite outputs and gradients, or OverflowError only where the exact value exceeds float64.

    Never NaN, never a numpy warning. The output is bounded by |gamma| sqrt(N - 1) (|x_hat| <= sqrt(N - 1),
    Samuelson's inequality for the biased variance), below the largest float64 for |gamma| <= 1e300: it
    never overflows here. A gradient may: the overflow must then be that of the exact gradient it names.
    """
    n = x.shape[0]
    try:
        y = batch_norm(x, gamma)
    except OverflowError:
        assert Fraction(gamma) ** 2 * (n - 1) > FLOAT_MAX**2, "the output fits float64"
    else:
        assert np.all(np.isfinite(y))
    try:
        grads = batch_norm_backward(np.flipud(x), x, gamma)
    except OverflowError as err:
        which = str(err).split("with respect to ")[1].split()[0]  # x, gamma or beta
        with mpmath.workdps(50):
            largest = _exact_gradient_magnitudes(x, np.flipud(x), gamma)[which]
            assert largest > _mp(FLOAT_MAX) * (1 - mpmath.mpf(2) ** -40), (which, largest)
    else:
        assert all(np.all(np.isfinite(v)) for v in grads)
    assert np.all(np.isfinite(batch_norm_jacobian(x)))


FLOAT_MAX = Fraction(sys.float_info.max)


def _exact_gradient_magnitudes(x: np.ndarray, g: np.ndarray, gamma: float, eps: float = 1e-5) -> dict:
    """The largest |entry| of each exact gradient of `batch_norm_backward` (call inside mpmath.workdps).

    Per column, with d = x - mean and q = var + eps (exact fractions of the float64 inputs):
    grad_beta = sum g, grad_gamma = sum(g d) / sqrt(q) and
    grad_x = gamma (g - mean g - d sum(g d) / (N q)) / sqrt(q). Only the square root is rounded (mpmath).
    """
    n = x.shape[0]
    out: dict[str, list] = {"x": [], "gamma": [], "beta": []}
    for xc, gc in zip(x.T.tolist(), g.T.tolist(), strict=True):
        xf, gf = [Fraction(v) for v in xc], [Fraction(v) for v in gc]
        mean = sum(xf) / n
        d = [v - mean for v in xf]
        q = sum(v * v for v in d) / n + Fraction(eps)
        gd, g_mean = sum(a * b for a, b in zip(gf, d, strict=True)), sum(gf) / n
        root = mpmath.sqrt(_mp(q))
        out["x"] += [
            abs(_mp(Fraction(gamma) * (gi - g_mean - di * gd / (n * q)))) / root
            for gi, di in zip(gf, d, strict=True)
        ]
        out["gamma"].append(abs(_mp(gd)) / root)
        out["beta"].append(abs(_mp(sum(gf))))
    return {k: max(v) for k, v in out.items()}


def _mp(f: Fraction) -> mpmath.mpf:
    return mpmath.mpf(f.numerator) / f.denominator


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


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gamma": ["a", "b"]}, TypeError, "gamma must hold real numbers"),
        ({"beta": [np.nan, 0.0]}, ValueError, "beta must hold finite numbers"),
        ({"gamma": [1.0, np.inf]}, ValueError, "gamma must hold finite numbers"),
        ({"eps": True}, TypeError, "eps must be a real number, got bool"),
        ({"eps": "1e-5"}, TypeError, "eps must be a real number, got str"),
    ],
)
def test_bad_parameters_are_refused(kwargs, error, match) -> None:
    """Non-real, non-finite (in one entry of two) gamma or beta, and a non-float eps, name themselves."""
    with pytest.raises(error, match=match):
        batch_norm([[1.0, 2.0], [3.0, 5.0]], **kwargs)


def test_backward_refuses_a_gradient_with_other_rows() -> None:
    """grad_out of shape (1, 1) for x of shape (2, 1) is refused, naming both shapes."""
    with pytest.raises(ValueError, match=r"grad_out must have the shape of x \(2, 1\), got \(1, 1\)"):
        batch_norm_backward([[1.0]], [[1.0], [2.0]])


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


def test_a_subnormal_column_beside_a_huge_one() -> None:
    """Column (0, 1e-323) next to (1e200, -1e200): centred +-5e-324 over sqrt(eps), by hand."""
    y = batch_norm([[1e200, 0.0], [-1e200, 1e-323]])
    assert_allclose(y[:, 1], [-5e-324 / np.sqrt(1e-5), 5e-324 / np.sqrt(1e-5)], rtol=1e-2)
    assert_allclose(y[:, 0], [1.0, -1.0], rtol=1e-15)


def test_batch_statistics_by_hand() -> None:
    """Mean 3, sum of squared deviations 14, 1/sqrt(7/2 + 1/2) = 1/2 for the batch (1, 2, 3, 6), eps = 1/2."""
    st = batch_statistics(BATCH, eps=0.5)
    assert isinstance(st, BatchStatistics)
    assert_array_equal(st.mean, [3.0])
    assert_array_equal(st.var_sum_scaled, [14.0])
    assert_array_equal(st.scale, [1.0])
    assert_array_equal(st.inv_std, [0.5])
    assert_array_equal(st.x_hat.ravel(), [-1.0, -0.5, 0.0, 1.5])


def test_batch_statistics_of_a_huge_column_are_scaled_by_a_power_of_two() -> None:
    """A column beyond 1e150 is divided by 2**(e - 2), e its binary exponent: exact, and the sum fits."""
    x = np.array([[1e300], [-1e300]])
    st = batch_statistics(x)
    e = np.frexp(1e300)[1]
    assert e == 997  # 2**996 = 6.7e299 <= 1e300 < 2**997
    assert_array_equal(st.scale, [2.0 ** (e - 2)])
    # the scaled column is +-1e300 / 2**995 (exact: a power of two), its mean exactly 0, so the sum
    # of squares is twice the rounded square (doubling is exact): equality, no tolerance
    assert_array_equal(st.var_sum_scaled, [2 * (1e300 / 2.0**995) ** 2])
    with mpmath.workdps(50):  # and that is the true 2e600 (1e300 the float) to a rounding
        exact = 2 * mpmath.mpf(1e300) ** 2 / mpmath.mpf(2) ** 1990
        assert abs(mpmath.mpf(float(st.var_sum_scaled[0])) - exact) <= mpmath.mpf(2) ** -53 * exact
    assert_array_equal(st.mean, [0.0])
    assert_allclose(st.x_hat.ravel(), [1.0, -1.0], rtol=1e-15)


def test_input_and_parameter_gradients_are_batch_norm_backward() -> None:
    """The two pieces of the backward pass, from the statistics, give exactly batch_norm_backward."""
    rng = np.random.default_rng(3)
    x, g, gamma = rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), np.array([1.5, -0.5])
    st = batch_statistics(x)
    gx, gg, gb = batch_norm_backward(g, x, gamma)
    assert_array_equal(batch_norm_input_gradient(g, st.x_hat, st.inv_std, gamma), gx)
    pg, pb = batch_norm_parameter_gradients(g, st.x_hat)
    assert_array_equal(pg, gg)
    assert_array_equal(pb, gb)
    assert_array_equal(scale_and_shift(st.x_hat, gamma, 0.25), batch_norm(x, gamma, 0.25))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: batch_norm_input_gradient([[1.0]], [[0.0], [0.0]], [1.0]), r"grad_out must have the shape"),
        (lambda: batch_norm_input_gradient([[1.0]], [[0.0]], [1.0, 2.0]), r"inv_std must have shape \(1,\)"),
        (lambda: batch_norm_parameter_gradients([[1.0]], [[0.0], [1.0]]), r"grad_out must have the shape"),
        (lambda: scale_and_shift([[0.0, 1.0]], [1.0, 2.0, 3.0]), r"gamma must have shape \(2,\)"),
        (lambda: batch_statistics([[1.0]], eps=-1.0), r"eps must be a positive finite number"),
    ],
)
def test_the_pieces_refuse_mismatched_shapes(call, match) -> None:
    """Every public piece of the backward pass checks its shapes and names the argument."""
    with pytest.raises(ValueError, match=match):
        call()


def test_statistics_of_a_huge_column_give_its_inverse_standard_deviation() -> None:
    """X = (1e300, -1e300): sigma = 1e300, so 1/sqrt(var + eps) = 1e-300 (computed on the scaled column)."""
    assert_allclose(batch_statistics([[1e300], [-1e300]]).inv_std, [1e-300], rtol=1e-15)


def test_gradient_of_a_huge_batch_is_the_gradient_of_the_small_one_scaled() -> None:
    """Batch norm ignores the scale of x: grad_x(c x) = grad_x(x) / c while eps is negligible (c = 1e200)."""
    x, g = np.array([[1.0], [2.0], [6.0]]), np.array([[1.0], [-2.0], [0.5]])
    small = batch_norm_backward(g, x, eps=1e-20)[0]
    assert_allclose(batch_norm_backward(g, 1e200 * x, eps=1e-20)[0], small * 1e-200, rtol=1e-14)


def test_a_gradient_column_with_one_small_entry_is_still_rescaled() -> None:
    """G = (1.5e308, 1.5e308, 0): its sum overflows unless the column is scaled by its largest entry.

    The formula is linear in g, so the result is 4 times that for g / 4 (exact in binary).
    """
    st = batch_statistics([[0.0], [1.0], [3.0]])
    g = np.array([[1.5e308], [1.5e308], [0.0]])
    gx = batch_norm_input_gradient(g, st.x_hat, st.inv_std)
    assert_array_equal(gx, 4 * batch_norm_input_gradient(g / 4, st.x_hat, st.inv_std))


@pytest.mark.parametrize("eps", [0.0, -1e-5, float("inf")])
def test_eps_must_be_positive_and_finite_everywhere(eps) -> None:
    """batch_norm, batch_norm_backward and batch_statistics all refuse a zero, negative or infinite eps."""
    for call in (
        lambda: batch_norm(BATCH, eps=eps),
        lambda: batch_norm_backward(BATCH, BATCH, eps=eps),
        lambda: batch_statistics(BATCH, eps=eps),
    ):
        with pytest.raises(ValueError, match="eps must be a positive finite number"):
            call()


def test_a_gradient_with_other_columns_is_refused() -> None:
    """grad_out must have the features of x, and the message names it."""
    with pytest.raises(ValueError, match=r"grad_out must have 1 features \(columns\), got shape \(1, 2\)"):
        batch_norm_backward([[1.0, 2.0]], [[1.0]])
