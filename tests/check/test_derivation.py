"""Checked derivations: every relation, every failure message, random identities, matrices."""

from __future__ import annotations

import re

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnnotes.check import Derivation, DerivationError
from nnnotes.check.record import current_record
from nnnotes.proofs.symbolic import sigma

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y", real=True)
t = sympy.Symbol("t", real=True)
p = sympy.Symbol("p", positive=True)


# ----------------------------------------------------------------------------- equalities
@pytest.mark.parametrize(
    ("lhs", "rhs", "kind"),
    [
        ((x + 1) ** 2, x**2 + 2 * x + 1, "expand"),
        ((x**2 - 1) / (x - 1), x + 1, "cancel"),
        (sigma(-x), 1 - sigma(x), "exponentials"),
        (sympy.tanh(x), 2 * sigma(2 * x) - 1, "exponentials"),
        (sympy.sin(x) ** 2 + sympy.cos(x) ** 2, 1, "trig"),
        (sympy.Derivative(sigma(x), x), sigma(x) * sigma(-x), "derivative"),
        (sympy.log(sympy.UnevaluatedExpr(sympy.exp(x + y))), x + y, "log-exp"),
    ],
)
def test_true_equalities_are_proved_symbolically(lhs, rhs, kind) -> None:
    """Classic identities are proved by one of the symbolic strategies, not just evaluated."""
    d = Derivation(lhs, name=f"test-eq-{kind}").step(rhs, kind).verify()
    assert d.steps[0].method == "symbolic"


@pytest.mark.parametrize(
    ("lhs", "rhs"),
    [
        ((x + 1) ** 2, x**2 + 1),
        (sigma(-x), sigma(x)),
        (sympy.tanh(x), 2 * sigma(x) - 1),
        (sympy.Derivative(sigma(x), x), sigma(x) ** 2),
    ],
)
def test_false_equalities_raise_with_counterexample(lhs, rhs) -> None:
    """A false equality raises DerivationError with a point where the sides differ."""
    with pytest.raises(DerivationError) as err:
        Derivation(lhs, name="test-false-eq").step(rhs, "wrong").verify()
    e = err.value
    assert e.derivation == "test-false-eq" and e.step == 1 and e.reason == "wrong"
    assert e.counterexample is not None and "x" in e.counterexample
    point = sympy.Float(e.counterexample["x"])
    gap = (lhs - rhs).doit().rewrite(sympy.exp).subs(x, point).evalf(30)
    assert abs(gap) > 1e-20, "the reported point must really be a counterexample"


def test_failure_message_names_derivation_step_reason_and_sides() -> None:
    """The message says which derivation, which step, why it was claimed, and both sides."""
    d = (
        Derivation((x + 1) ** 2, name="square-of-sum")
        .step(x**2 + 2 * x + 1, "expand the square")
        .step(x**2 + 1, "drop the cross term")
    )
    expected = r"derivation 'square-of-sum', step 2 \(drop the cross term\)"
    with pytest.raises(DerivationError, match=expected) as err:
        d.verify()
    msg = str(err.value)
    assert "x**2 + 2*x + 1 = x**2 + 1" in msg
    assert re.search(r"at \{'x': '[-0-9.e]+'\} the two sides differ by [0-9.e+]+: the left side is", msg)


def test_numeric_fallback_is_recorded_as_numeric(monkeypatch) -> None:
    """When no symbolic strategy settles a true step, it is evaluated and labelled numeric."""
    from nnnotes.check import strategies

    monkeypatch.setattr(strategies, "ZERO_STRATEGIES", ())
    d = Derivation(sigma(-x), name="test-numeric").step(1 - sigma(x), "symmetry").verify()
    assert d.steps[0].method == "numeric"
    assert "no counterexample at" in d.steps[0].detail and "(50 digits" in d.steps[0].detail
    assert d.steps[0].points is not None and d.steps[0].points >= 100
    assert "N" in d.latex() and current_record().records[-1].method == "numeric"


