"""Curvature: the quantitative claims of the docstrings, against hand derivations, sympy and mpmath."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy

from nnnotes import curvature


def _sin_exp_gradient(t: np.ndarray) -> np.ndarray:
    """The gradient of sin(x) e^y."""
    return np.array([np.cos(t[0]) * np.exp(t[1]), np.sin(t[0]) * np.exp(t[1])])


def _sin_exp_hessian() -> np.ndarray:
    """The Hessian of sin(x) e^y at (0.5, 0.25), by hand, evaluated with mpmath at 30 digits."""
    with mpmath.workdps(30):
        s, c, e = mpmath.sin(0.5), mpmath.cos(0.5), mpmath.exp(0.25)
        return np.array([[float(-s * e), float(c * e)], [float(c * e), float(s * e)]])


def test_finite_difference_error_is_order_h_squared_plus_rounding_over_h() -> None:
    """finite_difference_hessian: "the error is O(h^2) plus rounding of order eps_mach / h".

    For large h the truncation error is h^2/6 times a third derivative: halving h divides it by 4
    (ratio within 3.5 to 4.5). For tiny h the rounding of the gradient, about u max|g|, divided by
    2h dominates: at h = 1e-9 the error stays below 10 eps_mach max|g| / h.
    """
    want = _sin_exp_hessian()

    def err(h: float) -> float:
        return float(
            np.max(np.abs(curvature.finite_difference_hessian(_sin_exp_gradient, [0.5, 0.25], h) - want))
        )

    assert 3.5 < err(0.1) / err(0.05) < 4.5
    assert 3.5 < err(0.02) / err(0.01) < 4.5
    g_max = float(np.max(np.abs(_sin_exp_gradient(np.array([0.5, 0.25])))))
    assert err(1e-9) <= 10 * 2.0**-52 * g_max / 1e-9


def test_finite_difference_hessian_is_symmetrised() -> None:
    """finite_difference_hessian: "the result is symmetrised", (H + H^T)/2, even for a non-symmetric Jacobian.

    g(t) = (t_1, 0) is no gradient: its Jacobian has rows (0, 0) and (1, 0). Every difference
    (t_1 + h) - (t_1 - h) = 2h is exact at t = 0, so the symmetrised result is exactly 1/2 off the
    diagonal. A random linear map gives an exactly symmetric matrix too.
    """
    H = curvature.finite_difference_hessian(lambda t: np.array([t[1], 0.0]), [0.0, 0.0])
    assert H.tolist() == [[0.0, 0.5], [0.5, 0.0]]
    A = np.random.default_rng(3).normal(size=(5, 5))
    H = curvature.finite_difference_hessian(lambda t: A @ t, np.ones(5))
    assert np.array_equal(H, H.T)
    np.testing.assert_allclose(H, (A + A.T) / 2, rtol=1e-9, atol=1e-9)


def test_largest_hessian_n_is_exact_beyond_float64() -> None:
    """largest_hessian_n: "Exact integer arithmetic": right where a float64 square root cannot tell.

    8 (10^20)^2 bytes hold n = 10^20 exactly; one byte fewer, n = 10^20 - 1 (the two memories are
    the same float64 number, so no float computation can tell them apart).
    """
    n = 10**20
    assert float(8 * n * n) == float(8 * n * n - 1)
    assert curvature.largest_hessian_n(8 * n * n) == n
    assert curvature.largest_hessian_n(8 * n * n - 1) == n - 1
    assert curvature.hessian_fits(n, 8 * n * n) and not curvature.hessian_fits(n, 8 * n * n - 1)


def test_escape_time_grows_like_one_over_eps() -> None:
    """Module notes and escape_distances: the count grows like 1/eps, about ln(R/delta) / (lr eps).

    ln(1 + u) = u - u^2/2 + ..., so the exact count is ln(R/delta) / (lr eps) (1 + lr eps / 2) up to
    one step: within 1e-5 relative for lr eps = 5e-7 and 5e-8 (counts near 1.4e7 and 1.4e8).
    """
    for eps in (1e-6, 1e-7):
        k = curvature.escape_time_formula(eps, 0.5, 1e-3, 1.0)
        assert k == pytest.approx(math.log(1e3) / (0.5 * eps), rel=1e-5)
    assert curvature.escape_time(0.001) == pytest.approx(10 * curvature.escape_time(0.01), rel=0.01)


def test_a_near_tie_beyond_the_exact_powers_raises_arithmetic_error(monkeypatch) -> None:
    """Raises: ArithmeticError when the quotient is within 1e-60 of an integer above the exact-power bound.

    No float input is known to reach that branch, so the bound is lowered to 0: the exact tie
    ln(32) / ln(2) = 5 (1 + lr eps = 2, R/delta = 2^5) then lies beyond it. A quotient far from
    any integer (142.3..., the doctest's case) is unaffected.
    """
    monkeypatch.setattr(curvature, "_EXACT_POWERS", 0)
    with pytest.raises(ArithmeticError, match="within 1e-60 of 5 but cannot equal it"):
        curvature.escape_time_formula(2.0, 0.5, 2.0**-5, 1.0)
    assert curvature.escape_time_formula(0.1, 0.5, 1e-3, 1.0) == 142


def test_double_well_by_sympy() -> None:
    """double_well_saddle: f, its gradient and Hessian; a saddle at 0 between minima (0, +-1).

    sympy differentiates x^2/2 - y^2/2 + y^4/4 and solves grad f = 0; the float functions are
    compared at dyadic points, where their arithmetic is exact.
    """
    x, y = sympy.symbols("x y", real=True)
    F = x**2 / 2 - y**2 / 2 + y**4 / 4
    G = [sympy.diff(F, v) for v in (x, y)]
    Hs = sympy.hessian(F, (x, y))
    f, g, h = curvature.double_well_saddle()
    for px, py in [(-1.5, 0.5), (0.25, -2.0), (3.0, 1.0)]:
        at = {x: sympy.Rational(px), y: sympy.Rational(py)}
        p = np.array([px, py])
        assert f(p) == float(F.subs(at))
        assert g(p).tolist() == [float(e.subs(at)) for e in G]
        assert h(p).tolist() == [[float(e) for e in row] for row in Hs.subs(at).tolist()]
    critical = sympy.solve(G, [x, y], dict=True)
    assert sorted((s[x], s[y]) for s in critical) == [(0, -1), (0, 0), (0, 1)]
    assert Hs.subs({x: 0, y: 0}) == sympy.diag(1, -1)
    assert Hs.subs({x: 0, y: 1}) == Hs.subs({x: 0, y: -1}) == sympy.diag(1, 2)
