"""The speed table: its structure, and that every timed pair computes the same values.

No test asserts a ratio of times: that depends on the machine and its load.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.speed import NUMPY_FORMULAS, Timing, kernel_timings, scipy_counterparts
from nnnotes.sitebuild.bench_other import timings_markdown

#: Inputs within float64's safe range for the numpy formulas (they neither overflow nor warn).
X = np.random.default_rng(5).normal(scale=10.0, size=2000)


def test_table_has_one_row_per_pair_with_positive_times() -> None:
    """Every NUMPY_FORMULAS entry on the large input, every scipy twin on the small one."""
    rows = kernel_timings(large=500, small=7, repeat=1, number=1)
    assert all(isinstance(r, Timing) for r in rows)
    large = [r for r in rows if r.size == 500]
    small = [r for r in rows if r.size == 7]
    assert [r.function for r in large] == list(NUMPY_FORMULAS)
    assert {r.reference for r in large} == {"numpy formula"}
    assert [r.function for r in small] == ["sigmoid", "softmax", "log_softmax", "logsumexp"]
    assert all(r.reference.startswith("scipy.special.") for r in small)
    assert all(r.ours_us > 0 and r.reference_us > 0 and r.ratio == r.ours_us / r.reference_us for r in rows)
    assert len(rows) == len(large) + len(small)


def test_markdown_has_a_line_per_row() -> None:
    """The table ``make bench`` prints: header, rule, one line per timing."""
    rows = (
        Timing("relu", 10, "numpy formula", 1.0, 2.0),
        Timing("softmax", 10, "scipy.special.softmax", 3.0, 1.5),
    )
    lines = timings_markdown(rows).splitlines()
    assert len(lines) == 4 and lines[3].startswith("| softmax | 10 | scipy.special.softmax | 3 | 1.5 | 2 |")


@pytest.mark.parametrize("name", sorted(NUMPY_FORMULAS))
def test_kernels_compute_what_the_formulas_compute(name: str) -> None:
    """On safe inputs each kernel agrees with its numpy formula (to the formula's cancellation)."""
    ours, naive = NUMPY_FORMULAS[name]
    # 1 - tanh^2 and s(1 - s) subtract from 1: their absolute error is up to about 2 ulp of 1
    assert_allclose(ours(X), naive(X), rtol=1e-12, atol=2 * 2.0**-52)


@pytest.mark.parametrize("name", ["relu", "relu_derivative", "leaky_relu", "leaky_relu_derivative"])
def test_piecewise_kernels_equal_the_formulas_exactly(name: str) -> None:
    """The piecewise-linear kernels round nothing differently: the same float64 values."""
    ours, naive = NUMPY_FORMULAS[name]
    assert np.array_equal(ours(X), naive(X))


@pytest.mark.parametrize("name", ["sigmoid", "softmax", "log_softmax", "logsumexp"])
def test_kernels_compute_what_scipy_computes(name: str) -> None:
    """On the small input the package and scipy.special agree to a few ulp."""
    ours, theirs, _ = scipy_counterparts()[name]
    s = np.random.default_rng(6).normal(scale=10.0, size=10)
    assert_allclose(ours(s), theirs(s), rtol=1e-14, atol=0)
