r"""A third adversarial probe of the prose checker: false claims it passed, relations it missed, crashes.

Each formula below was put among the true ones, or ignored, or crashed `check_page` before its fix
(found by an adversarial probe); a fix in the safe direction fails the formula or asks for it to be
listed, and the true neighbours of each are still read.
"""

from __future__ import annotations

import pytest

from nnnotes.check.texguard import unread_relation
from nnnotes.sitebuild.prosemath import check_page


def _check(tex: str) -> tuple[list[str], int]:
    found = check_page(f"# T\n\nSome text {tex}.\n", {}, {}, page="p.md")
    return found.errors, len(found.read)


@pytest.mark.parametrize(
    "tex",
    [
        "$x^2 + y^2 > 0$",  # false at (0, 0) only: a random sample of pairs never met it
        "$x^2 + y^2 + z^2 > 0$",
        "$(x - 3y)^2 > 0$",  # false on a line
        "$x^2 + 4y^2 > 4xy$",  # strict AM-GM: false where x = 2y
        r"$e^{-100(x - 7.3)^2} \le 10^{-6}$",  # a narrow bump at one of the formula's numbers
        r"$\max(0, 1 - 10^{40}(x - \sqrt{2})^2) = 0$",  # a bump 10^{-20} wide at an irrational number
        r"$e^{10^{20} x} \ge 1$",  # false for x < 0; at x = -10^{-20}, the reciprocal of its number
        r"$\tanh(10^{20} x) \ge 0$",
        # off by less than 10^{-4300}: more digits than a confirmation may take, so enclosures decide
        r"$\sigma(10^4) = 1$",
        r"$1 - \tanh(10^4) = 0$",
        r"$\sigma(x - 10^4) \le \sigma(x - 2 \cdot 10^4)$",
        # zero at the formula's own decimals, which a binary point only rounds: exact arithmetic decides
        "$(x - 1.7)^2 + (y - 2.3)^2 > 0$",
        "$(x - 1.7)^2 + y^2 > 0$",
        "$(x - 1.7)^2 + (y - 2.3)^2 + (z - 0.1)^2 > 0$",
        # \approx conditions that no number meets: 2 and 4, printed as integers, round no common x
        r"$2 \approx x \approx 4$",
        r"$0.5 < x \approx 0.3$",
    ],
)
def test_a_false_claim_that_passed_now_fails(tex: str) -> None:
    """Each is false, as shown; the checker had read it as true (evaluated at points that missed)."""
    errors, read = _check(tex)
    assert read == 0 and len(errors) == 1 and "does not hold" in errors[0], errors


@pytest.mark.parametrize(
    "tex",
    [
        "$(x - y)^2 \\ge 0$",
        "$x^2 + y^2 \\ge 2xy$",
        r"$\sigma(x)(1 - \sigma(x)) = \sigma(x)\sigma(-x)$",
        r"$1 - \tanh^2(x) = 4\sigma(2x)\sigma(-2x)$",
        r"$\sigma(x) + \sigma(-x) = 1$",
        r"$\cosh^2(x) - \sinh^2(x) = 1$",  # at x = -10^4 it cancels past 6000 digits: no counterexample
        r"$\sigma(10^4) < 1$",
        r"$1 - \tanh(10^4) > 0$",
        r"$\sigma(x - 10^4) \ge \sigma(x - 2 \cdot 10^4)$",
        r"$(x - 1.7)^2 + (y - 2.3)^2 \ge 0$",
        "$(x - 1.7)^2 + (y - 2.3)^2 + 10^{-30} > 0$",
        r"$2 \approx x \approx 3$",  # x = 2.5 rounds to both
        r"$0.2 < x \approx 0.3$",
        r"$\hat{x_1} + \hat x_1 = 2\hat{x}_1$",
        r"$\bar\epsilon + \bar{\varepsilon} = 2\bar\epsilon$",
    ],
)
def test_their_true_neighbours_are_still_read(tex: str) -> None:
    """The wider search finds no false counterexample in a true identity or inequality."""
    errors, read = _check(tex)
    assert errors == [] and read == 1


@pytest.mark.parametrize(
    "tex", [r"$e^{-100(x - 7)^2} \le 10^{-6}$", r"$e^{10^{20} x} \ge 1$", r"$e^{-100(x - 7)^2} \le 1$"]
)
def test_exponentials_with_large_coefficients_are_decided_at_once(tex: str) -> None:
    """sympy.factor took e^{-100(x - 7)^2} as a polynomial of degree 1400 in e^x: minutes, or hours."""
    import time

    start = time.perf_counter()
    _check(tex)
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize(
    "tex",
    [
        r"$10^{5000} + 1 = 10^{5000}$",  # more than 4300 digits: Python refuses to print the integer
        r"$x \in [0, 1] \in [2, 3]$",
        r"$x \in (0, 1) < 5$",
        r"$x \in (0, 1) = 2$",
        r"$x > \sqrt{-1}$",
        r"$x < \log(-1)$",
    ],
)
def test_a_formula_that_crashed_the_checker_is_reported(tex: str) -> None:
    """An exception from sympy or mpmath (a ValueError, a printing error) is now a build error."""
    errors, read = _check(tex)
    assert read == 0 and len(errors) == 1 and ("not read" in errors[0] or "not checked" in errors[0])


