"""The one-hidden-layer tanh network: gradient and Hessian-vector products against sympy and differences."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes import tanhnet
from nnnotes.curvature import finite_difference_hessian
from nnnotes.experiments.curvature import tanh_regression_problem


def _sympy_hessian(theta, X, y, hidden):
    """Exact Hessian of the loss by sympy (independent of the R-operator code)."""
    n = theta.size
    t = sympy.symbols(f"t0:{n}", real=True)
    D = X.shape[1]
    W = sympy.Matrix(hidden, D, t[: hidden * D])
    b = sympy.Matrix(t[hidden * D : hidden * D + hidden])
    v = sympy.Matrix(t[hidden * D + hidden : hidden * D + 2 * hidden])
    c = t[-1]
    L = 0
    for xn, yn in zip(X, y, strict=True):
        a = W * sympy.Matrix(xn) + b
        out = sum(v[j] * sympy.tanh(a[j]) for j in range(hidden)) + c
        L += (out - yn) ** 2
    L = L / (2 * len(y))
    H = sympy.hessian(L, t)
    f = sympy.lambdify(t, H, "numpy")
    return np.array(f(*theta), dtype=float)


def test_hvp_matches_exact_sympy_hessian() -> None:
    """H v by the R-operator equals the sympy-exact Hessian times v, for several directions."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 2))
    y = rng.normal(size=2)
    theta = rng.normal(size=2 * 2 + 2 * 2 + 1)
    H = _sympy_hessian(theta, X, y, 2)
    V = rng.normal(size=(4, theta.size))
    assert_allclose(tanhnet.hessian_vector_product(theta, X, y, 2, V), V @ H.T, rtol=1e-12, atol=1e-13)
    assert_allclose(tanhnet.hessian_vector_product(theta, X, y, 2, V[0]), H @ V[0], rtol=1e-12, atol=1e-13)


def test_hvp_matches_finite_difference_hessian() -> None:
    """On the page's problem, H v agrees with the explicit central-difference Hessian."""
    theta, X, y, hidden = tanh_regression_problem()
    H = finite_difference_hessian(lambda t: tanhnet.gradient(t, X, y, hidden), theta)
    v = np.random.default_rng(0).normal(size=theta.size)
    assert_allclose(tanhnet.hessian_vector_product(theta, X, y, hidden, v), H @ v, rtol=1e-7, atol=1e-8)


def test_gradient_matches_finite_differences() -> None:
    """Backpropagated gradient against central differences of the loss."""
    theta, X, y, hidden = tanh_regression_problem()
    h = 1e-6
    fd = [
        (tanhnet.loss(theta + h * e, X, y, hidden) - tanhnet.loss(theta - h * e, X, y, hidden)) / (2 * h)
        for e in np.eye(theta.size)
    ]
    assert_allclose(tanhnet.gradient(theta, X, y, hidden), fd, rtol=1e-7, atol=1e-9)


def test_hvp_rejects_wrong_direction_shape() -> None:
    """A direction V of the wrong length is named in the error."""
    theta, X, y, hidden = tanh_regression_problem()
    with pytest.raises(ValueError, match=r"V must have shape \(13,\) or \(k, 13\), got \(3,\)"):
        tanhnet.hessian_vector_product(theta, X, y, hidden, np.ones(3))


def test_forward_by_hand() -> None:
    """V tanh(w x + b) + c at w = 0.5, b = 0, v = 2, c = 1, x = 0 and x = 2 ln 3 (tanh(ln 3) = 4/5)."""
    x = np.array([[0.0], [2 * np.log(3.0)]])
    assert_allclose(tanhnet.forward([0.5, 0.0, 2.0, 1.0], x, 1), [1.0, 1.0 + 2 * 0.8], rtol=1e-15)


