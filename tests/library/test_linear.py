"""Affine collapse and XOR."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import linear


def test_collapse_equals_stack() -> None:
    """The collapsed map gives the same outputs as the layers applied one after the other."""
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(4, 3)), rng.normal(size=4)), (rng.normal(size=(2, 4)), rng.normal(size=2))]
    x = rng.normal(size=3)
    W, b = linear.collapse(*layers)
    h = layers[0][0] @ x + layers[0][1]
    assert_allclose(W @ x + b, layers[1][0] @ h + layers[1][1], rtol=1e-14)


def test_collapse_rejects_mismatch() -> None:
    """Layers whose sizes do not chain are refused."""
    with pytest.raises(ValueError, match="takes"):
        linear.collapse((np.eye(2), np.zeros(2)), (np.eye(3), np.zeros(3)))


def test_relu_network_solves_xor() -> None:
    """Two ReLU units give XOR exactly."""
    assert np.array_equal(linear.relu_xor_network(linear.XOR_INPUTS), linear.XOR_TARGETS)


def test_collapse_needs_a_layer() -> None:
    """No layers at all is a ValueError that says a (W, b) layer is needed."""
    with pytest.raises(ValueError, match=r"^collapse needs at least one \(W, b\) layer$"):
        linear.collapse()


@pytest.mark.parametrize(
    "layer",
    [([1.0, 2.0], [0.0, 0.0]), ([[1.0, 2.0]], [0.0, 0.0]), ([[[1.0]]], [0.0])],
    ids=["vector-W", "long-b", "3d-W"],
)
def test_collapse_rejects_malformed_layer(layer) -> None:
    """A W that is not a matrix, or a b that does not match its rows, is a ValueError naming the layer."""
    with pytest.raises(ValueError, match=r"^layers\[0\] must be \(W \(out, in\), b \(out,\)\)"):
        linear.collapse(layer)


def test_xor_network_single_input_and_stacked_batches() -> None:
    """One input of shape (2,) gives a number; a (2, 2, 2) stack gives XOR per row.

    relu(1 + 0) - 2 relu(1 + 0 - 1) = 1; relu(1 + 1) - 2 relu(1) = 0, by hand.
    """
    assert float(linear.relu_xor_network([1.0, 0.0])) == 1.0
    assert float(linear.relu_xor_network([1.0, 1.0])) == 0.0
    out = linear.relu_xor_network(linear.XOR_INPUTS.reshape(2, 2, 2))
    assert out.tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_xor_network_refuses_three_columns() -> None:
    """Rows of three entries are a ValueError naming x and its shape."""
    with pytest.raises(ValueError, match=r"^x must have 2 columns, got shape \(4, 3\)"):
        linear.relu_xor_network(np.zeros((4, 3)))