def test_numeric_fallback_still_catches_false_steps(monkeypatch) -> None:
    """Without symbolic strategies, a false step is still refuted by evaluation."""
    from nnnotes.check import strategies

    monkeypatch.setattr(strategies, "ZERO_STRATEGIES", ())
    with pytest.raises(DerivationError):
        Derivation(sigma(-x), name="test-numeric-false").step(sigma(x), "wrong").verify()


def test_difference_below_float64_resolution_is_caught() -> None:
    """A step off by 1e-20 (invisible in float64) fails: the check runs at 40 digits."""
    with pytest.raises(DerivationError):
        Derivation(x, name="tiny").step(x + sympy.Rational(1, 10**20), "almost").verify()


def test_constant_steps() -> None:
    """Steps without symbols are decided exactly (or at 40 digits)."""
    sixth, third, half = sympy.Rational(1, 6), sympy.Rational(1, 3), sympy.Rational(1, 2)
    Derivation(sympy.Add(third, sixth, evaluate=False), name="c1").step(half, "add").verify()
    with pytest.raises(DerivationError):
        Derivation(sympy.pi, name="c2").step(sympy.Rational(22, 7), "not quite").verify()


# ----------------------------------------------------------------------------- inequalities
@pytest.mark.parametrize(
    ("start", "rel", "end", "domain"),
    [
        (t * (1 - t), "<=", sympy.Rational(1, 4), {t: sympy.Interval.open(0, 1)}),
        (t * (1 - t), ">", 0, {t: sympy.Interval.open(0, 1)}),
        (sympy.Integer(0), "<", sympy.Derivative(sigma(x), x), None),
        (sympy.Derivative(sigma(x), x), "<=", sympy.Rational(1, 4), None),
        (1 - sympy.tanh(x) ** 2, "<=", 1, None),
        (x**2 + 1, ">=", 2 * x, None),
        (p + 1 / p, ">=", 2, None),
    ],
)
def test_true_inequalities_hold(start, rel, end, domain) -> None:
    """Every inequality relation is accepted when it is true."""
    Derivation(start, name="test-ineq", domain=domain).step(end, "bound", rel).verify()


@pytest.mark.parametrize(
    ("start", "rel", "end", "domain"),
    [
        (t * (1 - t), "<", sympy.Rational(1, 4), {t: sympy.Interval.open(0, 1)}),  # attained at 1/2
        (t * (1 - t), ">=", sympy.Rational(1, 4), {t: sympy.Interval.open(0, 1)}),
        (sympy.Derivative(sigma(x), x), "<=", sympy.Rational(1, 5), None),
        (1 - sympy.tanh(x) ** 2, "<", 1, None),  # attained at 0
        (x**2, ">", 0, None),  # zero at 0
        (x**2 + 1, "<=", 2 * x, None),
    ],
)
def test_false_inequalities_raise(start, rel, end, domain) -> None:
    """Every relation is refuted when false, including a strict bound that is attained."""
    with pytest.raises(DerivationError, match="step 1 \\(bound\\) is false"):
        Derivation(start, name="test-ineq-false", domain=domain).step(end, "bound", rel).verify()


def test_chain_conclusion_combines_relations() -> None:
    """A chain of = and <= concludes <=; with one strict step it concludes <."""
    d = Derivation(t * (1 - t), name="c", domain={t: (0, 1)})
    d.step(sympy.Rational(1, 4) - (t - sympy.Rational(1, 2)) ** 2, "complete the square")
    assert d.conclusion() == "="
    d.step(sympy.Rational(1, 4), "drop a square", "<=")
    assert d.conclusion() == "<="
    d.step(sympy.Rational(1, 3), "a looser bound", "<")
    assert d.conclusion() == "<"
    d.verify()


