"""The two-layer network's outputs: in (0, 1) exactly, in [0, 1] after rounding, both ends reached."""

from __future__ import annotations

import numpy as np

from nnnotes import reparam


def test_outputs_lie_in_the_closed_unit_interval_and_reach_both_ends() -> None:
    """two_layer_network, Returns: y_k in (0, 1) exactly, in [0, 1] after rounding.

    Output biases +-1000 put the logits near +-1000: the exact sigmoid is within e^-990 of 1 or 0,
    far below half an ulp of 1 and below the smallest subnormal, so it rounds to exactly 1.0 and
    0.0. Random networks with weights of standard deviation 50 stay inside [0, 1].
    """
    W1, b1, W2 = np.ones((3, 2)), np.zeros(3), np.ones((2, 3))
    x = np.array([[0.5, -1.0], [2.0, 1.0]])  # hidden sums at most 3 in size: logits within 3 of the bias
    for hidden in ("sigmoid", "tanh"):
        y = reparam.two_layer_network(x, W1, b1, W2, [1000.0, -1000.0], hidden=hidden)
        assert y[:, 0].tolist() == [1.0, 1.0] and y[:, 1].tolist() == [0.0, 0.0]
    p = reparam.random_network(4, 8, 3, seed=1, scale=50.0)
    xs = np.random.default_rng(2).normal(size=(500, 4))
    for hidden in ("sigmoid", "tanh"):
        y = reparam.two_layer_network(xs, *p, hidden=hidden)
        assert np.all((y >= 0.0) & (y <= 1.0))
