r"""The forward pass in exact arithmetic: sympy numbers, and symbols too.

`exact_forward` runs the same network as `nnnotes.mlp.forward` (the same shape checks and layer
loop, `nnnotes.mlp.check_network` and `nnnotes.mlp.propagate`) on sympy numbers: integers and
rationals stay exact, exponentials stay symbolic, so $e^{-36}/(1 + e^{-36})$ is kept as it is.
Ints and fractions are converted exactly, floats through the decimal they print as (``0.1``
becomes 1/10), and sympy expressions (symbols included) are kept as they are. It is the reference
the floating-point passes of chapter 6.3 are measured against.

Examples
--------
>>> result = exact_forward([3, 1, -1], [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]])
>>> result.pre_activations[0], result.activations[0], result.logits
(array([9, -11], dtype=object), array([9, 0], dtype=object), array([54, 18], dtype=object))
>>> result.outputs[1]
exp(-36)/(exp(-36) + 1)
>>> int(result.prediction)
0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from numbers import Integral, Real
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes.mlp import ForwardPass, Layout, run_network
from nnnotes.proofs.symbolic import relu as _relu_sym
from nnnotes.proofs.symbolic import sigma as _sigma_sym

__all__ = ["EXACT_ACTIVATIONS", "EXACT_OUTPUTS", "exact_forward", "latex_value"]


def _exact_map(f: Callable[[Any], Any]) -> Callable[[NDArray[Any]], NDArray[Any]]:
    g = np.frompyfunc(f, 1, 1)
    return lambda a: np.asarray(g(a), dtype=object)


def _exact_max(values: NDArray[Any]) -> Any:
    if all(v.is_comparable for v in values):
        return max(values, key=lambda v: sympy.N(v, 30))
    return sympy.Integer(0)  # symbolic logits: any shift is valid, so do not shift


def _softmax(o: NDArray[Any]) -> NDArray[Any]:
    rows = o.reshape(-1, o.shape[-1])
    out = np.empty_like(rows)
    for r, row in enumerate(rows):
        e = [sympy.exp(v - _exact_max(row)) for v in row]
        total = sum(e)
        out[r] = [v / total for v in e]
    return out.reshape(o.shape)


#: Hidden-layer activations by name, on object arrays of sympy numbers.
EXACT_ACTIVATIONS: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
    "relu": _exact_map(_relu_sym),
    "sigmoid": _exact_map(_sigma_sym),
    "tanh": _exact_map(sympy.tanh),
    "identity": lambda a: a.copy(),
}

#: Output functions by name; softmax subtracts the largest logit first (when the logits are
#: numbers), so that the exact $p_k$ prints as $e^{o_k - m}/\sum_j e^{o_j - m}$.
EXACT_OUTPUTS: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
    "softmax": _softmax,
    "sigmoid": _exact_map(_sigma_sym),
    "identity": lambda a: a.copy(),
}


def _convert(name: str, value: Any) -> NDArray[Any]:
    arr = np.array(value, dtype=object)
    flat = arr.reshape(-1)
    for k, v in enumerate(flat):
        flat[k] = _exact_number(name, v)
    return flat.reshape(arr.shape)


def _exact_number(name: str, v: Any) -> sympy.Expr:
    if isinstance(v, bool | np.bool_):
        raise TypeError(f"{name} must hold numbers, got a bool")
    if isinstance(v, sympy.Basic):
        return v
    if isinstance(v, Integral):
        return sympy.Integer(int(v))
    if isinstance(v, Fraction):
        return sympy.Rational(v.numerator, v.denominator)
    if isinstance(v, Real):
        f = float(v)
        if not np.isfinite(f):
            raise ValueError(f"{name} must be finite, got {f!r}")
        return sympy.Rational(repr(f))  # the decimal the float prints as: 0.1 -> 1/10
    raise TypeError(f"{name} must hold numbers, got {type(v).__name__}")


def exact_forward(
    x: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike] | None = None,
    *,
    hidden: str = "relu",
    output: str = "softmax",
    layout: Layout = "x @ W",
) -> ForwardPass:
    """Run the network on ``x`` in exact arithmetic; the arguments are those of `nnnotes.mlp.forward`.

    Returns
    -------
    ForwardPass
        With ``arithmetic="exact"`` and object arrays of sympy numbers.

    Raises
    ------
    ValueError, TypeError
        As `nnnotes.mlp.forward`; a bool or a non-number in an argument is a `TypeError`.

    Examples
    --------
    Read by rows, the sheet's second matrix gives other logits:

    >>> exact_forward([9, 0], [[[6, 2], [-1, 8]]], layout="W @ x").logits
    array([54, -9], dtype=object)
    """
    if hidden not in EXACT_ACTIVATIONS:
        raise ValueError(f"hidden must be one of {sorted(EXACT_ACTIVATIONS)}, got {hidden!r}")
    if output not in EXACT_OUTPUTS:
        raise ValueError(f"output must be one of {sorted(EXACT_OUTPUTS)}, got {output!r}")
    return run_network(
        x,
        weights,
        biases,
        convert=_convert,
        activation=EXACT_ACTIVATIONS[hidden],
        output_function=EXACT_OUTPUTS[output],
        hidden=hidden,
        output=output,
        arithmetic="exact",
        layout=layout,
    )


def latex_value(v: Any) -> str:
    r"""Return LaTeX for an exact value, as a fraction with exponentials kept in the numerator.

    sympy prints $e^{-36} / (1 + e^{-36})$ as $1 / ((e^{-36} + 1) e^{36})$; this keeps
    the form a reader derives by hand.

    Examples
    --------
    >>> x = sympy.exp(-36) / (1 + sympy.exp(-36))
    >>> latex_value(x), latex_value(sympy.Integer(54))
    ('\\frac{e^{-36}}{e^{-36} + 1}', '54')
    """
    v = sympy.sympify(v)
    num, den = [], []
    for f in sympy.Mul.make_args(v):
        if f.is_Pow and f.exp.is_negative and not isinstance(f, sympy.exp):
            den.append(f.base ** (-f.exp))
        else:
            num.append(f)
    if not den:
        return sympy.latex(v)
    top = sympy.Mul(*num, evaluate=False) if len(num) > 1 else (num[0] if num else sympy.Integer(1))
    return rf"\frac{{{sympy.latex(top)}}}{{{sympy.latex(sympy.Mul(*den))}}}"
