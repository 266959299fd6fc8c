"""A stack of affine layers: exact ranks of products and the best affine fit to XOR."""

from __future__ import annotations

from fractions import Fraction

from nnnotes.experiments.affine import best_affine_xor, rank_rows, xor_rows
from nnnotes.proofs.affine import xor_affine_sum


def test_rank_rows_pinned() -> None:
    """The page's rank table; the bottleneck row has rank 1."""
    rows = rank_rows()
    assert (rows[1].widths, rows[1].rank_W1, rows[1].rank_W2, rows[1].rank_product) == ("4 → 1 → 3", 1, 1, 1)
    assert all(r.rank_product <= min(r.rank_W1, r.rank_W2) for r in rows)


def test_best_affine_xor_exact() -> None:
    """Least squares on XOR, solved by hand: w = 0, b = 1/2, error 1/4."""
    assert best_affine_xor() == ([Fraction(0), Fraction(0)], Fraction(1, 2), Fraction(1, 4))


def test_xor_affine_sum_and_fit_table() -> None:
    """The affine sum identity is 0 (sympy); the best affine fit predicts 1/2 at every input."""
    assert xor_affine_sum() == 0
    assert [r.affine_fit for r in xor_rows()] == ["1/2"] * 4
    assert [r.relu_network for r in xor_rows()] == [r.target for r in xor_rows()] == [0, 1, 1, 0]
