r"""Enclosures (`nnnotes.check.enclosure`) hold the exact value, and refuse what they cannot bound.

The reference values are mpmath's at 300 digits, ten times the enclosures' 30: an enclosure that
missed it by a rounding error of the 30-digit evaluation would fail here.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

from nnnotes.check.enclosure import Unsupported, apart, enclose

x, y = sympy.symbols("x y", real=True)

EXPRESSIONS = [
    sympy.exp(x) - 1,
    1 / (1 + sympy.exp(-x)),
    sympy.log(1 + x**2) - x**2,
    sympy.sin(x) ** 2 + sympy.cos(y) / 3,
    sympy.tanh(x) - x,
    sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2,
    sympy.sqrt(x**2 + y**2) - sympy.Abs(x),
    sympy.atan(x) * sympy.sech(y),
    (x - y) ** 3 / (1 + y**4),
    sympy.Max(x, y) - sympy.Min(x, sympy.pi),
    x**4 * sympy.exp(-x) * sympy.E ** (x / 7),
    sympy.coth(x) - sympy.csch(y),
]
POINTS = [(0.3, -1.7), (-2.5, 0.9), (1e-8, 3.0), (12.0, -40.0), (-0.75, 1e-5), (33.3, 2.0)]


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=str)
def test_the_exact_value_is_inside(expr) -> None:
    """At every point, the 300-digit value is within the 30-digit enclosure."""
    f = sympy.lambdify([x, y], expr, modules="mpmath")
    checked = 0
    for px, py in POINTS:
        env = {x: mpmath.mpf(px), y: mpmath.mpf(py)}
        with mpmath.workdps(300):
            try:
                ref = mpmath.mpf(f(mpmath.mpf(px), mpmath.mpf(py)))
            except ZeroDivisionError:
                continue
        lo, hi = enclose(expr, env, 30)
        with mpmath.workdps(300):
            assert lo <= ref <= hi, (expr, px, py, lo, ref, hi)
        checked += 1
    assert checked >= 5


def test_narrow_where_nothing_cancels() -> None:
    """sigma(3) is enclosed to about 20 of the 30 digits (the functions' margin is 2^30 units)."""
    lo, hi = enclose(1 / (1 + sympy.exp(-x)), {x: mpmath.mpf(3)}, 30)
    with mpmath.workdps(60):
        assert 0 < hi - lo < mpmath.mpf(10) ** -18


def test_differences_past_the_digits_are_told_apart() -> None:
    """sigma(10^4) and 1 differ by 10^{-4343}: told apart at 4400 digits, not at 4300."""
    sig = 1 / (1 + sympy.exp(-(sympy.Integer(10) ** 4)))
    one = enclose(sympy.Integer(1), {}, 4400)
    assert apart("=", enclose(sig, {}, 4400), one) and apart(">=", enclose(sig, {}, 4400), one)
    assert not apart("=", enclose(sig, {}, 4300), enclose(sympy.Integer(1), {}, 4300))
    assert not apart("<", enclose(sig, {}, 4400), one)  # sigma(10^4) < 1 holds


@pytest.mark.parametrize(
    "rel, lhs, rhs, fails",
    [
        ("=", (1, 2), (3, 4), True),
        ("=", (1, 3), (2, 4), False),  # overlapping: nothing proved
        ("<=", (5, 6), (3, 4), True),
        ("<=", (3, 6), (3, 4), False),
        ("<", (4, 5), (3, 4), True),  # lhs >= 4 >= rhs
        ("<", (3.9, 5), (3, 4), False),
        (">=", (1, 2), (3, 4), True),
        (">", (1, 3), (3, 4), True),
        (">", (1, 3.1), (3, 4), False),
    ],
)
def test_apart(rel, lhs, rhs, fails) -> None:
    """Apart only where every value of one enclosure breaks the relation with every value of the other."""
    lhs, rhs = tuple(map(mpmath.mpf, lhs)), tuple(map(mpmath.mpf, rhs))
    assert apart(rel, lhs, rhs) is fails


@pytest.mark.parametrize(
    "expr, env",
    [
        (sympy.I * x, {x: 1}),
        (sympy.Function("g")(x), {x: 1}),
        (sympy.log(x), {x: 0}),
        (1 / x, {x: 0}),
        (sympy.sqrt(x), {x: -1}),
        (x + y, {x: 1}),
        (sympy.oo, {}),
        (sympy.gamma(x), {x: 2}),
    ],
    ids=str,
)
def test_what_it_cannot_bound_is_refused(expr, env) -> None:
    """A complex number, an unknown function, a pole, a missing symbol: Unsupported, not a guess."""
    with pytest.raises(Unsupported):
        enclose(expr, {k: mpmath.mpf(v) for k, v in env.items()}, 30)


@pytest.mark.parametrize("dps", [10, 2.5, True, "30"])
def test_dps_is_checked(dps) -> None:
    """Fewer than 20 digits, or not an integer: a ValueError that names dps."""
    with pytest.raises(ValueError, match="dps must be an integer of at least 20"):
        enclose(x, {x: mpmath.mpf(1)}, dps)


def test_a_wide_argument_widens_sine_and_cosine() -> None:
    """cosh^2 - sinh^2 at x = 30 is enclosed 10^5 wide at 30 digits: sin and cos of it may be anything."""
    inner = sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2
    for f in (sympy.sin, sympy.cos):
        lo, hi = enclose(f(inner), {x: mpmath.mpf(30)}, 30)
        assert lo <= f(1).evalf(40) <= hi and hi - lo > 1


@pytest.mark.parametrize(
    "outer",
    [lambda u: u**2, sympy.Abs, lambda u: u**4 + sympy.Abs(u)],
    ids=["square", "abs", "fourth power plus abs"],
)
def test_an_even_function_of_an_enclosure_around_zero_starts_at_zero(outer) -> None:
    """cosh^2 - sinh^2 - 1 is 0, enclosed about 10^5 wide around it: its square and |.| hold 0."""
    inner = sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2 - 1
    lo, hi = enclose(outer(inner), {x: mpmath.mpf(30)}, 30)
    assert lo <= 0 < hi


def test_a_tiny_term_is_not_lost_in_a_sum_that_cancels() -> None:
    """1 + 10^-10000 - 1 at 50 digits: mpmath's fsum drops the tiny term; the enclosure still holds it."""
    a, b, c = sympy.symbols("a b c", real=True)
    with mpmath.workdps(60):
        env = {a: mpmath.mpf(1), b: mpmath.mpf(10) ** -10000, c: mpmath.mpf(-1)}
        lo, hi = enclose(a + b + c, env, 50)
        assert lo <= env[b] <= hi


@pytest.mark.parametrize("f", [sympy.sin, sympy.cos], ids=str)
def test_a_value_with_more_digits_than_the_precision_is_enclosed(f) -> None:
    """At x = 10^40 + 1/3 (200 digits) enclosed at 30 digits: rounding x moves f(x) by about 1."""
    with mpmath.workdps(200):
        point = mpmath.mpf(10) ** 40 + mpmath.mpf(1) / 3
        exact = sympy.N(f(x).subs(x, sympy.Float(point, 200)), 150)
    lo, hi = enclose(f(x), {x: point}, 30)
    with mpmath.workdps(200):
        assert lo <= mpmath.mpf(exact) <= hi


def test_a_symbol_s_value_is_rounded_outward() -> None:
    """The enclosure of x - y at x = 1 + 10^-100 (200 digits), y = 1, at 30 digits holds 10^-100."""
    y = sympy.Symbol("y", real=True)
    with mpmath.workdps(200):
        env = {x: 1 + mpmath.mpf(10) ** -100, y: mpmath.mpf(1)}
    lo, hi = enclose(x - y, env, 30)
    with mpmath.workdps(200):
        assert lo <= mpmath.mpf(10) ** -100 <= hi
