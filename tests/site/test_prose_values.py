"""The computed numbers quoted in the chapters' prose, against independent references."""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import mpmath
import pytest

from nnnotes.experiments.prose_values import entries, entry_modules, prose_values, value

VALUES = prose_values()


def v(name: str):
    """The value registered under ``name``."""
    return VALUES[name]()[0]


@pytest.mark.parametrize("name", sorted(VALUES))
def test_every_value_evaluates_and_names_its_source(name) -> None:
    """Each registered value computes, and its source is a non-empty description."""
    value, source = VALUES[name]()
    assert value is not None and isinstance(source, str) and source.strip()


def test_float_constants_against_ieee754() -> None:
    """IEEE 754: 53 and 24 significand bits; exp overflows past log(max), underflows below -1075 ln 2."""
    assert v("float64_bits") == 53 and v("float32_bits") == 24 and v("float64_bytes") == 8
    with mpmath.workdps(30):
        top = float(mpmath.log(sys.float_info.max))
        assert math.isclose(v("exp_overflow_threshold"), top, rel_tol=1e-15)
        assert math.isclose(v("exp_underflow_threshold"), float(-1075 * mpmath.log(2)), rel_tol=1e-15)
    low = v("exp_underflow_threshold")
    assert math.exp(low + 1e-9) > 0.0 == math.exp(low - 1e-9)
    assert math.isclose(v("sigmoid_one_threshold"), 53 * math.log(2)) and v("sigmoid_one_example") == 37
    # binary64: unit roundoff 2^-53; half the smallest subnormal 2^-1074 is 2^-1075
    assert v("float64_unit_roundoff_exponent") == -53 and v("float64_underflow_exponent") == -1075


def test_float64_rounding_of_the_forward_pass_by_hand() -> None:
    """Check by hand that float64 rounds 1 + e^-36 up to 1 + 2^-52, and p1 to 1 - 2^-52.

    e^-36 = 2.32e-16 lies in (2^-53, 3 * 2^-53), so 1 + e^-36 rounds to 1 + 2^-52; then
    1 / (1 + 2^-52) = 1 - 2^-52 + 2^-104 - ..., whose nearest float (spacing 2^-53 below 1) is 1 - 2^-52.
    """
    assert 2.0**-53 < math.exp(-36) < 3 * 2.0**-53
    assert v("mlp_sum_float64_excess_exponent") == -52 and v("mlp_p1_float64_deficit_exponent") == -52


def test_exponent_of_a_power_of_two_refuses_other_numbers() -> None:
    """Only exact powers of two have an exponent; anything else is refused, naming the number."""
    from nnnotes.experiments.quoted_networks import _exponent_of_power_of_two

    assert _exponent_of_power_of_two(2.0**-1074) == -1074 and _exponent_of_power_of_two(1.0) == 0
    for bad in (3.0, 1.0 + 2.0**-52, 0.0):
        with pytest.raises(ValueError, match="not a power of two"):
            _exponent_of_power_of_two(bad)


def test_forward_pass_numbers_by_hand() -> None:
    """By hand: a = (3*2 + 1*1 + 1*2, ...) = (9, -11), h = (9, 0), o = (54, 18); by rows (54, -9)."""
    assert (v("mlp_o1"), v("mlp_o2"), v("mlp_gap")) == (54, 18, 36)
    assert (v("mlp_rows_o2"), v("mlp_rows_gap")) == (-9, 63)
    with mpmath.workdps(30):
        assert math.isclose(v("mlp_p2"), float(mpmath.exp(-36) / (1 + mpmath.exp(-36))), rel_tol=1e-15)
    assert 0.04 < v("mlp_complement_error") < 0.05  # 1 - p1 in float64 is 2^-52 + ... against 2.32e-16


def test_experiment_sizes_by_hand() -> None:
    """Sizes: 2*3*6 autoencoder weights, C(6, 3) critical points, 2*4 + 4 + 4 + 1 tanh parameters."""
    assert v("autoencoder_params") == 36 and v("autoencoder_critical_points") == 20
    assert v("tanh_cp_params") == 17 and v("hvp_params") == 13
    assert v("newton_time_1e6") == "1.85 h"  # 2/3 * 1e18 / 1e14 s = 6667 s


def test_exact_p2_of_the_extreme_rows() -> None:
    """By mpmath: e / (e^1000 + e) = 1.4e-434 and e^-800 / (1 + e^-800) = 3.7e-348 (mpmath, independent)."""
    assert v("underflow_rows") == "$(1000, 1)$ and $(0, -800)$"
    assert v("underflow_probabilities") == "$1.4 \\times 10^{-434}$ and $3.7 \\times 10^{-348}$"


