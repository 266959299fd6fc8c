"""The curvature tables of 6.5 and 6.7: Hessian costs, hardware, escape times, runs near a saddle."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.curvature import SaddleRuns, escape_times, hardware_fits, hessian_cost, saddle_runs


def test_hessian_cost_table_exact_arithmetic() -> None:
    """n^2 entries, 8 n^2 bytes and 2n^3/3 flops for n = 10^3 .. 10^11 (exact integers)."""
    costs = hessian_cost()
    assert [c.n for c in costs] == [f"$10^{{{e}}}$" for e in range(3, 12)]
    assert [c.entries for c in costs] == [f"$10^{{{2 * e}}}$" for e in range(3, 12)]
    assert costs[0].memory == "8 MB" and costs[3].memory == "8 TB" and costs[-1].memory == "80 ZB"
    assert_allclose(costs[-1].flops, 2 * 10**33 / 3, rtol=1e-15)
    assert costs[3].time == "1.85 h"  # 2/3 * 1e18 / 1e14 s = 6667 s
    assert costs[-1].hvp_memory == "3.2 TB"
    assert len(costs[0].cells()) == 6


def test_escape_rows_pinned() -> None:
    """The 6.7(b) table: runs, formula, asymptote ln(1000)/(0.5 eps), and the mirror at a minimum."""
    rows = escape_times()
    assert [r.run for r in rows] == [18, 50, 142, 464, 1386, 4609, 13819]
    for r in rows:
        assert r.run == r.formula
        assert_allclose(r.estimate, math.log(1000) / (0.5 * r.eps), rtol=1e-14)
        assert r.converge == math.ceil(mpmath.log(mpmath.mpf(1e-3)) / mpmath.log(1 - 0.5 * mpmath.mpf(r.eps)))


def test_saddle_runs_end_points() -> None:
    """Newton ends on the saddle, saddle-free Newton on the minimum (0, 1), GD in between."""
    runs = saddle_runs()
    assert_allclose(runs.newton[-1], [0.0, 0.0], atol=1e-12)
    assert_allclose(runs.saddle_free_newton[-1], [0.0, 1.0], atol=1e-12)
    # GD: x_k = 0.8 * 0.9^k exactly in x (hand derivation)
    assert_allclose(runs.gradient_descent[:, 0], 0.8 * 0.9 ** np.arange(41), rtol=1e-13)
    # GD in y: y <- y - 0.1 (y^3 - y) from 0.05 (the defaults x0, lr), replayed for 40 steps at 50 digits
    with mpmath.workdps(50):
        y = mpmath.mpf(0.05)
        for _ in range(40):
            y -= mpmath.mpf(0.1) * (y**3 - y)
        assert_allclose(runs.gradient_descent[:, 1][[0, -1]], [0.05, float(y)], rtol=1e-12)


def test_hardware_fits_by_hand() -> None:
    """80 GB holds n = 10^5 (8 * 10^10 bytes exactly); 48 TB holds n = 2449489 (sqrt(6e12) = 2449489.7)."""
    fits = hardware_fits()
    assert [f.largest_n for f in fits] == [10**5, 2449489]
    assert fits[0].cells() == ("NVIDIA H100 SXM: 80 GB of HBM3", "80 GB", "100,000")


def _runs_with_y(ys: list[float]) -> SaddleRuns:
    """A made-up `SaddleRuns` whose three methods share the path (0, y) for the given y."""
    path = np.column_stack([np.zeros(len(ys)), ys])
    return SaddleRuns(gradient_descent=path, newton=path, saddle_free_newton=path)


@pytest.mark.parametrize(
    ("ys", "step", "reached", "rising"),
    [
        ([0.05, 0.3, 0.9, 1.2, 1.0], 3, 1.2, True),  # rises to 1.2 at step 3, then falls back
        ([0.05, 0.3, 0.2, 1.2], 3, 1.2, False),  # passes 1 at step 3 after a dip at step 2
        ([0.5, 1.0, 1.0], None, None, False),  # reaches 1 but is never above it
        ([1.5, 2.0], 0, 1.5, True),  # above the level from the start
    ],
)
def test_climb_on_hand_counted_paths(
    ys: list[float], step: int | None, reached: float | None, rising: bool
) -> None:
    """The first step strictly above the level, its y, and whether y rose at every step before it."""
    c = _runs_with_y(ys).climb("newton", level=1.0)
    assert (c.step, c.reached, c.rising, c.start, c.level) == (step, reached, rising, ys[0], 1.0)


def test_climb_of_the_page_run_replayed_by_hand() -> None:
    """Saddle-free Newton's y on the double well, replayed step by step at 50 digits, passes 1 at step 4.

    The Hessian of f is diagonal, so saddle-free Newton's update of y, y - g/|h| with g = y^3 - y and
    h = 3y^2 - 1, does not depend on x: the replay follows y alone.
    """
    with mpmath.workdps(50):
        y, ys = mpmath.mpf(0.05), []
        for _ in range(10):
            ys.append(y)
            y -= (y**3 - y) / abs(3 * y**2 - 1)
        ys.append(y)
    expected = next(k for k, v in enumerate(ys) if v > 1)
    c = saddle_runs().climb()
    assert c.step == expected == 4
    assert_allclose(c.reached, float(ys[expected]), rtol=1e-12)
    assert c.rising and all(b > a for a, b in zip(ys[:expected], ys[1 : expected + 1], strict=True))


@pytest.mark.parametrize(
    ("method", "level", "match"), [("adam", 1.0, "method"), ("newton", math.nan, "level")]
)
def test_climb_refuses_bad_arguments(method: str, level: float, match: str) -> None:
    """An unknown method or a non-finite level is refused with a ValueError naming it."""
    with pytest.raises(ValueError, match=match):
        saddle_runs().climb(method, level)
