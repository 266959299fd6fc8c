"""Formulas of the prose read from TeX and checked: what is read, how, and that false ones fail."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nnnotes.check.derivation import DerivationError
from nnnotes.check.texmath import TexReadError, check_chain, domain_of, read_chain, read_expression
from nnnotes.proofs.symbolic import sigma
from nnnotes.sitebuild.prosemath import FUNCTIONS, check_page, prose_formulas
from nnnotes.sitebuild.prosemath_report import counts_table

x, t = sympy.symbols("x t", real=True)


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (
            r"\tfrac12 + \tfrac12\tanh(a/2)",
            sympy.Rational(1, 2) + sympy.tanh(sympy.Symbol("a", real=True) / 2) / 2,
        ),
        (r"1/(1+e^{-x})", 1 / (1 + sympy.exp(-x))),
        (r"\sigma(x)(1 - \sigma(x))", sigma(x) * (1 - sigma(x))),
        (r"\tanh^2(x)", sympy.tanh(x) ** 2),
        (r"\tanh x", sympy.tanh(x)),
        (r"\frac{x}{\sqrt{t}}", x / sympy.sqrt(t)),
        (r"2^{-53}", sympy.Rational(1, 2**53)),
        (r"\sigma_B^2", sympy.Symbol("sigma_B", real=True) ** 2),
        (r"\operatorname{ReLU}(x)", sympy.Max(0, x)),
        (r"\max(0, x)", sympy.Max(0, x)),
    ],
)
def test_reads_expressions_by_hand(tex, expected) -> None:
    """Each TeX expression reads into the sympy expression written by hand."""
    assert sympy.simplify(read_expression(tex, FUNCTIONS) - expected) == 0


def test_primes_differentiate() -> None:
    """A prime differentiates: the sigmoid's derivative at x, tanh's first and second at 0."""
    assert sympy.simplify(read_expression(r"\sigma'(x)", FUNCTIONS) - sigma(x) * (1 - sigma(x))) == 0
    assert read_expression(r"\tanh''(0)", FUNCTIONS) == 0
    assert read_expression(r"\tanh'(0)", FUNCTIONS) == 1


@pytest.mark.parametrize(
    "tex",
    [
        r"\sum_j w_j",
        r"\|x\|",
        r"x^\top A x",
        r"\text{NaN}",
        r"\nabla f",
        r"\operatorname{softmax}(y)",
        "f(0)",
        "f'(0)",
        "f_1(0)",
    ],
)
def test_what_is_not_read_raises(tex) -> None:
    """Sums, norms, transposes, words, gradients and unknown functions are refused, not misread.

    ``f(0)`` with no f defined would read as f times 0 and prove ``f(0) = 0``; ``s(1-s)`` multiplies.
    """
    with pytest.raises(TexReadError):
        read_expression(tex, FUNCTIONS)


def test_kinds_of_links() -> None:
    """A fresh name set equal is a definition, a symbol against numbers a condition, the rest claims."""
    kinds = [link.kind for link in read_chain(r"s = \sigma(x) \in (0, 1)", FUNCTIONS).links]
    assert kinds == ["definition", "claim"]
    assert [link.kind for link in read_chain(r"0 < \alpha \le 1", FUNCTIONS).links] == ["condition"] * 2
    assert [link.kind for link in read_chain(r"t \in (0, 1)", FUNCTIONS).links] == ["condition"]
    assert [link.kind for link in read_chain(r"\sigma'(x) > 0", FUNCTIONS).links] == ["claim"]


@pytest.mark.parametrize(
    "tex",
    [
        r"\sigma(-x) = 1 - \sigma(x)",
        r"\tanh(x) = 2\sigma(2x) - 1",
        r"\sigma'(x) = \sigma(x)\sigma(-x)",
        r"\tanh'(x) = 1 - \tanh^2(x) \in (0, 1]",
        r"s(1-s) = \tfrac14 - (s - \tfrac12)^2 \le \tfrac14",
        r"0 < \sigma'(x) \le \tfrac14",
        r"((1-1)^2 + (2-0)^2 + (3-4)^2)/3 = 5/3",
        r"53 \ln 2 \approx 36.74",
        r"53 \ln 2 \approx 37",
        r"e^{-36} \approx 2.32 \times 10^{-16}",
    ],
)
def test_true_formulas_pass(tex) -> None:
    """Identities, bounds and rounded numbers that hold pass, each with a method."""
    verdicts = check_chain(read_chain(tex, FUNCTIONS), name="t")
    assert verdicts and all(v.method in ("symbolic", "numeric", "exact") for v in verdicts)


@pytest.mark.parametrize(
    "tex",
    [
        r"\sigma(-x) = 1 + \sigma(x)",
        r"\tanh(x) = 2\sigma(x) - 1",
        r"\tanh^2(x) \in (0, 1)",
        r"\sigma'(x) \le \tfrac15",
        r"((1-1)^2 + (2-0)^2 + (3-4)^2)/3 = 4/3",
        r"53 \ln 2 \approx 36.72",
        r"53 \ln 2 \approx 36",
        r"e^{-36} \approx 2.31 \times 10^{-16}",
    ],
)
def test_false_formulas_fail(tex) -> None:
    """A false identity, bound, interval or rounding fails.

    53 ln 2 = 36.7368...: 36.72 and 36 are more than half a unit of their last digit off;
    e^{-36} = 2.3195e-16 rounds to 2.32, not 2.31.
    """
    with pytest.raises(DerivationError):
        check_chain(read_chain(tex, FUNCTIONS), name="t")


def test_matrices_and_vectors_are_refused() -> None:
    """A letter named as a matrix, and a bold vector, are not read as numbers (AB = BA would pass)."""
    with pytest.raises(TexReadError, match="A is a matrix"):
        read_chain("AB = BA", FUNCTIONS, frozenset({"A", "B"}))
    with pytest.raises(TexReadError, match="vector"):
        read_expression(r"\mathbf{y} + 1", FUNCTIONS)
    assert read_expression("A_{12} + 1", FUNCTIONS, frozenset({"A"})) == sympy.Symbol("A_12", real=True) + 1


def test_defined_names_reach_their_neighbours() -> None:
    """``o_1 = 36 > o_2 = 0`` claims 36 > 0; with the values swapped the claim fails."""
    chain = read_chain("o_1 = 36 > o_2 = 0", FUNCTIONS)
    assert [link.kind for link in chain.links] == ["definition", "claim", "definition"]
    assert [v.method for v in check_chain(chain, name="t")] == ["symbolic"]
    with pytest.raises(DerivationError):
        check_chain(read_chain("o_1 = 0 > o_2 = 36", FUNCTIONS), name="t")


def test_domain_of_conditions() -> None:
    """Conditions become intervals, intersected per symbol."""
    assert domain_of(r"0 < t < 1; t \le \tfrac12") == {t: sympy.Interval.Lopen(0, sympy.Rational(1, 2))}
    with pytest.raises(TexReadError):
        domain_of(r"x < t")


PAGE = r"""# A page