def test_mixed_directions_are_rejected() -> None:
    """A chain cannot go both up and down."""
    d = Derivation(x, name="mixed").step(x + 1, "up", "<")
    with pytest.raises(ValueError, match="mixes '<' and '>'"):
        d.step(x, "down", ">")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"relation": "=="}, ValueError, "relation must be one of"),
        ({"reason": ""}, TypeError, "reason must be a non-empty string"),
    ],
)
def test_bad_step_arguments(kwargs, exc, match) -> None:
    """Bad arguments to step() are named in the error."""
    args = {"expr": x, "reason": "r", "relation": "="} | kwargs
    with pytest.raises(exc, match=match):
        Derivation(x, name="bad").step(**args)


def test_bad_constructor_arguments() -> None:
    """A missing name or a malformed domain is a clear error; an empty chain cannot be verified."""
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        Derivation(x, name="")
    with pytest.raises(TypeError, match="domain"):
        Derivation(x, name="d", domain={x: [0, 1, 2]})
    with pytest.raises(ValueError, match="has no steps"):
        Derivation(x, name="empty").verify()


# ----------------------------------------------------------------------------- matrices
m, n, k = sympy.symbols("m n k", integer=True, positive=True)
W1, W2 = sympy.MatrixSymbol("W1", m, n), sympy.MatrixSymbol("W2", k, m)
b1, b2 = sympy.MatrixSymbol("b1", m, 1), sympy.MatrixSymbol("b2", k, 1)
xv = sympy.MatrixSymbol("x", n, 1)


def test_stacked_linear_layers_collapse_for_matrix_symbols() -> None:
    """W2(W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2) for matrices of any size."""
    d = Derivation(W2 * (W1 * xv + b1) + b2, name="collapse").step(W2 * W1 * xv + W2 * b1 + b2, "distribute")
    assert d.verify().steps[0].method == "symbolic"


@pytest.mark.parametrize(
    "wrong",
    [W2 * W1 * xv + b2, W1.T * W2.T * xv if False else W2 * W1 * xv + 2 * W2 * b1 + b2],
)
def test_wrong_matrix_steps_fail(wrong) -> None:
    """Dropping a term or doubling one is caught for matrix expressions."""
    with pytest.raises(DerivationError):
        Derivation(W2 * (W1 * xv + b1) + b2, name="mat-wrong").step(wrong, "wrong").verify()


def test_inconsistent_shapes_fail() -> None:
    """A step that adds matrices of different shapes is reported as false."""
    with pytest.raises(DerivationError, match="shapes"):
        Derivation(W2 * (W1 * xv + b1) + b2, name="mat-shape").step(W2 * W1 * xv + b1 + b2, "x").verify()


def test_explicit_matrices() -> None:
    """Explicit sympy matrices are compared entry by entry."""
    a = sympy.Matrix([[x, 1], [0, y]])
    Derivation(sympy.MatMul(a, a, evaluate=False), name="square").step(
        sympy.Matrix([[x**2, x + y], [0, y**2]]), "multiply"
    ).verify()
    with pytest.raises(DerivationError):
        Derivation(a * a, name="square-wrong").step(sympy.Matrix([[x**2, x], [0, y**2]]), "x").verify()


# ----------------------------------------------------------------------------- rendering
def test_latex_and_markdown_come_from_the_verified_expressions() -> None:
    """The rendering shows the verified expressions, reasons, step numbers and check marks."""
    d = (
        Derivation(sigma(-x), name="Render me")
        .step(1 / (1 + sympy.exp(x)), "definition")
        .step(1 - sigma(x), r"recognise $1 - \sigma(x)$")
    )
    assert "?" in d.latex()  # not yet verified
    md = d.markdown()
    assert md.count(r"\mathrm{S}") == 2
    assert sympy.latex(1 / (1 + sympy.exp(x))) in md
    assert r"\text{recognise }1 - \sigma(x)" in md
    assert 'id="check-render-me"' in md
    assert "(1) " in md and "(2) " in md


def test_reason_text_is_escaped() -> None:
    r"""Characters special to TeX in a reason are escaped in \text{}."""
    d = Derivation((x + 1) ** 2, name="esc").step(x**2 + 2 * x + 1, "100% sure & done_now").verify()
    assert r"100\% sure \& done\_now" in d.latex()


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
