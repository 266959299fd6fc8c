"""The vanishing-gradient table and where float64 derivatives become exactly zero."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments.vanishing_gradients import (
    gradient_rows,
    sigmoid_rounds_to_one,
    tanh_rounds_to_one,
    zero_derivative_rows,
)


def test_page_table_pinned() -> None:
    """The page's claims: sigmoid loses > 15 orders of magnitude over 30 layers, ReLU+He stays level."""
    rows = gradient_rows()
    assert [(r.activation, r.init) for r in rows] == [
        ("sigmoid", "glorot"),
        ("tanh", "glorot"),
        ("relu", "glorot"),
        ("leaky relu", "glorot"),
        ("relu", "he"),
    ]
    assert rows[0].ratio < 1e-15
    # tanh with Glorot weights shrinks too, but far more slowly than ReLU with Glorot weights (and
    # than sigmoid): what nnnotes.deepnets says of it, at least a hundredfold apart over 30 layers
    assert rows[0].ratio < rows[2].ratio and 100 * rows[2].ratio < rows[1].ratio < 1
    assert 0.5 < rows[4].ratio < 2
    assert 1e-6 < rows[2].ratio < 1e-3  # about 2^(-29/2) = 4.3e-5
    # the page's rate: Glorot variance 1/n and half the ReLU units active halve the squared norm per
    # layer (hand derivation), so the norm shrinks by 2^(-1/2) per layer; Leaky ReLU (alpha 0.01) alike
    assert rows[2].ratio ** (1 / 29) == pytest.approx(2**-0.5, rel=0.02)
    assert math.log10(rows[3].ratio) == pytest.approx(math.log10(rows[2].ratio), rel=0.05)
    # per_layer reads the norms: their product is the last-over-first ratio (telescoping)
    assert math.prod(rows[0].per_layer()) == pytest.approx(1 / rows[0].ratio, rel=1e-12)
    assert (rows[0].first, rows[0].last) == (rows[0].norms[0], rows[0].norms[-1])


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (0, 53 * math.log(2)),
        (1, 1075 * math.log(2)),
        (3, 1077 * math.log(2) / 2),
    ],
)
def test_zero_thresholds(row: int, expected: float) -> None:
    """Where float64 derivatives become 0, against the closed forms derived by hand."""
    assert_allclose(zero_derivative_rows()[row].zero_from, expected, rtol=1e-12)


def test_tanh_rounds_to_one_at_the_first_float_above_the_closed_form() -> None:
    """The first float64 above x* = ln(2^55 - 1)/2, where 1 - tanh = 2^-54; and above 55/2 ln 2 too."""
    found = tanh_rounds_to_one()
    with mpmath.workdps(60):
        x_star = mpmath.log(mpmath.mpf(2) ** 55 - 1) / 2
        assert mpmath.mpf(float(np.nextafter(found, 0.0))) < x_star < mpmath.mpf(found)
        assert mpmath.mpf(55) / 2 * mpmath.log(2) < mpmath.mpf(found)  # the page says so
        # the exact tanh of the float below is 1 - 2^-53 after rounding, of ``found`` 1
        assert 1 - mpmath.tanh(mpmath.mpf(float(np.nextafter(found, 0.0)))) > mpmath.mpf(2) ** -54


def test_sigmoid_rounds_to_one_at_the_first_float_above_the_closed_form() -> None:
    """The first float64 at or above z* = ln(2^54 - 1), where 1 - sigma = 2^-54; 54 ln 2 to 12 digits.

    Independent of the search: the closed form by mpmath, and the exact sigma of the two floats
    around the answer rounded by mpmath's own conversion to float64 (round to nearest).
    """
    found = sigmoid_rounds_to_one()
    below = float(np.nextafter(found, 0.0))
    with mpmath.workdps(60):
        z_star = mpmath.log(mpmath.mpf(2) ** 54 - 1)
        assert mpmath.mpf(below) < z_star <= mpmath.mpf(found)
        assert float(1 / (1 + mpmath.exp(-mpmath.mpf(found)))) == 1.0
        assert float(1 / (1 + mpmath.exp(-mpmath.mpf(below)))) == 1 - 2.0**-53
    assert abs(found - 54 * math.log(2)) <= 1e-12 * found  # what the page says, to 12 digits
    assert sigmoid_rounds_to_one(80) == found
    with pytest.raises(ValueError, match="dps must be at least 30"):
        sigmoid_rounds_to_one(20)
    with pytest.raises(TypeError, match="dps"):
        sigmoid_rounds_to_one(50.0)


def test_naive_tanh_threshold_near_19() -> None:
    """1 - tanh^2 is 0 from about 19: never after the exact tanh rounds to 1, before it with numpy's loops.

    numpy's AVX2 and AVX-512 loops round tanh to 1 from 18.99; on a CPU without AVX2 it calls the C
    library's tanh, which may round correctly (glibc 2.36 does: 19.06). `test_on_another_cpu` runs
    this on both paths.
    """
    zero_from = zero_derivative_rows()[2].zero_from
    assert 18.9 < zero_from <= tanh_rounds_to_one()
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    if "X86_V3" in simd.get("baseline", []) + simd.get("found", []):
        assert zero_from < 19.0
