"""Computed values quoted by the prose of the training chapters: batch norm, optimisation, saddle points."""

from __future__ import annotations

import math

from nnnotes.experiments.prose_values import default_of as _default
from nnnotes.experiments.prose_values import defaults, value


@value("float64_underflow_exponent", "float64: half the smallest subnormal, 2^-1074 (math.ulp(0.0))")
def _underflow_exponent() -> int:
    return int(math.log2(math.ulp(0.0))) - 1


_DEFAULTS_6_5 = defaults(
    [
        # 6.5
        ("symmetry_inputs", "nnnotes.experiments.symmetry.check_symmetries", "D"),
        ("symmetry_test_points", "nnnotes.experiments.symmetry.check_symmetries", "n_inputs"),
        ("threshold_steps", "nnnotes.experiments.quadratic.threshold_runs", "steps"),
        ("threshold_lambda", "nnnotes.experiments.quadratic.threshold_runs", "lam"),
        ("symmetric_units", "nnnotes.experiments.symmetric_start.symmetric_training", "M"),
        ("gd_tolerance", "nnnotes.experiments.quadratic.newton_vs_gradient_descent", "tol"),
        ("contour_steps", "nnnotes.experiments.quadratic.quadratic_paths", "steps"),
        ("assumed_flops", "nnnotes.experiments.curvature.hessian_cost", "flops_per_second"),
        ("hvp_hidden", "nnnotes.experiments.curvature.tanh_regression_problem", "hidden"),
        ("hvp_examples", "nnnotes.experiments.curvature.tanh_regression_problem", "n"),
    ]
)


@value("symmetry_max_m", "the largest M of the default ms of nnnotes.experiments.symmetry.symmetry_checks")
def _symmetry_max_m() -> int:
    from nnnotes.experiments.symmetry import symmetry_checks

    return max(_default(symmetry_checks, "ms"))


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


_DEFAULTS_6_4 = defaults(
    [
        # 6.4
        ("bn_eps", "nnnotes.batchnorm.batch_norm", "eps"),
        ("bn_momentum", "nnnotes.batchnorm_layer.BatchNorm", "momentum"),
        ("fd_step", "nnnotes.batchnorm_jacobian.central_difference_jacobian", "h"),
        ("lr_study_steps", "nnnotes.experiments.landscape_seeds.learning_rate_study", "steps"),
    ]
)


@value("bn_batch", "nnnotes.experiments.batchnorm_example.BATCH, the batch of the worked example")
def _bn_batch() -> str:
    from nnnotes.experiments.batchnorm_example import BATCH

    return "(" + ", ".join(str(v) for v in BATCH) + ")"


@value("bn_batch_mean", "nnnotes.experiments.batchnorm_example.worked_step().mean, an exact fraction")
def _bn_batch_mean() -> str:
    from nnnotes.experiments.batchnorm_example import worked_step

    return str(worked_step().mean)


@value("bn_eval_input", "nnnotes.experiments.batchnorm_example.EVAL_INPUT")
def _bn_eval_input() -> int:
    from nnnotes.experiments.batchnorm_example import EVAL_INPUT

    return EVAL_INPUT


@value("bn_jacobian_gamma", "nnnotes.experiments.batchnorm_example.JACOBIAN_GAMMA, an exact fraction")
def _bn_jacobian_gamma() -> str:
    from nnnotes.experiments.batchnorm_example import JACOBIAN_GAMMA

    return str(JACOBIAN_GAMMA)


@value("lookahead_steps", "nnnotes.experiments.landscape.LOOKAHEAD, as multiples of the learning rate")
def _lookahead_steps() -> str:
    from fractions import Fraction

    from nnnotes.experiments.landscape import LOOKAHEAD

    def term(c: float) -> str:
        f = Fraction(c).limit_denominator(64)
        if f == 1:
            return r"\eta"
        return rf"\eta/{f.denominator}" if f.numerator == 1 else rf"{f}\eta"

    return ", ".join(term(c) for c in LOOKAHEAD)


@value(
    "lr_study_blowup",
    "nnnotes.experiments.landscape.BLOWUP: a run diverges past this multiple of its first loss",
)
def _lr_study_blowup() -> float:
    from nnnotes.experiments.landscape import BLOWUP

    return BLOWUP


