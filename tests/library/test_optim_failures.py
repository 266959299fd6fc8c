"""How the optimisers stop: bad arguments, the tolerance, and divergence (non-finite values).

Every expected step count and trajectory below is derived by hand or with mpmath in the docstring.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from nnnotes.optim import DivergenceError, abs_matrix, gradient_descent, newton, saddle_free_newton

MAX = np.finfo(np.float64).max  # (2 - 2^-52) 2^1023, about 1.8e308


def identity_hess(x: np.ndarray) -> np.ndarray:
    """The Hessian of |x|^2 / 2."""
    return np.eye(x.size)


def run(method: str, grad, x0, steps: int, **kwargs) -> np.ndarray:
    """Call one optimiser with the Hessian of |x|^2/2 (and lr 0.5 for gradient descent)."""
    if method == "gradient_descent":
        return gradient_descent(grad, x0, kwargs.pop("lr", 0.5), steps, **kwargs)
    hess = kwargs.pop("hess", identity_hess)
    return {"newton": newton, "saddle_free_newton": saddle_free_newton}[method](
        grad, hess, x0, steps, **kwargs
    )


METHODS = ["gradient_descent", "newton", "saddle_free_newton"]


# ------------------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"grad": None}, TypeError, "grad must be callable, got NoneType"),
        ({"x0": [[1.0]]}, ValueError, r"x0 must be a 1-d array, got shape \(1, 1\)"),
        ({"x0": []}, ValueError, r"x0 must not be empty, got shape \(0,\)"),
        ({"x0": [1.0, np.nan]}, ValueError, "x0 must hold finite numbers"),
        ({"x0": [1.0, np.inf]}, ValueError, "x0 must hold finite numbers"),
        ({"x0": [1j]}, TypeError, "x0 must hold real numbers"),
        ({"steps": -1}, ValueError, "steps must be a non-negative integer, got -1"),
        ({"steps": 2.0}, TypeError, "steps must be an integer, got float"),
        ({"steps": True}, TypeError, "steps must be an integer, got bool"),
        ({"tol": -1e-300}, ValueError, r"tol must lie in \[0.0, inf\]"),
        ({"tol": np.nan}, ValueError, "tol must be finite"),
        ({"tol": "1e-3"}, TypeError, "tol must be a real number, got str"),
    ],
)
def test_bad_common_arguments_are_named(method: str, kwargs, error, match) -> None:
    """Every optimiser refuses a bad grad, x0, steps or tol with an error that names it."""
    args = {"grad": lambda x: x, "x0": [1.0], "steps": 3} | kwargs
    with pytest.raises(error, match=match):
        run(method, **args)


@pytest.mark.parametrize(
    ("lr", "error", "match"),
    [
        (0.0, ValueError, "lr must be a positive finite number, got 0.0"),
        (-0.1, ValueError, "lr must be a positive finite number"),
        (np.inf, ValueError, "lr must be a positive finite number, got inf"),
        (np.nan, ValueError, "lr must be a positive finite number"),
        (True, TypeError, "lr must be a real number, got bool"),
    ],
)
def test_bad_learning_rate_is_named(lr, error, match) -> None:
    """The learning rate must be a finite number > 0."""
    with pytest.raises(error, match=match):
        gradient_descent(lambda x: x, [1.0], lr, 3)


@pytest.mark.parametrize("method", METHODS[1:])
def test_hess_must_be_callable(method: str) -> None:
    """Newton's methods refuse a Hessian that is a matrix rather than a function."""
    with pytest.raises(TypeError, match="hess must be callable, got ndarray"):
        run(method, lambda x: x, [1.0], 3, hess=np.eye(1))


@pytest.mark.parametrize(
    ("damping", "match"), [(-1e-3, r"lie in \[0.0, inf\]"), (np.inf, "be finite, got inf")]
)
def test_bad_damping_is_named(damping: float, match: str) -> None:
    """Damping is a finite number >= 0."""
    with pytest.raises(ValueError, match=f"damping must {match}"):
        saddle_free_newton(lambda x: x, identity_hess, [1.0], 3, damping=damping)


@pytest.mark.parametrize("method", METHODS)
def test_grad_values_are_checked(method: str) -> None:
    """The gradient callable must return real numbers of x's shape."""
    with pytest.raises(ValueError, match=r"grad must return an array of shape \(2,\), got shape \(3,\)"):
        run(method, lambda x: np.zeros(3), [1.0, 2.0], 2)
    with pytest.raises(TypeError, match="the value of grad must hold real numbers"):
        run(method, lambda x: x * 1j, [1.0, 2.0], 2)


