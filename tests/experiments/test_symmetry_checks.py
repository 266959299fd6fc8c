"""The symmetry group of a tanh hidden layer, counted and checked on random networks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from nnnotes.experiments.symmetry import check_symmetries, flip_midpoint, symmetry_checks, symmetry_counts


@pytest.mark.parametrize("M", [1, 2, 3, 4])
def test_every_symmetry_preserves_the_function(M) -> None:
    """All 2^M M! transformed networks compute the same outputs, and are distinct parameters."""
    r = check_symmetries(M)
    assert r.enumerated == r.distinct == 2**M * math.factorial(M)
    assert r.max_output_change <= 1e-15


def test_count_table_up_to_ten() -> None:
    """The table's last row: 2^10 * 10! = 1024 * 3628800 = 3715891200 (exact integers)."""
    rows = symmetry_counts(10)
    assert len(rows) == 10
    assert rows[-1].cells() == (10, 1024, 3628800, 3715891200)
    assert all(r.total == sympy.factorial(r.M) * 2**r.M for r in rows)


def test_symmetry_check_rows_page_values() -> None:
    """The page's table: counts 2^M M! enumerated and distinct, output changes at rounding level."""
    rows = symmetry_checks()
    assert [r.cells()[:3] for r in rows] == [(1, 2, 2), (2, 8, 8), (3, 48, 48), (4, 384, 384)]
    assert all(r.max_output_change <= 1e-15 for r in rows)


@pytest.mark.parametrize(("M", "D", "unit", "seed"), [(2, 1, 0, 0), (3, 2, 0, 0), (3, 2, 2, 5), (5, 4, 3, 7)])
def test_flip_midpoint_switches_the_unit_off(M, D, unit, seed) -> None:
    """Halfway between theta and its copy with one unit sign-flipped: that unit is 0, the rest unchanged.

    The reference network without the unit is rebuilt by hand from the same random draw
    (``default_rng(seed)``: the parameters first, then the inputs), in the layout (W, b, v, c) of
    ``nnnotes.tanhnet`` (W row-major, M rows of D weights).
    """
    mid = flip_midpoint(M, D, unit, n_inputs=40, seed=seed)
    assert mid.unit_params.shape == (D + 2,)
    assert np.all(mid.unit_params == 0.0)
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=M * D + 2 * M + 1)
    X = rng.normal(size=(40, D))
    W, b, v, c = theta[: M * D].reshape(M, D), theta[M * D : M * D + M], theta[M * D + M : -1], theta[-1]
    keep = [j for j in range(M) if j != unit]
    by_hand = np.array([sum(v[j] * math.tanh(float(W[j] @ x) + b[j]) for j in keep) + c for x in X])
    np.testing.assert_allclose(mid.without_unit_outputs, by_hand, rtol=0, atol=1e-14)
    np.testing.assert_allclose(mid.midpoint_outputs, by_hand, rtol=0, atol=1e-14)


@pytest.mark.parametrize(("M", "unit"), [(1, 0), (3, 3), (3, -1)])
def test_flip_midpoint_needs_a_unit_to_drop(M, unit) -> None:
    """One unit cannot be dropped (M = 1), and the unit must exist."""
    with pytest.raises(ValueError, match="unit must index"):
        flip_midpoint(M, 2, unit)
