"""The adversarial corpus: steps built to fool one strategy of the checker each.

About half are true and half false. Each false step is false in a way that fooled a past
strategy: only far out (beyond any fixed sampling window), only near one point, by ``1e-30``
relative, for lack of an assumption, on a branch of ``log`` or ``sqrt``, or at the one point where
an inequality is tight; each true step needs an assumption, a branch, or a slow simplification.
The truth of every step is known by construction (a hand argument in its note), not taken from
the checker. The tests that judge it are in ``tests/check/test_adversarial.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Abs, E, Max, Min, Rational, exp, log, pi, sqrt, tanh

from nnnotes.proofs.symbolic import sigma

x, y = sympy.symbols("x y", real=True)
t = sympy.Symbol("t", real=True)
p, q = sympy.symbols("p q", positive=True)
n = sympy.Symbol("n", integer=True)
TINY = Rational(1, 10**30)


@dataclass(frozen=True)
class Case:
    """One adversarial step ``start relation end`` and whether it is true (with why)."""

    id: str
    start: Any
    relation: str
    end: Any
    true: bool
    note: str
    domain: dict[Any, Any] = field(default_factory=dict)


def root(base: Any, n: int) -> Any:
    """``base ** (1/n)`` left unevaluated, as a reader writes it before simplifying."""
    return sympy.Pow(base, Rational(1, n), evaluate=False)


def T(id_: str, start: Any, rel: str, end: Any, note: str, domain: dict | None = None) -> Case:
    """A true step."""
    return Case(id_, start, rel, end, True, note, domain or {})


def F(id_: str, start: Any, rel: str, end: Any, note: str, domain: dict | None = None) -> Case:
    """A false step."""
    return Case(id_, start, rel, end, False, note, domain or {})


CORPUS: list[Case] = [
    # ---------------------------------------------------------------- false only far out
    F("min-far", Min(x, 10), "=", x, "fails for x > 10, outside [-8, 8]"),
    F("tanh-squared-far", tanh(x) ** 2, "<=", 1 - TINY, "1 - tanh^2 ~ 4e^{-2|x|} < 1e-30 for |x| > 35"),
    F("max-far-negative", Max(x, -20), "=", x, "fails for x < -20"),
    F("quartic-far", x**2, "<=", 100 + x**4 / 1000, "at x^2 = 500: 500 > 350"),
    F("sigmoid-far", sigma(x), "<=", 1 - exp(-50), "1 - sigma(x) < e^{-50} for x > 50"),
    F("exp-series-far", exp(x / 100), "<=", 1 + x / 100 + x**2 / 10**4, "e^t > 1 + t + t^2 for t > 1.79"),
    F("max-beyond-1e4", Max(x, 10001), "=", 10001, "fails for x > 10001"),
    F("sqrt-gap-beyond-1e4", sqrt(x**2 + 1) - x, ">=", Rational(1, 10**5), "about 1/(2x) < 1e-5 for x > 5e4"),
    F(
        "log-vs-root-far",
        log(p),
        "<=",
        p ** Rational(1, 10),
        "log p > p^{1/10} between about p = 3.2 and p = 3.4e15",
    ),
    F("poly-vs-exp-far", p**20, "<=", exp(p), "p^20 > e^p for 1.1 < p < 89.9"),
    F("linear-vs-log-far", x, "<=", 10**6 + log(1 + x**2), "x grows faster than log(x^2)"),
    F(
        "exp-overflow-region",
        exp(x) / (1 + exp(x)),
        "<",
        1 - exp(-Rational(720)),
        "1 - sigma(x) = sigma(-x) < e^{-720} for x > 720, where float64 exp overflows",
    ),
    F(
        "sigmoid-beyond-3000",
        sigma(x),
        "<=",
        1 - exp(-3000),
        "1 - sigma(x) < e^{-3000} for x > 3000; both sides round to 1 at 50 digits",
    ),
    T(
        "sigmoid-gap-beyond-3000",
        sigma(x),
        "<=",
        1 - exp(-3000) * sigma(-x),
        "1 - sigma(x) = sigma(-x) >= e^{-3000} sigma(-x)",
    ),
    T("softplus-above-identity", log(1 + exp(x)), ">", x, "log(1 + e^x) - x = log(1 + e^{-x}) > 0"),
    T("softplus-gap", log(1 + exp(x)) - x, "<", exp(-x), "log(1 + u) < u for u = e^{-x} > 0"),
    T("gauss-below-cauchy", exp(-(x**2)), "<=", 1 / (1 + x**2), "1 + x^2 <= e^{x^2}"),
    T("exp-above-power-far", p**5, "<", exp(p), "holds on [20, oo)", {p: sympy.Interval(20, sympy.oo)}),
    T("sigmoid-below-one", sigma(x), "<", 1, "1/(1 + e^{-x}) < 1 as e^{-x} > 0"),
    T("tanh-square-below-one", tanh(x) ** 2, "<", 1, "|tanh x| < 1 for every real x"),
    # ---------------------------------------------------------------- false only near one point
    F("touch-at-pi", (x - pi) ** 2, ">", 0, "zero at x = pi"),
    F("touch-at-third", (3 * x - 1) ** 2, ">", 0, "zero at x = 1/3"),
    F("kink-at-three", 2 * Abs(x - 3), ">=", Rational(1, 10**20), "zero at x = 3"),
    F(
        "narrow-dip-at-zero",
        x**2 / (x**2 + Rational(1, 10**20)),
        ">=",
        Rational(1, 2),
        "below 1/2 for |x| < 1e-10",
    ),
    F(
        "narrow-bump-at-e",
        1 / (1 + 10**6 * (x - E) ** 2),
        "<",
        Rational(1, 2),
        "above 1/2 for |x - e| < 1e-3",
    ),
    F("min-off-by-tiny", Min(x, 1 + TINY), "=", Min(x, 1), "differ by 1e-30 for x > 1"),
    F("pole-sign", 1 / (x - 1), ">", -(10**6), "below -1e6 just left of x = 1"),
    F("cancel-off-by-tiny", (x**2 - 1) / (x - 1), "=", x + 1 + TINY, "off by 1e-30 everywhere"),
    T(
        "removable-singularity",
        (x**3 - x) / (x - 1),
        "=",
        x**2 + x,
        "cancel (x - 1); x = 1 is outside the domain of both",
    ),
    T("sign-times-x", sympy.sign(x) * x, "=", Abs(x), "x sign(x) = |x|, also at 0"),
    T("heaviside-ramp", sympy.Heaviside(x) * x, "=", Max(x, 0), "both are 0 at x = 0"),
    T("abs-over-itself", Abs(x - 1) / (x - 1), "=", sympy.sign(x - 1), "both are sign(x - 1) for x != 1"),
    # ---------------------------------------------------------------- off by 1e-30 relative
    F("scaled-identity", x * (1 + TINY), "=", x, "off by x * 1e-30"),
    F("sigmoid-symmetry-tiny", sigma(-x), "=", 1 - sigma(x) + TINY * sigma(x), "off by 1e-30 sigma(x)"),
    F("tanh-identity-tiny", tanh(x), "=", 2 * sigma(2 * x) - 1 + TINY, "off by 1e-30"),
    F("ramanujan-constant", exp(pi * sqrt(163)), "=", 640320**3 + 744, "off by 7.5e-13, i.e. 3e-30 relative"),
    F("exp-scaled", exp(2), "=", exp(2) * (1 + TINY), "off by e^2 * 1e-30"),
    F("log-shifted", log(p * (1 + TINY)), "=", log(p), "off by log(1 + 1e-30), about 1e-30"),
    F("sqrt-regularised", sqrt(x**2 + TINY**2), "=", Abs(x), "differ by 1e-30 at x = 0"),
    F("exp-strictly-above-itself", exp(x), ">", (1 + TINY) * exp(x), "exp(x) < (1 + 1e-30) exp(x)"),
    F("constant-pi-bound", pi, "<=", Rational(355, 113) - Rational(1, 10**6), "355/113 - 1e-6 < pi"),
    T("scaled-above", (1 + TINY) * exp(x), ">=", exp(x), "1e-30 e^x >= 0"),
    T(
        "shrunk-below",
        x / (1 + TINY),
        "<=",
        x,
        "x - x/(1 + 1e-30) = x 1e-30/(1 + 1e-30) >= 0 for x > 0",
        {x: sympy.Interval(0, sympy.oo)},
    ),
    T("pi-below-355-113", pi, "<", Rational(355, 113), "355/113 - pi = 2.7e-7"),
    T("pi-above-333-106", pi, ">", Rational(333, 106), "pi - 333/106 = 8.3e-5"),
    T("e-pi-versus-pi-e", E**pi, ">", pi**E, "23.14 > 22.46"),
    # ---------------------------------------------------------------- true only under an assumption
    F("sqrt-square-real", sqrt(x**2), "=", x, "fails for x < 0"),
    # sympy would simplify these roots as they are built (the step would show no move): unevaluated
    T("sqrt-square-positive", root(p**2, 2), "=", p, "p > 0"),
    F("log-product-real", log(x * y), "=", log(x) + log(y), "x = y = -1: 0 versus 2 i pi"),
    T("log-product-positive", log(p * q), "=", log(p) + log(q), "p, q > 0"),
    F("abs-real", Abs(x), "=", x, "fails for x < 0"),
    T(
        "abs-nonnegative-domain",
        Abs(t),
        "=",
        t,
        "t >= 0 on the declared domain",
        {t: sympy.Interval(0, sympy.oo)},
    ),
    T("square-above-integer", n**2, ">=", n, "n^2 - n = n(n - 1) >= 0 for integers"),
    F("square-above-real", x**2, ">=", x, "fails at x = 1/2"),
    T("am-gm-positive", p + 1 / p, ">=", 2, "(sqrt p - 1/sqrt p)^2 >= 0"),
    F("am-gm-real", x + 1 / x, ">=", 2, "fails for x < 0"),
    F("sqrt-product-real", sqrt(x * y), "=", sqrt(x) * sqrt(y), "x = y = -1: 1 versus -1"),
    T("sqrt-product-positive", root(p * q, 2), "=", sqrt(p) * sqrt(q), "p, q > 0"),
    T(
        "sqrt-square-over-x",
        sqrt(t**2) / t,
        "=",
        1,
        "t > 0 on the declared domain",
        {t: sympy.Interval.open(0, sympy.oo)},
    ),
    F("sqrt-square-over-x-real", sqrt(x**2) / x, "=", 1, "-1 for x < 0"),
    T("reciprocal-below-one", 1 / t, "<", 1, "t > 1", {t: sympy.Interval.open(1, sympy.oo)}),
    F("reciprocal-below-one-wide", 1 / t, "<", 1, "fails on (0, 1]", {t: sympy.Interval.open(0, sympy.oo)}),
    T("quarter-on-unit", t * (1 - t), "<=", Rational(1, 4), "1/4 - t(1 - t) = (t - 1/2)^2", {t: (0, 1)}),
    T("product-nonnegative-unit", t * (1 - t), ">=", 0, "both factors >= 0 on [0, 1]", {t: (0, 1)}),
    F("product-nonnegative-wide", t * (1 - t), ">=", 0, "negative for t > 1", {t: (0, 2)}),
    T(
        "cube-above-on-ray",
        t**3,
        ">=",
        t,
        "t^3 - t = t(t - 1)(t + 1) >= 0 for t >= 1",
        {t: sympy.Interval(1, sympy.oo)},
    ),
    F("cube-above-real", x**3, ">=", x, "fails at x = 1/2"),
    T("abs-kink-in-domain", 1 - Abs(1 - t), ">", 0, "|1 - t| < 1 on (0, 2)", {t: sympy.Interval.open(0, 2)}),
    F("abs-kink-wide-domain", 1 - Abs(1 - t), ">", 0, "fails at t = 2", {t: sympy.Interval(0, 2)}),
    # ---------------------------------------------------------------- branches of log and sqrt
    F("log-square-real", log(x**2), "=", 2 * log(x), "x = -1: 0 versus 2 i pi"),
    T("log-square-positive", log(p**2), "=", 2 * log(p), "p > 0"),
    F("log-reciprocal-real", log(1 / x), "=", -log(x), "x = -1: i pi versus -i pi"),
    T("log-reciprocal-positive", log(1 / p), "=", -log(p), "p > 0"),
    T("sqrt-abs", root(x**2, 2), "=", Abs(x), "the principal root of x^2 is |x|"),
    F("sqrt-reciprocal-real", sqrt(1 / x), "=", 1 / sqrt(x), "x = -1: i versus -i"),
    T("sqrt-reciprocal-positive", root(1 / p, 2), "=", 1 / sqrt(p), "p > 0"),
    T("log-negative-positive", log(-p), "=", log(p) + sympy.I * pi, "principal branch, p > 0"),
    F(
        "cube-root-square-real",
        (x**2) ** Rational(1, 3),
        "=",
        x ** Rational(2, 3),
        "x = -1: 1 versus e^{2 i pi/3}",
    ),
    T("cube-root-square-positive", root(p**2, 3), "=", p ** Rational(2, 3), "p > 0"),
    T("log-sqrt-real", log(sqrt(x)), "=", log(x) / 2, "also for x < 0: log(i s) = log s + i pi/2"),
    T(
        "exp-half-log-real",
        exp(sympy.Mul(log(x), Rational(1, 2), evaluate=False), evaluate=False),
        "=",
        sqrt(x),
        "also for x < 0 on the principal branch",
    ),
    T("log-product-mixed", log(p * y), "=", log(p) + log(y), "p > 0 keeps the argument of y"),
    F("atan-reflection-real", sympy.atan(1 / x), "=", pi / 2 - sympy.atan(x), "off by pi for x < 0"),
    T("atan-reflection-positive", sympy.atan(1 / p), "=", pi / 2 - sympy.atan(p), "p > 0"),
    T(
        "sqrt-shifted-square-ray",
        sqrt(t**2 - 2 * t + 1),
        "=",
        t - 1,
        "t >= 1",
        {t: sympy.Interval(1, sympy.oo)},
    ),
    F("sqrt-shifted-square-real", sqrt(x**2 - 2 * x + 1), "=", x - 1, "fails for x < 1"),
    # ---------------------------------------------------------------- tight at one point
    T("square-nonnegative", x**2 - 2 * x + 1, ">=", 0, "(x - 1)^2"),
    F("square-positive", x**2 - 2 * x + 1, ">", 0, "zero at x = 1"),
    T("am-gm-two", x**2 + 1, ">=", 2 * x, "(x - 1)^2 >= 0"),
    F("am-gm-two-strict", x**2 + 1, ">", 2 * x, "equal at x = 1"),
    T("exp-tangent", exp(x), ">=", 1 + x, "convexity, tight at 0"),
    F("exp-tangent-strict", exp(x), ">", 1 + x, "equal at x = 0"),
    T("log-tangent", log(p), "<=", p - 1, "concavity, tight at p = 1"),
    F("log-tangent-strict", log(p), "<", p - 1, "equal at p = 1"),
    T("sigmoid-slope-bound", sigma(x) * (1 - sigma(x)), "<=", Rational(1, 4), "s(1 - s) <= 1/4"),
    F("sigmoid-slope-bound-strict", sigma(x) * (1 - sigma(x)), "<", Rational(1, 4), "equal at x = 0"),
    T("cos-bound", sympy.cos(x), "<=", 1, "|cos| <= 1"),
    F("cos-bound-strict", sympy.cos(x), "<", 1, "equal at x = 0"),
    T("sin-below-identity", sympy.sin(t), "<=", t, "on [0, oo)", {t: sympy.Interval(0, sympy.oo)}),
    F("sin-below-identity-strict", sympy.sin(t), "<", t, "equal at t = 0", {t: sympy.Interval(0, sympy.oo)}),
    T(
        "sin-below-identity-open",
        sympy.sin(t),
        "<",
        t,
        "strict on (0, oo)",
        {t: sympy.Interval.open(0, sympy.oo)},
    ),
    T("cauchy-half", x / (1 + x**2), "<=", Rational(1, 2), "(x - 1)^2 >= 0"),
    F("cauchy-half-strict", x / (1 + x**2), "<", Rational(1, 2), "equal at x = 1"),
    T("abs-above", Abs(x), ">=", x, "|x| >= x"),
    F("abs-above-strict", Abs(x), ">", x, "equal for x >= 0"),
    T("relu-above", Max(x, 0), ">=", x, "max(x, 0) >= x"),
    F("relu-above-strict", Max(x, 0), ">", x, "equal for x >= 0"),
    T("sqrt-am-gm", sqrt(p), "<=", (1 + p) / 2, "(sqrt p - 1)^2 >= 0"),
    F("sqrt-am-gm-strict", sqrt(p), "<", (1 + p) / 2, "equal at p = 1"),
    T("two-variable-am-gm", 2 * x * y, "<=", x**2 + y**2, "(x - y)^2 >= 0"),
    F("two-variable-am-gm-strict", 2 * x * y, "<", x**2 + y**2, "equal on x = y"),
    # ---------------------------------------------------------------- slow or tricky simplification
    T("trig-pythagoras", sympy.sin(x) ** 2 + sympy.cos(x) ** 2, "=", 1, "trigsimp"),
    T("sinh-square", (exp(x) - exp(-x)) ** 2 / 4, "=", sympy.sinh(x) ** 2, "rewrite to exponentials"),
    T("tanh-exponential", tanh(x), "=", (exp(2 * x) - 1) / (exp(2 * x) + 1), "rewrite to exponentials"),
    T("cosh-sinh", sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2, "=", 1, "rewrite to exponentials"),
    T("sigmoid-slope-cosh", sigma(x) * (1 - sigma(x)), "=", 1 / (2 + 2 * sympy.cosh(x)), "1/(4 cosh^2(x/2))"),
    T("cube-cancel", ((x**2 + 1) ** 3 - 1) / x**2, "=", x**4 + 3 * x**2 + 3, "cancel x^2"),
    F(
        "cube-cancel-tiny",
        ((x**2 + 1) ** 3 - 1) / x**2,
        "=",
        x**4 + 3 * x**2 + 3 + TINY * x,
        "off by 1e-30 x",
    ),
    T("difference-of-squares", (x**2 - y**2) / (x - y), "=", x + y, "cancel x - y"),
    T("eighth-power", (x + y + 1) ** 8, "=", sympy.expand((x + y + 1) ** 8), "expand"),
    F(
        "eighth-power-tiny",
        (x + y + 1) ** 8,
        "=",
        sympy.expand((x + y + 1) ** 8) + TINY * x**3 * y**5,
        "off by 1e-30 x^3 y^5",
    ),
    T("double-angle", sympy.sin(2 * x), "=", 2 * sympy.sin(x) * sympy.cos(x), "expand_trig"),
    F("shifted-sine", sympy.sin(x + Rational(1, 10**20)), "=", sympy.sin(x), "off by about 1e-20 cos x"),
    T("cos-square-half-angle", sympy.cos(x) ** 2, "=", (1 + sympy.cos(2 * x)) / 2, "double angle"),
    T("exp-of-sum", exp(x + y), "=", exp(x) * exp(y), "exponent rule"),
    T("coth-half", (exp(p) + 1) / (exp(p) - 1), "=", 1 / tanh(p / 2), "p > 0 keeps away from the pole"),
    T("relu-difference", Max(x, 0) - Max(-x, 0), "=", x, "piecewise"),
    T("relu-plus-min", Max(x, 0) + Min(x, 0), "=", x, "piecewise"),
    T("abs-as-max", Abs(x), "=", Max(x, -x), "piecewise"),
    T("relu-as-abs", Max(x, 0), "=", (x + Abs(x)) / 2, "piecewise"),
    T("max-plus-min", Max(x, y) + Min(x, y), "=", x + y, "piecewise in two variables"),
    T("max-minus-min", Max(x, y) - Min(x, y), "=", Abs(x - y), "piecewise in two variables"),
    T("max-as-abs", Max(x, y), "=", (x + y + Abs(x - y)) / 2, "piecewise in two variables"),
    F("max-as-abs-wrong", Max(x, y), "=", (x + y + Abs(x + y)) / 2, "x = 1, y = -1: 1 versus 0"),
    F("max-off-diagonal", Max(x, y), "=", y, "fails for x > y"),
    T("nested-radical", sqrt(2) + sqrt(3), "=", sqrt(5 + 2 * sqrt(6)), "square both sides"),
    F("nested-radical-wrong", sqrt(2) + sqrt(3), "=", sqrt(5 + 2 * sqrt(6) + TINY), "off by about 1e-31"),
    T("softmax-two-class", exp(x) / (exp(x) + exp(y)), "=", sigma(x - y), "divide by e^x"),
    F(
        "softmax-two-class-swapped",
        exp(x) / (exp(x) + exp(y)),
        "=",
        sigma(y - x),
        "sigma(y - x) = 1 - sigma(x - y)",
    ),
]

BY_ID = {c.id: c for c in CORPUS}
assert len(BY_ID) == len(CORPUS), "case ids must be unique"