Let $f(t) = t(1-t)$; then $f(\tfrac12) = \tfrac14$ and $f(t) > 0$ on $(0, 1)$.
The sum $\sum_j w_j = 1$ and `$a = b$` in code.

```python
$g = 1$
```

## Next section

$f(0, 1) = 2$ here means something else.
"""


def test_page_lists_reads_and_scopes() -> None:
    """A page's list gives a domain or a reason; a function holds until the next section."""
    listed = {"f(t) > 0": "where 0 < t < 1", r"\sum_j w_j = 1": "condition: weights that sum to one"}
    listed |= {"f(0, 1) = 2": "a function of two arguments defined elsewhere"}
    found = check_page(PAGE, listed, {}, page="p.md")
    assert found.errors == []
    assert [f.tex for f, _, _ in found.read] == ["f(t) = t(1-t)", r"f(\tfrac12) = \tfrac14", "f(t) > 0"]
    assert [f.tex for f, _ in found.listed] == [r"\sum_j w_j = 1", "f(0, 1) = 2"]


def test_page_errors_name_line_and_formula() -> None:
    """Unlisted unread formulas, false claims, stale and needless entries all fail, with the line."""
    found = check_page(PAGE, {"f(\\tfrac12) = \\tfrac14": "not needed", "x = y = z": "gone"}, {}, page="p.md")
    text = "\n".join(found.errors)
    assert "p.md:3: formula $f(t) > 0$ does not hold" in text
    assert "p.md:4: formula $\\sum_j w_j = 1$ is not read" in text
    assert "p.md:3: formula $f(\\tfrac12) = \\tfrac14$ is listed under `formulas:` but holds" in text
    assert "p.md: formula $x = y = z$ is listed under `formulas:` but is not on the page" in text


