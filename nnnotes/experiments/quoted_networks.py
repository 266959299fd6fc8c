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


@functools.cache
def _underflows() -> tuple[tuple[str, str], ...]:
    """(input, exact probability as TeX) of each entry of the 6.1 table that softmax rounds to 0."""
    import mpmath

    from nnnotes.experiments.softmax_stability import stability_rows

    out = []
    for row in stability_rows():
        if row.stable == 0.0 and mpmath.mpf(row.exact) != 0:
            mant, exp = row.exact.split("e")
            out.append((row.label, f"{float(mant):.1f} \\times 10^{{{int(exp)}}}"))
    return tuple(out)


@value(
    "underflow_rows",
    "nnnotes.experiments.softmax_stability.stability_rows: the inputs with an entry that softmax "
    "rounds to 0 while the exact probability is not 0",
)
def _underflow_rows() -> str:
    return " and ".join(label for label, _ in _underflows())


@value(
    "underflow_probabilities",
    "nnnotes.experiments.softmax_stability.stability_rows: the exact probabilities (mpmath, 50 "
    "digits) of those entries",
)
def _underflow_probabilities() -> str:
    return " and ".join(f"${tex}$" for _, tex in _underflows())


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


def _tuple_tex(values: Any) -> str:
    return "(" + ", ".join(str(int(v)) for v in values) + ")"


@value("question_x", "nnnotes.experiments.forward_pass.QUESTION_NETWORK: the input")
def _question_x() -> str:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK

    return _tuple_tex(QUESTION_NETWORK[0])


def _bmatrix(rows: Any) -> str:
    body = r" \\ ".join(" & ".join(str(int(v)) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


@value("question_w1", "nnnotes.experiments.forward_pass.QUESTION_NETWORK: W1 in TeX")
def _question_w1() -> str:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK

    return _bmatrix(QUESTION_NETWORK[1][0])


@value("question_w2", "nnnotes.experiments.forward_pass.QUESTION_NETWORK: W2 in TeX")
def _question_w2() -> str:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK

    return _bmatrix(QUESTION_NETWORK[1][1])


@value("question_w1_columns", "nnnotes.experiments.forward_pass.QUESTION_NETWORK: the columns of W1")
def _question_w1_columns() -> str:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK

    w1 = QUESTION_NETWORK[1][0]
    return " and ".join(f"${_tuple_tex(col)}$" for col in zip(*w1, strict=True))


@value(
    "question_dead_weights",
    "nnnotes.experiments.forward_pass.QUESTION_NETWORK: the row of W2 of the hidden unit that is off",
)
def _question_dead_weights() -> str:
    from nnnotes.experiments.forward_pass import QUESTION_NETWORK

    h = _passes()["exact"].activations[0]
    (off,) = [j for j, v in enumerate(h) if v == 0]
    return " and ".join(f"${int(w)}$" for w in QUESTION_NETWORK[1][1][off])


@value("mlp_a", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): the hidden pre-activations")
def _mlp_a() -> str:
    return _tuple_tex(_passes()["exact"].pre_activations[0])


@value("mlp_h", "nnnotes.proofs.exact_forward.exact_forward(QUESTION_NETWORK): the hidden activations")
def _mlp_h() -> str:
    return _tuple_tex(_passes()["exact"].activations[0])


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


def _exponent_of_power_of_two(x: float) -> int:
    """Return k with ``x == 2.0**k`` exactly; raise if ``x`` is not a power of two."""
    mant, exp = math.frexp(x)
    if mant != 0.5:
        raise ValueError(f"{x!r} is not a power of two")
    return exp - 1


@value("float64_unit_roundoff_exponent", "numpy: log2 of np.finfo(np.float64).eps / 2, the unit roundoff u")
def _unit_roundoff_exponent() -> int:
    import numpy as np

    return _exponent_of_power_of_two(float(np.finfo(np.float64).eps) / 2)


@value(
    "mlp_sum_float64_excess_exponent",
    "float64: log2 of (1.0 + e^-(o1 - o2)) - 1.0, the sum as float64 rounds it (an exact power of two)",
)
def _sum_excess_exponent() -> int:
    import numpy as np

    one = np.float64(1.0)
    return _exponent_of_power_of_two(float((one + np.exp(-np.float64(_o1() - _o2()))) - one))


@value(
    "mlp_p1_float64_deficit_exponent",
    "nnnotes.mlp.forward(QUESTION_NETWORK, arithmetic='float64'): log2 of 1 - p1 (an exact power of two)",
)
def _p1_deficit_exponent() -> int:
    return _exponent_of_power_of_two(1.0 - float(_passes()["float64"].outputs[0]))


@value("sigmoid_one_threshold", "53 log 2: from there on e^-z < 2^-53 and float64 rounds 1 + e^-z to 1")
def _sig_one() -> float:
    import numpy as np

    return (int(np.finfo(np.float64).nmant) + 1) * math.log(2)


@value(
    "sigmoid_exact_one_bits",
    "float64_bits + 1: the exact sigma rounds to 1 once 1 - sigma < 2^-54, half the spacing below 1 "
    "(claim 6-2-sigmoid-exact-one-threshold checks it)",
)
def _sig_exact_one_bits() -> int:
    return _f64_bits() + 1


@value("sigmoid_one_example", "the first integer above 53 log 2 (claim 6-2-sigmoid-37-is-one checks it)")
def _sig_one_example() -> int:
    return math.ceil(_sig_one())


@value("uniform_vocabulary", "nnnotes.experiments.losses.UNIFORM_VOCABULARY, as TeX")
def _uniform_vocabulary() -> str:
    from nnnotes.experiments.losses import UNIFORM_VOCABULARY

    return f"{UNIFORM_VOCABULARY:,}".replace(",", "\\,")


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
