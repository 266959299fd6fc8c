"""The MLP forward pass: exact, float64 and float32 values of the sheet's network, layouts, errors."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes.mlp import OUTPUTS, forward, latex_value, layer_rows, layer_sizes, rounding_rows

X = [3, 1, -1]
W1 = [[2, -1], [1, -3], [-2, 5]]
W2 = [[6, 2], [-1, 8]]
E36 = sympy.exp(-36)


def p2_exact() -> mpmath.mpf:
    """e^-36 / (1 + e^-36) at 50 digits."""
    with mpmath.workdps(50):
        return mpmath.exp(-36) / (1 + mpmath.exp(-36))


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics."""
    return {f: forward(X, [W1, W2], arithmetic=f) for f in ("exact", "float64", "float32")}


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


def test_float64_probabilities(passes) -> None:
    """float64: 1 + e^-36 rounds to 1 + 2^-52, so p1 = 1 - 2^-52; p2 within half an ulp."""
    p = passes["float64"].outputs
    assert p.dtype == np.float64
    assert float(p[0]) == 1 - 2.0**-52
    assert_allclose(float(p[1]), float(p2_exact()), rtol=1.2e-16, atol=0)
    assert 1.0 - float(p[0]) == 2.0**-52  # the complement is 4 % off p2


def test_float32_probabilities(passes) -> None:
    """float32: p1 is exactly 1.0, p2 is the float32 nearest e^-36/(1 + e^-36) (not 0)."""
    r = passes["float32"]
    for q in (*r.pre_activations, *r.activations, r.logits, r.outputs):
        assert q.dtype == np.float32
    assert r.outputs[0] == np.float32(1.0)
    nearest = np.float32(mpmath.nstr(p2_exact(), 30))  # correctly rounded from the decimal
    assert r.outputs[1] == nearest
    assert r.outputs[1] > 0 and np.float32(1.0) - r.outputs[0] == 0


def test_rows_layout_of_the_second_layer() -> None:
    """Reading W2 by rows gives o = W2 h = (54, -9) and p2 = e^-63/(1 + e^-63)."""
    r = forward([9, 0], [W2], layout="W @ x", arithmetic="exact")
    assert list(r.logits) == [54, -9]
    assert sympy.simplify(r.outputs[1] - sympy.exp(-63) / (1 + sympy.exp(-63))) == 0


def test_rows_layout_of_the_first_layer_is_undefined() -> None:
    """Read by rows, the 3 x 2 matrix takes 2 inputs: x with 3 entries is rejected, naming it."""
    assert layer_sizes([W1, W2]) == [(3, 2), (2, 2)]
    assert layer_sizes([W1, W2], layout="W @ x") == [(2, 3), (2, 2)]
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(3, 2\).*takes 2 inputs, but x has 3"):
        forward(X, [W1, W2], layout="W @ x")


def test_layouts_agree_on_transposed_matrices() -> None:
    """forward(x, [W]) with 'x @ W' equals forward(x, [W.T]) with 'W @ x', biases included."""
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
    bs = [rng.normal(size=3), rng.normal(size=2)]
    x = rng.normal(size=(5, 4))
    a = forward(x, Ws, bs, hidden="tanh")
    b = forward(x, [W.T for W in Ws], bs, hidden="tanh", layout="W @ x")
    assert_allclose(a.outputs, b.outputs, rtol=1e-15, atol=0)


def test_biases_and_sigmoid_hidden_by_hand() -> None:
    """Affine map x W + b with x = (1, 2), W = I, b = (1, -2): a = (2, 0), h = (sigma(2), 1/2)."""
    r = forward(
        [1, 2],
        [[[1, 0], [0, 1]], [[1], [1]]],
        [[1, -2], [0]],
        hidden="sigmoid",
        output="identity",
        arithmetic="exact",
    )
    assert list(r.pre_activations[0]) == [2, 0]
    assert sympy.simplify(r.activations[0][0].rewrite(sympy.exp) - 1 / (1 + sympy.exp(-2))) == 0
    assert r.activations[0][1] == sympy.Rational(1, 2)
    f = forward([1, 2], [[[1, 0], [0, 1]], [[1], [1]]], [[1, -2], [0]], hidden="sigmoid", output="identity")
    assert_allclose(f.outputs, [1 / (1 + np.exp(-2.0)) + 0.5], rtol=2.3e-16)
    with pytest.raises(ValueError, match="predictions, not probabilities"):
        _ = f.probabilities


def test_batch_equals_rows() -> None:
    """A batch gives, row by row, what single inputs give."""
    xs = [[3.0, 1.0, -1.0], [0.5, -2.0, 1.0]]
    batch = forward(xs, [W1, W2])
    for k, x in enumerate(xs):
        assert_allclose(batch.outputs[k], forward(x, [W1, W2]).outputs, rtol=0, atol=0)
    assert list(batch.prediction) == [0, int(forward(xs[1], [W1, W2]).prediction)]


def test_exact_conversion_of_inputs() -> None:
    """Floats enter as the decimal they print as, fractions and symbols as they are."""
    r = forward([0.1, Fraction(1, 3)], [[[1], [1]]], output="identity", arithmetic="exact")
    assert r.outputs[0] == sympy.Rational(1, 10) + sympy.Rational(1, 3)
    w = sympy.Symbol("w", real=True)
    s = forward([2], [[[w]], [[1]]], output="identity", arithmetic="exact")
    assert s.logits[0] == sympy.Max(0, 2 * w) or str(s.logits[0]) == "relu(2*w)"


