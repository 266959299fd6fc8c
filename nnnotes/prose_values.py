"""The computed numbers that chapters quote in their prose, by name.

A chapter writes ``{{ name }}`` (or ``{{ name:format }}``) where it quotes one of these numbers; the
site build (`nnnotes.sitebuild.prose`) replaces the placeholder by the value, with its source as a
tooltip. Each entry is a function of no arguments returning ``(value, source)``, where the source
names the package function (or claim) the value comes from: the functions are tested, so every
number in the prose is.

Examples
--------
>>> value, source = VALUES["float64_underflow_exponent"]()
>>> value, source
(-1075, 'float64: half the smallest subnormal, 2^-1074 (math.ulp(0.0))')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

__all__ = ["VALUES", "value"]

#: Name to a function of no arguments returning (value, source).
VALUES: dict[str, Callable[[], tuple[Any, str]]] = {}


def value(name: str, source: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function (no arguments) as the computed number ``name``.

    Examples
    --------
    >>> @value("demo_two", "doctest")
    ... def _two() -> int:
    ...     return 1 + 1
    >>> VALUES["demo_two"]()
    (2, 'doctest')
    >>> del VALUES["demo_two"]
    """

    def register(f: Callable[[], Any]) -> Callable[[], Any]:
        if name in VALUES:
            raise ValueError(f"computed value {name!r} is registered twice")
        cached = functools.cache(f)
        VALUES[name] = lambda: (cached(), source)
        return f

    return register


@value("float64_underflow_exponent", "float64: half the smallest subnormal, 2^-1074 (math.ulp(0.0))")
def _underflow_exponent() -> int:
    return int(math.log2(math.ulp(0.0))) - 1


def _default(func: Callable[..., Any], param: str) -> Any:
    """Return the default of ``func``'s parameter ``param``: the value a page's block uses."""
    import inspect

    return inspect.signature(func).parameters[param].default


def _register_defaults(rows: list[tuple[str, str, str]]) -> None:
    """Register ``name`` as the default of ``module.function``'s parameter, for each row."""
    import importlib

    for name, qualname, param in rows:
        module, func = qualname.rsplit(".", 1)

        def get(module: str = module, func: str = func, param: str = param) -> Any:
            return _default(getattr(importlib.import_module(module), func), param)

        value(name, f"{qualname}({param}=...), the default the page's block runs with")(get)


_register_defaults(
    [
        # 6.5
        ("symmetry_inputs", "nnnotes.experiments.symmetry.check_symmetries", "D"),
        ("symmetry_test_points", "nnnotes.experiments.symmetry.check_symmetries", "n_inputs"),
        ("threshold_steps", "nnnotes.experiments.quadratic.threshold_runs", "steps"),
        ("gd_tolerance", "nnnotes.experiments.quadratic.newton_vs_gradient_descent", "tol"),
        ("contour_steps", "nnnotes.figures.optim.quadratic_trajectories_figure", "steps"),
        ("assumed_flops", "nnnotes.experiments.curvature.hessian_cost", "flops_per_second"),
        ("hvp_hidden", "nnnotes.experiments.curvature.tanh_regression_problem", "hidden"),
        ("hvp_examples", "nnnotes.experiments.curvature.tanh_regression_problem", "n"),
    ]
)


@value("threshold_lr", "2 / lambda for the default lambda of nnnotes.experiments.quadratic.threshold_runs")
def _threshold_lr() -> float:
    from nnnotes.experiments.quadratic import threshold_runs

    return 2.0 / _default(threshold_runs, "lam")


@value(
    "gd_small_lr",
    "nnnotes.experiments.quadratic.newton_vs_gradient_descent: the first learning rate of its table",
)
def _gd_small_lr() -> float:
    from nnnotes.experiments.quadratic import newton_vs_gradient_descent

    return float(newton_vs_gradient_descent(kappas=(1.0,))[0].lr)


@value("float64_bytes", "numpy: np.dtype(np.float64).itemsize")
def _float64_bytes() -> int:
    import numpy as np

    return int(np.dtype(np.float64).itemsize)


@value("newton_time_1e6", "nnnotes.experiments.curvature.hessian_cost: time of the factorisation at n = 10^6")
def _newton_time_1e6() -> str:
    from nnnotes.experiments.curvature import hessian_cost

    return hessian_cost((6,))[0].time


