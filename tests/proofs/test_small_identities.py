"""Three small symbolic facts of the chapters, each against an independent numeric check."""

from __future__ import annotations

import numpy as np
import sympy

from nnnotes.activations import leaky_relu as leaky_relu_numeric
from nnnotes.proofs.leaky_relu import leaky_relu, reflection_residuals
from nnnotes.proofs.saddle_line import next_y_on_the_line
from nnnotes.proofs.sigmoid_as_tanh import inverse_bias_residual


def _leaky(x: float, slope: float) -> float:
    return x if x > 0 else slope * x


def test_reflection_holds_at_random_points() -> None:
    """LeakyReLU_a(x) = -a LeakyReLU_{1/a}(-x) for a > 0, and = min(x, a x) for a > 1, in floats."""
    assert reflection_residuals() == (0,) * 6
    rng = np.random.default_rng(0)
    for x, a in zip(rng.normal(size=200), np.exp(rng.normal(size=200)), strict=True):
        assert np.isclose(_leaky(x, a), -a * _leaky(-x, 1 / a), rtol=1e-14, atol=0)
        if a > 1:
            assert _leaky(x, a) == min(x, a * x)


def test_symbolic_leaky_relu_agrees_with_the_library() -> None:
    """The sympy Piecewise gives the values of `nnnotes.activations.leaky_relu` (slope 0.01)."""
    xs = [-3.0, -0.5, 0.0, 0.25, 2.0]
    exact = [float(leaky_relu(sympy.nsimplify(x), sympy.Rational(1, 100))) for x in xs]
    assert exact == leaky_relu_numeric(np.array(xs), 0.01).tolist()


def test_gradient_descent_stays_on_the_saddle_line() -> None:
    """Symbolically y stays 0; numerically, steps of several rates from (1, 0) keep y exactly 0."""
    assert next_y_on_the_line() == 0
    for eta in (0.01, 0.5, 1.5):
        v = np.array([1.0, 0.0])
        for _ in range(50):
            v = v - eta * np.array([v[0], v[1] ** 3 - v[1]])
        assert v[1] == 0.0


def test_inverse_bias_rule_inverts_the_map() -> None:
    """Residual 0 symbolically; in exact rationals, b' - sum(w') gives b back and b' - sum(w) does not."""
    from fractions import Fraction

    assert inverse_bias_residual() == 0
    b, w = Fraction(3, 7), [Fraction(1, 3), Fraction(-5, 2), Fraction(7, 4)]
    b_mapped, w_mapped = b + sum(w) / 2, [v / 2 for v in w]
    assert b_mapped - sum(w_mapped) == b
    assert b_mapped - sum(w) != b  # the source's rule, read as an inverse with the wrong weights
