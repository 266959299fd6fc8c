r"""Claims the page checker found nowhere, and conditions it never compared (a third probe of the reader).

Before these tests, a relation inside a bracket or a group (``\boxed{1 = 2}``) and an arrow
(``\sigma(x) \to 1``) made a formula that the checker did not find at all, so a false one passed
unseen; ``2 < x < 1`` was read as two conditions on x although no x meets both; and
``10^{10^{8}}`` made the reader compute an integer of a hundred million digits.
"""

from __future__ import annotations

import time

import pytest
import sympy

from nnnotes.check.texguard import outside_limits
from nnnotes.check.texmath import TexReadError, domain_of, read_expression
from nnnotes.check.texread import tokens
from nnnotes.sitebuild.prosemath import check_page, prose_formulas


@pytest.mark.parametrize(
    "tex",
    [
        "(1 = 2)",
        r"\{1 = 2\}",
        r"\boxed{\sigma(0) = 1}",
        r"\mathrm{1 = 2}",
        r"\color{red}{1 = 2}",
        r"\underbrace{1}_{= 2}",
        r"1 \stackrel{?}{=} 2",
        r"P(y = 1 \mid x)",
    ],
)
def test_a_relation_inside_a_group_makes_the_formula_one_to_list(tex: str) -> None:
    """The reader cannot read a relation there: the page must list the formula, not skip it."""
    found = check_page(f"A claim: ${tex}$.", {}, {}, page="p.md")
    assert found.read == [] and len(found.errors) == 1, (found.read, found.errors)
    assert "is not read" in found.errors[0] and "list it" in found.errors[0]


@pytest.mark.parametrize(
    ("tex", "arrow"),
    [
        (r"\sigma(x) \to 1", r"\to"),
        (r"x \mapsto 2x", r"\mapsto"),
        (r"a \Rightarrow b", r"\Rightarrow"),
        (r"\eta_k \downarrow 0", r"\downarrow"),
        ("x \u2192 0", "\u2192"),
    ],
)
def test_an_arrow_states_something_the_reader_does_not_read(tex: str, arrow: str) -> None:
    """A limit, an implication or a map is a claim: the error names the arrow."""
    found = check_page(f"A claim: ${tex}$.", {}, {}, page="p.md")
    assert len(found.errors) == 1 and f"does not read {arrow!r}" in found.errors[0], found.errors


@pytest.mark.parametrize(
    "tex", [r"\sum_{i=1}^{n} x_i", r"\prod_{k = 1}^{n} a_k", r"\lim_{x \to 0} x", r"\max_{i \in S} w_i"]
)
def test_the_limits_of_a_big_operator_are_no_relation(tex: str) -> None:
    r"""``\sum_{i=1}^n x_i`` states nothing: it is not a formula the page must list."""
    assert prose_formulas(f"The sum ${tex}$.") == []


def test_outside_limits_keeps_what_follows_the_limits() -> None:
    r"""The relation after ``\sum_{i=1}^{n} x_i`` stays, and so does a group that is no limit."""
    kept = outside_limits(tokens(r"\sum_{i=1}^{n} x_i = \boxed{y = 1}"))
    assert kept == tokens(r"\sum x_i = \boxed{y = 1}")


@pytest.mark.parametrize("tex", [r"2 < x < 1", r"x > 0 > x", r"1 > x \ge 1", r"0 \le t < 0"])
def test_conditions_that_leave_no_value_fail(tex: str) -> None:
    """Each link is a condition on one symbol, and together they allow no value of it."""
    found = check_page(f"Take ${tex}$.", {}, {}, page="p.md")
    assert len(found.errors) == 1 and "leave it no value" in found.errors[0], found.errors


@pytest.mark.parametrize("tex", [r"0 < x < 1", r"1 \ge x \ge 1", r"0 \le t < \infty", r"x \in (0, 1)"])
def test_conditions_that_leave_a_value_are_read(tex: str) -> None:
    r"""A single point (``1 \ge x \ge 1``) and an unbounded interval are values enough."""
    found = check_page(f"Take ${tex}$.", {}, {}, page="p.md")
    assert found.errors == [] and len(found.read) == 1


def test_a_domain_that_leaves_no_value_is_refused() -> None:
    """A listed formula's ``where`` is a domain: an empty one would make every claim on it vacuous."""
    assert domain_of("0 < t; t < 1") == {sympy.Symbol("t", real=True): sympy.Interval.open(0, 1)}
    with pytest.raises(TexReadError, match="no value"):
        domain_of("0 < t; t < 0")


@pytest.mark.parametrize(
    ("tex", "named"),
    [
        (r"10^{10^{8}}", "10^{100000000}"),
        (r"2^{2^{2^{5}}}", "2^{4294967296}"),
        (r"(1/2)^{100000}", r"(\frac{1}{2})^{100000}"),
        (r"1 - 10^{-5000}", "10^{-5000}"),
    ],
)
def test_a_power_of_numbers_too_large_to_compute_is_refused_at_once(tex: str, named: str) -> None:
    """The reader used to compute 10^(10^8) exactly, a hundred million digits: it hung.

    The refusal names the power it refused, as the page's author can find it.
    """
    start = time.perf_counter()
    with pytest.raises(TexReadError, match="more than 4000 digits") as refused:
        read_expression(tex, {})
    assert f"({named})" in str(refused.value)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(
    ("tex", "value"),
    [("2^{10}", sympy.Integer(1024)), ("10^{-300}", sympy.Rational(1, 10**300)), ("e^{10^{9}}", None)],
)
def test_powers_of_printable_size_are_still_read(tex: str, value: sympy.Expr | None) -> None:
    """Four thousand digits is far above any power a page prints; ``e^{10^9}`` stays symbolic."""
    read = read_expression(tex, {})
    assert read == (value if value is not None else sympy.exp(10**9))
