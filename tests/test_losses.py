"""Losses on logits against high-precision references; their gradients; the task registry."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from nnnotes import losses
from nnnotes.losses import (
    TASKS,
    binary_cross_entropy_with_logits,
    cross_entropy,
    extreme_logit_rows,
    logit_gradient,
    mean_squared_error,
    task_rows,
)

BIG = 1.7e308


def bce_reference(z: float, y: float) -> float:
    """-y log sigma(z) - (1-y) log(1 - sigma(z)), sigma and 1 - sigma formed at 400 digits.

    400 digits keep 1 + e^{-|z|} distinct from 1 for |z| <= 900; beyond, the loss underflows anyway
    when it is tiny (e^{-745} is below the smallest float64), so every float64 result is checkable.
    """
    with mpmath.workdps(400):
        return _bce_reference(z, y)


def _bce_reference(z: float, y: float) -> float:
    zz = mpmath.mpf(z)
    p = 1 / (1 + mpmath.exp(-zz))
    q = mpmath.exp(-zz) / (1 + mpmath.exp(-zz))  # 1 - p without cancellation
    terms = []
    if y != 0:
        terms.append(-y * mpmath.log(p))
    if y != 1:
        terms.append(-(1 - y) * mpmath.log(q))
    return mpmath.fsum(terms)


def ce_reference(z: list[float], c: int) -> mpmath.mpf:
    """-log(e^{z_c} / sum_k e^{z_k}) at 400 digits (mpmath's exponent range is unbounded)."""
    with mpmath.workdps(400):
        zz = [mpmath.mpf(v) for v in z]
        return -mpmath.log(mpmath.exp(zz[c]) / mpmath.fsum(mpmath.exp(v) for v in zz))


@pytest.mark.parametrize(
    ("z", "y"),
    [(0.0, 1.0), (0.0, 0.3), (2.5, 1.0), (-2.5, 1.0), (40.0, 1.0), (40.0, 0.0), (-40.0, 0.0),
     (1000.0, 0.0), (-1000.0, 1.0), (1000.0, 0.25), (1e300, 0.0), (-1e300, 1.0), (1e-300, 1.0),
     (BIG, 0.0), (-BIG, 1.0), (36.0, 1.0), (700.0, 1.0)],
)
def test_bce_matches_high_precision(z: float, y: float) -> None:
    """Every element, even with logits near the float64 limit, is within 2 ulp of the exact loss."""
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
    hand = (math.log1p(math.exp(-2)) + math.log1p(math.exp(-1)) + math.log(2)
            + math.log1p(math.exp(-3))) / 4
    assert_allclose(binary_cross_entropy_with_logits(z, y), hand, rtol=1e-15)


def test_bce_mean_of_huge_losses_does_not_overflow() -> None:
    """Two losses of 1.7e308 sum past the float64 range; their mean does not."""
    assert_allclose(binary_cross_entropy_with_logits([-BIG, -BIG], [1.0, 1.0]), BIG, rtol=1e-15)


@pytest.mark.parametrize(
    ("z", "c"),
    [([1.0, 2.0, 3.0], 0), ([1.0, 2.0, 3.0], 2), ([54.0, 18.0], 0), ([54.0, 18.0], 1),
     ([36.0, 0.0], 0), ([1000.0, 0.0], 1), ([1000.0, 0.0], 0), ([1e300, -1e300], 1),
     ([-1e300, 1e300, 0.0], 2), ([0.0, 0.0, 0.0, 0.0], 3), ([BIG, BIG / 2], 1)],
)
def test_cross_entropy_matches_high_precision(z: list[float], c: int) -> None:
    """Within 2 ulp of -log softmax(z)_c, including losses far below 1e-16 and above 1e300."""
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
    assert_allclose(cross_entropy([[1.0, 2.0, 3.0]], np.array([0], dtype=np.uint8)),
                    2.4076059644443806, rtol=4.5e-16)  # log(1 + e + e^2)


def test_cross_entropy_extreme_batch() -> None:
    """A per-row loss of 3.4e308 is beyond float64, the mean of it and 0 is not."""
    assert_allclose(cross_entropy([[-BIG, BIG], [0.0, 0.0]], [0, 0]), BIG, rtol=1e-15)
    assert cross_entropy([[-BIG, BIG]], [0]) == math.inf


@pytest.mark.parametrize(
    ("pred", "target", "expected"),
    [([1.0, 2.0, 3.0], [1.0, 0.0, 4.0], 5 / 3), ([0.5], [0.5], 0.0),
     ([[1, 2], [3, 4]], [[0, 0], [0, 0]], 7.5),
     ([1.5e154, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], 5.625e307),
     ([1e-200, 0.0], [0.0, 0.0], 0.0)],
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
    assert_allclose(logit_gradient(binary_cross_entropy_with_logits, [0.0, 0.0], [1.0, 0.0]),
                    [-0.25, 0.25], rtol=0, atol=0)
    assert_allclose(logit_gradient(mean_squared_error, [3.0], [1.0]), [4.0], rtol=0, atol=0)
    with pytest.raises(ValueError, match="loss must be"):
        logit_gradient(sum, [1.0], [1.0])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: binary_cross_entropy_with_logits([0.0, 1.0], [1.0]), ValueError,
         "targets must have the same shape"),
        (lambda: binary_cross_entropy_with_logits([0.0], [1.5]), ValueError, r"targets must lie in \[0, 1\]"),
        (lambda: binary_cross_entropy_with_logits([0.0], [-0.1]), ValueError, "targets must lie"),
        (lambda: binary_cross_entropy_with_logits([np.inf], [1.0]), ValueError, "logits must be finite"),
        (lambda: binary_cross_entropy_with_logits([np.nan], [1.0]), ValueError, "logits must be finite"),
        (lambda: binary_cross_entropy_with_logits(["a"], [1.0]), TypeError,
         "logits must be an array of real"),
        (lambda: binary_cross_entropy_with_logits([], []), ValueError, "logits must not be empty"),
        (lambda: cross_entropy([[1.0, 2.0]], [2]), ValueError, r"labels must lie in \[0, 1\]"),
        (lambda: cross_entropy([[1.0, 2.0]], [-1]), ValueError, "labels must lie"),
        (lambda: cross_entropy([[1.0, 2.0]], [1.0]), TypeError, "labels must be integer"),
        (lambda: cross_entropy([[1.0, 2.0]], [True]), TypeError, "labels must be integer"),
        (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, r"labels must have shape \(1,\)"),
        (lambda: cross_entropy([1.0, 2.0], [0]), ValueError, r"labels must have shape \(\)"),
        (lambda: cross_entropy(np.zeros((2, 2, 2)), [0, 0]), ValueError, r"logits must have shape \(N, C\)"),
        (lambda: cross_entropy([[1.0, np.inf]], [0]), ValueError, "logits must be finite"),
        (lambda: mean_squared_error([1.0, 2.0], [[1.0, 2.0]]), ValueError, "target must have the same shape"),
        (lambda: mean_squared_error([1.0], [np.nan]), ValueError, "target must be finite"),
    ],
)
def test_bad_input_names_the_argument(call, error, match) -> None:
    """Bad input raises a clear error that names the argument and what was expected."""
    with pytest.raises(error, match=match):
        call()


