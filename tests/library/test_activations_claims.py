"""Activations: the thresholds, worst cases and conventions the docstrings state, each checked.

References are mpmath at 40 to 60 digits and hand derivations (the float64 range ends at
ln(2^1024) ~ 709.78; half the smallest subnormal is 2^-1075 = e^-745.13); no value is copied from
the code under test.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from nnnotes import activations as act
from tests.library.test_activations import EXACT

MAX = float(np.finfo(float).max)


def _rounds_to_zero(name: str, x: np.ndarray) -> list[bool]:
    """Whether the exact value of ``name`` at each x rounds to 0 in float64 (mpmath, 40 digits)."""
    with mpmath.workdps(40):
        return [float(EXACT[name](mpmath.mpf(v))) == 0.0 for v in x.tolist()]


def test_the_naive_sigmoid_overflows_below_minus_709_78() -> None:
    """Module notes: e^-x overflows exactly when -x > ln(largest float64), which lies in (709.78, 709.79)."""
    with mpmath.workdps(40):
        limit = mpmath.log(mpmath.mpf(MAX))
    assert 709.78 < limit < 709.79
    with np.errstate(over="raise"):
        assert np.isfinite(np.exp(709.78))
        with pytest.raises(FloatingPointError):
            np.exp(709.79)


def test_the_textbook_tanh_derivative_is_zero_from_about_19_on() -> None:
    """1 - tanh(x)^2 is exactly 0 beyond |x| ~ 19: from 20 on, and not up to 18.5, but never exact.

    tanh(x) = 1 - 2e^-2x + ...: at 20 the gap to 1 is 1/13 of the spacing of float64 below 1, at
    18.5 more than that spacing: both far from a rounding edge, where numpy's tanh could round one
    way on one CPU and the other way on another.
    """
    far = np.linspace(20.0, 60.0, 4001)
    assert np.all(1.0 - np.tanh(far) ** 2 == 0.0) and np.all(1.0 - np.tanh(-far) ** 2 == 0.0)
    near = np.linspace(1.0, 18.5, 1751)
    assert np.all(1.0 - np.tanh(near) ** 2 > 0.0)
    assert not any(_rounds_to_zero("tanh_derivative", far[::100]))


def test_sigmoid_is_zero_exactly_where_the_exact_value_rounds_to_zero() -> None:
    """Returns: values in [0, 1], 0 only where sigma(x) < 2^-1075, i.e. from x ~ -745.13 down."""
    x = np.linspace(-745.3, -745.0, 3001)  # no point within 1e-5 of the edge, where CPUs' exp differ
    got = act.sigmoid(x)
    assert ((got == 0.0).tolist()) == _rounds_to_zero("sigmoid", x)
    assert 0 < (got == 0.0).sum() < x.size  # both sides of the edge are sampled
    wide = np.random.default_rng(1).uniform(-800.0, 800.0, 20_000)
    s = act.sigmoid(wide)
    assert s.min() >= 0.0 and s.max() <= 1.0


def test_sigmoid_takes_the_formula_where_exp_minus_x_is_finite_and_exp_x_below() -> None:
    """Notes: 1/(1 + e^-x) as written above -709.78 (also between -709.78 and -709), e^x below.

    There sigma(x) = e^x / (1 + e^x) is within a relative e^x < 1e-307 of e^x (mpmath).
    """
    above = np.concatenate([np.linspace(-709.78, -700.0, 2001), [-709.7827128933839]])
    with np.errstate(over="raise"):
        assert np.array_equal(act.sigmoid(above), 1.0 / (1.0 + np.exp(-above)))
        assert np.array_equal(act.sigmoid(above[:5]), 1.0 / (1.0 + np.exp(-above[:5])))
    below = np.concatenate([np.linspace(-745.2, -709.7828, 2001), [-MAX]])
    assert np.array_equal(act.sigmoid(below), np.exp(below))
    with mpmath.workdps(40):
        assert mpmath.exp(-709.7827128933839) < mpmath.mpf("1e-307")


def test_sigmoid_derivative_is_nonzero_exactly_where_the_exact_value_rounds_to_nonzero() -> None:
    """Notes: accurate until the exact value drops below half the smallest float64, at |x| ~ 745.13."""
    x = np.linspace(745.0, 745.3, 3001)
    x = np.concatenate([x, -x])
    zero = _rounds_to_zero("sigmoid_derivative", x)
    assert (act.sigmoid_derivative(x) == 0.0).tolist() == zero
    with mpmath.workdps(40):
        edge = -mpmath.log(mpmath.mpf(2) ** -1075)
    assert 745.13 < edge < 745.14
    assert not zero[0] and zero[3000]


def test_the_textbook_sigmoid_derivative_is_zero_from_53_ln_2() -> None:
    """Notes: sigma(x)(1 - sigma(x)) is exactly 0 from x = 53 ln 2 ~ 36.74 on, where sigma(x) rounds to 1."""
    x = np.linspace(30.0, 40.0, 10_001)
    s = act.sigmoid(x)
    assert np.array_equal(s * (1.0 - s) == 0.0, x >= 53 * math.log(2))
    assert 36.7 < 53 * math.log(2) < 36.75
    assert np.all(act.sigmoid_derivative(x) > 0.0)


def test_tanh_derivative_far_range_thresholds_by_hand() -> None:
    """Notes: e^-2|x| is subnormal beyond 354 (2|x| > ln 2^1022 = 708.4), 0 from 372.57 (2^-1075).

    Beyond 354 the square (2u)^2 replaces 4u/(1 + u^2)^2 because 1 + u^2 rounds to 1 (u < e^-354).
    """
    with mpmath.workdps(40):
        normal_edge = -mpmath.log(mpmath.mpf(2) ** -1022) / 2
        zero_edge = -mpmath.log(mpmath.mpf(2) ** -1075) / 2
    assert 354.0 < normal_edge < 354.2 and 372.56 < zero_edge < 372.57
    assert np.exp(-2 * 354.19) >= np.finfo(float).tiny > np.exp(-2 * 354.2)
    assert np.exp(-2 * 372.56) > 0.0 == np.exp(-2 * 372.57)
    u = math.exp(-354.0)
    assert 1.0 + u * u == 1.0
    x = np.linspace(354.0, 373.3, 1931)
    assert (act.tanh_derivative(x) == 0.0).tolist() == _rounds_to_zero("tanh_derivative", x)


def test_tanh_is_two_sigmoid_of_two_x_minus_one() -> None:
    """Notes: tanh(x) = 2 sigma(2x) - 1, an identity checked at 50 digits on points of both signs."""
    with mpmath.workdps(50):
        for v in [-30.0, -2.5, -0.1, 0.0, 1e-8, 0.7, 3.0, 19.0]:
            t = mpmath.mpf(v)
            assert abs(mpmath.tanh(t) - (2 / (1 + mpmath.exp(-2 * t)) - 1)) < mpmath.mpf(10) ** -45
    x = np.linspace(-5.0, 5.0, 101)
    assert np.allclose(act.tanh(x), 2.0 * act.sigmoid(2.0 * x) - 1.0, rtol=0, atol=4e-16)


@pytest.mark.parametrize("name", sorted(EXACT))
@pytest.mark.parametrize("bad", [["a"], [1j], np.array([object()])], ids=["str", "complex", "object"])
def test_every_activation_refuses_non_real_input(name: str, bad) -> None:
    """Module notes: complex numbers, strings and objects raise TypeError, for each of the functions."""
    with pytest.raises(TypeError, match="x must hold real numbers"):
        getattr(act, name)(bad)
