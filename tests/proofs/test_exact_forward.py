"""The exact forward pass: the sheet's network by hand, layouts, exact conversion of the inputs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes.mlp import forward
from nnnotes.proofs.exact_forward import exact_forward, latex_value
from tests.sheet_network import E36, W1, W2, X, three_passes


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics."""
    return three_passes()


def test_exact_pass_by_hand(passes) -> None:
    """By hand: a = x^T W1 = (9, -11), h = (9, 0), o = h^T W2 = (54, 18), p = softmax(o)."""
    r = passes["exact"]
    assert list(r.pre_activations[0]) == [9, -11]
    assert list(r.activations[0]) == [9, 0]
    assert list(r.logits) == [54, 18]
    assert sympy.simplify(r.outputs[0] - 1 / (1 + E36)) == 0
    assert sympy.simplify(r.outputs[1] - E36 / (1 + E36)) == 0
    assert sympy.simplify(r.outputs[0] - sympy.exp(54) / (sympy.exp(54) + sympy.exp(18))) == 0
    assert int(r.prediction) == 0


def test_rows_layout_of_the_second_layer() -> None:
    """Reading W2 by rows gives o = W2 h = (54, -9) and p2 = e^-63/(1 + e^-63)."""
    r = exact_forward([9, 0], [W2], layout="W @ x")
    assert list(r.logits) == [54, -9]
    assert sympy.simplify(r.outputs[1] - sympy.exp(-63) / (1 + sympy.exp(-63))) == 0


def test_biases_and_sigmoid_hidden_by_hand() -> None:
    """Affine map x W + b with x = (1, 2), W = I, b = (1, -2): a = (2, 0), h = (sigma(2), 1/2)."""
    r = exact_forward(
        [1, 2], [[[1, 0], [0, 1]], [[1], [1]]], [[1, -2], [0]], hidden="sigmoid", output="identity"
    )
    assert list(r.pre_activations[0]) == [2, 0]
    assert sympy.simplify(r.activations[0][0].rewrite(sympy.exp) - 1 / (1 + sympy.exp(-2))) == 0
    assert r.activations[0][1] == sympy.Rational(1, 2)
    f = forward([1, 2], [[[1, 0], [0, 1]], [[1], [1]]], [[1, -2], [0]], hidden="sigmoid", output="identity")
    assert_allclose(f.outputs, [1 / (1 + np.exp(-2.0)) + 0.5], rtol=2.3e-16)
    with pytest.raises(ValueError, match="predictions, not probabilities"):
        _ = f.probabilities


def test_exact_conversion_of_inputs() -> None:
    """Floats enter as the decimal they print as, fractions and symbols as they are."""
    r = exact_forward([0.1, Fraction(1, 3)], [[[1], [1]]], output="identity")
    assert r.outputs[0] == sympy.Rational(1, 10) + sympy.Rational(1, 3)
    w = sympy.Symbol("w", real=True)
    s = exact_forward([2], [[[w]], [[1]]], output="identity")
    assert s.logits[0] == sympy.Max(0, 2 * w) or str(s.logits[0]) == "relu(2*w)"


def test_latex_value() -> None:
    """Quotients keep the exponential on top; integers print plainly."""
    assert latex_value(E36 / (1 + E36)) == r"\frac{e^{-36}}{e^{-36} + 1}"
    assert latex_value(1 / (1 + E36)) == r"\frac{1}{e^{-36} + 1}"
    assert latex_value(sympy.Integer(-11)) == "-11"


def test_p1_is_sigmoid_of_logit_difference(passes) -> None:
    """Two-class softmax: p1 = sigma(o1 - o2) = sigma(36), exactly."""
    from nnnotes.proofs.symbolic import sigma

    assert sympy.simplify(passes["exact"].outputs[0] - sigma(36).rewrite(sympy.exp)) == 0


def test_bad_exact_input_names_the_argument() -> None:
    """A bool is not a number in exact arithmetic; unknown names are refused like forward's."""
    with pytest.raises(TypeError, match="x must hold numbers, got a bool"):
        exact_forward([True, 1, 0], [W1, W2])
    with pytest.raises(ValueError, match="hidden must be one of"):
        exact_forward(X, [W1, W2], hidden="gelu")
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(3, 2\).*takes 2 inputs, but x has 3"):
        exact_forward(X, [W1, W2], layout="W @ x")


def test_exact_and_float_passes_agree() -> None:
    """The exact pass, evaluated, matches the float64 pass of the same network to rounding."""
    exact, f64 = exact_forward(X, [W1, W2], hidden="tanh"), forward(X, [W1, W2], hidden="tanh")
    assert_allclose([float(v) for v in exact.outputs], f64.outputs, rtol=1e-15, atol=1e-300)