@pytest.mark.parametrize("method", METHODS[1:])
def test_hess_values_are_checked(method: str) -> None:
    """The Hessian callable must return a (d, d) real matrix."""
    with pytest.raises(ValueError, match=r"hess must return an array of shape \(2, 2\), got shape \(2,\)"):
        run(method, lambda x: x, [1.0, 2.0], 2, hess=lambda x: np.ones(2))
    with pytest.raises(TypeError, match="the value of hess must hold real numbers"):
        run(method, lambda x: x, [1.0, 2.0], 2, hess=lambda x: 1j * np.eye(2))


@pytest.mark.parametrize(
    ("H", "error", "match"),
    [
        ([1.0, 2.0], ValueError, r"H must be a 2-d array, got shape \(2,\)"),
        (np.ones((2, 3)), ValueError, r"H must be a square matrix, got shape \(2, 3\)"),
        (np.ones((3, 2)), ValueError, r"H must be a square matrix, got shape \(3, 2\)"),
        ([[1.0, np.nan], [np.nan, 1.0]], ValueError, "H must hold finite numbers"),
        ([["a"]], TypeError, "H must hold real numbers"),
    ],
)
def test_abs_matrix_bad_input(H, error, match) -> None:
    """abs_matrix refuses what is not a finite real square matrix, naming H."""
    with pytest.raises(error, match=match):
        abs_matrix(H)


@pytest.mark.parametrize("method", ["newton", "saddle_free_newton"])
def test_singular_hessian_is_an_error(method: str) -> None:
    """H = 0 cannot be inverted (nor |0| + 0 I): ValueError, not a NaN step."""
    with pytest.raises(ValueError, match="singular at the current iterate"):
        run(method, lambda x: x, [1.0], 1, hess=lambda x: np.zeros((1, 1)))


def test_damping_makes_a_singular_hessian_usable() -> None:
    """|0| + 0.5 I = 0.5 I: the step is -g / 0.5, x1 = 1 - 2 = -1."""
    traj = saddle_free_newton(lambda x: x, lambda x: np.zeros((1, 1)), [1.0], 1, damping=0.5)
    assert_array_equal(traj[:, 0], [1.0, -1.0])


# ------------------------------------------------------------------------------------- stopping


@pytest.mark.parametrize("method", METHODS)
def test_zero_steps_return_the_start_without_calling_grad(method: str) -> None:
    """Zero steps give one row, x0 itself (as float64); grad is never evaluated."""

    def grad(x: np.ndarray) -> np.ndarray:
        raise AssertionError("grad called")

    traj = run(method, grad, [1, -2], 0)
    assert traj.dtype == np.float64
    assert_array_equal(traj, [[1.0, -2.0]])


def test_tolerance_includes_equality() -> None:
    """|g| = 1, 0.5, 0.25 on x - 1 from 0 with lr 1/2: tol 0.25 stops at x2 = 0.75 (|g| <= tol)."""
    traj = gradient_descent(lambda x: x - 1.0, [0.0], 0.5, 10, tol=0.25)
    assert_array_equal(traj[:, 0], [0.0, 0.5, 0.75])


def test_tolerance_is_the_euclidean_norm() -> None:
    """With g = x from (3, 4), lr 1/2: |g| = 5, then 2.5 = tol: stop at x1 = (1.5, 2); with tol 2.4, at x2."""
    traj = gradient_descent(lambda x: x, [3.0, 4.0], 0.5, 10, tol=2.5)
    assert_array_equal(traj, [[3.0, 4.0], [1.5, 2.0]])
    assert len(gradient_descent(lambda x: x, [3.0, 4.0], 0.5, 10, tol=2.4)) == 3


def test_zero_tolerance_stops_at_an_exact_critical_point() -> None:
    """Newton on a quadratic: x1 = x* exactly (1-D: x - (2x - 1)/2 = 1/2), g(x1) = 0 <= 0: two rows."""
    traj = newton(lambda x: 2.0 * x - 1.0, lambda x: np.array([[2.0]]), [3.0], 50, tol=0.0)
    assert_array_equal(traj[:, 0], [3.0, 0.5])