@value("newton_time_1e8", "nnnotes.experiments.curvature.hessian_cost: time of the factorisation at n = 10^8")
def _newton_time_1e8() -> str:
    from nnnotes.experiments.curvature import hessian_cost

    return hessian_cost((8,))[0].time


@value("largest_table_n", "nnnotes.experiments.curvature.hessian_cost: the largest model size of its table")
def _largest_table_n() -> float:
    from nnnotes.experiments.curvature import hessian_cost

    return 10.0 ** max(_default(hessian_cost, "exponents"))


@value("hvp_params", "nnnotes.experiments.curvature.tanh_regression_problem: size of theta")
def _hvp_params() -> int:
    from nnnotes.experiments.curvature import tanh_regression_problem

    return int(tanh_regression_problem()[0].size)


@value("hvp_inputs", "nnnotes.experiments.curvature.tanh_regression_problem: columns of X")
def _hvp_inputs() -> int:
    from nnnotes.experiments.curvature import tanh_regression_problem

    return int(tanh_regression_problem()[1].shape[1])


_register_defaults(
    [
        # 6.4
        ("bn_eps", "nnnotes.batchnorm.batch_norm", "eps"),
        ("bn_momentum", "nnnotes.batchnorm_layer.BatchNorm", "momentum"),
        ("fd_step", "nnnotes.batchnorm_jacobian.central_difference_jacobian", "h"),
        ("lr_study_steps", "nnnotes.experiments.landscape_seeds.learning_rate_study", "steps"),
    ]
)


@value("bn_sqrt_eps", "sqrt of the default eps of nnnotes.batchnorm.batch_norm")
def _bn_sqrt_eps() -> float:
    from nnnotes.batchnorm import batch_norm

    return math.sqrt(_default(batch_norm, "eps"))


@value(
    "fd_jacobian_error",
    "h^2 + u/h for the default h of nnnotes.batchnorm_jacobian.central_difference_jacobian, "
    "u = 2^-53 the unit roundoff",
)
def _fd_error() -> float:
    from nnnotes.batchnorm_jacobian import central_difference_jacobian

    h = _default(central_difference_jacobian, "h")
    return h * h + 2.0**-53 / h


_register_defaults(
    [
        # 6.1
        ("reparam_inputs", "nnnotes.experiments.sigmoid_as_tanh.equivalence_rows", "n"),
        ("deep_depth", "nnnotes.deepnets.gradient_norms", "depth"),
        ("deep_width", "nnnotes.deepnets.gradient_norms", "width"),
    ]
)


@functools.cache
def _sheet_errors() -> tuple[float, float]:
    from nnnotes.experiments.sigmoid_as_tanh import equivalence_rows

    errors = [r.sheet_max_abs_difference for r in equivalence_rows()]
    return min(errors), max(errors)


@value(
    "sheet_map_error_min",
    "nnnotes.experiments.sigmoid_as_tanh.equivalence_rows: smallest error of the source's map",
)
def _sheet_min() -> float:
    return _sheet_errors()[0]


@value(
    "sheet_map_error_max",
    "nnnotes.experiments.sigmoid_as_tanh.equivalence_rows: largest error of the source's map",
)
def _sheet_max() -> float:
    return _sheet_errors()[1]


def _orders_lost(activation: str, init: str) -> float:
    import numpy as np

    from nnnotes.deepnets import gradient_norms

    g = gradient_norms(activation, init=init)
    return float(np.log10(g[-1] / g[0]))


@value("sigmoid_orders_lost", "nnnotes.deepnets.gradient_norms('sigmoid'): log10 of last over first layer")
def _sig_lost() -> float:
    return _orders_lost("sigmoid", "glorot")


@value("tanh_orders_lost", "nnnotes.deepnets.gradient_norms('tanh'): log10 of last over first layer")
def _tanh_lost() -> float:
    return _orders_lost("tanh", "glorot")


@value("relu_glorot_orders_lost", "nnnotes.deepnets.gradient_norms('relu'): log10 of last over first layer")
def _relu_lost() -> float:
    return _orders_lost("relu", "glorot")


@value("deep_leaky_alpha", "nnnotes.activations.leaky_relu: the default slope, used by nnnotes.deepnets")
def _deep_alpha() -> float:
    from nnnotes.activations import leaky_relu

    return float(_default(leaky_relu, "alpha"))


