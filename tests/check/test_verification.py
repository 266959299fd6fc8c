"""Numeric claims and the verification report."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from nnnotes.check.record import BuildRecord
from nnnotes.check.verification import (
    ClaimError,
    claim,
    claim_close,
    claim_exact,
    report_markdown,
)


def test_claim_close_passes_within_tolerance_and_records(record: BuildRecord) -> None:
    """A true claim returns a check and is recorded with its page."""
    with record.on_page("chapter.md"):
        c = claim_close("p1", "$p_1 = 1/(1+e^{-36})$", 1.0, 1 / (1 + mpmath.exp(-36)), atol=1e-15)
    assert c.ok and c.record.page == "chapter.md"
    assert record.records[-1].name == "p1"
    assert 'id="check-p1"' in c.markdown()


def test_claim_close_fails_outside_tolerance(record: BuildRecord) -> None:
    """p1 = 1 is false at 1e-16 absolute tolerance: e^-36 is about 2.3e-16."""
    with pytest.raises(ClaimError, match="claim 'p1-tight' is false"):
        claim_close("p1-tight", "p1 = 1", 1.0, 1 / (1 + mpmath.exp(-36)), atol=1e-16)
    assert record.records[-1].ok is False


def test_claim_close_arrays_report_worst_entry() -> None:
    """For arrays, the message names the entry that breaks the tolerance."""
    with pytest.raises(ClaimError, match="worst entry 2"):
        claim_close("arr", "arrays", [1.0, 2.0, 3.5], [1.0, 2.0, 3.0], rtol=1e-12)


def test_claim_close_infinities_and_shapes() -> None:
    """Equal infinities match; mismatched shapes are an error naming both shapes."""
    claim_close("inf", "log(0) = -inf", [-np.inf], [-np.inf])
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        claim_close("shape", "s", [1.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize(("rtol", "atol"), [(-1.0, 0.0), (0.0, -1e-3)])
def test_negative_tolerances_are_rejected(rtol: float, atol: float) -> None:
    """Tolerances must be non-negative."""
    with pytest.raises(ValueError, match="non-negative"):
        claim_close("neg", "s", 1.0, 1.0, rtol=rtol, atol=atol)


def test_claim_exact() -> None:
    """Exact claims compare sympy numbers and integer arrays exactly."""
    claim_exact("ex1", "1/3+1/6", sympy.Rational(1, 3) + sympy.Rational(1, 6), sympy.Rational(1, 2))
    claim_exact("ex2", "ints", np.array([9, 0]), [9, 0])
    with pytest.raises(ClaimError):
        claim_exact("ex3", "ints", np.array([9, 1]), [9, 0])
    with pytest.raises(ClaimError):
        claim_exact("ex4", "float is not exact", 0.1 + 0.2, 0.3)


def test_claim_bool() -> None:
    """claim() takes a computed truth value and refuses non-booleans."""
    claim("b1", "true", bool(np.all(np.array([1, 2]) > 0)), detail="all positive")
    with pytest.raises(ClaimError):
        claim("b2", "false", False, detail="d")
    with pytest.raises(TypeError, match="holds must be a bool"):
        claim("b3", "x", 1, detail="d")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method must be"):
        claim("b4", "x", True, detail="d", method="vibes")
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        claim("", "x", True, detail="d")


def test_claim_exact_takes_a_sympy_float_at_its_exact_value() -> None:
    """``Float(0.3)`` is 0.29999999999999998889...: not 3/10 (sympy alone would call the difference 0)."""
    assert sympy.simplify(sympy.Float(0.3) - sympy.Rational(3, 10)) == 0  # the trap
    with pytest.raises(ClaimError):
        claim_exact("float-vs-rational", "$0.3 = 3/10$", sympy.Float(0.3), sympy.Rational(3, 10))
    with pytest.raises(ClaimError):
        claim_exact(
            "float-in-expr",
            "$x + 0.1 = x + 1/10$",
            sympy.Symbol("x") + 0.1,
            sympy.Symbol("x") + sympy.Rational(1, 10),
        )
    claim_exact("float-exact-half", "$0.5 = 1/2$", sympy.Float(0.5), sympy.Rational(1, 2))


def test_report_lists_every_check_with_totals_and_links(record: BuildRecord) -> None:
    """The report counts checks by method and links each to its page and anchor."""
    with record.on_page("a.md"):
        claim("r1", "one", True, detail="d")
        claim_exact("r2", "two", 2, 2)
    text = report_markdown(lambda page, anchor: f"../{page[:-3]}/" + (f"#{anchor}" if anchor else ""))
    assert "**2 checks**" in text and "**0 failed**" in text
    assert "| exact | 1 |" in text and "| numeric | 1 |" in text
    assert "[r1](../a/#check-r1)" in text
    assert " ms |" not in text  # no timings by default: builds stay byte-identical
    assert " ms |" in report_markdown(timings=True)


def test_report_without_checks() -> None:
    """An empty record says so."""
    assert report_markdown() == "No checks were recorded in this build."


def test_report_counts_proved_and_evaluated_steps_and_shows_domains(record: BuildRecord, monkeypatch) -> None:
    """Derivation steps are counted as proved or only evaluated; each derivation shows its domain."""
    from nnnotes.check import strategies
    from nnnotes.check.derivation import Derivation

    t = sympy.Symbol("t", real=True)
    with record.on_page("a.md"):
        Derivation((t + 1) ** 2, name="proved").step(t**2 + 2 * t + 1, "expand").verify()
        monkeypatch.setattr(strategies, "ZERO_STRATEGIES", ())
        Derivation(sympy.sin(t) ** 2 + sympy.cos(t) ** 2, name="evaluated", domain={t: (0, 1)}).step(
            1, "Pythagoras"
        ).verify()
    text = report_markdown()
    assert "**2 steps**: **1 proved**" in text and "**1 only evaluated**" in text
    assert r"| $t \in \left[0, 1\right]$ |" in text and r"| $t \in \mathbb{R}$ |" in text
    assert "evaluated, not proved: no strategy proved it; no counterexample at" in text
