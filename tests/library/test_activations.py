"""Activations: accuracy against mpmath over the whole float64 range, no warnings, clear errors."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes import activations as act
from nnnotes.arrays import as_real_array

#: Working precision of the mpmath references, set locally (``mpmath.workdps``), never globally.
DIGITS = 60

_MAGNITUDES = [
    0.0,
    5e-324,
    1e-300,
    1e-20,
    1e-8,
    0.1,
    0.5,
    1.0,
    2.0,
    10.0,
    18.99,
    19.06,
    20.0,
    36.7,
    36.74,
    37.0,
    40.0,
    100.0,
    372.5,
    373.0,
    373.3,
    500.0,
    708.0,
    709.0,
    709.5,
    709.78,
    710.0,
    744.0,
    745.0,
    745.1,
    745.2,
    746.0,
    1000.0,
    1e10,
    1e300,
    1.7976931348623157e308,
]
_SIMD = np.show_config(mode="dicts")["SIMD Extensions"]
#: numpy's tanh is the bound of its docstring: within 1.5 ulp with numpy's AVX2 and AVX-512 loops,
#: within 2 with the C library's tanh, which numpy calls on a CPU without AVX2 (glibc 2.36: 1.66 ulp
#: at 0.40988918184549306, in `DENSE`). `test_on_another_cpu` runs these tests on both paths.
TANH_ULP = 1.5 if "X86_V3" in _SIMD.get("baseline", []) + _SIMD.get("found", []) else 2.0
_RNG = np.random.default_rng(7)
_POINTS = sorted(
    {
        *_MAGNITUDES,
        *(-m for m in _MAGNITUDES),
        *_RNG.uniform(-60, 60, 150).tolist(),
        *(10 ** _RNG.uniform(-12, 3, 150) * _RNG.choice([-1, 1], 150)).tolist(),
    }
)
X = np.array(_POINTS)


def _sig(v):
    return 1 / (1 + mpmath.exp(-v))


EXACT = {
    "sigmoid": _sig,
    "sigmoid_derivative": lambda v: _sig(v) * _sig(-v),
    "tanh": mpmath.tanh,
    "tanh_derivative": lambda v: 1 / mpmath.cosh(v) ** 2,
    "relu": lambda v: max(v, mpmath.mpf(0)),
    "relu_derivative": lambda v: mpmath.mpf(1) if v > 0 else mpmath.mpf(0),
    "leaky_relu": lambda v: v if v > 0 else mpmath.mpf(0.01) * v,
    "leaky_relu_derivative": lambda v: mpmath.mpf(1) if v > 0 else mpmath.mpf(0.01),
}


def ulp_errors(name: str) -> np.ndarray:
    """Errors of the float64 function in units of the last place of the exact value."""
    got = getattr(act, name)(X)
    out = []
    with mpmath.workdps(DIGITS):
        for x, g in zip(X, got, strict=True):
            e = EXACT[name](mpmath.mpf(float(x)))
            ulp = math.ulp(abs(float(e))) if float(e) != 0 else 5e-324
            out.append(float(abs(mpmath.mpf(float(g)) - e) / ulp))
    return np.array(out)


@pytest.mark.parametrize(
    ("name", "max_ulp"),
    [
        ("sigmoid", 2.5),  # the bounds of test_dense_accuracy, which found errors above 2, 3 and 1
        ("sigmoid_derivative", 4.0),
        ("tanh", TANH_ULP),
        ("tanh_derivative", 4.0),
        ("relu", 0.0),
        ("relu_derivative", 0.0),
        ("leaky_relu", 0.5),
        ("leaky_relu_derivative", 0.0),
    ],
)
def test_accuracy_in_ulp(name: str, max_ulp: float) -> None:
    """Every function is within a few ulp of mpmath (60 digits) on ~400 points from 5e-324 to 1.8e308."""
    assert ulp_errors(name).max() <= max_ulp


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (-745.0, 5e-324),
        (-710.0, 4.4762862256751e-309),
        (710.0, 1.0),
        (0.0, 0.5),
        (-1e308, 0.0),
    ],
)
def test_sigmoid_extremes(x: float, expected: float) -> None:
    """Values at the edge of the float64 range, against 1/(1+e^-x) in mpmath."""
    with mpmath.workdps(DIGITS):
        exact = float(_sig(mpmath.mpf(x)))
    assert_allclose(float(act.sigmoid(x)), exact, rtol=3e-16, atol=0)
    assert_allclose(float(act.sigmoid(x)), expected, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", sorted(EXACT))
def test_no_warning_for_any_finite_input(name: str) -> None:
    """Finite extremes raise no numpy warning (pytest turns warnings into errors)."""
    big = np.array(
        [-1.7976931348623157e308, -1e300, -746.0, -5e-324, 0.0, 5e-324, 746.0, 1e300, 1.7976931348623157e308]
    )
    assert np.all(np.isfinite(getattr(act, name)(big)))


@pytest.mark.parametrize(
    ("name", "at_minus_inf", "at_plus_inf"),
    [
        ("sigmoid", 0.0, 1.0),
        ("sigmoid_derivative", 0.0, 0.0),
        ("tanh", -1.0, 1.0),
        ("tanh_derivative", 0.0, 0.0),
        ("relu", 0.0, np.inf),
        ("relu_derivative", 0.0, 1.0),
        ("leaky_relu", -np.inf, np.inf),
        ("leaky_relu_derivative", 0.01, 1.0),
    ],
)
def test_infinities_give_limits_and_nan_stays_nan(name: str, at_minus_inf: float, at_plus_inf: float) -> None:
    """The documented results: limits at +-inf, NaN only where the input is NaN."""
    out = getattr(act, name)([-np.inf, np.nan, np.inf, 1.0])
    assert out[0] == at_minus_inf and out[2] == at_plus_inf
    assert np.isnan(out[1]) and not np.isnan(out[3])


@pytest.mark.parametrize("name", sorted(EXACT))
def test_shapes_and_scalars(name: str) -> None:
    """Any shape in, same shape out, float64; a scalar gives a 0-d array."""
    f = getattr(act, name)
    assert f(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert f(1).shape == () and f(1).dtype == np.float64
    assert f([True, False]).dtype == np.float64


@pytest.mark.parametrize("bad", [["a"], [1j], np.array([object()])])
def test_non_real_input_is_refused(bad) -> None:
    """Strings, complex numbers and objects raise TypeError naming the argument."""
    with pytest.raises(TypeError, match="x must hold real numbers"):
        act.sigmoid(bad)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan")])
def test_alpha_out_of_range(alpha: float) -> None:
    """Leaky ReLU's slope must lie in [0, 1]."""
    with pytest.raises(ValueError, match="alpha must (lie in|be finite)"):
        act.leaky_relu([1.0], alpha=alpha)


