"""The counterexample search names its precision: the caller's mpmath precision changes no result."""

from __future__ import annotations

import mpmath
import pytest
import sympy

from nnnotes.check import Derivation
from nnnotes.check.counterexample import DPS, search
from nnnotes.check.evaluation import StepSides, violates
from nnnotes.check.sampling import candidate_values, free_symbols, inside, symbol_interval
from nnnotes.proofs.symbolic import sigma

x = sympy.Symbol("x", real=True)
y = sympy.Symbol("y", real=True)

#: (name, lhs, rhs, relation): true and false steps of one and two symbols.
STEPS = [
    ("sigmoid-symmetry", [sigma(-x)], [1 - sigma(x)], "="),
    ("tanh-bound-false", [sympy.tanh(x) ** 2], [1 - sympy.Rational(1, 10**30)], "<="),
    ("min-far-false", [sympy.Min(x, 10)], [x], "="),
    ("max-two-symbols", [sympy.Max(x, y)], [(x + y + sympy.Abs(x - y)) / 2], "="),
    ("am-gm-sign-false", [x * y], [(x**2 + y**2) / 2], ">"),
]


def _search(lhs, rhs, rel, deep=False):
    syms = free_symbols(*lhs, *rhs)
    return search(lhs, rhs, rel, syms, {}, seed="precision", deep=deep)


@pytest.mark.parametrize(("name", "lhs", "rhs", "rel"), STEPS, ids=[s[0] for s in STEPS])
@pytest.mark.parametrize("ambient", [5, 300])
def test_search_does_not_depend_on_the_callers_precision(name, lhs, rhs, rel, ambient: int) -> None:
    """The same points, the same verdict and the same counterexample at 5, 15 or 300 ambient digits."""
    reference = _search(lhs, rhs, rel)
    with mpmath.workdps(ambient):
        got = _search(lhs, rhs, rel)
        assert mpmath.mp.dps == ambient  # the search left the caller's precision alone
    assert got == reference
    assert (got.counterexample is None) == (not name.endswith("-false"))


def test_the_counterexample_found_is_real_at_80_digits() -> None:
    """Checked independently of the search: tanh(x)^2 > 1 - 1e-30 at the point it reports."""
    cx = _search([sympy.tanh(x) ** 2], [1 - sympy.Rational(1, 10**30)], "<=").counterexample
    assert cx is not None
    with mpmath.workdps(80):
        at = mpmath.mpf(cx.point["x"])
        assert abs(at) > 35 and mpmath.tanh(at) ** 2 > 1 - mpmath.mpf(10) ** -30


def test_deep_search_does_not_depend_on_the_callers_precision() -> None:
    """The deep pass (far points at thousands of digits) gives the same result at any ambient precision."""
    lhs, rhs = [1 - sympy.tanh(x) ** 2], [4 / (sympy.exp(x) + sympy.exp(-x)) ** 2]
    reference = _search(lhs, rhs, "=", deep=True)
    with mpmath.workdps(7):
        got = _search(lhs, rhs, "=", deep=True)
    assert got == reference and got.counterexample is None and got.max_dps > DPS


def test_a_derivation_checked_at_low_ambient_precision_reads_the_same() -> None:
    """A page that lowered mpmath's precision gets the same verdicts and details as one that did not."""

    def details() -> list[tuple[str | None, str | None]]:
        d = Derivation(sigma(-x), name="ambient").step(1 / (1 + sympy.exp(x)), "definition")
        d.step(1 - sigma(x), r"recognise $1 - \sigma(x)$").verify()
        return [(s.method, s.detail) for s in d.steps]

    reference = details()
    with mpmath.workdps(6):
        assert details() == reference


def test_violates_uses_the_digits_it_is_given() -> None:
    """A gap of 1e-30 breaks an equality at 50 digits whatever the ambient precision (15 by default)."""
    a = mpmath.mpf(1)
    with mpmath.workdps(60):
        b = 1 + mpmath.mpf(10) ** -30
    assert violates("=", a, b, dps=50)
    assert not violates("=", a, b, dps=20)  # below the resolution of 20 digits: rounding, not a gap
    with mpmath.workdps(5):
        assert violates("=", a, b, dps=50)


def test_step_sides_values_are_computed_at_the_requested_digits() -> None:
    """``1 - tanh(40)^2 = 4 e^-80 / (1 + e^-80)^2``, about 7.2e-35: zero at 15 digits, resolved at 60."""
    sides = StepSides([1 - sympy.tanh(x) ** 2], [0], "=", [x])
    low = sides.values([40], dps=15)
    high = sides.values([40], dps=60)
    assert low is not None and high is not None
    with mpmath.workdps(100):
        exact = 4 * mpmath.exp(-80) / (1 + mpmath.exp(-80)) ** 2
        assert low[0][0] == 0
        assert abs(high[0][0] - exact) < mpmath.mpf(10) ** -20 * exact