@pytest.mark.parametrize(
    "tex",
    [
        "$2 \u2a7d 1$",
        r"$3 \gneq 4$",
        r"$1 \Longleftarrow 0$",
        r"$A \subset B$",
        r"$x \hookrightarrow y$",
        r"$a \perp b$",
        r"$a \mid b$",
        "$1 \u2261 2$",
    ],
)
def test_an_unknown_relation_makes_a_formula_to_list(tex: str) -> None:
    """A relation not on the reader's lists was taken for no relation: the formula was ignored."""
    errors, _ = _check(tex)
    assert len(errors) == 1 and "does not read" in errors[0], errors


def test_operators_are_not_relations() -> None:
    """The Unicode operators (minus, times, a sum) are no relation; a harpoon and an arrow are."""
    assert not any(unread_relation(t) for t in ["\u2212", "\u00d7", "\u2211", "+", r"\sum", r"\cdot"])
    assert all(unread_relation(t) for t in [r"\rightleftharpoons", r"\nrightarrow", "\u27f9"])


@pytest.mark.parametrize(
    "page",
    [
        r"$f(0) + x_f = x_f$",  # f(0) read as f times 0, the f of x_f counted as a bare f
        r"$\hat f + f(0) = \hat f$",
        r"Let $f(x) = e^{2x}$. Then $f(x) = f'(x)$",  # a claim, not a second definition of f
        r"Let $f(x) = x^2$. Then $f(x) = f^2(x)$",
    ],
)
def test_a_name_in_another_name_or_in_its_own_body_is_no_licence(page: str) -> None:
    """The checker had proved the first two and taken the last two for new definitions."""
    errors, _ = _check(page)
    assert len(errors) == 1, errors


@pytest.mark.parametrize(
    ("tex", "holds"),
    [
        (r"$\pi \approx x = 3.5$", False),  # the tolerance came from the letter x (one digit): 0.5
        (r"$\sqrt{2} \approx x = 1.85$", False),
        (r"$\pi \approx x = 3.14$", True),
        (r"$8 \approx 2 \cdot 6$", False),  # the decade came from 12, the unrounded side: within 5
        (r"$9 \approx 10 + 4$", False),
        (r"$12 \approx 2 \cdot 6$", True),
        (r"$x = 3.14 \approx \pi$", True),
    ],
)
def test_an_approximation_takes_its_tolerance_from_the_printed_number(tex: str, holds: bool) -> None:
    """Half a unit of the last printed digit of the rounded side, in that side's decade."""
    errors, read = _check(tex)
    assert (errors == [] and read == 1) if holds else (len(errors) == 1 and "not within" in errors[0])


@pytest.mark.parametrize(
    "md",
    [
        "Wrapped $2 + 2\n= 5$ at a line end",  # arithmatex renders inline math across a line end
        r"Written \(2 + 2 = 5\) in brackets",
        "Displayed:\n\n\\[2 + 2 = 5\\]\n\nin brackets",  # its own paragraph (inside one it shows brackets)
    ],
)
def test_math_the_site_renders_is_found(md: str) -> None:
    """Each was rendered as math but never checked: the false claim now fails."""
    errors, _ = _check(md)
    assert len(errors) == 1 and "does not hold" in errors[0], errors


def test_a_blank_line_ends_inline_math() -> None:
    """Two dollar signs a paragraph apart are no formula, as in arithmatex."""
    errors, read = _check("It costs $5.\n\nThen $3 = 4 - 1$ holds")
    assert errors == [] and read == 1


@pytest.mark.parametrize(
    "page",
    [
        r"$a^{(l)}_i = a_i^{(l)} \cdot 2$",  # one name written in two orders: read as two names
        r"$x'_1 = x_1' + 1$",
        r"$\epsilon = \varepsilon + 1$",  # one letter in two shapes
        r"$\hat x_1 = \hat{x_1} + 1$",  # one name, its subscript outside or inside the accent
        r"$\hat{w}'_1 = \hat{w_1'} \cdot 2$",
        r"$\hat\epsilon = \hat\varepsilon + 1$",  # one letter in two shapes, under an accent
        r"$\hat\phi_1 = \hat{\varphi}_1 + 1$",
        r"$x_1 = |x_{1}| + 1$",  # x_{1} is x_1: no definition of x_1 by itself
        r"$ab = |a| + 1$",  # a product, not a name
        r"$x_12 = 3x_1$",  # TeX lowers only the 1
        r"Let $g(x) = x + 1$. Then $g 1 = 5$",  # g(1) as shown; read as the name g times 1
        r"$\ln(8, 2) = 3$",  # sympy's log(8, 2) has base 2; \ln shows none
        r"Let $f(e) = e^2$. So $f(3) = e^2$",  # the body's e read as Euler's number
    ],
)
def test_a_claim_written_as_a_definition_is_no_definition(page: str) -> None:
    """Each was taken for a definition (no check) or proved; now it fails or must be listed."""
    found = check_page(f"# T\n\n{page}.\n", {}, {}, page="p.md")
    assert found.definitions == [] and found.errors, (found.definitions, found.read)
    last = page.split("$")[-2]  # the formula under test (a first one may define g or f)
    assert last not in [f.tex for f, chain, _ in found.read if chain.links[0].kind == "definition"]
