"""Weight-space symmetries of a tanh hidden layer and the symmetric-initialisation experiment."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes import symmetry as S


@pytest.mark.parametrize(("M", "expected"), [(1, 2), (2, 8), (3, 48), (4, 384)])
def test_enumeration_counts_match_hyperoctahedral_order(M, expected) -> None:
    """Enumerated transformations are distinct signed permutations: 2^M M! of them."""
    syms = S.hidden_symmetries(M)
    assert len(syms) == len(set(syms)) == expected


@pytest.mark.parametrize("M", [1, 2, 3, 4])
def test_every_symmetry_preserves_the_function(M) -> None:
    """All 2^M M! transformed networks compute the same outputs, and are distinct parameters."""
    r = S.check_symmetries(M)
    assert r["count"] == r["distinct"] == 2**M * math.factorial(M)
    assert r["max_output_change"] <= 1e-15


def test_non_symmetry_changes_the_function() -> None:
    """Flipping only the output weight of a unit (not a symmetry) changes the outputs: the check can fail."""
    rng = np.random.default_rng(3)
    theta = rng.normal(size=2 * 2 + 2 * 2 + 1)
    X = rng.normal(size=(10, 2))
    bad = theta.copy()
    bad[6] *= -1  # v_1 only
    assert np.max(np.abs(S.tanh_network(bad, X, 2) - S.tanh_network(theta, X, 2))) > 1e-3


def test_apply_symmetry_by_hand() -> None:
    """Swap and sign flip, computed by hand for D = 1, M = 2."""
    out = S.apply_symmetry([1.0, 2.0, 0.1, 0.2, 3.0, 4.0, 9.0], 1, 2, ((1, 0), (-1, 1)))
    assert out.tolist() == [-2.0, 1.0, -0.2, 0.1, -4.0, 3.0, 9.0]
    with pytest.raises(ValueError, match="symmetry must be"):
        S.apply_symmetry(np.zeros(7), 1, 2, ((0, 0), (1, 1)))


def test_count_table_up_to_ten() -> None:
    """The table's last row: 2^10 * 10! = 1024 * 3628800 = 3715891200 (exact integers)."""
    rows = S.symmetry_count_rows(10)
    assert len(rows) == 10
    assert rows[-1] == [10, 1024, 3628800, 3715891200]
    assert all(r[3] == sympy.factorial(r[0]) * 2 ** r[0] for r in rows)


def test_symmetric_start_stays_symmetric() -> None:
    """Identical units stay exactly identical; a 1e-6 perturbation grows by over 1000 times."""
    rows = S.symmetric_training()
    assert [r[0] for r in rows] == [0, 50, 125, 250, 500]
    assert all(r[2] == 0.0 for r in rows)
    assert rows[-1][4] > 1000 * rows[0][4]
    # both runs decrease the loss
    assert rows[-1][1] < rows[0][1] and rows[-1][3] < rows[0][3]


def test_unit_gradient_derivation_against_finite_differences() -> None:
    """The derived gradient of one unit matches central differences of the loss at a point."""
    d = S.identical_units_gradient().verify()
    expr = d.steps[-1].expr
    syms = {str(s): s for s in expr.free_symbols}
    pt = {"x": 0.7, "r": -0.3, "w_j": 1.1, "b_j": -0.4, "v_j": 0.9}
    got = np.array([float(e.subs({syms[k]: v for k, v in pt.items()})) for e in expr])

    def loss(w, b, v):
        return (v * np.tanh(w * pt["x"] + b) + pt["r"]) ** 2 / 2

    h = 1e-6
    base = [pt["w_j"], pt["b_j"], pt["v_j"]]
    fd = []
    for i in range(3):
        up, dn = list(base), list(base)
        up[i] += h
        dn[i] -= h
        fd.append((loss(*up) - loss(*dn)) / (2 * h))
    assert_allclose(got, fd, rtol=1e-8, atol=1e-10)


def test_bad_m() -> None:
    """M must be a positive integer, and small enough to enumerate."""
    with pytest.raises(ValueError, match="M"):
        S.symmetry_count(0)
    with pytest.raises(ValueError, match="at most 6"):
        S.hidden_symmetries(7)


def test_symmetry_check_rows_page_values() -> None:
    """The page's table: counts 2^M M! enumerated and distinct, output changes at rounding level."""
    rows = S.symmetry_check_rows()
    assert [r[:3] for r in rows] == [[1, 2, 2], [2, 8, 8], [3, 48, 48], [4, 384, 384]]
    assert all(r[3] <= 1e-15 for r in rows)


def test_symmetric_training_initial_loss_by_hand() -> None:
    """Step 0 loss: with 4 identical units the output is 4 v tanh(w.x + b); recomputed directly."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(40, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1])
    unit = rng.normal(size=4) * 0.5
    out = 4 * unit[3] * np.tanh(X @ unit[:2] + unit[2])
    expected = 0.5 * np.mean((out - y) ** 2)
    rows = S.symmetric_training()
    assert_allclose(rows[0][1], expected, rtol=1e-14)
    assert_allclose(rows[0][3], expected, rtol=1e-5)  # the 1e-6 perturbation barely moves it