@value("exp_overflow_threshold", "log of the largest float64, math.log(sys.float_info.max)")
def _overflow() -> float:
    import sys

    return math.log(sys.float_info.max)


@value("exp_underflow_threshold", "log of 2^-1075, below which exp rounds to 0 in float64")
def _underflow() -> float:
    return -1075 * math.log(2)


@value("float64_max", "sys.float_info.max")
def _float_max() -> float:
    import sys

    return sys.float_info.max


@value(
    "softmax_reference_digits",
    "nnnotes.experiments.softmax_stability.stability_rows: mpmath working precision",
)
def _softmax_digits() -> int:
    from nnnotes.experiments.softmax_stability import REFERENCE_DPS

    return REFERENCE_DPS


def _exact_p2_tex(z1: int, z2: int) -> str:
    import mpmath

    with mpmath.workdps(50):
        p = mpmath.exp(z2) / (mpmath.exp(z1) + mpmath.exp(z2))
        mant, exp = mpmath.nstr(p, 2, min_fixed=0, max_fixed=0).split("e")
    return f"{mant} \\times 10^{{{int(exp)}}}"


@value("p2_row_1000", "mpmath at 50 digits: e^1 / (e^1000 + e^1), the exact second probability")
def _p2_1000() -> str:
    return _exact_p2_tex(1000, 1)


@value("p2_row_800", "mpmath at 50 digits: e^-800 / (1 + e^-800), the exact second probability")
def _p2_800() -> str:
    return _exact_p2_tex(0, -800)


# 6.3: the forward pass of the question's network, exactly and in floating point
@functools.cache
def _passes() -> dict[str, Any]:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK
    from nnnotes.mlp import forward
    from nnnotes.proofs.exact_forward import exact_forward

    x, weights = QUESTION_NETWORK
    return {"exact": exact_forward(x, weights)} | {
        f: forward(x, weights, arithmetic=f) for f in ("float64", "float32")
    }


@value("mlp_o1", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): the first logit")
def _o1() -> int:
    return int(_passes()["exact"].logits[0])


@value("mlp_o2", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): the second logit")
def _o2() -> int:
    return int(_passes()["exact"].logits[1])


@value("mlp_gap", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): o1 - o2")
def _gap() -> int:
    o = _passes()["exact"].logits
    return int(o[0] - o[1])


@value(
    "mlp_rows_o2",
    "nnnotes.proofs.exact_forward.exact_forward([9, 0], [W2], layout='W @ x'): the second logit",
)
def _rows_o2() -> int:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK
    from nnnotes.proofs.exact_forward import exact_forward

    h = _passes()["exact"].activations[0]
    return int(exact_forward([int(v) for v in h], [QUESTION_NETWORK[1][1]], layout="W @ x").logits[1])


@value("mlp_rows_gap", "nnnotes.proofs.exact_forward.exact_forward([9, 0], [W2], layout='W @ x'): o1 - o2")
def _rows_gap() -> int:
    return _o1() - _rows_o2()


def _rel_error(fmt: str, k: int) -> float:
    import mpmath
    import sympy

    exact = _passes()["exact"].outputs[k]
    with mpmath.workdps(40):
        ref = mpmath.mpf(sympy.N(exact, 45))
        return float(abs(mpmath.mpf(float(_passes()[fmt].outputs[k])) - ref) / ref)


@value("mlp_p2", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): p2 evaluated by sympy")
def _p2() -> float:
    import sympy

    return float(sympy.N(_passes()["exact"].outputs[1], 30))


@value("mlp_p1_float64_error", "relative error of float64 p1 against the exact pass (mpmath, 40 digits)")
def _p1_err64() -> float:
    return _rel_error("float64", 0)


@value("mlp_p2_float32_error", "relative error of float32 p2 against the exact pass (mpmath, 40 digits)")
def _p2_err32() -> float:
    return _rel_error("float32", 1)


@value("mlp_complement_error", "relative error of 1 - p1 as p2 in float64 (mpmath, 40 digits)")
def _complement_err() -> float:
    import mpmath
    import sympy

    p = _passes()
    with mpmath.workdps(40):
        ref = mpmath.mpf(sympy.N(p["exact"].outputs[1], 45))
        c = 1.0 - float(p["float64"].outputs[0])
        return float(abs(mpmath.mpf(c) - ref) / ref)


@value("float32_bits", "numpy: np.finfo(np.float32).nmant + 1")
def _f32_bits() -> int:
    import numpy as np

    return int(np.finfo(np.float32).nmant) + 1


