"""Symmetries of a tanh hidden layer act on gradients as on parameters.

Hand derivation: a symmetry S is a signed permutation of the parameters (an orthogonal linear map)
with L(S theta) = L(theta); differentiating, S^T grad L(S theta) = grad L(theta), so
grad L(S theta) = S grad L(theta). If S theta = theta, S maps the gradient to itself.
"""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from nnnotes import tanhnet
from nnnotes.symmetry import apply_symmetry, hidden_symmetries


def test_symmetries_map_the_gradient_as_they_map_the_parameters() -> None:
    """Module notes: a symmetry maps grad L(theta) to grad L(S theta) (all 48 for M = 3, D = 2)."""
    rng = np.random.default_rng(4)
    D, M = 2, 3
    theta = rng.normal(size=tanhnet.n_params(D, M))
    X, y = rng.normal(size=(20, D)), rng.normal(size=20)
    g = tanhnet.gradient(theta, X, y, M)
    for s in hidden_symmetries(M):
        moved = apply_symmetry(theta, D, M, s)
        assert abs(tanhnet.loss(moved, X, y, M) - tanhnet.loss(theta, X, y, M)) <= 1e-14
        assert_allclose(tanhnet.gradient(moved, X, y, M), apply_symmetry(g, D, M, s), rtol=1e-12, atol=1e-14)


def test_a_swap_that_fixes_theta_fixes_its_gradient() -> None:
    """Module notes: identical units 0 and 1 (the swap maps theta to itself) get identical updates."""
    rng = np.random.default_rng(6)
    D, M = 3, 3
    W, b, v = rng.normal(size=(M, D)), rng.normal(size=M), rng.normal(size=M)
    W[1], b[1], v[1] = W[0], b[0], v[0]
    theta = tanhnet.pack(W, b, v, 0.3)
    swap = ((1, 0, 2), (1, 1, 1))
    assert np.array_equal(apply_symmetry(theta, D, M, swap), theta)
    X, y = rng.normal(size=(15, D)), rng.normal(size=15)
    g = tanhnet.gradient(theta, X, y, M)
    assert_allclose(apply_symmetry(g, D, M, swap), g, rtol=1e-13, atol=1e-15)
    gW, gb, gv, _ = tanhnet.unpack(g, D, M)
    assert not np.allclose(gW[0], gW[2])  # the third unit differs: the check could fail
