"""Checked derivations: every relation, every failure message, matrices, and their rendering."""

from __future__ import annotations

import re

import pytest
import sympy

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


def test_a_false_step_fails_before_any_step_is_proved() -> None:
    """Every step is searched before any is proved: a false last step leaves the true ones unproved.

    The first step is true and needs sympy's costliest strategy (exponentials); the last is
    false. The quick screen refutes the last step before the first is even searched whole, so no
    time goes into searching or proving the first.
    """
    d = (
        Derivation(sympy.tanh(x), name="fails-fast")
        .step(2 * sigma(2 * x) - 1, "a sigmoid in disguise")
        .step(2 * sigma(x) - 1, "wrong scale")
    )
    with pytest.raises(DerivationError, match="step 2 \\(wrong scale\\)"):
        d.verify()
    assert d.steps[0].points is None, "step 1 was searched whole before step 2 was screened"
    assert d.steps[0].method is None, "step 1 was proved before step 2 was searched"
    d.steps.pop()
    assert d.verify().steps[0].method == "symbolic" and d.steps[0].points >= 100


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


def _indexed() -> tuple:
    i, j, k, K = sympy.symbols("i j k K", integer=True, positive=True)
    return sympy.IndexedBase("z", real=True), i, j, k, K


def test_a_renamed_summation_index_is_proved_equal() -> None:
    """sum_i e^{z_i} / sum_k e^{z_k} = 1 for a symbolic K is proved (an S), by renaming the index."""
    z, i, _, k, K = _indexed()
    ratio = sympy.Mul(
        sympy.Sum(sympy.exp(z[i]), (i, 1, K)),
        sympy.Pow(sympy.Sum(sympy.exp(z[k]), (k, 1, K)), -1, evaluate=False),
        evaluate=False,
    )
    d = Derivation(ratio, name="t-rename").step(sympy.Integer(1), "rename").verify()
    assert [s.method for s in d.steps] == ["symbolic"]
    assert "renaming the summation indices" in d.markdown()


@pytest.mark.parametrize(
    "make",
    [
        # a free index that the renamed one would capture: sum_i z_i z_k  vs  sum_k z_k z_i
        lambda z, i, j, k, K: (sympy.Sum(z[i] * z[k], (i, 1, K)), sympy.Sum(z[k] * z[i], (k, 1, K))),
        # the same summand over different ranges
        lambda z, i, j, k, K: (sympy.Sum(z[i], (i, 1, K)), sympy.Sum(z[k], (k, 1, K + 1))),
        # an inner sum that rebinds the outer index is a different sum from one that does not
        lambda z, i, j, k, K: (
            sympy.Sum(z[i] * sympy.Sum(z[i], (i, 1, K)), (i, 1, K)),
            sympy.Sum(z[i] * sympy.Sum(z[i], (k, 1, K)), (i, 1, K)),
        ),
    ],
)
def test_renaming_the_indices_proves_nothing_false(make) -> None:
    """Renaming bound indices neither captures a free index nor merges different sums or scopes."""
    from nnnotes.check.strategies import canonical_bound_indices, prove_zero

    a, b = make(*_indexed())
    assert canonical_bound_indices(a - b) != 0
    assert prove_zero(a - b)[0] is None


def test_renaming_keeps_an_inner_sum_s_own_index() -> None:
    """sum_i z_i (sum_i z_i) equals sum_i z_i (sum_k z_k): the inner i is the inner sum's own."""
    from nnnotes.check.strategies import prove_zero

    z, i, _, k, K = _indexed()
    a = sympy.Sum(z[i] * sympy.Sum(z[i], (i, 1, K)), (i, 1, K))
    b = sympy.Sum(z[i] * sympy.Sum(z[k], (k, 1, K)), (i, 1, K))
    assert prove_zero(a - b)[0] == "cancel after renaming the summation indices"
