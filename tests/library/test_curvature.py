"""Curvature numerics: escape times near saddles, the double well, the memory of a Hessian."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import curvature
from nnnotes.experiments.curvature import HARDWARE
from nnnotes.optim import DivergenceError


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


def test_finite_difference_hessian_default_step() -> None:
    """With the default h, the Hessian of sin(x) e^y at (0.5, 0.25) is right to 1e-8 relative.

    By hand: [[-sin x e^y, cos x e^y], [cos x e^y, sin x e^y]]. The gradient is not polynomial, so a
    step of order 1 would be off by a sixth of the third derivative (about 10 %).
    """

    def grad(t):
        return np.array([np.cos(t[0]) * np.exp(t[1]), np.sin(t[0]) * np.exp(t[1])])

    x, y = 0.5, 0.25
    with mpmath.workdps(30):
        s, c, e = mpmath.sin(x), mpmath.cos(x), mpmath.exp(y)
        want = [[float(-s * e), float(c * e)], [float(c * e), float(s * e)]]
    assert_allclose(curvature.finite_difference_hessian(grad, [x, y]), want, rtol=1e-8)


def test_finite_difference_hessian_refuses_nan_theta() -> None:
    """A non-finite point is a ValueError naming theta."""
    with pytest.raises(ValueError, match="^theta must hold finite numbers"):
        curvature.finite_difference_hessian(lambda t: t, [np.nan])


def test_largest_hessian_n_refuses_seven_bytes() -> None:
    """7 bytes cannot hold one float64: a ValueError naming memory_bytes."""
    with pytest.raises(ValueError, match="^memory_bytes must be at least 8"):
        curvature.largest_hessian_n(7)


def test_hessian_fits_boundary() -> None:
    """One parameter needs exactly 8 bytes: it fits in 8, not in 7; n = 3 needs 72."""
    assert curvature.hessian_fits(1, 8)
    assert not curvature.hessian_fits(1, 7)
    assert curvature.hessian_fits(3, 72) and not curvature.hessian_fits(3, 71)


@pytest.mark.parametrize("name", ["eps", "lr", "delta", "radius"])
@pytest.mark.parametrize("bad", [0.0, -0.5])
def test_escape_time_formula_refuses_non_positive(name: str, bad: float) -> None:
    """Each argument must be positive: zero or a negative value is a ValueError naming it."""
    args = {"eps": 0.1, "lr": 0.5, "delta": 1e-3, "radius": 1.0, name: bad}
    with pytest.raises(ValueError, match=f"^{name} must be a positive finite number"):
        curvature.escape_time_formula(**args)


def test_escape_time_formula_refuses_delta_equal_to_radius() -> None:
    """A start already on the radius is refused: delta must be strictly below it."""
    with pytest.raises(ValueError, match="^delta must be below radius"):
        curvature.escape_time_formula(0.1, 0.5, 1.0, 1.0)


def test_escape_time_formula_near_the_float64_limit() -> None:
    """Counts below 2^52 are given (mpmath reference); counts between 2^52 and 2^53 are refused.

    ln(1000) / (0.5 eps) is about 3.0e15 (between 2^51 and 2^52) for eps = 4.6e-15, and about 6.0e15
    (between 2^52 and 2^53) for eps = 2.3e-15.
    """
    assert curvature.escape_time_formula(4.6e-15, 0.5, 1e-3, 1.0) == _first_crossing(4.6e-15, 0.5, 1e-3, 1.0)
    with pytest.raises(ValueError, match="is too small"):
        curvature.escape_time_formula(2.3e-15, 0.5, 1e-3, 1.0)


def _eps_for(count: float, lr: float) -> float:
    """The rate eps with ln(1000) / ln(1 + lr eps) = count exactly, in mpmath (a non-integer count)."""
    with mpmath.workdps(50):
        return float((mpmath.mpf(1000) ** (1 / mpmath.mpf(count)) - 1) / lr)


def test_escape_with_the_default_max_steps() -> None:
    """An escape after exactly 100 000 steps is allowed by default (the limit is inclusive)."""
    eps = _eps_for(99999.5, 0.5)
    assert _first_crossing(eps, 0.5, 1e-3, 1.0) == 100_000
    assert curvature.escape_time(eps) == 100_000
    assert len(curvature.escape_distances(eps)) == 100_001


def test_escape_beyond_the_default_max_steps() -> None:
    """An escape after 100 001 steps is refused by default, naming max_steps, before any run."""
    eps = _eps_for(100000.5, 0.5)
    assert _first_crossing(eps, 0.5, 1e-3, 1.0) == 100_001
    with pytest.raises(ValueError, match="^escape needs 100001 steps, more than max_steps=100000"):
        curvature.escape_time(eps)
    with pytest.raises(ValueError, match="^escape needs 100001 steps, more than max_steps=100000"):
        curvature.escape_distances(eps)


def test_escape_max_steps_inclusive() -> None:
    """escape_time(0.1) is 142 (doctest and mpmath above): allowed with max_steps=142, refused with 141."""
    assert curvature.escape_time(0.1, max_steps=142) == 142
    with pytest.raises(ValueError, match="more than max_steps=141"):
        curvature.escape_time(0.1, max_steps=141)


def test_escape_on_an_exact_crossing() -> None:
    """|y_k| equal to the radius counts as escaped: y_k = 2^(k - 10) with lr eps = 1 reaches 1 at k = 10."""
    assert curvature.escape_time(1.0, lr=1.0, delta=2.0**-10, radius=1.0) == 10


def test_escape_counts_the_rounded_run() -> None:
    """Where the float64 run lags the exact count by one step, the run's count is returned.

    For this eps the exact first crossing is 50 000 (mpmath), the float64 recursion y <- y - lr (-eps y)
    (a plain loop, independent of the package) first reaches 1 at step 50 001.
    """
    eps = 0.00027632929887149474
    assert _first_crossing(eps, 0.5, 1e-3, 1.0) == 50_000
    y, k = 1e-3, 0
    while abs(y) < 1.0:
        y, k = y - 0.5 * (y * -eps), k + 1
    assert k == 50_001
    assert curvature.escape_time(eps) == k


def test_escape_with_a_contracting_x() -> None:
    """With lr = 1.5, x_k = (1 - 1.5)^k stays finite: the escape step is the exact one (about 2006)."""
    assert curvature.escape_time(0.0023, lr=1.5) == _first_crossing(0.0023, 1.5, 1e-3, 1.0)


def test_escape_diverges_when_x_does() -> None:
    """With lr = 3, x_k = (1 - 3)^k = (-2)^k overflows at step 1024, before y escapes (about step 2307).

    The run is gradient descent on x^2/2 - eps y^2/2 from (1, delta), so it diverges.
    """
    with pytest.raises(DivergenceError):
        curvature.escape_time(0.001, lr=3.0)


def test_escape_just_before_x_overflows() -> None:
    """With lr = 3 and an exact escape at step 1022, the run stops while x_k = (-2)^k is still finite.

    |x_1023| = 2^1023 is the largest power of two in float64; the escape is counted, as mpmath says.
    """
    eps = _eps_for(1021.5, 3.0)
    assert _first_crossing(eps, 3.0, 1e-3, 1.0) == 1022
    assert curvature.escape_time(eps, lr=3.0) == 1022


def test_double_well_hessian_away_from_two() -> None:
    """The Hessian's y entry is 3 y^2 - 1: 26 at y = 3 and 2 at y = -1, by hand."""
    _, _, h = curvature.double_well_saddle()
    assert np.diag(h(np.array([0.0, 3.0]))).tolist() == [1.0, 26.0]
    assert np.diag(h(np.array([0.0, -1.0]))).tolist() == [1.0, 2.0]


