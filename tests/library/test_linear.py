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