def test_registry_covers_the_five_tasks_in_order() -> None:
    """Five tasks as in the source, each pointing at a loss of this module and a real output."""
    assert [t.name.split(" (")[0] for t in TASKS] == [
        "binary classification", "multi-class classification", "regression",
        "multi-label classification", "next-word prediction",
    ]
    expected = ["sigmoid", "softmax", "identity", "sigmoid", "softmax"]
    assert [t.output_impl for t in TASKS] == expected
    assert [t.loss_impl for t in TASKS] == [
        binary_cross_entropy_with_logits, cross_entropy, mean_squared_error,
        binary_cross_entropy_with_logits, cross_entropy,
    ]
    assert_allclose(TASKS[1].output_function()([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    assert_allclose(TASKS[0].output_function()([0.0]), [0.5], rtol=0)
    rows = task_rows()
    assert len(rows) == 5 and all(len(r) == 5 for r in rows)
    assert rows[2][4] == '`forward(..., output="identity")`, `mean_squared_error`'


def test_extreme_rows_pinned() -> None:
    """The table of extreme logits: naive values fail, the package's match the exact ones."""
    rows = extreme_logit_rows()
    assert [r[3] for r in rows] == [
        "nan", "inf", "inf", "inf", "2.2204460492503131e-16", "36", "inf", "inf",
    ]
    assert rows[0][4] == "4.248354255291589e-18"
    assert rows[4][4] == "2.3195228302435686e-16"
    assert [r[4] for r in rows[5:]] == ["36.0", "1000.0", "2e+300"]
    assert all(float(r[6]) < 4.5e-16 for r in rows)
    assert rows[4][5] == "2.3195228302435691e-16"


def test_exact_helpers_agree_with_test_references() -> None:
    """The module's mpmath references agree with this file's independent formulas."""
    with mpmath.workdps(40):
        assert abs(losses._exact_bce(1000.0, 0.25) - bce_reference(1000.0, 0.25)) < mpmath.mpf(10) ** -30
        assert abs(losses._exact_ce([1.0, 2.0, 3.0], 0) - ce_reference([1.0, 2.0, 3.0], 0)) < 1e-30


def test_output_rows_pinned() -> None:
    """Hand values: sigma(4, 3, -3) sums to 1.98; softmax(4, 3, -3) = e^z / 74.73 sums to 1."""
    rows = losses.output_rows([4.0, 3.0, -3.0])
    assert rows == [
        ["a sigmoid per unit", "0.982, 0.953, 0.0474", "1.98"],
        ["softmax", "0.731, 0.269, 0.000666", "1"],
    ]
    with pytest.raises(ValueError, match="logits must be one vector"):
        losses.output_rows([[1.0]])


@pytest.mark.parametrize("name", [
    "sigmoid_bce_gradient", "softmax_ce_loss", "softmax_ce_gradient", "squared_error_gradient",
    "two_class_softmax", "softmax_ratio", "softmax_sums_to_one", "sigmoid_below_one",
    "sigmoid_above_zero",
])
def test_derivations_are_published(name: str) -> None:
    """Each derivation of the 6.2 page is registered, so the mutation test covers it."""
    from nnnotes.derivation import PUBLISHED

    assert f"nnnotes.losses.{name}" in PUBLISHED
    assert PUBLISHED[f"nnnotes.losses.{name}"]().verify().name.startswith("6-2-")


def test_uniform_vocabulary_loss() -> None:
    """Equal logits over V words: loss log V (the page's claim, V = 50 000)."""
    assert_allclose(cross_entropy(np.zeros(50_000), 123), float(mpmath.log(50_000)), rtol=1e-14)


finite = st.one_of(
    st.floats(min_value=-800.0, max_value=800.0),
    st.floats(min_value=-1e308, max_value=1e308, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=40, deadline=None)
@given(z=st.lists(finite, min_size=2, max_size=5), data=st.data())
def test_cross_entropy_property_any_finite_logits(z: list[float], data) -> None:
    """Any finite logits, any label: within 2 ulp of mpmath, or inf exactly when beyond float64."""
    c = data.draw(st.integers(min_value=0, max_value=len(z) - 1))
    expected = float(ce_reference(z, c))  # inf when the exact loss is beyond float64
    assert_allclose(cross_entropy(z, c), expected, rtol=4.5e-16, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(z=finite, y=st.floats(min_value=0.0, max_value=1.0))
def test_bce_property_any_finite_logit(z: float, y: float) -> None:
    """Any finite logit and target in [0, 1]: within a few ulp of mpmath."""
    assert_allclose(binary_cross_entropy_with_logits([z], [y]), float(bce_reference(z, y)),
                    rtol=1e-15, atol=1e-300)


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
    """A tiny loss is about e^(z_j - z_c): it is within 2 ulp of mpmath only if z_j - z_c is exact.

    The difference of two floats rounds (by up to 2.8e-14 near 300), and that absolute error
    becomes the loss's relative error; the two-sum recovers it. Reference: mpmath at 400 digits.
    """
    expected = float(ce_reference(z, c))
    assert 0.0 < expected < 1e-6
    assert_allclose(cross_entropy(z, c), expected, rtol=4.5e-16, atol=0)
