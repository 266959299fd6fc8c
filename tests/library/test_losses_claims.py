"""Losses: the numbers quoted in the docstrings' prose, and where a mean may round to inf.

References: mpmath at 60 to 400 digits (`tests.loss_references`) and hand derivations.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from nnnotes.activations import sigmoid
from nnnotes.losses import binary_cross_entropy_with_logits, cross_entropy, mean_squared_error
from tests.loss_references import bce_reference, ce_reference

MAX = float(np.finfo(float).max)


def test_sigmoid_first_then_log_cannot_be_repaired_at_37() -> None:
    """Module notes: sigma(37) is within an ulp of 1 and rounds to 1, so log(1 - sigma(37)) = -inf.

    The loss there (target 0) is 37 + log(1 + e^-37), about 37 (mpmath).
    """
    with mpmath.workdps(60):
        gap = 1 - 1 / (1 + mpmath.exp(-37))
    assert 0 < gap < 2.0**-53  # below the spacing of float64 just under 1
    assert float(sigmoid(37.0)) == 1.0 and 1.0 / (1.0 + np.exp(-37.0)) == 1.0
    with np.errstate(divide="ignore"):
        assert np.log(1.0 - sigmoid(37.0)) == -np.inf
    assert abs(binary_cross_entropy_with_logits([37.0], [0.0]) - bce_reference(37.0, 0.0)) < 1e-14


def test_cross_entropy_of_the_sheet_is_within_one_ulp_and_the_naive_log_4_percent_low() -> None:
    """Cross-entropy notes: the sheet's tiny loss is within 1 ulp; the log of the rounded sum 4 % low.

    The exact loss is 2.31952283024356912e-16 (mpmath, 400 digits); log(sum(exp(z - m))) gives
    about 2.2204e-16 there (within an ulp of log(1 + 2^-52)), 4 % too small. The package's loss is
    1 ulp off with numpy's AVX-512 exp and log1p, correctly rounded with the AVX2 ones (measured):
    either float beside the exact value, not one of them.
    """
    exact = ce_reference([54.0, 18.0], 0)
    with mpmath.workdps(40):  # the 18 digits quoted are the exact value's, rounded
        assert abs(exact - mpmath.mpf("2.31952283024356912e-16")) <= mpmath.mpf("0.5e-33")
    unit = math.ulp(float(exact))
    off = float(abs(mpmath.mpf(cross_entropy([54.0, 18.0], 0)) - exact)) / unit
    assert off <= 1.05  # 0.96 on one CPU, 0.04 on another: numpy's exp differs by CPU
    z = np.array([54.0, 18.0])
    naive = float(np.log(np.sum(np.exp(z - z.max()))))
    assert np.sum(np.exp(z - z.max())) == 1.0 + 2.0**-52  # the sum, rounded
    with mpmath.workdps(60):  # log(1 + 2^-52) rounds to 2^-52 - 2^-105; numpy's log, by CPU, to it or 2^-52
        assert float(mpmath.log(1 + mpmath.mpf(2) ** -52)) == 2.0**-52 - 2.0**-105
    assert naive in (2.0**-52 - 2.0**-105, 2.0**-52)
    assert 0.04 < float((exact - naive) / exact) < 0.05


def test_mean_squared_error_is_inf_only_within_a_few_ulp_of_the_top() -> None:
    """Returns: inf only if the exact mean exceeds the float64 range or comes within a few ulp of its top.

    Means of five squares drawn just below the top (mpmath at 60 digits): where the result is inf
    the exact mean is at most 4 ulp below the largest float64; elsewhere it is finite and close.
    """
    rng = np.random.default_rng(0)
    top = mpmath.mpf(MAX)
    worst_gap, infs = -math.inf, 0
    with mpmath.workdps(60):
        for _ in range(600):
            y = rng.uniform(0.5, 1.5, 5).tolist()
            scale = mpmath.sqrt(top / (mpmath.fsum(mpmath.mpf(v) ** 2 for v in y) / 5))
            scale *= 1 - mpmath.mpf(rng.uniform(0.0, 1e-15))
            y = [float(mpmath.mpf(v) * scale) for v in y]
            exact = mpmath.fsum(mpmath.mpf(v) ** 2 for v in y) / 5
            got = mean_squared_error(y, [0.0] * 5)
            if got == math.inf:
                infs += 1
                worst_gap = max(worst_gap, float((top - exact) / math.ulp(MAX)))
            else:
                assert abs(mpmath.mpf(got) - exact) <= 4 * math.ulp(MAX)
    assert infs and worst_gap <= 4.0


def test_bce_and_cross_entropy_near_the_top_are_finite_a_few_ulp_below_it() -> None:
    """Returns of both: inf only within a few ulp of the top; 8 ulp and more below it the mean is finite.

    BCE of logit -z with target 1 is z + log(1 + e^-z), which rounds to z; cross-entropy of (-a, a) with
    label 0 is 2a + log(1 + e^-2a), rounding to 2a (hand).
    """
    z = MAX
    for _ in range(8):
        z = math.nextafter(z, 0.0)
    for _ in range(40):
        assert binary_cross_entropy_with_logits([-z, -z], [1.0, 1.0]) == z
        assert cross_entropy([[-z / 2, z / 2]], [0]) == z
        z = math.nextafter(z, 0.0)
