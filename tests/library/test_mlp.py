"""The MLP forward pass: exact, float64 and float32 values of the sheet's network, layouts, errors."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.mlp import OUTPUTS, forward, layer_sizes
from tests.sheet_network import W1, W2, X, p2_exact, three_passes


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics."""
    return three_passes()


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


def test_batch_equals_rows() -> None:
    """A batch gives, row by row, what single inputs give."""
    xs = [[3.0, 1.0, -1.0], [0.5, -2.0, 1.0]]
    batch = forward(xs, [W1, W2])
    for k, x in enumerate(xs):
        assert_allclose(batch.outputs[k], forward(x, [W1, W2]).outputs, rtol=0, atol=0)
    assert list(batch.prediction) == [0, int(forward(xs[1], [W1, W2]).prediction)]


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
        ({"x": [1.0, np.nan, 0.0]}, ValueError, "x must hold finite numbers"),
        ({"x": [[[1.0]]]}, ValueError, r"x must have shape \(n_0,\)"),
        ({"x": ["a", "b", "c"]}, TypeError, "x must hold real numbers"),
        ({"arithmetic": "exact"}, ValueError, "exact arithmetic: nnnotes.proofs.exact_forward"),
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


def test_float32_refuses_weights_beyond_its_range() -> None:
    """A float64 weight that float32 cannot hold is a ValueError naming it, not an inf and a warning."""
    with pytest.raises(ValueError, match="weights\\[0\\] holds numbers beyond float32's largest"):
        forward([1.0], [[[1e300]]], output="identity", arithmetic="float32")