def test_with_makes_a_condition_a_claim() -> None:
    """A condition on p is checked once the list gives p a value (0 allows half a unit: 0.5)."""
    page = r"Here $p \approx 0$."
    ok = check_page(page, {r"p \approx 0": r"with p = e^{-36}"}, {}, page="p.md")
    assert ok.errors == [] and [v.method for _, _, vs in ok.read for v in vs] == ["numeric"]
    assert not check_page(page, {r"p \approx 0": r"with p = 0.49"}, {}, page="p.md").errors
    bad = check_page(page, {r"p \approx 0": r"with p = 0.51"}, {}, page="p.md")
    assert len(bad.errors) == 1 and "does not hold with p = 0.51" in bad.errors[0]


def test_listed_false_must_be_false() -> None:
    """A quoted claim listed as false must fail its check; one that holds is an error."""
    page = r"The source says $\tanh^2(x) \in (0, 1)$ and $\sigma(0) = \tfrac12$."
    listed = {r"\tanh^2(x) \in (0, 1)": "false: quoted", r"\sigma(0) = \tfrac12": "false: quoted"}
    found = check_page(page, listed, {}, page="p.md")
    assert [f.tex for f, _ in found.refuted] == [r"\tanh^2(x) \in (0, 1)"]
    assert len(found.errors) == 1 and "listed as false but holds" in found.errors[0]


def test_scan_skips_code_but_not_bracketed_relations() -> None:
    """Code holds no formula; a relation inside brackets (P(y = 1 | x)) makes one to list."""
    md = "$P(y = 1 \\mid x)$ and `$u = v$`\n\n```\n$a = b$\n```\n$$c \\le d$$\n"
    assert [(f.line, f.tex) for f in prose_formulas(md)] == [(1, r"P(y = 1 \mid x)"), (6, r"c \le d")]


def test_with_gives_a_defined_name_its_meaning() -> None:
    """``p = 1/(1 + e^{-36})`` is a definition until the list says what p is; then a checked result."""
    page = r"So $p = 1/(1 + e^{-36})$."
    spec = r"with p = e^{a}/(e^{a} + e^{b}); a = 54; b = 18"
    ok = check_page(page, {r"p = 1/(1 + e^{-36})": spec}, {}, page="p.md")
    assert ok.errors == [] and ok.counts()["proved"] == 1 and ok.counts()["definitions"] == 0
    bad = check_page(page, {r"p = 1/(1 + e^{-36})": spec.replace("b = 18", "b = 19")}, {}, page="p.md")
    assert len(bad.errors) == 1 and "does not hold" in bad.errors[0]


def test_counts_table_names_pages_and_adds_them_up() -> None:
    """One row per page (a chapter by its number), linked to its section, and a row of totals."""
    c = {"proved": 2, "evaluated": 1, "definitions": 0, "conditions": 3, "refuted": 0, "listed": 1}
    table = counts_table({"exercise-6-3.md": c, "notation.md": c}).splitlines()
    assert table[2] == "| [6.3](exercise-6-3.md#formulas-in-the-prose) | 2 | 1 | 0 | 3 | 0 | 1 |"
    assert table[3].startswith("| [Notation](notation.md#formulas-in-the-prose) |")
    assert table[4] == "| all | 4 | 2 | 0 | 6 | 0 | 2 |"


