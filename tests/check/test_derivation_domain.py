"""What a derivation covers, and counterexamples a fixed window would miss.

Scope and declared domains, shown and recorded; steps false only far out or just off a pole are
refuted; a solver's "no solution" is never a proof (issue 19).
"""

from __future__ import annotations

import pytest
import sympy

from nnnotes.check import Derivation, DerivationError
from nnnotes.check.record import current_record
from nnnotes.check.signs import prove_sign

x = sympy.Symbol("x", real=True)
t = sympy.Symbol("t", real=True)
p = sympy.Symbol("p", positive=True)


# ----------------------------------------------------------------------------- scope
def test_scope_is_shown_and_recorded() -> None:
    """An explicit scope appears under the derivation and in its record."""
    d = Derivation((x + 1) ** 2, name="scoped", scope="checked for $K = 3$").step(x**2 + 2 * x + 1, "expand")
    md = d.markdown()
    assert "**Covers:** checked for $K = 3$." in md
    assert current_record().records[-1].scope == "checked for $K = 3$"


def test_default_scope_follows_the_checks() -> None:
    """Without a scope: matrices checked at chosen sizes say so; a symbolic proof covers all values."""
    d = Derivation((x + 1) ** 2, name="general").step(x**2 + 2 * x + 1, "expand").verify()
    assert d.covers() == "every value of its symbols"
    # a symbol that its assumptions restrict (p > 0) restricts what the proof covers
    d = Derivation((p + 1) ** 2, name="restricted").step(p**2 + 2 * p + 1, "expand").verify()
    assert d.covers() == "every value of its symbols in the stated domain"
    d = Derivation((t + 1) ** 2, name="by-domain", domain={t: sympy.Interval(0, 1)})
    d = d.step(t**2 + 2 * t + 1, "expand").verify()
    assert d.covers() == "every value of its symbols in the stated domain"
    n = sympy.Symbol("n", integer=True, positive=True)
    A = sympy.MatrixSymbol("A", n, n)
    B = sympy.MatrixSymbol("B", n, n)
    d = Derivation(A * (A + B), name="m").step(A * A + A * B, "distribute").verify()
    assert "size" in d.covers()
    with pytest.raises(TypeError, match="scope"):
        Derivation(x, name="bad-scope", scope="  ")


def test_symbolic_size_derivations_cover_any_size() -> None:
    """Softmax shift invariance, the softmax-CE gradient and the sigmoid-to-tanh map use a symbolic size."""
    from nnnotes.proofs.loss_gradients import softmax_ce_gradient
    from nnnotes.proofs.sigmoid_as_tanh import halved_preactivation_derivation, sigmoid_to_tanh_derivation
    from nnnotes.proofs.softmax import shift_invariance_derivation

    for f, size in [
        (shift_invariance_derivation, "n"),
        (softmax_ce_gradient, "K"),
        (sigmoid_to_tanh_derivation, "M"),
        (halved_preactivation_derivation, "D"),
    ]:
        d = f()
        assert sympy.Symbol(size, integer=True, positive=True) in d.start.free_symbols, f.__name__
        assert "any" in d.covers()
        d.verify()
        assert all(st.method == "symbolic" for st in d.steps), f.__name__


# ----------------------------------------------------------------------------- issue 19
def test_issue_examples_are_rejected_with_a_true_counterexample() -> None:
    """tanh(x)^2 <= 1 - 1e-30 and min(x, 10) = x are false far out; both fail with a real counterexample."""
    import mpmath

    with pytest.raises(DerivationError) as err:
        Derivation(sympy.tanh(x) ** 2, name="tanh-bound").step(
            1 - sympy.Rational(1, 10**30), "wrong bound", "<="
        ).verify()
    with mpmath.workdps(80):
        at = mpmath.mpf(err.value.counterexample["x"])
        assert mpmath.tanh(at) ** 2 > 1 - mpmath.mpf(10) ** -30  # checked independently, at 80 digits
    assert "the left side is" in str(err.value) and "the right side is" in str(err.value)
    with pytest.raises(DerivationError) as err:
        Derivation(sympy.Min(x, 10), name="min-far").step(x, "wrong").verify()
    assert sympy.Float(err.value.counterexample["x"], 50) > 10