def test_alpha_type() -> None:
    """A non-number alpha is a TypeError."""
    with pytest.raises(TypeError, match="alpha must be a real number"):
        act.leaky_relu_derivative([1.0], alpha="0.1")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_derivatives_match_central_differences(name: str) -> None:
    """Each derivative agrees with a central difference away from the kink at 0."""
    x = np.array([-3.0, -0.7, 0.3, 2.5])
    h = 1e-6
    f, df = getattr(act, name), getattr(act, name + "_derivative")
    assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-8, atol=1e-10)


def test_derivative_conventions_at_zero() -> None:
    """At the kink the derivatives return the left-hand value: 0 for ReLU, alpha for Leaky ReLU."""
    assert float(act.relu_derivative(0.0)) == 0.0
    assert float(act.leaky_relu_derivative(0.0, alpha=0.2)) == 0.2


def test_maxima_are_exact() -> None:
    """sigma'(0) = 1/4 and tanh'(0) = 1 exactly, the bounds shown on the page."""
    assert float(act.sigmoid_derivative(0.0)) == 0.25
    assert float(act.tanh_derivative(0.0)) == 1.0


def test_textbook_formulas_fail_where_ours_do_not() -> None:
    """At x = 40 the textbook sigma(1 - sigma) is 0; ours matches e^-40/(1+e^-40)^2 (mpmath)."""
    s = float(act.sigmoid(40.0))
    assert s * (1 - s) == 0.0
    with mpmath.workdps(DIGITS):
        exact = float(mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2)
    assert_allclose(float(act.sigmoid_derivative(40.0)), exact, rtol=5e-16)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_alpha_edges_are_allowed(alpha: float) -> None:
    """The ends of [0, 1] are valid slopes: alpha = 0 is ReLU, alpha = 1 the identity."""
    x = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(act.leaky_relu(x, alpha=alpha), np.maximum(x, alpha * x))
    assert np.array_equal(act.leaky_relu_derivative(x, alpha=alpha), [alpha, alpha, 1.0])


@pytest.mark.parametrize("name", sorted(EXACT))
def test_empty_input_gives_an_empty_array(name: str) -> None:
    """No entries in, no entries out (the shape is kept): nothing to compute, nothing to raise."""
    out = getattr(act, name)(np.zeros((0, 3)))
    assert out.shape == (0, 3) and out.dtype == np.float64


