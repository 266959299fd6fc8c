"""Softmax: the thresholds of the module notes, where the naive formula fails and where p underflows.

Against mpmath at 40 digits and the float64 limits by hand.
"""

from __future__ import annotations

import mpmath
import numpy as np

from nnnotes.softmax import log_softmax, softmax

MAX = float(np.finfo(float).max)


def _naive(z: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.exp(z) / np.exp(z).sum()


def test_the_naive_formula_fails_above_709_78_and_below_minus_745_13() -> None:
    """Module notes: one z_j > 709.78 gives inf / inf = nan; every z_j < -745.13 gives 0 / 0.

    ln(largest float64) lies in (709.78, 709.79) and ln(2^-1075), where e^z rounds to 0, in
    (-745.14, -745.13) (mpmath); softmax is right on both sides.
    """
    with mpmath.workdps(40):
        assert 709.78 < mpmath.log(mpmath.mpf(MAX)) < 709.79
        assert -745.14 < mpmath.log(mpmath.mpf(2) ** -1075) < -745.13
    assert np.all(np.isfinite(_naive(np.array([709.78, 0.0]))))
    assert np.isnan(_naive(np.array([709.79, 0.0]))[0])
    assert np.all(np.isfinite(_naive(np.array([-745.13, -745.13]))))
    assert np.all(np.isnan(_naive(np.array([-745.14, -745.14]))))
    for z in ([709.79, 0.0], [-745.14, -745.14]):
        p = softmax(z)
        assert np.all(np.isfinite(p)) and abs(p.sum() - 1.0) <= 2.0**-52


def test_a_probability_below_2_to_the_minus_1075_rounds_to_zero_its_logarithm_does_not() -> None:
    """Module notes: p < 2^-1075 rounds to 0 (no float64 holds it); log_softmax keeps it to a few ulp.

    For z = (0, -t), p_2 = e^-t / (1 + e^-t), which is 0 in float64 exactly when its exact value is
    below 2^-1075 (t > 745.13); log p_2 = -t - log(1 + e^-t) is about -t (mpmath).
    """
    ts = np.linspace(745.0, 745.3, 301)
    for t in ts.tolist():
        with mpmath.workdps(40):
            exact = mpmath.exp(-t) / (1 + mpmath.exp(-t))
            exact_log = -mpmath.mpf(t) - mpmath.log1p(mpmath.exp(-t))
        p = softmax([0.0, -t])[1]
        assert (p == 0.0) == (exact < mpmath.mpf(2) ** -1075)
        assert abs(mpmath.mpf(float(log_softmax([0.0, -t])[1])) - exact_log) <= 2 * np.spacing(t)
    assert softmax([0.0, -745.3])[1] == 0.0 < softmax([0.0, -745.0])[1]
