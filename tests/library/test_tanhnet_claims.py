"""The tanh network: the cost claims of `hessian_vector_product`'s notes, at a size where H cannot be formed.

Against central differences of the gradient along the direction (no Hessian anywhere), and the
memory numpy allocates, read with tracemalloc (numpy reports its array buffers to it).
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from nnnotes import tanhnet


def test_hessian_vector_product_never_forms_the_hessian() -> None:
    """Notes: H v exactly, with intermediates the size of the forward pass; H is never formed.

    n = 20 101 parameters: H would take 8 n^2 bytes (3.2 GB). The product must stay within a few
    vectors of n floats (8 here, where one Hessian row per parameter would be n of them) and agree
    with (grad(theta + h v) - grad(theta - h v)) / 2h, whose error is O(h^2) (h = 1e-5).
    """
    rng = np.random.default_rng(0)
    D, M, N = 400, 50, 10
    n = tanhnet.n_params(D, M)
    assert n == 20_101
    theta = 0.05 * rng.normal(size=n)
    X, y, v = rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=n)
    tracemalloc.start()
    try:
        hv = tanhnet.hessian_vector_product(theta, X, y, M, v)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert hv.shape == (n,)
    assert peak < 8 * (8 * n), peak  # the arrays of the forward pass are N (D + M) < n floats
    h = 1e-5
    fd = (tanhnet.gradient(theta + h * v, X, y, M) - tanhnet.gradient(theta - h * v, X, y, M)) / (2 * h)
    assert np.max(np.abs(hv - fd)) <= 1e-5 * np.max(np.abs(hv))
