"""The MLP forward pass: exact, float64 and float32 values of the sheet's network, layouts, errors."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.mlp import ACTIVATIONS, OUTPUTS, check_network, forward, layer_sizes, propagate
from tests.sheet_network import W1, W2, X, p2_exact, three_passes


@pytest.fixture(scope="module")
def passes() -> dict[str, object]:
    """The sheet's network in the three arithmetics."""
    return three_passes()


def test_float64_probabilities(passes) -> None:
    """float64: 1 + e^-36 rounds to 1 + 2^-52, so p1 = 1 - 2^-52; p2 within an ulp (2^-104).

    Within half an ulp with numpy's AVX-512 exponential, 0.59 ulp off with its AVX2 one.
    """
    p = passes["float64"].outputs
    assert p.dtype == np.float64
    assert float(p[0]) == 1 - 2.0**-52
    assert abs(mpmath.mpf(float(p[1])) - p2_exact()) <= 2.0**-104 == math.ulp(float(p2_exact()))
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
        ({"weights": "W1"}, TypeError, "weights must be a non-empty sequence"),
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


def test_biases_are_added() -> None:
    """Biases are added to each layer's pre-activation, in both layouts (hand values).

    x = (1, -1), W1 = [[1, 2], [3, 4]], b1 = (3, -1): a1 = (1 - 3 + 3, 2 - 4 - 1) = (1, -3), relu gives
    h = (1, 0); W2 = [[2], [5]], b2 = (-0.5): o = 2 - 0.5 = 1.5.
    """
    W1_, W2_ = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[2.0], [5.0]])
    bs = [[3.0, -1.0], [-0.5]]
    for layout, Ws in (("x @ W", [W1_, W2_]), ("W @ x", [W1_.T, W2_.T])):
        r = forward([1.0, -1.0], Ws, bs, output="identity", layout=layout)
        assert r.pre_activations[0].tolist() == [1.0, -3.0]
        assert r.activations[0].tolist() == [1.0, 0.0]
        assert r.outputs.tolist() == [1.5]


def test_propagate_refuses_no_layers() -> None:
    """An empty list of layers makes propagate raise a ValueError naming the weights."""
    with pytest.raises(ValueError, match="^weights must not be empty$"):
        propagate(np.array([1.0]), [], [], ACTIVATIONS["relu"])


def test_weights_generator_refused() -> None:
    """A generator of matrices is not a sequence: TypeError naming weights, before it is consumed."""
    with pytest.raises(TypeError, match="^weights must be a non-empty sequence"):
        forward(X, (w for w in [W1, W2]))


def test_layout_checked_first() -> None:
    """A bad layout is reported, naming it, even when the weights and layer sizes are also wrong."""
    with pytest.raises(ValueError, match="^layout must be one of"):
        check_network((3,), [], None, "rows")
    with pytest.raises(ValueError, match="^layout must be one of"):
        layer_sizes([W1], layout="rows")


def test_probabilities_only_for_probability_outputs() -> None:
    """Softmax outputs are probabilities; an identity output refuses to be read as probabilities."""
    r = forward([0.0], [[[0.0, 0.0]]])
    assert r.probabilities.tolist() == [0.5, 0.5]  # softmax of equal logits
    ident = forward([0.0], [[[0.0, 0.0]]], output="identity")
    with pytest.raises(ValueError, match="identity output gives predictions, not probabilities"):
        _ = ident.probabilities


def test_prediction_is_argmax_per_row() -> None:
    """A batch's prediction is the index of the largest output of each row, not of each column.

    Identity output through the identity matrix: the outputs are the inputs, rows (1, 0), (0, 1), (2, 3).
    """
    r = forward([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]], [np.eye(2)], output="identity")
    assert r.prediction.tolist() == [0, 1, 1]
    assert r.prediction.dtype == np.int64


def test_prediction_single_unit_outputs() -> None:
    """One sigmoid unit for one input: class 1 above 1/2, class 0 at exactly 1/2 (sigma(0) = 1/2).

    One identity or softmax unit is the only class, 0, whatever its value.
    """
    assert int(forward([1.0], [[[2.0]]], output="sigmoid").prediction) == 1
    assert int(forward([0.0], [[[2.0]]], output="sigmoid").prediction) == 0
    assert int(forward([1.0], [[[2.0]]], output="identity").prediction) == 0
    assert int(forward([1.0], [[[2.0]]], output="softmax").prediction) == 0


def test_prediction_two_sigmoid_units_is_argmax() -> None:
    """Two sigmoid units: the class is the larger output (sigma(-1) < 1/2 < sigma(2)), not a threshold."""
    r = forward([1.0], [[[-1.0, 2.0]]], output="sigmoid")
    assert int(r.prediction) == 1


def test_exact_pass_prediction(passes) -> None:
    """The exact pass predicts class 0: p1 = 1/(1 + e^-36) > 1/2 > p2 = e^-36/(1 + e^-36)."""
    assert int(passes["exact"].prediction) == 0


def test_identity_keeps_float32_and_converts_lists() -> None:
    """The identity activation keeps float32 and turns a list of ints into float64."""
    r = forward([1.0, 2.0], [np.eye(2)], output="identity", arithmetic="float32")
    assert r.outputs.dtype == np.float32
    assert r.outputs.tolist() == [1.0, 2.0]
    out = ACTIVATIONS["identity"]([1, 2])
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]


def test_float32_accepts_its_largest() -> None:
    """float32's largest finite number, (2 - 2^-23) 2^127, is accepted as a float32 weight."""
    top = (2 - 2.0**-23) * 2.0**127
    r = forward([1.0], [[[top]]], output="identity", arithmetic="float32")
    assert r.outputs.dtype == np.float32
    assert float(r.outputs[0]) == top


def _exact(*args, **kw):
    """An exact pass as `nnnotes.mlp.ForwardPass` (looked up now, so a patched class is the one tested)."""
    import dataclasses

    from nnnotes import mlp
    from nnnotes.proofs.exact_forward import exact_forward

    done = exact_forward(*args, **kw)
    return mlp.ForwardPass(**{f.name: getattr(done, f.name) for f in dataclasses.fields(done)})


def test_exact_prediction_compares_exact_numbers() -> None:
    """Logits (0, 10^-20): the second probability is exactly larger (e^(10^-20) > 1).

    Both round to 1/2 in float64. A single sigmoid unit predicts class 1 when p exceeds 1/2: for
    the logit 10^-20 (p > 1/2), not for 0 (p = 1/2 exactly) nor -10^-20. Equal logits tie, and the
    first index wins, as with np.argmax.
    """
    from fractions import Fraction

    tiny = Fraction(1, 10**20)
    assert forward([1.0], [[[0.0, 1e-20]]]).outputs.tolist() == [0.5, 0.5]  # float64 ties them
    assert int(_exact([1], [[[0, tiny]]]).prediction) == 1
    assert _exact([[1], [0], [-1]], [[[tiny]]], output="sigmoid").prediction.tolist() == [1, 0, 0]
    assert _exact([[1], [2], [-1]], [[[0, tiny]]]).prediction.tolist() == [1, 1, 0]
    assert _exact([[1], [0]], [[[5, 5]]]).prediction.tolist() == [0, 0]
