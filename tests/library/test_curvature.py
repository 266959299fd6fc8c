"""Curvature numerics: escape times near saddles, the double well, the memory of a Hessian."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import curvature
from nnnotes.experiments.curvature import HARDWARE


@pytest.mark.parametrize("eps", [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001])
def test_escape_time_equals_exact_first_crossing(eps) -> None:
    """The run's escape step equals the first k with delta (1 + lr eps)^k >= R, in mpmath."""
    with mpmath.workdps(40):
        growth = 1 + mpmath.mpf(0.5) * mpmath.mpf(eps)
        k = int(mpmath.ceil(mpmath.log(1 / mpmath.mpf(1e-3)) / mpmath.log(growth)))
    assert curvature.escape_time(eps) == k
    assert curvature.escape_time_formula(eps, 0.5, 1e-3, 1.0) == k


def test_double_well_by_hand() -> None:
    """f, gradient and Hessian of x^2/2 - y^2/2 + y^4/4 at a point, by hand."""
    f, g, h = curvature.double_well_saddle()
    p = np.array([0.5, 2.0])
    assert f(p) == 0.125 - 2.0 + 4.0
    assert g(p).tolist() == [0.5, 6.0]
    assert np.diag(h(p)).tolist() == [1.0, 11.0]


def test_old_statement_8tb_beyond_any_machine_is_false() -> None:
    """The old text said the 8 TB Hessian of n = 10^6 exceeds any single machine's memory: false.

    False against the stated 48 TB server; true against one 80 GB accelerator.
    """
    server = HARDWARE["a large shared-memory server"][0]
    gpu = HARDWARE["one accelerator"][0]
    assert 8 * (10**6) ** 2 == 8 * 10**12 <= server
    assert curvature.hessian_fits(10**6, server) and not curvature.hessian_fits(10**6, gpu)
    assert not curvature.hessian_fits(10**7, server)


@pytest.mark.parametrize(
    ("mem", "n"), [(8, 1), (31, 1), (32, 2), (80 * 10**9, 10**5), (48 * 10**12, 2449489)]
)
def test_largest_hessian_n_by_hand(mem, n) -> None:
    """Largest n with 8 n^2 <= memory: hand values (sqrt(6e12) = 2449489.7...)."""
    assert curvature.largest_hessian_n(mem) == n
    assert 8 * n * n <= mem < 8 * (n + 1) ** 2


def test_largest_hessian_n_rejects_bad_memory() -> None:
    """Memory must be an int of at least 8 bytes."""
    with pytest.raises(TypeError, match="memory_bytes must be an integer, got float"):
        curvature.largest_hessian_n(4.5)
    with pytest.raises(ValueError, match="memory_bytes must be at least 8"):
        curvature.largest_hessian_n(4)


def test_finite_difference_hessian_of_a_cubic_by_hand() -> None:
    """Hessian of x^2 y + y^3 at (1, 2): [[2y, 2x], [2x, 6y]] = [[4, 2], [2, 12]], by hand."""
    H = curvature.finite_difference_hessian(
        lambda t: np.array([2 * t[0] * t[1], t[0] ** 2 + 3 * t[1] ** 2]), [1.0, 2.0]
    )
    assert_allclose(H, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-9)
    with pytest.raises(ValueError, match="h must be a positive finite number"):
        curvature.finite_difference_hessian(lambda t: t, [1.0], h=0.0)


def test_escape_time_formula_refuses_delta_beyond_radius() -> None:
    """The start delta must lie inside the radius R, and the message says so."""
    with pytest.raises(ValueError, match="delta must be below radius"):
        curvature.escape_time_formula(0.1, 0.5, 2.0, 1.0)


def _first_crossing(eps: float, lr: float, delta: float, radius: float) -> int:
    """The first k with delta (1 + lr eps)^k >= radius, in mpmath at 60 digits (no float powers)."""
    with mpmath.workdps(60):
        u, target = mpmath.mpf(lr) * mpmath.mpf(eps), mpmath.mpf(radius) / mpmath.mpf(delta)
        k = int(mpmath.ceil(mpmath.log(target) / mpmath.log1p(u)))
        while k > 0 and (1 + u) ** (k - 1) >= target:
            k -= 1
        while (1 + u) ** k < target:
            k += 1
        return k


@pytest.mark.parametrize("eps", [1e-7, 1e-8, 1e-10])
def test_escape_time_formula_is_exact_for_small_eps(eps: float) -> None:
    """Where powers of the rounded 1 + lr eps drift by thousands of steps, the count stays exact."""
    assert curvature.escape_time_formula(eps, 0.5, 1e-3, 1.0) == _first_crossing(eps, 0.5, 1e-3, 1.0)


def test_escape_time_formula_refuses_counts_float64_cannot_tell_apart() -> None:
    """1 + lr eps rounds to 1 here: a clear error at once, where a loop on powers never ended."""
    with pytest.raises(ValueError, match="eps \\* lr = 5e-18 is too small"):
        curvature.escape_time_formula(1e-17, 0.5, 1e-3, 1.0)
    with pytest.raises(ValueError, match="is too small"):
        curvature.escape_time(1e-17)


def test_escape_time_formula_for_large_counts() -> None:
    """Near k = 4e11 a float64 quotient of logarithms was one step short; mpmath at 60 digits decides.

    The first case is the one found by a search (quotient 407898703361.0000126); the others are
    random rates whose counts reach 1e14.
    """
    rng = np.random.default_rng(11)
    cases = [(3.386995458491125e-11, 0.5, 1e-3, 1.0)]
    cases += [(float(10 ** rng.uniform(-14, -10)), 0.5, 1e-3, 1.0) for _ in range(30)]
    for eps, lr, delta, radius in cases:
        with mpmath.workdps(60):
            q = mpmath.log(mpmath.mpf(radius) / mpmath.mpf(delta)) / mpmath.log1p(
                mpmath.mpf(lr) * mpmath.mpf(eps)
            )
            want = int(mpmath.ceil(q))
        assert curvature.escape_time_formula(eps, lr, delta, radius) == want
