"""The 6.2 experiments: the registry of tasks, the multi-label outputs, the table of extreme logits."""

from __future__ import annotations

import math

import mpmath
import pytest
from numpy.testing import assert_allclose

from nnnotes.experiments import losses
from nnnotes.experiments.losses import TASKS, extreme_logit_rows
from nnnotes.losses import binary_cross_entropy_with_logits, cross_entropy, mean_squared_error
from tests.loss_references import bce_reference, ce_reference


def test_registry_covers_the_five_tasks_in_order() -> None:
    """Five tasks as in the source, each pointing at a loss of this module and a real output."""
    assert [t.name.split(" (")[0] for t in TASKS] == [
        "binary classification",
        "multi-class classification",
        "regression",
        "multi-label classification",
        "next-word prediction",
    ]
    expected = ["sigmoid", "softmax", "identity", "sigmoid", "softmax"]
    assert [t.output_impl for t in TASKS] == expected
    assert [t.loss_impl for t in TASKS] == [
        binary_cross_entropy_with_logits,
        cross_entropy,
        mean_squared_error,
        binary_cross_entropy_with_logits,
        cross_entropy,
    ]
    assert_allclose(TASKS[1].output_function()([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    assert_allclose(TASKS[0].output_function()([0.0]), [0.5], rtol=0)
    assert TASKS[2].implementation == '`forward(..., output="identity")`, `mean_squared_error`'


def test_extreme_rows_pinned() -> None:
    """The table of extreme logits: naive values fail, the package's match the exact ones."""
    rows = extreme_logit_rows()
    naive = [r.naive for r in rows]
    assert naive[:4] + naive[5:] == ["NaN", "inf", "inf", "inf", "36.0", "inf", "inf"]
    # -log(1 - 2^-52) = 2^-52 + 2^-105 + 2^-156/3 + ...: just above the midpoint of 2^-52 and the float
    # above it, so numpy's log rounds it down on one CPU (AVX-512) and up on another (AVX2)
    assert naive[4] in ("2.2204460492503131e-16", "2.2204460492503136e-16"), naive[4]
    # the package's floats, printed to 17 digits as the exact column is (repr would print 2e+300)
    assert float(rows[0].package) == 4.248354255291589e-18
    assert rows[0].package == "4.2483542552915889e-18"
    # the float 1 ulp below the exact loss (AVX-512) or the one above it, correctly rounded (AVX2):
    # numpy's exp and log1p differ by CPU
    assert rows[4].package in ("2.3195228302435686e-16", "2.3195228302435691e-16"), rows[4].package
    assert [r.package for r in rows[5:]] == ["36.0", "1000.0", "2.0000000000000001e+300"]
    assert rows[7].package == rows[7].exact  # the float 2e300 is the exact loss: same digits
    assert all(float(r.relative_error) < 4.5e-16 for r in rows)
    assert rows[4].exact == "2.3195228302435691e-16"


def test_exact_helpers_agree_with_test_references() -> None:
    """The module's mpmath references agree with this file's independent formulas."""
    with mpmath.workdps(40):
        assert abs(losses._exact_bce(1000.0, 0.25) - bce_reference(1000.0, 0.25)) < mpmath.mpf(10) ** -30
        assert abs(losses._exact_ce([1.0, 2.0, 3.0], 0) - ce_reference([1.0, 2.0, 3.0], 0)) < 1e-30


def test_output_rows_pinned() -> None:
    """Hand values: sigma(4, 3, -3) sums to 1.98; softmax(4, 3, -3) = e^z / 74.73 sums to 1."""
    rows = losses.output_rows([4.0, 3.0, -3.0])
    assert [(r.output, r.values, r.total) for r in rows] == [
        ("a sigmoid per unit", "0.982, 0.953, 0.0474", "1.98"),
        ("softmax", "0.731, 0.269, 0.000666", "1"),
    ]
    with pytest.raises(ValueError, match="logits must be one vector"):
        losses.output_rows([[1.0]])


def test_extreme_logit_values_cover_every_case() -> None:
    """Eight cases, package and exact side by side; the CE ones by hand: log1p(e^-36), 36, 1000, 2e300."""
    ours, exact = losses.extreme_logit_values()
    assert ours.shape == exact.shape == (8,)
    assert_allclose(exact[4:], [math.log1p(math.exp(-36.0)), 36.0, 1000.0, 2e300], rtol=1e-15)
    assert_allclose(ours, exact, rtol=4.5e-16)


def test_extreme_rows_relative_error_column() -> None:
    """The last column is |ours - exact| / exact printed with 2 digits (exact at 40 digits here)."""
    rows = extreme_logit_rows()
    with mpmath.workdps(40):
        exact = mpmath.log1p(mpmath.exp(-40))  # row 0: BCE at z = 40, y = 1
        expected = mpmath.nstr(abs(mpmath.mpf(float(rows[0].package)) - exact) / exact, 2)
    assert rows[0].relative_error == expected and len(expected.split("e")[0].replace(".", "")) <= 2


def test_extreme_rows_name_the_label_and_the_class_counted_from_one() -> None:
    """BCE rows show the label y; CE rows the class c counted from 1, as the pages number classes."""
    rows = extreme_logit_rows()
    # EXTREME_CASES by hand: BCE labels 1, 0, 1, 0; CE code indices 0, 1, 1, 1 (classes 1, 2, 2, 2)
    assert [r.target for r in rows] == [
        "y = 1",
        "y = 0",
        "y = 1",
        "y = 0",
        "c = 1",
        "c = 2",
        "c = 2",
        "c = 2",
    ]
