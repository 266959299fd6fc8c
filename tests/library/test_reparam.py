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


def test_sheet_map_by_hand() -> None:
    """The source's map halves every weight like the right one but subtracts the whole row sum from b2.

    W1 = [[2, -4]], b1 = (6), W2 = [[1], [3]], b2 = (0, -1): (W1/2, b1/2, W2/2) = ([[1, -2]], (3),
    [[0.5], [1.5]]) and b2 - W2 1 = (0 - 1, -1 - 3) = (-1, -4).
    """
    W1, b1, W2, b2 = reparam.sheet_map([[2.0, -4.0]], [6.0], [[1.0], [3.0]], [0.0, -1.0])
    assert W1.tolist() == [[1.0, -2.0]]
    assert b1.tolist() == [3.0]
    assert W2.tolist() == [[0.5], [1.5]]
    assert b2.tolist() == [-1.0, -4.0]


GOOD = {"W1": [[1.0, 2.0]], "b1": [0.0], "W2": [[1.0]], "b2": [0.0]}  # D = 2, M = 1, K = 1


@pytest.mark.parametrize(
    ("name", "value"), [("W1", [1.0, 2.0]), ("b1", [[0.0]]), ("W2", [1.0]), ("b2", [[0.0]])]
)
def test_one_argument_of_the_wrong_rank(name: str, value) -> None:
    """A single parameter with the wrong number of dimensions is a ValueError naming the expected shapes."""
    args = {**GOOD, name: value}
    with pytest.raises(ValueError, match=r"^expected W1 \(M, D\), b1 \(M,\), W2 \(K, M\), b2 \(K,\)"):
        reparam.sigmoid_to_tanh(**args)


@pytest.mark.parametrize(("name", "value"), [("b1", [0.0, 0.0]), ("W2", [[1.0, 1.0]]), ("b2", [0.0, 0.0])])
def test_one_argument_of_the_wrong_size(name: str, value) -> None:
    """A single parameter whose size does not fit the others is a ValueError naming all four shapes."""
    args = {**GOOD, name: value}
    with pytest.raises(ValueError, match="^inconsistent sizes: W1"):
        reparam.sigmoid_to_tanh(**args)


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 2, 2)])
def test_inputs_of_the_wrong_shape(shape) -> None:
    """Inputs must be (D,) or (N, D): a wrong width, or three dimensions, is a ValueError naming x."""
    with pytest.raises(ValueError, match=r"^x must have shape \(N, 2\) or \(2,\)"):
        reparam.two_layer_network(np.zeros(shape), **GOOD)


def test_random_network_defaults() -> None:
    """The seed defaults to 0 and the scale to 2 (a sample standard deviation of 5 100 entries within 5 %)."""
    p = reparam.random_network(50, 50, 50)
    for a, b in zip(p, reparam.random_network(50, 50, 50, seed=0, scale=2.0), strict=True):
        assert np.array_equal(a, b)
    assert_allclose(np.std(np.concatenate([a.ravel() for a in p])), 2.0, rtol=0.05)