def test_float64_input_is_not_copied() -> None:
    """The converter hands a float64 array back as it is: a softmax over a vocabulary copies nothing."""
    a = np.linspace(-1.0, 1.0, 5)
    assert as_real_array(a) is a
    assert as_real_array(np.arange(3)).dtype == np.float64


@pytest.mark.parametrize("name", sorted(EXACT))
def test_a_long_input_gives_the_values_of_its_pieces(name: str) -> None:
    """Inputs longer than a block (they are computed block by block) give what short pieces give."""
    f = getattr(act, name)
    x = np.random.default_rng(8).normal(scale=30.0, size=7 * 7100)  # 3 blocks and a part
    pieces = np.concatenate([f(x[i : i + 1000]) for i in range(0, x.size, 1000)])
    assert np.array_equal(f(x), pieces)
    assert np.array_equal(f(x.reshape(7, -1)), pieces.reshape(7, -1))


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_leaky_relu_limits_at_the_alpha_edges(alpha: float) -> None:
    """At alpha = 0 (ReLU) and 1 (identity): the limits at -inf and inf, NaN only for NaN, no warning."""
    got = act.leaky_relu([-np.inf, np.inf, np.nan, -2.0], alpha=alpha)
    assert_allclose(got, [-np.inf if alpha else 0.0, np.inf, np.nan, -2.0 * alpha])


def test_sigmoid_is_one_from_53_log_2_although_the_exact_value_rounds_to_one_from_54_log_2() -> None:
    """As the docstring says: 1 exactly when x >= 53 ln 2; the correctly rounded value is 1 from 54 ln 2."""
    for x in np.linspace(36.5, 37.6, 1101):
        with mpmath.workdps(50):
            exact_is_one = float(1 / (1 + mpmath.exp(-mpmath.mpf(float(x))))) == 1.0
        assert (float(act.sigmoid(x)) == 1.0) == (x >= 53 * math.log(2)), x
        assert exact_is_one == (x >= 54 * math.log(2)), x


def test_integers_beyond_int64_are_converted_and_beyond_float64_refused() -> None:
    """Python integers too large for int64 become float64; beyond float64 they are a ValueError naming x."""
    assert_allclose(as_real_array([2**64, -(2**70)]), [2.0**64, -(2.0**70)], rtol=0)
    assert float(act.sigmoid(10**20)) == 1.0
    with pytest.raises(ValueError, match="x holds an integer too large for float64"):
        act.sigmoid([1, 10**400])


def test_relu_derivative_of_minus_zero_is_minus_zero() -> None:
    """The docstring's convention: -0.0 gives -0.0 (a zero too), +0.0 gives +0.0."""
    d = act.relu_derivative([-0.0, 0.0])
    assert d.tolist() == [0.0, 0.0] and np.signbit(d).tolist() == [True, False]


#: The inputs where the square form (2u/(1+u^2))^2, u = e^-|x|, was furthest off (5.19 and 4.87 ulp)
#: in a search over 282 000 points against mpmath, with numpy's AVX-512 exponential; with its AVX2
#: one (NPY_DISABLE_CPU_FEATURES="X86_V4 AVX512_ICL") they are 2.19 and 4.87 ulp off.
SQUARE_FORM_WORST = (11.446036982290302, 5.212752695438665)
#: The worst inputs found by a search over 140 000 points of [-745, 40] against mpmath, for sigmoid
#: (2.10 ulp), sigmoid_derivative (3.70) and numpy's tanh (1.13): above the bounds 2, 3 and 1 that
#: `test_accuracy_in_ulp` applied before this sample existed.
SEARCH_WORST = (-36.85793479586696, 2.6425719991936205, 0.5068488279095504)


def _dense_ulp(name: str, x: np.ndarray, got: np.ndarray) -> np.ndarray:
    """Errors of ``got`` in ulp of the exact ``name`` at ``x`` (mpmath, 40 digits)."""
    with mpmath.workdps(40):
        out = []
        for v, g in zip(x.tolist(), got.tolist(), strict=True):
            e = EXACT[name](mpmath.mpf(v))
            ulp = math.ulp(abs(float(e))) if float(e) != 0 else 5e-324
            out.append(float(abs(mpmath.mpf(g) - e) / ulp))
    return np.array(out)


