"""What the TeX reader refuses: formulas that TeX shows one way and a reading would read another way.

Each refused formula was read, before its refusal, as something else than it shows (found by an
adversarial probe of the reader); the page checker must report it, never prove it.
"""

from __future__ import annotations

import re

import pytest
import sympy

from nnnotes.check.texmath import TexReadError, read_expression
from nnnotes.sitebuild.prosemath import FUNCTIONS, MATRICES, check_page


@pytest.mark.parametrize(
    "tex",
    [r"\frac{dy}{dx}", r"\frac{d}{dx} x^2", r"\dfrac{d^2 y}{dx^2}", r"\frac{d}{d\theta} x", "dy/dx", "d/dx"],
)
def test_leibniz_derivatives_are_refused(tex: str) -> None:
    """Read as written, dy/dx is d times y over d times x, that is y/x: it is refused, not guessed."""
    with pytest.raises(TexReadError, match="Leibniz"):
        read_expression(tex, {})


@pytest.mark.parametrize(
    ("tex", "value"),
    [
        (r"\frac{a}{2d}", "a/(2*d)"),
        ("x/d", "x/d"),
        (r"\frac{d}{2}", "d/2"),
        (r"\frac{d(d+1)}{2}", "d*(d+1)/2"),
    ],
)
def test_a_letter_d_that_is_no_derivative_is_read(tex: str, value: str) -> None:
    """A quotient by d, of d by a number, or d(d+1)/2 (entries of a symmetric matrix) is read as shown."""
    names = {n: sympy.Symbol(n, real=True) for n in "adx"}
    assert sympy.simplify(read_expression(tex, {}) - sympy.sympify(value, locals=names)) == 0


def test_a_page_with_a_leibniz_derivative_fails_as_unread_not_as_proved() -> None:
    r"""``\frac{d}{dx} x^2 = 2x`` was read as x = 2x (false); ``\frac{dy}{dx} = \frac{y}{x}`` as true."""
    page = r"The slope is $\frac{d}{dx} x^2 = 2x$ and $\frac{dy}{dx} = \frac{y}{x}$."
    found = check_page(page, {}, {}, page="p.md")
    assert found.read == [] and len(found.errors) == 2
    assert all("is not read" in e and "Leibniz" in e for e in found.errors), found.errors


#: Formulas TeX shows one way and a reading from left to right would read another way (found by an
#: adversarial probe of the reader): each is refused, with the reason given.
MISREAD = {
    r"\sigma^{-1}(x)": "superscript on sigma",  # the inverse, not 1/sigma
    r"\tanh^{-1}(x)": "superscript on tanh",
    r"\sigma^{(2)}(0)": "superscript on sigma",  # the second derivative, not a square
    r"\alpha_1(0)": "function the page does not define",
    r"\sigma_1(2x)": "function the page does not define",
    r"\hat{x}(0)": "function the page does not define",
    r"f(2x) - 2f(x)": "function the page does not define",  # f stands nowhere without a bracket
    r"\pi(0)": "constant times a bracket",
    "e(0)": "constant times a bracket",
    r"\max_i (-x_i)": r"subscript on \max",
    r"\log_2(2x)": r"subscript on \log",
    r"\sqrt[3]{8}": "root of another order",
    r"1\,000": "digits set apart",
    r"2\tfrac12": "mixed number",
    "1.5e3": "scientific notation",
    "1e-3": "scientific notation",
    r"2 \quad 3": "side by side",
    r"d\sigma(x)/dx": "Leibniz",
    r"\frac{dy}{d(x)}": "Leibniz",
    r"\frac{d(y)}{d(x)}": "Leibniz",
    r"\frac{\Delta y}{\Delta x}": "difference quotient",
    r"\tanh 2x": "followed by a product",
    r"\tanh x y": "followed by a product",
    r"\tanh{x}^2": "power after a function's argument",
    "1/2x": "product after a slash",
    "a/bc": "product after a slash",
    r"\operatorname{ReLU}'(0)": "kink",  # read as Heaviside(0) = 1/2, a convention
    "x^T x": "transpose",
    "x^{T}": "transpose",
    "e^x^2": "double superscript",
    r"\Delta x": "change written",
    # a second probe: variants that slipped past the first rules
    "{f}(0)": "bracket after a name in braces",
    r"\pi{(0)}": "bracket after a name in braces",
    r"\alpha_1{(0)}": "bracket after a name in braces",
    r"2\frac1{2}": "mixed number",
    r"2{\tfrac{1}{2}}": "mixed number",
    "1.5e{3}": "scientific notation",
    r"\Delta\theta": "change written",
    r"\Delta{x}": "change written",
    r"\delta\alpha": "change written",
    "W^{(1)} W^{(2)}": "is a matrix",  # W_{12}, an entry, is a number
    r"\hat{W} x": "is a matrix",
}


@pytest.mark.parametrize("tex", list(MISREAD))
def test_formulas_shown_otherwise_than_read_are_refused(tex: str) -> None:
    """Each was read (and could be proved) as something else than it shows; now it is refused."""
    with pytest.raises(TexReadError, match=re.escape(MISREAD[tex])):
        read_expression(tex, FUNCTIONS, MATRICES)


@pytest.mark.parametrize(
    ("tex", "value"),
    [
        ("s(1-s)", "s*(1 - s)"),
        (r"\tanh^2 x", "tanh(x)**2"),
        (r"\tanh^{2}(x)", "tanh(x)**2"),
        (r"\log{(u)}^{2}", "log(u)**2"),
        ("x_1 2", "2*x_1"),
        (r"e^{x}(1+x)", "exp(x)*(1 + x)"),
        (r"\tfrac12 + \tfrac12\tanh(a/2)", "tanh(a/2)/2 + 1/2"),
    ],
)
def test_the_safe_neighbours_of_refused_formulas_are_still_read(tex: str, value: str) -> None:
    """A square of a function, a product with a name that also stands alone, a subscript and a number."""
    names = {n: sympy.Symbol(n, real=True) for n in ("s", "x", "u", "a", "x_1")}
    assert sympy.simplify(read_expression(tex, FUNCTIONS) - sympy.sympify(value, locals=names)) == 0