@pytest.mark.parametrize(
    ("exponent", "tol_factor", "rows"),
    [
        (-700, 5.0, 1),  # |g| = 5 * 2^-700 exactly; g @ g = 25 * 2^-1400 underflows to 0
        (-700, 4.0, 4),
        (600, 5.0, 1),  # |g| = 5 * 2^600; g @ g = 25 * 2^1200 overflows to inf
        (600, 4.0, 4),
    ],
)
def test_tolerance_at_extreme_gradient_norms(exponent: int, tol_factor: float, rows: int) -> None:
    """A constant gradient (3, 4) 2^e has norm 5 * 2^e: tol 5 * 2^e stops at x0, tol 4 * 2^e never stops."""
    g = np.array([3.0, 4.0]) * 2.0**exponent
    traj = gradient_descent(lambda x: g, [0.0, 0.0], 2.0 ** (-exponent), 3, tol=tol_factor * 2.0**exponent)
    assert len(traj) == rows
    assert_array_equal(traj[-1], -(rows - 1) * np.array([3.0, 4.0]))


# ------------------------------------------------------------------------------------- divergence


def _first_overflow_step(rate: float, lr: float) -> int:
    """First k at which x_k - lr x_k (x_k = (1 - lr)^k, gradient x) overflows: |lr x_{k-1}| or |x_k| > MAX."""
    with mpmath.workdps(40):
        big, r, eta = mpmath.mpf(MAX), mpmath.mpf(rate), mpmath.mpf(lr)
        k = 1
        while abs(eta * r ** (k - 1)) <= big and abs(r**k) <= big:
            k += 1
        return k


@pytest.mark.parametrize(("lr", "step"), [(3.0, 1024), (2.5, 1750), (2.0 + 2.0**-4, None)])
def test_divergence_above_the_threshold_is_caught_at_the_first_overflow(lr: float, step) -> None:
    """On x^2/2 with lr > 2, x_k = (1 - lr)^k; the first step whose update overflows raises.

    lr = 3: 3 * 2^1023 > MAX, so step 1024; lr = 2.5: 2.5 * 1.5^1749 > MAX although 1.5^1750 is not,
    so step 1750 (the update lr * g overflows first); each checked against mpmath.
    """
    expected = _first_overflow_step(1.0 - lr, lr)
    if step is not None:
        assert expected == step
    with pytest.raises(DivergenceError, match=r"gradient_descent: iterate \d+ is not finite") as err:
        gradient_descent(lambda x: x, [1.0], lr, 20_000)
    assert err.value.step == expected
    assert err.value.trajectory.shape == (expected, 1)
    last = float(mpmath.mpf(1.0 - lr) ** (expected - 1))  # the last finite iterate, x_{step - 1}
    assert_allclose(err.value.trajectory[-1, 0], last, rtol=1e-9)


def test_at_the_threshold_the_iterates_oscillate() -> None:
    """At lr = 2 on x^2/2: x - 2x = -x exactly, so x_k = (-1)^k for ever, no divergence."""
    traj = gradient_descent(lambda x: x, [1.0], 2.0, 5000)
    assert_array_equal(traj[:, 0], (-1.0) ** np.arange(5001))


def test_divergence_of_one_coordinate() -> None:
    """x0 = (1e308, 1), g = (-1e308, 0), lr 1: x1 = (2e308, 1) overflows in its first entry only."""
    with pytest.raises(DivergenceError, match=r"gradient_descent: iterate 1 is not finite") as err:
        gradient_descent(lambda x: np.array([-1e308, 0.0]), [1e308, 1.0], 1.0, 5)
    assert err.value.step == 1
    assert_array_equal(err.value.trajectory, [[1e308, 1.0]])


def test_huge_finite_values_are_not_divergence() -> None:
    """Entries of 1.5e308 are finite though their sum and norm (3e308, 2.1e308) overflow: no error."""
    big = np.array([1.5e308, 1.5e308])
    traj = gradient_descent(lambda x: np.zeros(2), big, 1.0, 2)
    assert_array_equal(traj, [big] * 3)
    traj = gradient_descent(lambda x: big, [0.0, 0.0], 2.0**-1000, 2)
    step = -1.5e308 * 2.0**-1000  # exact: a power of two
    assert_array_equal(traj[:, 0], [0.0, step, 2.0 * step])


