"""The derivations about the quadratic model are true (sympy)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from nnnotes.proofs import quadratic as quadratic_proofs


def test_published_derivations_verify() -> None:
    """Every derivation of the module is true (sympy)."""
    for name in [
        "quadratic_gradient",
        "newton_step_quadratic",
        "gradient_descent_error",
        "learning_rate_threshold",
        "learning_rate_above_threshold",
        "descent_lemma_tight",
        "lu_flop_count",
        "newton_step_critical",
        "newton_step_saddle",
        "saddle_free_step",
        "quartic_step_grows",
        "quartic_overshoot_grows",
    ]:
        assert getattr(quadratic_proofs, name)().verify().verified


def _eliminate_counting(a: np.ndarray) -> int:
    """Gaussian elimination without pivoting on a copy of ``a``; return the flops it performed."""
    a, n, flops = a.copy(), len(a), 0
    for k in range(n - 1):
        for i in range(k + 1, n):
            m = a[i, k] / a[k, k]
            flops += 1
            for j in range(k + 1, n):
                a[i, j] -= m * a[k, j]
                flops += 2
    return flops


def test_lu_flop_count_matches_an_elimination_that_counts() -> None:
    """The derivation's end, 2n^3/3 - n^2/2 - n/6, equals the operations of a real elimination."""
    end = quadratic_proofs.lu_flop_count().steps[-1].expr
    (n,) = end.free_symbols
    rng = np.random.default_rng(0)
    for size in range(1, 9):
        a = rng.normal(size=(size, size)) + size * np.eye(size)
        assert _eliminate_counting(a) == Fraction(2 * size**3, 3) - Fraction(size**2, 2) - Fraction(size, 6)
        assert end.subs(n, size) == sympy.Integer(_eliminate_counting(a))


def test_quartic_diverges_past_the_threshold_for_every_rate() -> None:
    """On x^4/4, from just past x^2 = 2/eta, |x| grows at every step, at least by the first factor.

    Exact arithmetic (sympy: every iterate is a rational times one square root) over rates from
    1/1000 to 10; just inside the threshold the first step shrinks |x| instead.
    """
    for eta in (Fraction(1, 1000), Fraction(1, 10), Fraction(1), Fraction(10)):
        x = x0 = sympy.sqrt(Fraction(2) / eta * Fraction(101, 100))  # x0^2 = 2.02 / eta
        first = sympy.Abs(1 - eta * x0**2)
        assert first > 1
        for _ in range(6):
            nxt = sympy.expand(x * (1 - eta * x**2))
            assert sympy.Abs(nxt) >= first * sympy.Abs(x)
            x = nxt
        inside = sympy.sqrt(Fraction(2) / eta * Fraction(99, 100))
        assert sympy.Abs(inside * (1 - eta * inside**2)) < inside


def test_quartic_overshoot_recursion_by_hand() -> None:
    """After a step on x^4/4, s = eta x^2 is s (1 - s)^2 (by hand: x' = x(1 - s)); past 2 it grows.

    A false version fails: on (1, 2) the same inequality is false (s = 3/2 gives 3/8 < 3/2).
    """
    eta, x = sympy.symbols("eta x", positive=True)
    s = eta * x**2
    assert sympy.expand(eta * (x * (1 - s)) ** 2 - s * (1 - s) ** 2) == 0
    t = sympy.Rational(3, 2)
    assert t * (1 - t) ** 2 < t and 2 * (1 - 2) ** 2 == 2
    d = quadratic_proofs.quartic_overshoot_grows()
    assert d.verify().verified and d.domain == {
        sympy.Symbol("s", real=True): sympy.Interval.open(2, sympy.oo)
    }
