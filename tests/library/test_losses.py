"""Losses on logits against high-precision references; their gradients; the task registry."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nnnotes.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    logit_gradient,
    mean_squared_error,
)
from tests.loss_references import bce_reference, ce_reference

BIG = 1.7e308


@pytest.mark.parametrize(
    ("z", "y"),
    [
        (0.0, 1.0),
        (0.0, 0.3),
        (2.5, 1.0),
        (-2.5, 1.0),
        (40.0, 1.0),
        (40.0, 0.0),
        (-40.0, 0.0),
        (1000.0, 0.0),
        (-1000.0, 1.0),
        (1000.0, 0.25),
        (1e300, 0.0),
        (-1e300, 1.0),
        (1e-300, 1.0),
        (BIG, 0.0),
        (-BIG, 1.0),
        (36.0, 1.0),
        (700.0, 1.0),
    ],
)
def test_bce_matches_high_precision(z: float, y: float) -> None:
    """Every element, even with logits near the float64 limit, is within 4.5e-16 relative of the exact."""
    expected = float(bce_reference(z, y))
    assert_allclose(binary_cross_entropy_with_logits([z], [y]), expected, rtol=4.5e-16, atol=0)


def test_bce_hand_values() -> None:
    """Loss log 2 at z = 0 for any target; exactly 1000 for z = 1000 with target 0."""
    assert_allclose(binary_cross_entropy_with_logits([0.0, 0.0], [0.0, 1.0]), math.log(2), rtol=2e-16)
    assert binary_cross_entropy_with_logits([1000.0], [0.0]) == 1000.0
    assert binary_cross_entropy_with_logits([40.0], [1.0]) == pytest.approx(math.exp(-40), rel=1e-15)


def test_bce_is_the_mean_over_every_element() -> None:
    """Multi-label batches: the mean over examples and labels, as PyTorch's reduction='mean'."""
    z = [[2.0, -1.0], [0.0, 3.0]]
    y = [[1, 0], [1, 1]]
    hand = (math.log1p(math.exp(-2)) + math.log1p(math.exp(-1)) + math.log(2) + math.log1p(math.exp(-3))) / 4
    assert_allclose(binary_cross_entropy_with_logits(z, y), hand, rtol=1e-15)


def test_bce_mean_of_huge_losses_does_not_overflow() -> None:
    """Two losses of 1.7e308 sum past the float64 range; their mean does not."""
    assert_allclose(binary_cross_entropy_with_logits([-BIG, -BIG], [1.0, 1.0]), BIG, rtol=1e-15)


@pytest.mark.parametrize(
    ("z", "c"),
    [
        ([1.0, 2.0, 3.0], 0),
        ([1.0, 2.0, 3.0], 2),
        ([54.0, 18.0], 0),
        ([54.0, 18.0], 1),
        ([36.0, 0.0], 0),
        ([1000.0, 0.0], 1),
        ([1000.0, 0.0], 0),
        ([1e300, -1e300], 1),
        ([-1e300, 1e300, 0.0], 2),
        ([0.0, 0.0, 0.0, 0.0], 3),
        ([BIG, BIG / 2], 1),
    ],
)
def test_cross_entropy_matches_high_precision(z: list[float], c: int) -> None:
    """Within 4.5e-16 relative of -log softmax(z)_c, including losses far below 1e-16 and above 1e300."""
    expected = float(ce_reference(z, c))
    assert_allclose(cross_entropy(z, c), expected, rtol=4.5e-16, atol=0)


def test_cross_entropy_tiny_loss_keeps_relative_accuracy() -> None:
    """log(1 + e^-36), where log(sum(exp(z - max))) would round to 2^-52 (4 % low)."""
    exact = float(ce_reference([54.0, 18.0], 0))
    assert_allclose(cross_entropy([54.0, 18.0], 0), exact, rtol=2.2e-16, atol=0)
    assert abs(2.0**-52 - exact) / exact > 0.04  # what the log of the rounded sum gives
    assert cross_entropy([54.0, 18.0], 1) == 36.0


