"""Checked derivations at large: random identities, records, and steps that show no move.

Random polynomial and sigmoid identities (hypothesis) pass and their perturbations fail; every
verified derivation is recorded; a step that prints no move is refused at once, also in the
published derivations.
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnnotes.check import Derivation, DerivationError
from nnnotes.check.record import current_record
from nnnotes.proofs.symbolic import sigma

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y", real=True)


# ----------------------------------------------------------------------------- properties
coeffs = st.integers(min_value=-9, max_value=9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=coeffs, b=coeffs, c=coeffs)
def test_random_true_polynomial_identities_pass(a: int, b: int, c: int) -> None:
    """(x + a)(x + b) + c = x^2 + (a + b) x + ab + c for random integers."""
    lhs = sympy.Add(sympy.Mul(x + a, x + b, evaluate=False), c, evaluate=False)
    rhs = x**2 + (a + b) * x + a * b + c
    Derivation(lhs, name="prop-true").step(rhs, "expand").verify()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    a=coeffs,
    b=coeffs,
    c=coeffs,
    delta=st.integers(min_value=1, max_value=5),
    where=st.sampled_from([0, 1, 2]),
)
def test_random_perturbed_identities_fail(a: int, b: int, c: int, delta: int, where: int) -> None:
    """Perturbing any coefficient of a true identity by a non-zero amount makes it fail."""
    parts = [sympy.Integer(1), sympy.Integer(a + b), sympy.Integer(a * b + c)]
    parts[where] += delta
    rhs = parts[0] * x**2 + parts[1] * x + parts[2]
    with pytest.raises(DerivationError):
        Derivation((x + a) * (x + b) + c, name="prop-false").step(rhs, "expand").verify()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=st.integers(min_value=-6, max_value=6).filter(lambda v: v != 0))
def test_random_scaled_sigmoid_identities(s: int) -> None:
    """sigma(s x) + sigma(-s x) = 1 for every integer scale, and = 1 + 1/10 fails."""
    Derivation(sigma(s * x) + sigma(-s * x), name="prop-sig").step(1, "symmetry").verify()
    with pytest.raises(DerivationError):
        Derivation(sigma(s * x) + sigma(-s * x), name="prop-sig-false").step(
            1 + sympy.Rational(1, 10), "wrong"
        ).verify()


def test_verify_records_each_derivation() -> None:
    """verify() appends a record with the derivation's name, method and statement."""
    before = len(current_record().records)
    Derivation((x + 1) ** 2, name="recorded").step(x**2 + 2 * x + 1, "expand").verify()
    rec = current_record().records[-1]
    assert len(current_record().records) == before + 1
    assert (rec.name, rec.kind, rec.method, rec.ok) == ("recorded", "derivation", "symbolic", True)
    assert rec.statement == r"$\left(x + 1\right)^{2} = x^{2} + 2 x + 1$"


# ----------------------------------------------------------------------------- empty steps
def test_step_printing_the_same_expression_is_rejected() -> None:
    """A step whose LaTeX equals the previous expression's is refused at once, naming the step."""
    d = Derivation((x + 1) ** 2, name="empty-step").step(x**2 + 2 * x + 1, "expand")
    with pytest.raises(DerivationError, match=r"'empty-step', step 2 \(rewrite\) is empty") as err:
        d.step(x**2 + 2 * x + 1, "rewrite")
    assert err.value.step == 2 and err.value.reason == "rewrite"
    # sympy evaluates log(exp(x + y)) to x + y as it is built: the step shows no move
    with pytest.raises(DerivationError, match="is empty"):
        Derivation(sympy.log(sympy.exp(x + y)), name="auto-simplified").step(x + y, "log of exp")


def test_old_empty_steps_of_the_published_derivations_are_rejected() -> None:
    """The old 'split the fraction' (6.1) and 'cancel e^c' (softmax) steps printed no move: refused."""
    e = sympy.exp
    with pytest.raises(DerivationError, match="split the fraction"):
        (
            Derivation(e(-x) / (1 + e(-x)) ** 2, name="old-split").step(
                1 / (1 + e(-x)) * (e(-x) / (1 + e(-x))), "split the fraction"
            )
        )
    z1, z2, c = sympy.symbols("z_1 z_2 c", real=True)
    with pytest.raises(DerivationError, match="cancel"):
        (
            Derivation(e(c) * e(z1) / (e(c) * (e(z1) + e(z2))), name="old-cancel").step(
                e(z1) / (e(z1) + e(z2)), "cancel $e^c$"
            )
        )


def test_published_derivations_show_a_move_at_every_step() -> None:
    """Every published derivation: no two consecutive expressions print alike (checked again here)."""
    from nnnotes.check.derivation import published_derivations

    for name, factory in published_derivations().items():
        d = factory()
        shown = [sympy.latex(d.start)] + [sympy.latex(st.expr) for st in d.steps]
        assert all(a != b for a, b in zip(shown, shown[1:], strict=False)), name