@value(
    "plateau_rtol",
    "the default rtol of nnnotes.experiments.symmetric_start.SymmetricStart.plateau_steps, as a percentage",
)
def _plateau_rtol() -> str:
    from nnnotes.experiments.symmetric_start import SymmetricStart

    return f"{_default(SymmetricStart.plateau_steps, 'rtol'):.0%}"


@value(
    "lr_study_trained_below",
    "nnnotes.experiments.landscape_seeds.TRAINED_BELOW, the default of LearningRateStudy.trains",
)
def _lr_study_trained_below() -> float:
    from nnnotes.experiments.landscape_seeds import TRAINED_BELOW

    return TRAINED_BELOW


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


_DEFAULTS_6_7 = defaults(
    [
        # 6.7
        ("goe_samples", "nnnotes.experiments.critical_points.random_hessian_positive_fraction", "samples"),
        ("tanh_cp_weight_decay", "nnnotes.experiments.critical_points.tanh_critical_points", "weight_decay"),
        ("tanh_cp_starts", "nnnotes.experiments.critical_points.tanh_critical_points", "starts"),
        ("escape_lr", "nnnotes.experiments.curvature.escape_times", "lr"),
        ("escape_delta", "nnnotes.experiments.curvature.escape_times", "delta"),
        ("escape_radius", "nnnotes.experiments.curvature.escape_times", "radius"),
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


@value("tanh_cp_inputs", "nnnotes.experiments.critical_points.TANH_CP_INPUTS")
def _tanh_cp_inputs() -> int:
    from nnnotes.experiments.critical_points import TANH_CP_INPUTS

    return TANH_CP_INPUTS


@value(
    "tanh_cp_params",
    "nnnotes.tanhnet.n_params(TANH_CP_INPUTS, hidden) for the default hidden of "
    "nnnotes.experiments.critical_points.tanh_critical_points",
)
def _tanh_cp_params() -> int:
    from nnnotes import tanhnet
    from nnnotes.experiments.critical_points import tanh_critical_points

    return tanhnet.n_params(_tanh_cp_inputs(), _default(tanh_critical_points, "hidden"))


_DEFAULTS_6_7B = defaults(
    [
        ("tanh_cp_points", "nnnotes.experiments.critical_points.tanh_critical_points", "n_points"),
        ("tanh_cp_grad_tol", "nnnotes.experiments.critical_points.tanh_critical_points", "grad_tol"),
        ("tanh_cp_hidden", "nnnotes.experiments.critical_points.tanh_critical_points", "hidden"),
        (
            "autoencoder_hidden",
            "nnnotes.experiments.critical_points.linear_autoencoder_critical_points",
            "hidden",
        ),
    ]
)


@value(
    "tanh_cp_checkpoints",
    "nnnotes.experiments.critical_points.tanh_critical_points: how many default checkpoints",
)
def _tanh_cp_checkpoints() -> int:
    from nnnotes.experiments.critical_points import tanh_critical_points

    return len(_default(tanh_critical_points, "checkpoints"))


@value("autoencoder_dims", "nnnotes.experiments.critical_points.linear_autoencoder_critical_points: dims")
def _ae_dims() -> int:
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points as f

    return len(_default(f, "variances"))


@value(
    "autoencoder_variances",
    "nnnotes.experiments.critical_points.linear_autoencoder_critical_points: the default variances",
)
def _ae_variances() -> str:
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points as f

    return ", ".join(f"{v:g}" for v in _default(f, "variances"))


@value(
    "autoencoder_zero_eigenvalues",
    "hidden^2 for nnnotes.experiments.critical_points.linear_autoencoder_critical_points: "
    "the dimension of the invertible matrices C",
)
def _ae_zero_eigenvalues() -> int:
    from nnnotes.experiments.critical_points import linear_autoencoder_critical_points as f

    return _default(f, "hidden") ** 2


@value("saddle_x0", "nnnotes.experiments.curvature.saddle_runs: first coordinate of the default start x0")
def _saddle_x0() -> float:
    from nnnotes.experiments.curvature import saddle_runs

    return _default(saddle_runs, "x0")[0]


@value("saddle_y0", "nnnotes.experiments.curvature.saddle_runs: second coordinate of the default start x0")
def _saddle_y0() -> float:
    from nnnotes.experiments.curvature import saddle_runs

    return _default(saddle_runs, "x0")[1]