def test_cross_entropy_batch_mean_and_unbatched_form() -> None:
    """The mean over rows; a 1-D logit vector with a scalar label is a batch of one."""
    z = [[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]]
    expected = (float(ce_reference(z[0], 2)) + float(ce_reference(z[1], 0))) / 2
    assert_allclose(cross_entropy(z, [2, 0]), expected, rtol=4.5e-16)
    assert cross_entropy([1.0, 2.0, 3.0], 2) == cross_entropy([[1.0, 2.0, 3.0]], [2])
    # -log(e / (e + e^2 + e^3)) = log(1 + e + e^2), at 400 digits
    exact = float(ce_reference([1.0, 2.0, 3.0], 0))
    assert_allclose(cross_entropy([[1.0, 2.0, 3.0]], np.array([0], dtype=np.uint8)), exact, rtol=4.5e-16)


def test_cross_entropy_extreme_batch() -> None:
    """A per-row loss of 3.4e308 is beyond float64, the mean of it and 0 is not."""
    assert_allclose(cross_entropy([[-BIG, BIG], [0.0, 0.0]], [0, 0]), BIG, rtol=1e-15)
    assert cross_entropy([[-BIG, BIG]], [0]) == math.inf


@pytest.mark.parametrize(
    ("pred", "target", "expected"),
    [
        ([1.0, 2.0, 3.0], [1.0, 0.0, 4.0], 5 / 3),
        ([0.5], [0.5], 0.0),
        ([[1, 2], [3, 4]], [[0, 0], [0, 0]], 7.5),
        ([1.5e154, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], 5.625e307),
        ([1e-200, 0.0], [0.0, 0.0], 0.0),
    ],
)
def test_mse_values(pred, target, expected) -> None:
    """Hand values, a square that alone overflows, and a square that underflows."""
    assert_allclose(mean_squared_error(pred, target), expected, rtol=2.3e-16, atol=0)


def test_mse_beyond_range_is_inf() -> None:
    """A mean of squares above 1.8e308 is not representable: inf, without a warning."""
    assert mean_squared_error([1e200], [0.0]) == math.inf
    assert mean_squared_error([BIG], [-BIG]) == math.inf


CASES_GRAD = [
    (binary_cross_entropy_with_logits, [[0.3, -1.2], [2.0, 0.0]], [[1.0, 0.0], [0.25, 1.0]]),
    (cross_entropy, [[0.3, -1.2, 2.0], [1.0, 1.0, -3.0]], [2, 0]),
    (mean_squared_error, [[0.3, -1.2], [2.0, 0.0]], [[1.0, 0.0], [0.25, 1.0]]),
]


@pytest.mark.parametrize(("loss", "z", "t"), CASES_GRAD, ids=["bce", "ce", "mse"])
def test_logit_gradient_matches_central_differences(loss, z, t) -> None:
    """The analytic gradient (prediction minus target, over n) agrees with finite differences."""
    z = np.asarray(z)
    h = 1e-6
    fd = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[idx] += h
        down[idx] -= h
        fd[idx] = (loss(up, t) - loss(down, t)) / (2 * h)
    assert_allclose(logit_gradient(loss, z, t), fd, rtol=1e-7, atol=1e-9)


