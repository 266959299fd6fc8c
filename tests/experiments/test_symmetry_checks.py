"""The symmetry group of a tanh hidden layer, counted and checked on random networks."""

from __future__ import annotations

import math

import pytest
import sympy

from nnnotes.experiments.symmetry import check_symmetries, symmetry_checks, symmetry_counts


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