def test_a_stack_of_networks_gives_each_network_s_results() -> None:
    """forward, loss and gradient of a stack (S, n) equal those of each row, to rounding."""
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(7, 2)), rng.normal(size=7)
    T = rng.normal(size=(3, tanhnet.n_params(2, 4)))
    assert_allclose(tanhnet.forward(T, X, 4), [tanhnet.forward(t, X, 4) for t in T], rtol=1e-13)
    assert_allclose(tanhnet.loss(T, X, y, 4), [tanhnet.loss(t, X, y, 4) for t in T], rtol=1e-13)
    expected = np.array([tanhnet.gradient(t, X, y, 4) for t in T])
    assert_allclose(tanhnet.gradient(T, X, y, 4), expected, rtol=1e-13, atol=1e-15)


def test_pack_inverts_unpack() -> None:
    """pack(unpack(theta)) is theta, for D = 3 inputs and M = 2 units."""
    theta = np.arange(tanhnet.n_params(3, 2), dtype=float)
    assert tanhnet.n_params(3, 2) == 2 * 3 + 2 * 2 + 1
    assert_array_equal(tanhnet.pack(*tanhnet.unpack(theta, 3, 2)), theta)


def test_hessian_is_the_symmetrised_stack_of_products() -> None:
    """hessian(theta) @ v equals the product with v, and H is symmetric."""
    theta, X, y, hidden = tanh_regression_problem()
    H = tanhnet.hessian(theta, X, y, hidden)
    v = np.random.default_rng(1).normal(size=theta.size)
    assert_array_equal(H, H.T)
    assert_allclose(H @ v, tanhnet.hessian_vector_product(theta, X, y, hidden, v), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: tanhnet.loss(np.zeros(4), [[1.0, 2.0]], [0.0], 1),
            ValueError,
            r"theta must have shape \(5,\)",
        ),
        (
            lambda: tanhnet.loss(np.zeros(5), [[1.0, 2.0]], [0.0, 1.0], 1),
            ValueError,
            r"y must have shape \(1,\)",
        ),
        (lambda: tanhnet.forward(np.zeros(5), [1.0, 2.0], 1), ValueError, r"X must be a 2-d array"),
        (lambda: tanhnet.forward(np.zeros(5), [[1.0, 2.0]], 0), ValueError, r"M must be a positive integer"),
        (lambda: tanhnet.forward(np.zeros(5), [["a", "b"]], 1), TypeError, r"X must hold real numbers"),
        (lambda: tanhnet.pack([[1j]], [0.0], [0.0], 0.0), TypeError, r"W must hold real numbers"),
        (lambda: tanhnet.pack([1.0], [0.0], [0.0], 0.0), ValueError, r"W must be a 2-d array"),
        (
            lambda: tanhnet.pack([[1.0, 2.0]], [0.0, 1.0], [0.0], 0.0),
            ValueError,
            r"b and v must have shape \(1,\) to match W \(1, 2\), got \(2,\), \(1,\)",
        ),
        (
            lambda: tanhnet.pack([[1.0, 2.0]], [0.0], [0.0, 1.0], 0.0),
            ValueError,
            r"b and v must have shape \(1,\) to match W \(1, 2\), got \(1,\), \(2,\)",
        ),
        (lambda: tanhnet.pack([[1.0]], [0.0], [0.0], 1j), TypeError, r"c must hold real numbers"),
        (lambda: tanhnet.pack([[1.0]], [0.0], [0.0], [0.0]), ValueError, r"c must be a 0-d array"),
    ],
)
def test_bad_input_names_the_argument(call, error, match) -> None:
    """Wrong sizes and types are refused with an error that names the argument."""
    with pytest.raises(error, match=match):
        call()


def test_unpack_returns_views_not_copies() -> None:
    """As its docstring says: each part shares memory with theta (one vector and a stack of them)."""
    for theta in (np.arange(17.0), np.arange(34.0).reshape(2, 17)):
        assert all(np.shares_memory(part, theta) for part in tanhnet.unpack(theta, D=2, M=4))
