"""Weight-space symmetries of a tanh hidden layer: enumeration and action on the parameters."""

from __future__ import annotations

import numpy as np
import pytest

from nnnotes import symmetry as S
from nnnotes import tanhnet


@pytest.mark.parametrize(("M", "expected"), [(1, 2), (2, 8), (3, 48), (4, 384)])
def test_enumeration_counts_match_hyperoctahedral_order(M, expected) -> None:
    """Enumerated transformations are distinct signed permutations: 2^M M! of them."""
    syms = S.hidden_symmetries(M)
    assert len(syms) == len(set(syms)) == expected


def test_non_symmetry_changes_the_function() -> None:
    """Flipping only the output weight of a unit (not a symmetry) changes the outputs: the check can fail."""
    rng = np.random.default_rng(3)
    theta = rng.normal(size=2 * 2 + 2 * 2 + 1)
    X = rng.normal(size=(10, 2))
    bad = theta.copy()
    bad[6] *= -1  # v_1 only
    assert np.max(np.abs(tanhnet.forward(bad, X, 2) - tanhnet.forward(theta, X, 2))) > 1e-3


def test_apply_symmetry_by_hand() -> None:
    """Swap and sign flip, computed by hand for D = 1, M = 2."""
    out = S.apply_symmetry([1.0, 2.0, 0.1, 0.2, 3.0, 4.0, 9.0], 1, 2, ((1, 0), (-1, 1)))
    assert out.tolist() == [-2.0, 1.0, -0.2, 0.1, -4.0, 3.0, 9.0]
    with pytest.raises(ValueError, match="symmetry must be"):
        S.apply_symmetry(np.zeros(7), 1, 2, ((0, 0), (1, 1)))


def test_bad_m() -> None:
    """M must be a positive integer, and small enough to enumerate."""
    with pytest.raises(ValueError, match="M must be a positive integer, got 0"):
        S.symmetry_count(0)
    with pytest.raises(TypeError, match="M must be an integer, got float"):
        S.symmetry_count(2.0)
    with pytest.raises(ValueError, match="at most 6"):
        S.hidden_symmetries(7)


def test_six_units_are_still_enumerated() -> None:
    """M = 6 is the largest M enumerated: 2^6 6! = 64 * 720 = 46 080 transformations."""
    assert len(S.hidden_symmetries(6)) == 46_080


@pytest.mark.parametrize("signs", [(1,), (1, 1, 1), (1, 2)])
def test_wrong_signs_are_refused(signs) -> None:
    """Wrong signs (too few, too many, not +-1) with a valid permutation are a ValueError naming symmetry."""
    with pytest.raises(ValueError, match=r"^symmetry must be \(a permutation of range\(2\), M signs"):
        S.apply_symmetry(np.zeros(7), 1, 2, ((0, 1), signs))