@pytest.mark.parametrize(
    ("formula", "holds"),
    [
        (r"0.3 \approx 0.00", False),  # 0.00 allowed half a unit (0.5): it allows 0.005
        (r"0.003 \approx 0.00", True),
        (r"2.8 \approx {2.32}", False),  # braced digits were not counted
        (r"\sigma(2) \approx \frac{84}{100}", False),  # a fraction's digits count (sigma(2) = 0.881)
        (r"\sigma(2) \approx 0.88", True),
    ],
)
def test_approx_allows_half_a_unit_of_the_last_printed_digit(formula: str, holds: bool) -> None:
    """The tolerance of an approximation comes from every printed digit, zeros and braces included."""
    found = check_page(f"Here ${formula}$.", {}, {}, page="p.md")
    assert (found.errors == []) is holds, found.errors


@pytest.mark.parametrize("relation", [r"\ne", r"\neq", r"\leqslant", r"\ll", r"\propto", r"\sim", r"\equiv"])
def test_a_relation_the_reader_does_not_read_makes_the_formula_unread(relation: str) -> None:
    r"""``\sigma(0) \ne \tfrac12`` is false; it was not seen as a formula at all, and now must be listed."""
    found = check_page(rf"Here $\sigma(0) {relation} \tfrac12$.", {}, {}, page="p.md")
    assert len(found.errors) == 1 and "is not read" in found.errors[0]


@pytest.mark.parametrize(
    ("page", "error"),
    [
        (r"Let $n = 5 \neq 5$.", "is not read"),  # was taken as the definition of n
        (r"So $\log(0) < 0$.", "not defined"),  # crashed (sympy's complex infinity)
        (r"So $\frac{1}{0} = \infty$.", "not defined"),
        (r"So $\sigma(x) \in (1, 0)$.", "not an interval"),  # crashed (an empty set)
    ],
)
def test_false_or_undefined_formulas_are_never_definitions_nor_crashes(page: str, error: str) -> None:
    """Each formula is an error of the page with its reason: no definition swallows it, no crash."""
    found = check_page(page, {}, {}, page="p.md")
    assert len(found.errors) == 1 and error in found.errors[0], found.errors


def test_a_function_defined_again_is_a_new_example() -> None:
    """Prose reuses f for a new example: the later definition holds from there on (f(1) = 1, not 3)."""
    found = check_page(r"Let $f(x) = 3x$, so $f(1) = 3$. On $f(x) = x^2$, $f(1) = 1$.", {}, {}, page="p.md")
    assert found.errors == [] and len(found.read) == 4
    assert check_page(r"Let $f(x) = 3x$. On $f(x) = x^2$, $f(1) = 3$.", {}, {}, page="p.md").errors


@pytest.mark.parametrize(
    ("formula", "holds"),
    [
        (r"0.99 \approx \sigma(0)", False),  # only the left side is printed: its digits set the tolerance
        (r"0.50 \approx \sigma(0)", True),
        (r"3.6 \approx \pi", False),
        (r"3.14 \approx \pi", True),
        (r"0.03 \approx 0.00", False),
    ],
)
def test_a_printed_left_side_sets_the_tolerance_when_the_right_is_exact(formula: str, holds: bool) -> None:
    r"""``0.99 \approx \sigma(0)`` took its tolerance (0.5) from the 0 inside sigma(0)."""
    found = check_page(f"Here ${formula}$.", {}, {}, page="p.md")
    assert (found.errors == []) is holds, found.errors


@pytest.mark.parametrize(
    ("page", "error"),
    [
        (r"Note $\sigma(0) \lt 1$.", "is not read"),  # \lt was no relation: the formula was never seen
        (r"Note $\sigma(0) ≤ 0$.", "is not read"),
        (r"Note $\infty \approx 1$.", "infinite side"),  # crashed
        (r"Note $\sin(x) = x$, so $\sin(\pi) = \pi$.", "is not read"),  # \sin became a page function
        (r"Let $f(x) = 2x$. Then $f(x) = f(x) + 1$, so $f(1) = 3$.", "does not hold"),  # self-referential
        (r"Take $\pi = \sqrt[3]{27}$.", "is not read"),  # a constant is no name to define
        (r"Take $e = \pm 3$.", "is not read"),
    ],
)
def test_no_function_constant_or_relation_escapes_its_check(page: str, error: str) -> None:
    """Each page states something false; each is now an error of the page, not a definition or silence."""
    found = check_page(page, {}, {}, page="p.md")
    assert found.errors and all(error in e or "is not read" in e for e in found.errors), found.errors
    assert any(error in e for e in found.errors), found.errors


def test_a_reason_does_not_excuse_a_false_formula_of_numbers() -> None:
    """Listed with a reason, sigma(0) = 1 was accepted; a formula of symbols may still need its context."""
    found = check_page(r"So $\sigma(0) = 1$.", {r"\sigma(0) = 1": "checked by `x`"}, {}, page="p.md")
    assert len(found.errors) == 1 and "is read and does not hold" in found.errors[0]
    ok = check_page(r"So $\sigma_B^2 = 0$.", {r"\sigma_B^2 = 0": "a constant batch"}, {}, page="p.md")
    assert ok.errors == []
