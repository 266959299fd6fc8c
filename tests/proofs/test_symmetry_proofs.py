"""The derivations about identical hidden units: proved, and false when the claim is changed."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from numpy.testing import assert_allclose

from nnnotes.check import Derivation, DerivationError
from nnnotes.proofs import symmetry as symmetry_proofs


def test_duplicate_line_derivation_fails_when_weights_move_together() -> None:
    """Moving both output weights the same way (v1 + t, v2 + t) changes the output: the check fails."""
    a, t, v1, v2 = sympy.symbols("a t v_1 v_2", real=True)
    bad = Derivation((v1 + t) * sympy.tanh(a) + (v2 + t) * sympy.tanh(a), name="bad-line").step(
        (v1 + v2) * sympy.tanh(a), "collect"
    )
    with pytest.raises(DerivationError):
        bad.verify()
    assert symmetry_proofs.duplicate_unit_line().verify().steps[0].method == "symbolic"


def test_unit_gradient_derivation_against_finite_differences() -> None:
    """The derived gradient of one unit matches central differences of the loss at a point."""
    d = symmetry_proofs.identical_units_gradient().verify()
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