@value("float32_tiny", "numpy: np.finfo(np.float32).tiny, the smallest normal float32")
def _f32_tiny() -> float:
    import numpy as np

    return float(np.finfo(np.float32).tiny)


_register_defaults([("rounding_digits", "nnnotes.experiments.forward_pass.rounding_rows", "dps")])


# 6.2
@value("float64_bits", "numpy: np.finfo(np.float64).nmant + 1")
def _f64_bits() -> int:
    import numpy as np

    return int(np.finfo(np.float64).nmant) + 1


@value("sigmoid_one_threshold", "53 log 2: from there on e^-z < 2^-53 and float64 rounds 1 + e^-z to 1")
def _sig_one() -> float:
    import numpy as np

    return (int(np.finfo(np.float64).nmant) + 1) * math.log(2)


@value("sigmoid_one_example", "the first integer above 53 log 2 (claim 6-2-sigmoid-37-is-one checks it)")
def _sig_one_example() -> int:
    return math.ceil(_sig_one())


def _multilabel_sigmoid(k: int) -> float:
    from nnnotes.activations import sigmoid
    from nnnotes.experiments.losses import MULTILABEL_LOGITS

    return float(sigmoid(MULTILABEL_LOGITS[k]))


@value(
    "multilabel_p_cat",
    "nnnotes.activations.sigmoid of the first of nnnotes.experiments.losses.MULTILABEL_LOGITS",
)
def _p_cat() -> float:
    return _multilabel_sigmoid(0)


@value(
    "multilabel_p_dog",
    "nnnotes.activations.sigmoid of the second of nnnotes.experiments.losses.MULTILABEL_LOGITS",
)
def _p_dog() -> float:
    return _multilabel_sigmoid(1)


_register_defaults([("extreme_digits", "nnnotes.experiments.losses.extreme_logit_rows", "dps")])


_register_defaults(
    [
        # 6.7
        ("goe_samples", "nnnotes.experiments.critical_points.random_hessian_positive_fraction", "samples"),
        ("tanh_cp_weight_decay", "nnnotes.experiments.critical_points.tanh_critical_points", "weight_decay"),
        ("tanh_cp_starts", "nnnotes.experiments.critical_points.tanh_critical_points", "starts"),
        ("escape_lr", "nnnotes.experiments.curvature.escape_times", "lr"),
        ("escape_delta", "nnnotes.experiments.curvature.escape_times", "delta"),
        ("saddle_lr", "nnnotes.experiments.curvature.saddle_runs", "lr"),
    ]
)


@value(
    "autoencoder_params",
    "nnnotes.experiments.critical_points.linear_autoencoder_critical_points: 2 x hidden x dims",
)
def _ae_params() -> int:
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points as f

    return 2 * _default(f, "hidden") * len(_default(f, "variances"))


@value(
    "autoencoder_critical_points",
    "binomial(dims, hidden) for the defaults of "
    "nnnotes.experiments.critical_points.linear_autoencoder_critical_points",
)
def _ae_count() -> int:
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points as f

    return math.comb(len(_default(f, "variances")), _default(f, "hidden"))


@value(
    "tanh_cp_params",
    "nnnotes.tanhnet.n_params(2, hidden) for the default hidden of "
    "nnnotes.experiments.critical_points.tanh_critical_points",
)
def _tanh_cp_params() -> int:
    from nnnotes import tanhnet
    from nnnotes.experiments.critical_points import tanh_critical_points

    return tanhnet.n_params(2, _default(tanh_critical_points, "hidden"))


_register_defaults(
    [
        ("tanh_cp_points", "nnnotes.experiments.critical_points.tanh_critical_points", "n_points"),
        ("tanh_cp_grad_tol", "nnnotes.experiments.critical_points.tanh_critical_points", "grad_tol"),
    ]
)


@value("saddle_x0", "nnnotes.experiments.curvature.saddle_runs: first coordinate of the default start x0")
def _saddle_x0() -> float:
    from nnnotes.experiments.curvature import saddle_runs

    return _default(saddle_runs, "x0")[0]


@value("saddle_y0", "nnnotes.experiments.curvature.saddle_runs: second coordinate of the default start x0")
def _saddle_y0() -> float:
    from nnnotes.experiments.curvature import saddle_runs

    return _default(saddle_runs, "x0")[1]
