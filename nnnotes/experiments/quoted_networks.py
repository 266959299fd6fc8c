"""Computed values quoted by the prose of the network chapters: activations, softmax, losses, forward pass."""

from __future__ import annotations

import functools
import math
from typing import Any

from nnnotes.experiments.prose_values import default_of as _default
from nnnotes.experiments.prose_values import defaults, value

_DEFAULTS_6_1 = defaults(
    [
        # 6.1
        ("reparam_inputs", "nnnotes.experiments.sigmoid_as_tanh.equivalence_rows", "n"),
        ("reparam_scale", "nnnotes.reparam.random_network", "scale"),
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


_DEFAULTS_6_3 = defaults([("rounding_digits", "nnnotes.experiments.forward_pass.rounding_rows", "dps")])


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


@value("multilabel_logits", "nnnotes.experiments.losses.MULTILABEL_LOGITS, the (cat, dog, car) logits")
def _multilabel_logits() -> str:
    from nnnotes.experiments.losses import MULTILABEL_LOGITS

    return ", ".join(f"{v:g}" for v in MULTILABEL_LOGITS)


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


_DEFAULTS_6_2 = defaults([("extreme_digits", "nnnotes.experiments.losses.extreme_logit_rows", "dps")])