def test_logit_gradient_hand_values() -> None:
    """softmax(54, 18) - e_1 = (1, -1) to float64; sigma(0) - y = -1/2, 1/2 over n = 2."""
    assert_allclose(logit_gradient(cross_entropy, [[54.0, 18.0]], [1]), [[1.0, -1.0]], rtol=0, atol=3e-16)
    assert_allclose(
        logit_gradient(binary_cross_entropy_with_logits, [0.0, 0.0], [1.0, 0.0]),
        [-0.25, 0.25],
        rtol=0,
        atol=0,
    )
    assert_allclose(logit_gradient(mean_squared_error, [3.0], [1.0]), [4.0], rtol=0, atol=0)
    with pytest.raises(ValueError, match="loss must be"):
        logit_gradient(sum, [1.0], [1.0])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: binary_cross_entropy_with_logits([0.0, 1.0], [1.0]),
            ValueError,
            "targets must have the same shape",
        ),
        (lambda: binary_cross_entropy_with_logits([0.0], [1.5]), ValueError, r"targets must lie in \[0, 1\]"),
        (lambda: binary_cross_entropy_with_logits([0.0], [-0.1]), ValueError, "targets must lie"),
        (
            lambda: binary_cross_entropy_with_logits([np.inf], [1.0]),
            ValueError,
            "logits must hold finite",
        ),
        (
            lambda: binary_cross_entropy_with_logits([np.nan], [1.0]),
            ValueError,
            "logits must hold finite",
        ),
        (
            lambda: binary_cross_entropy_with_logits(["a"], [1.0]),
            TypeError,
            "logits must hold real numbers",
        ),
        (lambda: binary_cross_entropy_with_logits([], []), ValueError, "logits must not be empty"),
        (lambda: cross_entropy([[1.0, 2.0]], [2]), ValueError, r"labels must lie in \[0, 1\]"),
        (lambda: cross_entropy([[1.0, 2.0]], [-1]), ValueError, "labels must lie"),
        (lambda: cross_entropy([[1.0, 2.0]], [1.0]), TypeError, "labels must be integer"),
        (lambda: cross_entropy([[1.0, 2.0]], [True]), TypeError, "labels must be integer"),
        (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, r"labels must have shape \(1,\)"),
        (lambda: cross_entropy([1.0, 2.0], [0]), ValueError, r"labels must have shape \(\)"),
        (lambda: cross_entropy(np.zeros((2, 2, 2)), [0, 0]), ValueError, r"logits must have shape \(N, C\)"),
        (lambda: cross_entropy([[1.0, np.inf]], [0]), ValueError, "logits must hold finite"),
        (lambda: mean_squared_error([1.0, 2.0], [[1.0, 2.0]]), ValueError, "target must have the same shape"),
        (lambda: mean_squared_error([1.0], [np.nan]), ValueError, "target must hold finite numbers"),
    ],
)
def test_bad_input_names_the_argument(call, error, match) -> None:
    """Bad input raises a clear error that names the argument and what was expected."""
    with pytest.raises(error, match=match):
        call()


def test_uniform_vocabulary_loss() -> None:
    """Equal logits over V words: loss log V (the page's claim, V = 50 000)."""
    assert_allclose(cross_entropy(np.zeros(50_000), 123), float(mpmath.log(50_000)), rtol=1e-14)


finite = st.one_of(
    st.floats(min_value=-800.0, max_value=800.0),
    st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=40, deadline=None)