def test_sampled_values_stay_in_the_domain_and_reach_its_ends() -> None:
    """Every value sampled for t in (0, 2] lies in it; 2 is sampled, 0 is not, and points come near 0."""
    t = sympy.Symbol("t", real=True)
    dom = symbol_interval(t, {t: sympy.Interval.Lopen(0, 2)})
    vals = candidate_values(t, dom)
    assert all(0 < v <= 2 for v in vals)
    assert mpmath.mpf(2) in vals and min(vals) < mpmath.mpf(10) ** -10
    assert inside(2, dom) and not inside(0, dom)


@pytest.mark.parametrize(
    ("rel", "lhs", "rhs", "broken"),
    [("<", 1, 1, True), ("<=", 1, 1, False), (">", 2, 1, False), (">=", 1, 2, True), ("=", 1, 1, False)],
)
def test_violates_relations(rel: str, lhs: int, rhs: int, broken: bool) -> None:
    """Each relation, at its boundary: equality breaks a strict inequality and no other."""
    assert violates(rel, lhs, rhs, dps=30) is broken


@pytest.mark.parametrize(
    ("expr", "bound"),
    [
        (sympy.Symbol("n", integer=True, positive=True), 10**7),
        (sympy.Symbol("k", integer=True) ** 2, 10**13),
    ],
    ids=["positive-integer-below-1e7", "integer-square-below-1e13"],
)
def test_an_integer_symbol_is_searched_far_out_too(expr, bound) -> None:
    """A step false only for integers beyond 10^6 fails (they were once sampled only below 10^6)."""
    syms = free_symbols(expr)
    found = search([expr], [bound], "<", syms, {}, seed="t").counterexample
    assert found is not None
    (value,) = found.point.values()
    assert abs(float(value)) > 1e6 and float(value) == int(float(value))


#: (name, lhs, rhs, relation, exact point, entries whose slack is resolved and on the claim's side)
HELD = [
    ("tanh-far-out", [0], [1 - sympy.tanh(x) ** 2], "<", 1000, {0}),  # 1 - tanh^2 is about 1e-868 there
    ("sigma-far-out", [sigma(x)], [0], ">", -200, {0}),
    ("touch-at-a-decimal", [(x - sympy.Rational(17, 10)) ** 2], [0], ">", sympy.Rational(17, 10), set()),
    ("touch-at-pi-rounding-noise", [sympy.sin(x) ** 2], [0], ">", sympy.pi, set()),  # about 1e-200, 1e-400
    ("wrong-side", [0], [1 - sympy.tanh(x) ** 2], ">", 1000, set()),
    ("binary-float", [(x - sympy.Float(1.7)) ** 2], [0], ">", sympy.Rational(17, 10), set()),
    (
        "two-entries",
        [(x - sympy.Rational(17, 10)) ** 2, 1 - sympy.tanh(x) ** 2],
        [0, 0],
        ">",
        sympy.Rational(17, 10),
        {1},
    ),
]


@pytest.mark.parametrize(("name", "lhs", "rhs", "rel", "at", "held"), HELD, ids=[h[0] for h in HELD])
def test_exact_arithmetic_is_spared_only_where_the_slack_is_resolved(name, lhs, rhs, rel, at, held) -> None:
    """An entry skips the exact check only if its slack at the exact point is resolved and of the right sign.

    A touch (slack exactly 0) computes as rounding noise that shrinks with the digits, or as 0; a
    binary float in the step makes a touch look resolved, so such a step is never spared.
    """
    from nnnotes.check.counterexample import _held_at

    assert _held_at(StepSides(lhs, rhs, rel, [x]), {x: sympy.sympify(at)}) == held


#: (name, a touch of a strict inequality (where the slack is exactly 0), its point as reported)
TOUCHES = [
    (
        "two-decimals",
        (x - sympy.Rational(17, 10)) ** 2 + (y - sympy.Rational(23, 10)) ** 2,
        {"x": "17/10", "y": "23/10"},
    ),
    ("half-pi", (x - sympy.pi / 2) ** 2, {"x": "pi/2"}),  # a closed form with a constant
    ("a-root", (x - 100 * sympy.sqrt(10)) ** 2, {"x": "100*sqrt(10)"}),  # one without
]


@pytest.mark.parametrize(("name", "slack", "point"), TOUCHES, ids=[t[0] for t in TOUCHES])
def test_a_touch_of_a_strict_inequality_is_found_in_exact_arithmetic(name, slack, point) -> None:
    """``slack > 0`` fails where the slack touches 0: the search guesses the exact point and proves it."""
    r = _search([slack], [sympy.S(0)], ">")
    assert r.counterexample is not None
    assert (r.counterexample.point, r.counterexample.certified) == (point, "exact arithmetic")
