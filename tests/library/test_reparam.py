"""The sigmoid-to-tanh parameter map: equal outputs, inverse map, the source's map is wrong."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import reparam


@pytest.mark.parametrize(("D", "M", "K"), [(1, 1, 1), (2, 3, 1), (5, 10, 3), (20, 50, 10)])
def test_mapped_tanh_network_equals_sigmoid_network(D: int, M: int, K: int) -> None:
    """Outputs agree to rounding on random inputs (an independent closed form of the sigmoid net)."""
    W1, b1, W2, b2 = reparam.random_network(D, M, K, seed=3)
    x = np.random.default_rng(4).normal(size=(30, D))
    hidden = 1 / (1 + np.exp(-(x @ W1.T + b1)))
    expected = 1 / (1 + np.exp(-(hidden @ W2.T + b2)))
    got = reparam.two_layer_network(x, *reparam.sigmoid_to_tanh(W1, b1, W2, b2), hidden="tanh")
    assert_allclose(got, expected, rtol=1e-13, atol=0)


def test_map_by_hand() -> None:
    """A hand-computed case: halve everything, bias gains half the sum of the output weights."""
    W1, b1, W2, b2 = reparam.sigmoid_to_tanh([[2.0, -4.0]], [6.0], [[1.0], [3.0]], [0.0, -1.0])
    assert_allclose(W1, [[1.0, -2.0]], rtol=0)
    assert_allclose(b1, [3.0], rtol=0)
    assert_allclose(W2, [[0.5], [1.5]], rtol=0)
    assert_allclose(b2, [0.5, 0.5], rtol=0)


def test_inverse_map() -> None:
    """tanh_to_sigmoid undoes sigmoid_to_tanh to rounding."""
    p = reparam.random_network(4, 6, 2, seed=9)
    for a, b in zip(p, reparam.tanh_to_sigmoid(*reparam.sigmoid_to_tanh(*p)), strict=True):
        assert_allclose(a, b, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (([[1.0]], [1.0, 2.0], [[1.0]], [0.0]), ValueError),
        (([1.0], [1.0], [[1.0]], [0.0]), ValueError),
    ],
)
def test_bad_shapes(args, err) -> None:
    """Inconsistent parameter shapes are refused."""
    with pytest.raises(err):
        reparam.sigmoid_to_tanh(*args)


def test_bad_hidden() -> None:
    """Only sigmoid and tanh hidden units are defined."""
    with pytest.raises(ValueError, match="hidden must be"):
        reparam.two_layer_network([0.0], [[1.0]], [0.0], [[1.0]], [0.0], hidden="relu")
