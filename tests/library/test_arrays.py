"""The shared argument checker: conversions, defaults, bounds, and messages that name the argument."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from nnnotes.arrays import as_real_array, nonnegative_int, positive_int, real_number

# ------------------------------------------------------------------------------------ as_real_array


def test_defaults_accept_nan_and_empty() -> None:
    """Without ``finite`` or ``nonempty``, NaN, infinities and empty input pass through unchanged."""
    a = as_real_array([1.0, math.nan, -math.inf], "x")
    assert a.dtype == np.float64
    assert a[0] == 1.0 and math.isnan(a[1]) and a[2] == -math.inf
    empty = as_real_array([], "x")
    assert empty.dtype == np.float64 and empty.shape == (0,)


def test_integer_array_is_converted() -> None:
    """An int64 ndarray is returned as float64 with the same values (integers below 2^53 are exact)."""
    a = as_real_array(np.array([1, -2, 3], dtype=np.int64), "x")
    assert a.dtype == np.float64
    assert a.tolist() == [1.0, -2.0, 3.0]


def test_float64_array_is_not_copied_when_checked() -> None:
    """A float64 array is returned as the same object, also when a check is asked for."""
    x = np.zeros((2, 3))
    assert as_real_array(x, "x") is x
    assert as_real_array(x, "x", ndim=2) is x
    assert as_real_array(x, "x", ndim=2, finite=True, nonempty=True) is x


def test_ndim_checked_on_float64_array() -> None:
    """A float64 ndarray of the wrong rank is refused, naming the argument and the shape."""
    with pytest.raises(ValueError, match=re.escape("batch must be a 2-d array, got shape (3,)")):
        as_real_array(np.zeros(3), "batch", ndim=2)


@pytest.mark.parametrize("flags", [{"finite": True}, {"finite": True, "nonempty": True}])
def test_finite_checked_on_float64_array(flags: dict[str, bool]) -> None:
    """NaN and infinities in a float64 ndarray are refused when ``finite`` is set, alone or with others."""
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError, match="^z must hold finite numbers"):
            as_real_array(np.array([0.0, bad]), "z", **flags)


def test_finite_accepts_finite_values() -> None:
    """``finite=True`` returns finite input, of one or many entries, unchanged."""
    assert as_real_array([1.0], "z", finite=True).tolist() == [1.0]
    assert as_real_array([0.0, -2.5], "z", finite=True).tolist() == [0.0, -2.5]


def test_finite_refuses_nan_in_a_list() -> None:
    """NaN in a list is refused when ``finite`` is set, naming the argument."""
    with pytest.raises(ValueError, match="^z must hold finite numbers"):
        as_real_array([math.nan], "z", finite=True)


def test_nonempty() -> None:
    """``nonempty=True`` refuses an empty input, naming it, and accepts one or more entries."""
    with pytest.raises(ValueError, match=re.escape("batch must not be empty, got shape (0,)")):
        as_real_array([], "batch", nonempty=True)
    with pytest.raises(ValueError, match="^batch must not be empty"):
        as_real_array(np.zeros((0, 2)), "batch", nonempty=True)
    assert as_real_array([7.0], "batch", nonempty=True).tolist() == [7.0]
    assert as_real_array([1.0, 2.0], "batch", nonempty=True).tolist() == [1.0, 2.0]


def test_python_integers_beyond_int64() -> None:
    """Python integers too large for int64 become floats (2^70 and -2^64 are powers of two, exact)."""
    a = as_real_array([2**70, -(2**64), 3], "x")
    assert a.dtype == np.float64
    assert a.tolist() == [2.0**70, -(2.0**64), 3.0]


def test_python_integer_beyond_float64() -> None:
    """An integer above the largest float64 (about 1.8e308) is refused with a ValueError naming it."""
    with pytest.raises(ValueError, match="^counts holds an integer too large for float64"):
        as_real_array([10**400], "counts")


@pytest.mark.parametrize(
    "bad",
    [[None], [2**70, None], [2**70, "1"], np.array([], dtype=object)],
    ids=["none", "big-int-and-none", "big-int-and-str", "empty-object"],
)
def test_objects_refused(bad: object) -> None:
    """Objects other than Python integers are refused with a TypeError naming the argument and dtype.

    numpy would turn None into NaN and "1" into 1.0; the checker must not.
    """
    with pytest.raises(TypeError, match="^z must hold real numbers, got an array of dtype object"):
        as_real_array(bad, "z")


def test_complex_and_strings_refused() -> None:
    """Complex numbers and strings are refused with a TypeError naming the argument."""
    with pytest.raises(TypeError, match="^w must hold real numbers, got an array of dtype complex128"):
        as_real_array([1 + 0j], "w")
    with pytest.raises(TypeError, match="^w must hold real numbers"):
        as_real_array(["1.0"], "w")


# ------------------------------------------------------------------------------------ real_number


def test_real_number_defaults_accept_zero_and_negatives() -> None:
    """Without ``positive`` or bounds, zero and negative numbers are returned as floats."""
    assert real_number(0.0, "shift") == 0.0
    assert real_number(-1.5, "shift") == -1.5
    assert real_number(-3, "shift") == -3.0 and type(real_number(-3, "shift")) is float


def test_real_number_positive_accepts_positive() -> None:
    """``positive=True`` accepts any positive finite number, below or above 1."""
    assert real_number(0.5, "lr", positive=True) == 0.5
    assert real_number(2.0, "lr", positive=True) == 2.0
    assert real_number(1e-300, "lr", positive=True) == 1e-300


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_real_number_positive_refuses(bad: float) -> None:
    """``positive=True`` refuses zero, negatives, infinity and NaN, naming the argument."""
    with pytest.raises(ValueError, match="^lr must be a positive finite number"):
        real_number(bad, "lr", positive=True)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_real_number_refuses_non_finite(bad: float) -> None:
    """Infinities and NaN are refused even without ``positive``, naming the argument."""
    with pytest.raises(ValueError, match="^momentum must be finite, got"):
        real_number(bad, "momentum")


def test_real_number_refuses_huge_integer() -> None:
    """An integer beyond float64 is refused with a ValueError naming the argument, not an OverflowError."""
    with pytest.raises(ValueError, match="^steps must be finite, got an integer too large for float64"):
        real_number(10**400, "steps")


def test_real_number_bounds_inclusive() -> None:
    """The bounds are inclusive: both ends of [0, 1] are accepted."""
    assert real_number(0.0, "alpha", low=0.0, high=1.0) == 0.0
    assert real_number(1.0, "alpha", low=0.0, high=1.0) == 1.0
    assert real_number(1.0, "alpha", high=1.0) == 1.0
    assert real_number(0.0, "alpha", low=0.0) == 0.0


def test_real_number_low_bound_alone() -> None:
    """A value below ``low`` is refused with the interval [low, inf] in the message."""
    with pytest.raises(ValueError, match=re.escape("alpha must lie in [0.0, inf], got -1.0")):
        real_number(-1.0, "alpha", low=0.0)


def test_real_number_high_bound_alone() -> None:
    """A value above ``high`` is refused with the interval [-inf, high] in the message."""
    with pytest.raises(ValueError, match=re.escape("alpha must lie in [-inf, 1.0], got 2.0")):
        real_number(2.0, "alpha", high=1.0)


def test_real_number_one_bound_violated_of_two() -> None:
    """Violating one of two bounds is enough to be refused."""
    with pytest.raises(ValueError, match=re.escape("beta must lie in [0.0, 1.0], got -0.5")):
        real_number(-0.5, "beta", low=0.0, high=1.0)
    with pytest.raises(ValueError, match=re.escape("beta must lie in [0.0, 1.0], got 1.5")):
        real_number(1.5, "beta", low=0.0, high=1.0)


@pytest.mark.parametrize("bad", [True, np.bool_(False), "0.1", None, 1j])
def test_real_number_type_errors(bad: object) -> None:
    """Booleans, strings, None and complex numbers are refused with a TypeError naming the argument."""
    with pytest.raises(TypeError, match="^lr must be a real number, got"):
        real_number(bad, "lr")


# ------------------------------------------------------------------------------------ integers


def test_positive_int_accepts_one() -> None:
    """1 is the smallest positive integer: accepted, and numpy integers come back as Python ints."""
    assert positive_int(1, "steps") == 1
    out = positive_int(np.int64(5), "steps")
    assert out == 5 and type(out) is int


def test_positive_int_refuses_zero_and_negative() -> None:
    """0 and -3 are refused with a ValueError naming the argument."""
    for bad in (0, -3):
        with pytest.raises(ValueError, match=f"^steps must be a positive integer, got {bad}$"):
            positive_int(bad, "steps")


def test_nonnegative_int() -> None:
    """0 and 1 are accepted, -1 refused with a ValueError naming the argument."""
    assert nonnegative_int(0, "seed") == 0
    assert nonnegative_int(1, "seed") == 1
    with pytest.raises(ValueError, match="^seed must be a non-negative integer, got -1$"):
        nonnegative_int(-1, "seed")


@pytest.mark.parametrize("bad", [True, 2.0, "3", None])
def test_integers_type_errors(bad: object) -> None:
    """Booleans, floats, strings and None are refused with a TypeError naming the argument."""
    with pytest.raises(TypeError, match="^steps must be an integer, got"):
        positive_int(bad, "steps")
    with pytest.raises(TypeError, match="^steps must be an integer, got"):
        nonnegative_int(bad, "steps")