def test_a_solver_empty_set_is_not_a_proof(monkeypatch) -> None:
    """Without a sign certificate, a true inequality that solveset calls empty is labelled numeric."""
    import nnnotes.check.derivation as dmod

    monkeypatch.setattr(dmod, "prove_sign", lambda *a, **k: None)
    d = Derivation(sympy.Abs(1 - t), name="solver-only", domain={t: sympy.Interval.open(0, 2)})
    d.step(1, "t strictly between 0 and 2", "<").verify()
    assert d.steps[0].method == "numeric"
    assert "solveset finds no violating point (a solver's answer, not a proof)" in d.steps[0].detail
    assert "no counterexample at" in d.steps[0].detail


def test_kink_inequality_is_proved_by_a_case_split() -> None:
    """|1 - t| < 1 on (0, 2) is proved by splitting at t = 1 (a certificate), not by solveset."""
    d = Derivation(sympy.Abs(1 - t), name="split", domain={t: sympy.Interval.open(0, 2)})
    d.step(1, "t strictly between 0 and 2", "<").verify()
    assert d.steps[0].method == "symbolic"
    assert d.steps[0].detail.startswith("case split at t = 1")


def test_declared_domain_is_shown_next_to_the_step_and_in_the_note() -> None:
    """A narrowed domain appears in the formula beside the step that uses it, and in the note."""
    d = Derivation(sympy.Abs(1 - t), name="shown", domain={t: sympy.Interval.open(0, 2)})
    d.step(1, "bound", "<").verify()
    assert r"\quad t \in \left(0, 2\right)" in d.latex()
    assert r"Domain: $t \in \left(0, 2\right)$." in d.markdown()
    assert current_record().records[-1].extra["domain"] == r"t \in \left(0, 2\right)"


def test_domain_text_respects_assumptions() -> None:
    """Symbols with no declared interval show what their assumptions allow."""
    d = Derivation((x + p) ** 2, name="dom").step(x**2 + 2 * x * p + p**2, "expand")
    assert d.domain_text() == r"p \in \left(0, \infty\right),\ x \in \mathbb{R}"


def test_step_false_only_beyond_ten_thousand_is_caught() -> None:
    """A step false only for x > 10001 (far outside any fixed window) is refuted."""
    with pytest.raises(DerivationError):
        Derivation(sympy.Max(x, 10001), name="far").step(10001, "wrong").verify()


def test_counterexample_just_off_a_pole_is_caught() -> None:
    """1/(x - 1) > -10^6 fails only within 1e-6 left of the pole; the search looks there."""
    with pytest.raises(DerivationError) as err:
        Derivation(1 / (x - 1), name="pole").step(-(10**6), "wrong", ">").verify()
    at = sympy.Float(err.value.counterexample["x"], 50)
    assert 1 - sympy.Rational(1, 10**6) < at < 1


def test_a_huge_constant_does_not_stall_the_sign_prover() -> None:
    r"""$10^{-307} - e^x$ on $x < -709$: factoring it ran for minutes; the cheap forms answer at once.

    Found by checking the formulas of the docstrings (`sigmoid`'s $e^x < 10^{-307}$). Nothing here
    decides the sign of a difference of two positive terms, so the prover returns None and the claim
    is evaluated numerically; what matters is that it returns. A huge number does not stop the cheap
    forms from proving what they can.
    """
    x = sympy.Symbol("x", real=True)
    below = {x: sympy.Interval.open(-sympy.oo, -709)}
    tiny = sympy.Rational(1, 10**307)
    assert prove_sign(tiny - sympy.exp(x), strict=True, domain=below) is None
    assert prove_sign(tiny + sympy.exp(x), strict=True, domain=None) == "sign from the assumptions"
    assert prove_sign(tiny + sympy.exp(x) - tiny, strict=True, domain=None) is not None
