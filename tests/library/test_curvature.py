"""Hessian-vector products of the tanh network, Hessian costs, escape times near saddles."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes import curvature as C


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
    assert_allclose(C.hessian_vector_product(theta, X, y, 2, V), V @ H.T, rtol=1e-12, atol=1e-13)
    assert_allclose(C.hessian_vector_product(theta, X, y, 2, V[0]), H @ V[0], rtol=1e-12, atol=1e-13)


def test_hvp_matches_finite_difference_hessian() -> None:
    """On the page's problem, H v agrees with the explicit central-difference Hessian."""
    theta, X, y, hidden = C.tanh_regression_problem()
    H = C.finite_difference_hessian(lambda t: C.tanh_loss_gradient(t, X, y, hidden), theta)
    v = np.random.default_rng(0).normal(size=theta.size)
    assert_allclose(C.hessian_vector_product(theta, X, y, hidden, v), H @ v, rtol=1e-7, atol=1e-8)


def test_gradient_matches_finite_differences() -> None:
    """Backpropagated gradient against central differences of the loss."""
    theta, X, y, hidden = C.tanh_regression_problem()
    h = 1e-6
    fd = [
        (C.tanh_loss(theta + h * e, X, y, hidden) - C.tanh_loss(theta - h * e, X, y, hidden)) / (2 * h)
        for e in np.eye(theta.size)
    ]
    assert_allclose(C.tanh_loss_gradient(theta, X, y, hidden), fd, rtol=1e-7, atol=1e-9)


def test_hvp_rejects_wrong_direction_shape() -> None:
    """A direction v of the wrong length is named in the error."""
    theta, X, y, hidden = C.tanh_regression_problem()
    with pytest.raises(ValueError, match="v must have shape"):
        C.hessian_vector_product(theta, X, y, hidden, np.ones(3))


def test_hessian_cost_table_exact_arithmetic() -> None:
    """n^2 entries, 8 n^2 bytes and 2n^3/3 flops for n = 10^3 .. 10^11 (exact integers)."""
    rows = C.hessian_cost_rows()
    assert [r[0] for r in rows] == [f"$10^{{{e}}}$" for e in range(3, 12)]
    assert [r[1] for r in rows] == [f"$10^{{{2 * e}}}$" for e in range(3, 12)]
    assert rows[0][2] == "8 MB" and rows[3][2] == "8 TB" and rows[-1][2] == "80 ZB"
    assert_allclose(rows[-1][3], 2 * 10**33 / 3, rtol=1e-15)
    assert rows[3][4] == "1.85 h"  # 2/3 * 1e18 / 1e14 s = 6667 s
    assert rows[-1][5] == "3.2 TB"


@pytest.mark.parametrize("eps", [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001])
def test_escape_time_equals_exact_first_crossing(eps) -> None:
    """The run's escape step equals the first k with delta (1 + lr eps)^k >= R, in mpmath."""
    mpmath.mp.dps = 40
    growth = 1 + mpmath.mpf(0.5) * mpmath.mpf(eps)
    k = int(mpmath.ceil(mpmath.log(1 / mpmath.mpf(1e-3)) / mpmath.log(growth)))
    assert C.escape_time(eps) == k
    assert C.escape_time_formula(eps, 0.5, 1e-3, 1.0) == k


def test_escape_rows_pinned() -> None:
    """The 6.7(b) table: runs, formula, asymptote ln(1000)/(0.5 eps), and the mirror at a minimum."""
    rows = C.escape_rows()
    assert [r[1] for r in rows] == [18, 50, 142, 464, 1386, 4609, 13819]
    for eps, run, formula, approx, shrink in rows:
        assert run == formula
        assert_allclose(approx, math.log(1000) / (0.5 * eps), rtol=1e-14)
        assert shrink == math.ceil(mpmath.log(mpmath.mpf(1e-3)) / mpmath.log(1 - 0.5 * mpmath.mpf(eps)))


def test_double_well_by_hand() -> None:
    """f, gradient and Hessian of x^2/2 - y^2/2 + y^4/4 at a point, by hand."""
    f, g, h = C.double_well_saddle()
    p = np.array([0.5, 2.0])
    assert f(p) == 0.125 - 2.0 + 4.0
    assert g(p).tolist() == [0.5, 6.0]
    assert np.diag(h(p)).tolist() == [1.0, 11.0]


def test_saddle_runs_end_points() -> None:
    """Newton ends on the saddle, saddle-free Newton on the minimum (0, 1), GD in between."""
    runs = C.saddle_runs()
    assert_allclose(runs["Newton"][-1], [0.0, 0.0], atol=1e-12)
    assert_allclose(runs["saddle-free Newton"][-1], [0.0, 1.0], atol=1e-12)
    # GD: x_k = 0.8 * 0.9^k exactly in x (hand derivation)
    assert_allclose(runs["gradient descent"][:, 0], 0.8 * 0.9 ** np.arange(41), rtol=1e-13)
    assert 0.5 < runs["gradient descent"][-1, 1] < 0.99


def test_old_statement_8tb_beyond_any_machine_is_false() -> None:
    """The old text said the 8 TB Hessian of n = 10^6 exceeds any single machine's memory: false.

    False against the stated 48 TB server; true against one 80 GB accelerator.
    """
    server = C.HARDWARE["a large shared-memory server"][0]
    gpu = C.HARDWARE["one accelerator"][0]
    assert 8 * (10**6) ** 2 == 8 * 10**12 <= server
    assert C.hessian_fits(10**6, server) and not C.hessian_fits(10**6, gpu)
    assert not C.hessian_fits(10**7, server)


@pytest.mark.parametrize(
    ("mem", "n"), [(8, 1), (31, 1), (32, 2), (80 * 10**9, 10**5), (48 * 10**12, 2449489)]
)
def test_largest_hessian_n_by_hand(mem, n) -> None:
    """Largest n with 8 n^2 <= memory: hand values (sqrt(6e12) = 2449489.7...)."""
    assert C.largest_hessian_n(mem) == n
    assert 8 * n * n <= mem < 8 * (n + 1) ** 2


def test_largest_hessian_n_rejects_bad_memory() -> None:
    """Memory must be an int of at least 8 bytes."""
    with pytest.raises(ValueError, match="memory_bytes"):
        C.largest_hessian_n(4.5)
