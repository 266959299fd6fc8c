"""The computed numbers quoted in the chapters' prose, against independent references."""

from __future__ import annotations

import math
import sys

import mpmath
import pytest

from nnnotes.experiments.prose_values import entries, prose_values, value

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
