"""The published softmax facts: shift invariance proved for any length."""

from __future__ import annotations

import sympy

from nnnotes.proofs.softmax import shift_invariance_derivation


def test_shift_invariance_derivation_is_proved_and_ends_at_softmax() -> None:
    """The published derivation holds step by step for any n and concludes e^{z_i} / sum_j e^{z_j}."""
    d = shift_invariance_derivation().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * 3
    i, j, n = sympy.symbols("i j n", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    c = sympy.Symbol("c", real=True)
    e = sympy.exp
    assert d.steps[-1].expr == e(z[i]) / sympy.Sum(e(z[j]), (j, 1, n))
    assert d.start == e(z[i] + c) / sympy.Sum(e(z[j] + c), (j, 1, n))