def test_escape_refuses_a_run_that_lags_the_formula() -> None:
    """A run slowed by rounding to more than one step past the formula's count is a clear ValueError.

    From y = 1 with lr eps = 1.4 ulp(1) = 1.4 * 2^-52, each float64 step adds 1.4 ulp and rounds to 1 ulp,
    so the run needs 1000 steps to reach R = 1 + 1000 * 2^-52, while the exact count is about
    1000 / 1.4 = 715: the formula's count plus one (716 steps) is not enough.
    """
    eps, radius = 1.4 * 2.0**-52, 1.0 + 1000 * 2.0**-52
    assert _first_crossing(eps, 1.0, 1.0, radius) == 715
    with pytest.raises(ValueError, match="^the run did not escape within"):
        curvature.escape_time(eps, lr=1.0, delta=1.0, radius=radius)


@pytest.mark.parametrize("k", [1, 2, 17, 52, 53, 500, 999, 1074])
def test_escape_time_formula_on_exact_powers_of_two(k: int) -> None:
    """1 + lr*eps = 2 and R/delta = 2^k: by the definition (smallest k with delta 2^k >= R) the count is k.

    The quotient of logarithms is then an integer, which 60 digits placed above k for 155 of the
    k from 1 to 999 (the count came out k + 1); a tie is settled in exact rationals.
    """
    assert curvature.escape_time_formula(2.0, 0.5, 2.0**-k, 1.0) == k
    assert curvature.escape_time_formula(2.0, 0.5, 2.0**-1074, 2.0**1023) == 2097  # the longest tie


@pytest.mark.parametrize("k", [1, 5, 20, 33])
def test_escape_time_formula_on_exact_powers_of_three(k: int) -> None:
    """1 + lr*eps = 3 and R = 3^k (exact in float64 up to k = 33): the count is k; an ulp more, k + 1."""
    radius = 3.0**k
    assert curvature.escape_time_formula(4.0, 0.5, 1.0, radius) == k
    assert curvature.escape_time_formula(4.0, 0.5, 1.0, math.nextafter(radius, math.inf)) == k + 1
    assert curvature.escape_time_formula(4.0, 0.5, 1.0, math.nextafter(radius, 0.0)) == k


def test_exact_escape_decides_both_sides() -> None:
    """The exact step: with 1 + lr*eps = 3/2 and R/delta = 2, 1.5^1 < 2 <= 1.5^2, so the count is 2.

    Asked about n = 1 it answers n + 1 = 2; about n = 2 or 3 it answers n (3/2^3 >= 2 too: it only
    checks the side of n it is given, the caller's n being the nearest integer to the quotient).
    """
    assert [curvature._exact_escape(1.0, 0.5, 1.0, 2.0, n) for n in (1, 2, 3)] == [2, 2, 3]
    assert curvature._exact_escape(1.0, 0.5, 0.5, 1.0, 1) == 2  # the same ratio, other delta and radius
