"""The Jacobian of batch normalization: closed form against sympy and central differences."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes.batchnorm import batch_norm_backward
from nnnotes.batchnorm_jacobian import batch_norm_jacobian, central_difference_jacobian

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


@pytest.mark.parametrize(
    ("h", "error", "match"),
    [
        (0.0, ValueError, "h must be a positive finite number, got 0.0"),
        (-1e-6, ValueError, "h must be a positive finite number"),
        (float("inf"), ValueError, "h must be a positive finite number"),
        (True, TypeError, "h must be a real number, got bool"),
    ],
)
def test_central_difference_step_must_be_a_positive_number(h, error, match) -> None:
    """A zero, negative, infinite or boolean step is refused, and the message names ``h``."""
    with pytest.raises(error, match=match):
        central_difference_jacobian(BATCH, h=h)


def test_huge_spread_columns_get_the_right_backward_and_jacobian() -> None:
    """(1, 2, 3, 6) * 1e152 (rescaled path): 1/sigma = 1 / (sqrt(7/2) 1e152), J by the hand formula."""
    x = BATCH * 1e152
    x_hat = (np.array([1.0, 2.0, 3.0, 6.0]) - 3.0) / np.sqrt(3.5)
    expected = (np.eye(4) - 0.25 - np.outer(x_hat, x_hat) / 4) / (np.sqrt(3.5) * 1e152)
    assert_allclose(batch_norm_jacobian(x)[0], expected, rtol=1e-13, atol=1e-13 * np.max(np.abs(expected)))
    g = np.array([1.0, 0.0, 0.0, 0.0])
    gx, _, _ = batch_norm_backward(g[:, None], x)
    assert_allclose(gx.ravel(), expected.T @ g, rtol=1e-13, atol=1e-13 * np.max(np.abs(expected)))


def test_backward_defaults_are_gamma_one_and_pytorch_eps() -> None:
    """With the defaults, grad_x = J^T g for the sympy Jacobian at gamma = 1, eps = 1e-5."""
    J = _exact_jacobian([Fraction(v) for v in (1, 2, 3, 6)], Fraction(1), Fraction(1, 100000))
    g = np.array([1.0, -2.0, 0.5, 0.25])
    gx, _, _ = batch_norm_backward(g[:, None], BATCH)
    assert_allclose(gx.ravel(), J.T @ g, rtol=1e-13)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: batch_norm_jacobian(BATCH, gamma=[np.nan]), "gamma must hold finite numbers"),
        (
            lambda: batch_norm_jacobian([[1.0, 2.0], [3.0, 5.0]], gamma=[1.0, 2.0, 3.0]),
            r"gamma must have shape \(2,\)",
        ),
        (lambda: central_difference_jacobian([[1.0], [np.inf]]), "x must hold finite numbers"),
        (lambda: central_difference_jacobian(np.zeros((0, 1))), "x must not be empty"),
    ],
)
def test_bad_arguments_name_themselves(call, match) -> None:
    """A non-finite or mis-shaped gamma and a non-finite or empty batch are refused by name."""
    with pytest.raises(ValueError, match=match):
        call()


def test_one_overflowing_column_of_the_jacobian_raises() -> None:
    """Column 1 is fine, column 2 has gamma = 1e308 over a tiny spread: the whole call raises."""
    with pytest.raises(OverflowError, match="the Jacobian overflows"):
        batch_norm_jacobian([[0.0, 0.0], [2.0, 2e-5]], gamma=[1.0, 1e308])