def test_sigmoid_output_prediction() -> None:
    """One sigmoid unit: class 1 when the probability exceeds 1/2."""
    r = forward([[1.0], [-1.0]], [[[2.0]]], output="sigmoid")
    assert list(r.prediction) == [1, 0]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"arithmetic": "float16"}, ValueError, "arithmetic must be one of"),
        ({"layout": "rows"}, ValueError, "layout must be one of"),
        ({"hidden": "gelu"}, ValueError, "hidden must be one of"),
        ({"output": "tanh"}, ValueError, "output must be one of"),
        ({"x": [1.0, np.nan, 0.0]}, ValueError, "x must be finite"),
        ({"x": [[[1.0]]]}, ValueError, r"x must have shape \(n_0,\)"),
        ({"x": ["a", "b", "c"]}, TypeError, "x must hold real numbers"),
        ({"x": [True, 1, 0], "arithmetic": "exact"}, TypeError, "x must hold numbers, got a bool"),
        ({"weights": [W1, [[1, 2, 3]]]}, ValueError, r"weights\[1\].*takes 1 inputs, but layer 1 gives 2"),
        ({"weights": [[1, 2, 3]]}, ValueError, r"weights\[0\] must be a matrix"),
        ({"weights": []}, TypeError, "weights must be a non-empty sequence"),
        ({"biases": [[0, 0]]}, ValueError, "biases must give one vector per layer"),
        ({"biases": [[0, 0, 0], [0, 0]]}, ValueError, r"biases\[0\] must have shape \(2,\)"),
    ],
)
def test_bad_input_names_the_argument(kwargs, error, match) -> None:
    """Each bad argument raises an error naming it and what was expected."""
    args = {"x": X, "weights": [W1, W2], **kwargs}
    x, weights = args.pop("x"), args.pop("weights")
    with pytest.raises(error, match=match):
        forward(x, weights, **args)


def test_output_functions_accept_lists_and_keep_dtype() -> None:
    """OUTPUTS take array-likes; float32 stays float32; float64 sigmoid reaches 1 at z = 37."""
    assert OUTPUTS["sigmoid"]([36.0, 37.0]).tolist() == [1 - 2.0**-52, 1.0]
    assert OUTPUTS["softmax"](np.array([0.0, 0.0], dtype=np.float32)).dtype == np.float32
    assert_allclose(OUTPUTS["softmax"]([[0.0, np.log(3.0)]]), [[0.25, 0.75]], rtol=1e-15)
    assert OUTPUTS["softmax"]([1000.0, 0.0])[1] == 0.0  # e^-1000 underflows, without a warning


def test_layer_rows_pinned(passes) -> None:
    """Every cell of the page's table, from the hand values above."""
    rows = layer_rows(passes)
    assert [r[0] for r in rows] == [
        "$x_{1}$",
        "$x_{2}$",
        "$x_{3}$",
        "$a^{(1)}_{1}$",
        "$a^{(1)}_{2}$",
        "$h^{(1)}_{1}$",
        "$h^{(1)}_{2}$",
        "$o_{1}$",
        "$o_{2}$",
        "$p_{1}$",
        "$p_{2}$",
    ]
    assert [r[1] for r in rows[:9]] == ["$3$", "$1$", "$-1$", "$9$", "$-11$", "$9$", "$0$", "$54$", "$18$"]
    assert rows[9][1:] == [r"$\frac{1}{e^{-36} + 1}$", "`0.9999999999999998`", "`1.0`"]
    assert rows[10][1:] == [r"$\frac{e^{-36}}{e^{-36} + 1}$", "`2.3195228302435686e-16`", "`2.3195227e-16`"]
    assert rows[4][2:] == ["`-11.0`", "`-11.0`"]


def test_rounding_rows_pinned(passes) -> None:
    """Values and relative errors of p1, p2 and 1 - p1 in float64 and float32."""
    rows = rounding_rows(passes["exact"], {"float64": passes["float64"], "float32": passes["float32"]})
    assert [r[0] for r in rows] == ["$p_{1}$", "$p_{2}$", "$1 - p_{1}$"]
    assert rows[0][1] == "0.99999999999999976805"
    assert rows[1][1] == rows[2][1] == "2.3195228302435688503e-16"
    assert rows[0][2:] == ["`0.9999999999999998`", "9.9e-18", "`1.0`", "2.3e-16"]
    assert rows[1][4] == "`2.3195227e-16`"
    assert float(rows[1][3]) < 1.2e-16 and float(rows[1][5]) < 6e-8
    assert rows[2][2:] == ["`2.220446049250313e-16`", "0.043", "`0.0`", "1.0"]


def test_latex_value() -> None:
    """Quotients keep the exponential on top; integers print plainly."""
    assert latex_value(E36 / (1 + E36)) == r"\frac{e^{-36}}{e^{-36} + 1}"
    assert latex_value(1 / (1 + E36)) == r"\frac{1}{e^{-36} + 1}"
    assert latex_value(sympy.Integer(-11)) == "-11"


def test_p1_is_sigmoid_of_logit_difference(passes) -> None:
    """Two-class softmax: p1 = sigma(o1 - o2) = sigma(36), exactly."""
    from nnnotes.symbolic import sigma

    assert sympy.simplify(passes["exact"].outputs[0] - sigma(36).rewrite(sympy.exp)) == 0