def test_an_all_nan_iterate_is_caught() -> None:
    """Newton with H = [[a, a], [a, -a]], g = (a, -a), a = 1.7e308 (both finite).

    By hand, LU with partial pivoting: l21 = 1, u22 = -a - a = -inf, g2' = -a - a = -inf, so the
    step is (nan, nan): an iterate of NaN only, which must raise, not be returned.
    """
    a = 1.7e308
    H = np.array([[a, a], [a, -a]])
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.isnan(np.linalg.solve(H, [a, -a])).all(), "precondition: LAPACK's step is all NaN"
    with pytest.raises(DivergenceError, match=r"newton: iterate 1 is not finite") as err:
        newton(lambda x: np.array([a, -a]), lambda x: H, [0.0, 0.0], 3)
    assert err.value.step == 1


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", METHODS)
def test_non_finite_gradient_is_caught_where_it_appears(method: str, bad: float) -> None:
    """With g = 1 while x > 0, else non-finite, Newton's steps (H = I) equal GD's with lr 1 here.

    From 2.5 with steps of 1: x = 2.5, 1.5, 0.5, -0.5; the gradient at iterate 3 is not finite.
    """
    kwargs = {"lr": 1.0} if method == "gradient_descent" else {}
    with pytest.raises(DivergenceError, match=rf"{method}: the gradient at iterate 3 is not finite") as err:
        run(method, lambda x: np.where(x > 0, 1.0, bad), [2.5], 10, **kwargs)
    assert err.value.step == 4
    assert_array_equal(err.value.trajectory[:, 0], [2.5, 1.5, 0.5, -0.5])


def test_one_non_finite_gradient_entry_is_enough() -> None:
    """With g = (nan, 1) at x0: divergence of the gradient at iterate 0, reported with x0 alone."""
    with pytest.raises(DivergenceError, match="the gradient at iterate 0 is not finite") as err:
        gradient_descent(lambda x: np.array([np.nan, 1.0]), [1.0, 1.0], 0.1, 5)
    assert err.value.step == 1
    assert_array_equal(err.value.trajectory, [[1.0, 1.0]])


@pytest.mark.parametrize("method", METHODS[1:])
def test_non_finite_hessian_is_caught_where_it_appears(method: str) -> None:
    """On f = x^4/4 from 3: x_k = 3 (2/3)^k = 3, 2, 4/3 (|H| = H here); H is made NaN below x = 1.5.

    The Hessian at iterate 2 is not finite: step 3, trajectory (3, 2, 4/3). A 2x2 Hessian with one
    NaN entry is caught too.
    """

    def hess(x: np.ndarray) -> np.ndarray:
        return np.array([[3.0 * x[0] ** 2 if x[0] > 1.5 else np.nan]])

    with pytest.raises(DivergenceError, match=rf"{method}: the Hessian at iterate 2 is not finite") as err:
        run(method, lambda x: x**3, [3.0], 10, hess=hess)
    assert err.value.step == 3
    assert_allclose(err.value.trajectory[:, 0], [3.0, 2.0, 4 / 3], rtol=1e-15)
    with pytest.raises(DivergenceError, match="the Hessian at iterate 0") as err:
        run(method, lambda x: x, [1.0, 1.0], 3, hess=lambda x: np.array([[1.0, np.nan], [0.0, 1.0]]))
    assert err.value.step == 1


def test_divergence_error_is_an_arithmetic_error() -> None:
    """It can be caught as ArithmeticError; it carries its message, step and trajectory."""
    err = DivergenceError("went to infinity", step=2, trajectory=np.zeros((2, 1)))
    assert isinstance(err, ArithmeticError)
    assert str(err) == "went to infinity" and err.step == 2 and err.trajectory.shape == (2, 1)


def test_abs_matrix_beyond_the_largest_float_is_an_error() -> None:
    """|[[a, a], [a, -a]]| = sqrt(2) a I: for a = 1.5e308 that is not a float64, so ValueError, no inf."""
    a = 1.5e308
    with pytest.raises(ValueError, match="an entry of \\|H\\| is beyond the largest float64"):
        abs_matrix([[a, a], [a, -a]])
    half = a / 2  # sqrt(2) a / 2 is representable: the same matrix scaled down is fine
    assert_allclose(abs_matrix([[half, half], [half, -half]]), np.sqrt(2) * half * np.eye(2), atol=1e-15 * a)


def test_abs_matrix_is_exactly_symmetric() -> None:
    """The result is symmetric to the last bit, for random symmetric inputs of several sizes."""
    rng = np.random.default_rng(3)
    for d in (2, 5, 9):
        B = rng.normal(size=(d, d))
        P = abs_matrix(B + B.T)
        assert_array_equal(P, P.T)