def _dense_sample() -> np.ndarray:
    rng = np.random.default_rng(20261130)
    x = np.concatenate(
        [
            rng.uniform(-40.0, 40.0, 8000),
            rng.uniform(-746.0, -40.0, 1500),
            rng.uniform(40.0, 374.0, 1500),
            np.linspace(353.9, 354.1, 201),  # tanh_derivative's switch of formula
            np.linspace(372.4, 373.4, 1000),  # tanh_derivative's last non-zero values
            10 ** rng.uniform(-10, 0, 800) * rng.choice([-1.0, 1.0], 800),
            SQUARE_FORM_WORST,
            SEARCH_WORST,
        ]
    )
    return np.concatenate([x, -x[-1500:]])


DENSE = _dense_sample()


@pytest.mark.parametrize(
    ("name", "max_ulp"),
    [("sigmoid", 2.5), ("sigmoid_derivative", 4.0), ("tanh", TANH_ULP), ("tanh_derivative", 4.0)],
)
def test_dense_accuracy(name: str, max_ulp: float) -> None:
    """Within the bound the docstrings state, on 14 500 points of [-746, 374] and at the formulas' edges.

    The ~400 points of `test_accuracy_in_ulp` spread over the whole range; this sample is dense where
    the errors are largest and holds the worst inputs of wider searches (`SEARCH_WORST`,
    `SQUARE_FORM_WORST`), which the sparse sample missed.
    """
    assert _dense_ulp(name, DENSE, getattr(act, name)(DENSE)).max() <= max_ulp


def test_the_square_form_would_be_worse() -> None:
    """The alternative the docstring rejects, (2u/(1+u^2))^2, is more than 4.5 ulp off at one input."""
    x = np.array(SQUARE_FORM_WORST)
    u = np.exp(-np.abs(x))
    square = (2 * u / (1 + u * u)) ** 2
    assert _dense_ulp("tanh_derivative", x, square).max() > 4.5
    assert _dense_ulp("tanh_derivative", x, act.tanh_derivative(x)).max() <= 4.0


def test_tanh_derivative_far_range() -> None:
    """Non-zero exactly where the exact value rounds to a non-zero float64; inf and NaN mixed in."""
    x = np.array([373.25, 373.259, 373.26, np.nan, -np.inf, 400.0, 1e308, 2.0])
    got = act.tanh_derivative(x)
    with mpmath.workdps(40):
        nonzero = [float(1 / mpmath.cosh(mpmath.mpf(v)) ** 2) != 0 for v in x[:3].tolist()]
    assert nonzero == [True, True, False]
    assert (got[:3] != 0).tolist() == nonzero
    assert np.isnan(got[3]) and got[4] == got[5] == got[6] == 0.0
    with mpmath.workdps(DIGITS):
        at_two = float(1 / mpmath.cosh(2) ** 2)
    assert got[7] == pytest.approx(at_two, rel=4e-16)


@pytest.mark.parametrize(("x", "nonzero"), [(373.25, True), (-373.25, True), (1e308, False)])
def test_tanh_derivative_far_single_entry(x: float, nonzero: bool) -> None:
    """A single far entry takes the far formula too: non-zero up to 373.26, no overflow warning past it."""
    got = float(act.tanh_derivative(x))
    with mpmath.workdps(40):
        exact = 1 / mpmath.cosh(mpmath.mpf(x)) ** 2
        error = abs(mpmath.mpf(got) - exact)
    assert (got != 0) == nonzero == (float(exact) != 0)
    assert error <= 4 * 5e-324


@pytest.mark.parametrize("x", [[-709.79], [-709.85], [-709.99], [-709.79, -709.85, -709.99]])
def test_sigmoid_just_below_the_overflow_limit_of_exp(x) -> None:
    """Between -709.78 (where e^-x overflows) and -710: no warning, and within 2.5 ulp of mpmath.

    Each input alone too: the path is chosen by the least entry of the call, so a threshold moved
    below -709.78 (say to -709.9) sends -709.79 alone to 1/(1 + e^-x), which overflows to 0.
    """
    # numpy's default error handling (an underflow to a subnormal is intended), every warning an error
    with warnings.catch_warnings(), np.errstate(divide="warn", over="warn", under="ignore", invalid="warn"):
        warnings.simplefilter("error")
        got = act.sigmoid(x)
    with mpmath.workdps(50):
        exact = [1 / (1 + mpmath.exp(-mpmath.mpf(v))) for v in x]
        errors = [abs(mpmath.mpf(g) - e) for g, e in zip(got.tolist(), exact, strict=True)]
    # the values (5.5e-309 to 4.5e-309) are subnormal: an ulp is 5e-324 there
    assert all(err <= max(2.5 * math.ulp(float(e)), 5e-324) for err, e in zip(errors, exact, strict=True))