def test_question_network_quoted_from_the_code() -> None:
    """The sheet's network by hand: x = (3, 1, -1); a = 3(2, -1) + (1, -3) - (-2, 5) = (9, -11), h = (9, 0).

    The hidden unit that is off is the second, whose outgoing weights are the second row of W2, (-1, 8).
    """
    assert v("question_x") == "(3, 1, -1)"
    assert v("question_w1") == r"\begin{bmatrix} 2 & -1 \\ 1 & -3 \\ -2 & 5 \end{bmatrix}"
    assert v("question_w2") == r"\begin{bmatrix} 6 & 2 \\ -1 & 8 \end{bmatrix}"
    assert v("question_w1_columns") == "$(2, 1, -2)$ and $(-1, -3, 5)$"
    assert (v("mlp_a"), v("mlp_h"), v("question_dead_weights")) == ("(9, -11)", "(9, 0)", "$-1$ and $8$")


def test_experiment_settings_quoted_from_the_code() -> None:
    """The settings the prose quotes, as the chapters state them (a change of a default shows here)."""
    assert v("uniform_vocabulary") == r"50\,000"
    assert v("lr_study_blowup") == 1e6 and v("plateau_rtol") == "10%"
    assert v("symmetry_max_m") == 4 and v("escape_radius") == 1.0


def test_quoted_errors_probabilities_and_costs_against_independent_references() -> None:
    """The computed numbers of the prose, each against mpmath, fractions or IEEE 754 arithmetic here.

    Float64 results within 2 ulp of the mpmath value (the few roundings of each formula) unless said
    otherwise. The errors of p1 and p2 take the passes' floats to be the correctly rounded p1 and p2.
    """
    with mpmath.workdps(50):
        e36 = mpmath.exp(-36)
        p1, p2 = 1 / (1 + e36), e36 / (1 + e36)  # the exact softmax of the logits (54, 18)
        # float64 p1: p1 = 1 - 2.32e-16 lies between 1 - 3 * 2^-53 and 1 - 2^-52 = 1 - 2.22e-16 (spacing
        # 2^-53 below 1), nearer the second; the forward pass returns that correctly rounded value
        assert float(p1) == 1 - 2.0**-52
        # the errors are evaluated in mpmath and rounded once: within 1 ulp of these
        _near(v("mlp_p1_float64_error"), abs(1 - mpmath.mpf(2) ** -52 - p1) / p1, ulps=1)
        # float32 p2: p2 rounded to 24 bits (the float32 pass returns e^-36 in float32, the same float)
        with mpmath.workprec(24):
            p2_32 = +p2
        _near(v("mlp_p2_float32_error"), abs(p2_32 - p2) / p2, ulps=1)
        # sigma(4) and sigma(3): nnnotes.activations.sigmoid is within 2.5 ulp (its documented bound)
        _near(v("multilabel_p_cat"), 1 / (1 + mpmath.exp(-4)), ulps=2.5)
        _near(v("multilabel_p_dog"), 1 / (1 + mpmath.exp(-3)), ulps=2.5)
        # h^2 + u/h at h = 1e-6 (the float), u = 2^-53: three roundings
        h = mpmath.mpf(1e-6)
        _near(v("fd_jacobian_error"), h**2 + mpmath.mpf(2) ** -53 / h)
        # sqrt of the float 1e-5: IEEE 754 rounds a square root correctly, so equality
        assert v("bn_sqrt_eps") == float(mpmath.sqrt(mpmath.mpf(1e-5)))
    # LU of n = 10^8: (2/3) n^3 = 6.7e23 flops at 1e14 per second = 6.7e9 s, over a year of 365.25 days
    years = Fraction(2, 3) * 10**24 / 10**14 / (Fraction(36525, 100) * 86400)
    assert 211 < years < 211.5 and v("newton_time_1e8") == "211 years"


def _near(got: float, exact: mpmath.mpf, ulps: float = 2.0) -> None:
    """``got`` is within ``ulps`` units in the last place of the float64 nearest to ``exact``."""
    assert isinstance(got, float), got
    assert abs(mpmath.mpf(got) - exact) <= ulps * math.ulp(float(exact)), (got, exact)


def test_two_values_of_one_name_are_refused() -> None:
    """Two different functions marked with one name raise ValueError; the same function twice does not."""

    @value("demo_twice", "a test")
    def first() -> int:
        return 1

    @value("demo_twice", "a test")
    def second() -> int:
        return 2

    with pytest.raises(ValueError, match="'demo_twice' is defined twice"):
        entries([first, second])
    assert entries([first, (first,)])["demo_twice"]() == (1, "a test")


def test_a_new_quoted_module_is_found_without_registering_it(tmp_path) -> None:
    """Every ``quoted_*.py`` of the folder holds entries, in name order; other modules do not."""
    for name in ("quoted_b.py", "quoted_a.py", "helpers.py", "notquoted_c.py"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert entry_modules(tmp_path, "pkg") == ("pkg.quoted_a", "pkg.quoted_b")