@given(z=st.lists(finite, min_size=2, max_size=5), c=st.integers(min_value=0, max_value=4))
@example(z=[-2.0, -2.0, -0.3333333333333333, 8.0], c=3)  # 4.9e-16 off before this wave (64b1dfe)
@example(z=[-8.0, -8.0, -8.0, 5.6178980226028517e-05], c=3)  # 8.6e-16 off before this wave
def test_cross_entropy_property_any_finite_logits(z: list[float], c: int) -> None:
    """Any finite logits, any label: within 4.5e-16 relative of mpmath, or inf exactly when beyond float64."""
    c %= len(z)
    expected = float(ce_reference(z, c))  # inf when the exact loss is beyond float64
    assert_allclose(cross_entropy(z, c), expected, rtol=4.5e-16, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(z=finite, y=st.floats(min_value=0.0, max_value=1.0))
def test_bce_property_any_finite_logit(z: float, y: float) -> None:
    """Any finite logit and target in [0, 1]: within a few ulp of mpmath."""
    assert_allclose(
        binary_cross_entropy_with_logits([z], [y]), float(bce_reference(z, y)), rtol=1e-15, atol=1e-300
    )


@pytest.mark.parametrize(
    ("z", "c"),
    [
        ([1e-10, -16.0], 0),  # found by hypothesis: 1.8e-15 off before the two-sum
        ([2.00001, -309.2780638089468], 0),  # z - m rounds by 2.8e-14 absolute; the loss is ~e^(z - m)
        ([-320.92039000091137, 264.5358069623296], 1),
        ([0.1, 0.1, 0.1, 289.6348128560719], 3),
    ],
)
def test_cross_entropy_of_a_tiny_loss_keeps_the_rounding_error_of_the_difference(z, c) -> None:
    """A tiny loss is about e^(z_j - z_c): it is within 4.5e-16 relative of mpmath only if z_j - z_c is exact.

    The difference of two floats rounds (by up to 2.8e-14 near 300), and that absolute error
    becomes the loss's relative error; the two-sum recovers it. Reference: mpmath at 400 digits.
    """
    expected = float(ce_reference(z, c))
    assert 0.0 < expected < 1e-6
    assert_allclose(cross_entropy(z, c), expected, rtol=4.5e-16, atol=0)


# ------------------------------------------------------------------------------ found by mutation testing
def test_bce_gradient_for_negative_logits_uses_sigma_of_z() -> None:
    """d/dz of BCE at z = -0.5, y = 0 is sigma(-0.5) = 1 / (1 + e^0.5) (hand), not sigma(0.5)."""
    assert_allclose(
        logit_gradient(binary_cross_entropy_with_logits, [-0.5], [0.0]), [1 / (1 + math.exp(0.5))], rtol=1e-15
    )


def test_bce_loss_of_exactly_two() -> None:
    """At z = -40, y = 0.05: 0.05 * softplus(40) + 0.95 * softplus(-40) = 2 + log(1 + e^-40), which is 2.0."""
    assert binary_cross_entropy_with_logits([-40.0], [0.05]) == 2.0


def test_mse_of_a_unit_difference() -> None:
    """Differences (1, 0.5): mean of squares (1 + 0.25) / 2 = 0.625 (the largest difference is exactly 1)."""
    assert mean_squared_error([1.0, 0.5], [0.0, 0.0]) == 0.625


def test_mse_one_overflowing_difference_among_finite_ones_is_inf() -> None:
    """1.7e308 - (-1.7e308) overflows: that square alone exceeds n times the largest float64."""
    assert mean_squared_error([BIG, 0.0], [-BIG, 0.0]) == math.inf


def test_bce_accepts_boolean_targets() -> None:
    """Targets True/False are 1/0: at z = 0 each loss is log 2 (hand)."""
    assert_allclose(binary_cross_entropy_with_logits([0.0, 0.0], [True, False]), math.log(2.0), rtol=1e-15)


@pytest.mark.parametrize(
    ("targets", "bad"),
    [
        ([0.5, 1.5], "1.5"),
        ([0.0, 1.5], "1.5"),
        ([1.0, -0.5], "-0.5"),
        ([1.5, -0.5], "1.5"),
    ],
)
def test_bce_names_the_first_bad_target(targets, bad: str) -> None:
    """One bad target among good ones is refused, and the message quotes the first bad one."""
    with pytest.raises(ValueError, match=rf"targets must lie in \[0, 1\], got (np\.float64\()?{bad}\)?$"):
        binary_cross_entropy_with_logits([0.0, 0.0], targets)


@pytest.mark.parametrize(("labels", "bad"), [([0, 5], "5"), ([1, 5], "5"), ([5, -1], "5")])
def test_cross_entropy_names_the_first_bad_label(labels, bad: str) -> None:
    """One bad label among good ones is refused, and the message quotes the first bad one."""
    with pytest.raises(ValueError, match=rf"labels must lie in \[0, 1\] for 2 classes, got {bad}$"):
        cross_entropy([[0.0, 0.0], [0.0, 0.0]], labels)


def test_cross_entropy_of_one_example_with_four_classes() -> None:
    """Logits (0, 0, 0, log 5), label 3: p = 5/8 and the loss is log(8/5) (hand); label 0: log 8."""
    z = [0.0, 0.0, 0.0, math.log(5.0)]
    assert_allclose(cross_entropy(z, 3), math.log(8 / 5), rtol=1e-15)
    assert_allclose(cross_entropy(z, 0), math.log(8.0), rtol=1e-15)
    assert_allclose(cross_entropy([z, z[::-1]], [3, 0]), math.log(8 / 5), rtol=1e-15)


def test_cross_entropy_gradient_of_one_example_with_four_classes() -> None:
    """Softmax (1/8, 1/8, 1/8, 5/8) minus the one-hot label 3 (hand); a batch divides by N = 2."""
    z = [0.0, 0.0, 0.0, math.log(5.0)]
    expected = np.array([1 / 8, 1 / 8, 1 / 8, 5 / 8 - 1])
    assert_allclose(logit_gradient(cross_entropy, z, 3), expected, rtol=1e-15, atol=1e-16)
    assert_allclose(logit_gradient(cross_entropy, [z, z], [3, 3]), [expected / 2] * 2, rtol=1e-15, atol=1e-16)


def test_cross_entropy_gradient_of_huge_logits() -> None:
    """Logits (1000, 0), label 1: softmax is (1, e^-1000 = 0 in float64), minus e_1 gives (1, -1)."""
    assert_allclose(logit_gradient(cross_entropy, [[1000.0, 0.0]], [1]), [[1.0, -1.0]], rtol=0)


@pytest.mark.parametrize(
    ("loss", "z", "t", "match"),
    [
        (binary_cross_entropy_with_logits, [0.0], [1.5], "targets must lie"),
        (cross_entropy, [[0.0, 1.0]], [2], "labels must lie"),
        (mean_squared_error, [0.0, 1.0], [0.0], "target must have the same shape"),
    ],
)
def test_logit_gradient_validates_like_the_loss(loss, z, t, match: str) -> None:
    """The gradient refuses what the loss refuses, with the loss's message."""
    with pytest.raises(ValueError, match=match):
        logit_gradient(loss, z, t)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: binary_cross_entropy_with_logits([0.0], [np.nan]), "targets must hold finite"),
        (lambda: cross_entropy(np.zeros(0), 0), "logits must not be empty"),
        (lambda: mean_squared_error([np.inf], [0.0]), "pred must hold finite"),
        (lambda: mean_squared_error([], []), "pred must not be empty"),
    ],
)
def test_each_argument_is_checked_by_its_own_name(call, match: str) -> None:
    """Non-finite or empty input is refused naming the argument, before any arithmetic."""
    with pytest.raises(ValueError, match=match):
        call()