def test_listed_formulas_are_shown_with_their_numbers() -> None:
    """A listed formula is shown as the reader sees it: its placeholders filled in."""
    values = {"n": lambda: (54, "the first logit")}
    page = "So $o = (a, {{ n }})$ here."
    found = check_page(page, {"o = (a, {{ n }})": "a vector"}, values, page="p.md")
    assert [(f.tex, why) for f, why in found.listed] == [("o = (a, 54)", "a vector")]


_X, _Y, _A = sympy.symbols("x y alpha", real=True)
_LEAVES = st.sampled_from([_X, _Y, _A, sympy.Integer(2), sympy.Integer(-1), sympy.Rational(5, 3)])


def _grow(children: st.SearchStrategy) -> st.SearchStrategy:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda t: t[0] + t[1]),
        pair.map(lambda t: t[0] - t[1]),
        pair.map(lambda t: t[0] * t[1]),
        pair.map(lambda t: t[0] / t[1] if t[1] != 0 else t[0]),
        st.tuples(children, st.sampled_from([2, 3, -1])).map(lambda t: t[0] ** t[1]),
        children.map(sympy.exp),
        children.map(sympy.tanh),
        children.map(sympy.cosh),
        children.map(sigma),
        children.map(lambda c: sympy.log(c**2 + 1)),
        children.map(lambda c: sympy.sqrt(sympy.exp(c) + 2)),
    )


#: What the reader may refuse in sympy's own LaTeX (a refusal is safe; a misreading is not).
_SAFE_REFUSALS = ("reads as a function the page does not define", "power after a function's argument")


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.recursive(_LEAVES, _grow, max_leaves=8))
def test_sympy_latex_reads_back_to_the_same_expression(e) -> None:
    r"""Whatever sympy prints, the reader reads back to the same value, or refuses it safely.

    sympy's LaTeX printer is the independent reference: ``\log{\left(u \right)}^{2}`` is
    (log u)^2, ``e`` alone is Euler's number, ``z \left(a + 2\right)`` is a product.
    """
    assume(not e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo))
    tex = sympy.latex(e)
    try:
        back = read_expression(tex, FUNCTIONS)
    except TexReadError as exc:
        assert any(s in str(exc) for s in _SAFE_REFUSALS), (tex, str(exc))
        return
    if back != e:
        for point in ({_X: sympy.Rational(3, 7), _Y: sympy.Rational(-5, 4), _A: sympy.Rational(2, 9)},):
            gap = sympy.N((back - e).subs(point), 30)
            assert gap.is_number and abs(complex(gap)) < 1e-25, (tex, back, e)


@pytest.mark.parametrize("tex", ["x^23", "e^23", "2^10", "x^2.5", "x_12", "w_{1}^23"])
def test_several_digits_without_braces_are_refused(tex: str) -> None:
    """TeX raises or lowers only the first digit of ``x^23`` or ``x_12``, so no reading is guessed."""
    with pytest.raises(TexReadError, match="without braces"):
        read_expression(tex, {})


def test_a_braced_subscript_of_several_digits_is_one_name() -> None:
    """``x_{12}`` is one name, shown and read alike, and not ``x_1`` times 2."""
    assert read_expression("x_{12}", {}) == sympy.Symbol("x_12", real=True)
    assert read_expression("x_1 2", {}) == 2 * sympy.Symbol("x_1", real=True)


@pytest.mark.parametrize(
    ("tex", "value"),
    [("x^{23}", "x**23"), ("x^2 3", "3*x**2"), ("e^{2.5}", "exp(5/2)"), ("2^{10}", "1024"), ("x^2", "x**2")],
)
def test_braced_and_single_digit_superscripts_are_read_as_shown(tex: str, value: str) -> None:
    """A braced superscript is read whole, a single digit alone, and a digit after it multiplies."""
    x = sympy.Symbol("x", real=True)
    assert sympy.simplify(read_expression(tex, {}) - sympy.sympify(value, locals={"x": x})) == 0