def test_mean_squared_error_just_below_the_top_of_float64() -> None:
    """Exactly 1.32 ulp below the largest float64 the mean may round up to inf (the docstring says so).

    The case was found by a search; the exact mean is below the top, the computed one is not.
    """
    y = [8.954314853892305e153, 1.2491958819987628e154, 1.1512910030416155e154, 1.2887931667714426e154]
    y.append(1.907804753448637e154)
    with mpmath.workdps(60):
        exact = mpmath.fsum(mpmath.mpf(v) ** 2 for v in y) / 5
        top = mpmath.mpf(np.finfo(float).max)
        assert top - 2 * mpmath.mpf(math.ulp(np.finfo(float).max)) < exact < top
    got = mean_squared_error(y, [0.0] * 5)
    assert got == math.inf or abs(got - exact) <= 4 * math.ulp(np.finfo(float).max)


@pytest.mark.parametrize(
    ("z", "c"),
    [
        ([3.7] + [-249.23927041320238] * 30, 0),
        ([-12.5] + [-595.3688123397243] * 238, 0),
        ([3.7] + [-708.5319703657879] * 48, 0),
        ([3.6199170003154704, -0.5347911036566834, -8.443993174297312], 0),
    ],
)
def test_cross_entropy_of_a_tiny_loss_within_2_ulp(z: list[float], c: int) -> None:
    """Rows a dense search found 5.1, 7.4, 37 and 2.9 ulp off when the rest S was summed plainly."""
    exact = ce_reference(z, c)
    assert abs(mpmath.mpf(cross_entropy(z, c)) - exact) <= 2 * math.ulp(float(exact))
