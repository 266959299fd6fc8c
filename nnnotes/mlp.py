r"""The forward pass of a multilayer perceptron, keeping every intermediate quantity.

`forward` runs a fully connected network layer by layer and returns a `ForwardPass` holding the
input, each hidden layer's pre-activations and activations, the logits and the outputs
(probabilities for a softmax or sigmoid output). It computes in one of three arithmetics:

* ``"exact"``: sympy numbers (integers and rationals stay exact; exponentials stay symbolic, so
  $e^{-36}/(1 + e^{-36})$ is kept as it is); symbols are allowed too;
* ``"float64"`` and ``"float32"``: numpy, every operation in that format.

**Layout of the weights.** With ``layout="x @ W"`` (the default) the matrix of layer $l$ has
shape ``(n_in, n_out)`` and $a_j = \sum_i x_i W_{ij} + b_j$: unit $j$ reads column
$j$, as in ``x @ W`` for a batch of rows. With ``layout="W @ x"`` it has shape
``(n_out, n_in)`` and $a_j = \sum_i W_{ji} x_i + b_j$: unit $j$ reads row $j$,
as in Bishop's $w_{ji}$ and PyTorch's ``Linear.weight``. `layer_sizes` says which sizes a
list of matrices implies in either layout.

Examples
--------
>>> result = forward([3, 1, -1], [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]],
...                  arithmetic="exact")
>>> result.pre_activations[0], result.activations[0], result.logits
(array([9, -11], dtype=object), array([9, 0], dtype=object), array([54, 18], dtype=object))
>>> result.outputs[1]
exp(-36)/(exp(-36) + 1)
>>> int(result.prediction)
0
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from typing import Any, Literal

import mpmath
import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes.symbolic import relu as _relu_sym
from nnnotes.symbolic import sigma as _sigma_sym

__all__ = [
    "ACTIVATIONS",
    "ARITHMETICS",
    "LAYOUTS",
    "OUTPUTS",
    "ForwardPass",
    "forward",
    "layer_rows",
    "layer_sizes",
    "latex_value",
    "rounding_rows",
    "QUESTION_NETWORK",
]

#: The input and weights that the homework's forward-pass question sets (layout ``x @ W``, ReLU
#: hidden units, softmax outputs): ``(x, [W1, W2])``.
QUESTION_NETWORK: tuple[list[int], list[list[list[int]]]] = (
    [3, 1, -1],
    [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]],
)

Arithmetic = Literal["exact", "float64", "float32"]
Layout = Literal["x @ W", "W @ x"]

#: The arithmetics `forward` can compute in.
ARITHMETICS: tuple[str, ...] = ("exact", "float64", "float32")
#: The two ways of storing a layer's matrix (see the module's documentation).
LAYOUTS: tuple[str, ...] = ("x @ W", "W @ x")


# ------------------------------------------------------------- elementwise, in any arithmetic


def _exact_map(f: Callable[[Any], Any]) -> Callable[[NDArray[Any]], NDArray[Any]]:
    g = np.frompyfunc(f, 1, 1)
    return lambda a: np.asarray(g(a), dtype=object)


def _array(a: ArrayLike) -> NDArray[Any]:
    """Return ``a`` as an array; integers and bools become float64, other dtypes stay."""
    arr = np.asarray(a)
    return arr.astype(np.float64) if arr.dtype.kind in "biu" else arr


def _relu(a: NDArray[Any]) -> NDArray[Any]:
    a = _array(a)
    if a.dtype == object:
        return _exact_map(_relu_sym)(a)
    return np.maximum(a, a.dtype.type(0))


def _sigmoid(a: NDArray[Any]) -> NDArray[Any]:
    a = _array(a)
    if a.dtype == object:
        return _exact_map(_sigma_sym)(a)
    e = np.exp(-np.abs(a))  # never overflows; the result keeps the dtype of a
    one = a.dtype.type(1)
    return np.where(a >= 0, one / (one + e), e / (one + e))


def _tanh(a: NDArray[Any]) -> NDArray[Any]:
    a = _array(a)
    return _exact_map(sympy.tanh)(a) if a.dtype == object else np.tanh(a)


def _identity(a: NDArray[Any]) -> NDArray[Any]:
    return _array(a).copy()


def _exact_max(values: NDArray[Any]) -> Any:
    if all(v.is_comparable for v in values):
        return max(values, key=lambda v: sympy.N(v, 30))
    return sympy.Integer(0)  # symbolic logits: any shift is valid, so do not shift


def _softmax(o: NDArray[Any]) -> NDArray[Any]:
    o = _array(o)
    if o.dtype == object:
        rows = o.reshape(-1, o.shape[-1])
        out = np.empty_like(rows)
        for r, row in enumerate(rows):
            e = [sympy.exp(v - _exact_max(row)) for v in row]
            total = sum(e)
            out[r] = [v / total for v in e]
        return out.reshape(o.shape)
    e = np.exp(o - o.max(axis=-1, keepdims=True))  # exponents <= 0: no overflow
    return e / e.sum(axis=-1, keepdims=True)


#: Hidden-layer activations by name. Each keeps the arithmetic of its input.
ACTIVATIONS: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
    "relu": _relu,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "identity": _identity,
}

#: Output functions by name (applied to the logits, softmax along the last axis). Each keeps the
#: arithmetic of its input (integers become float64); softmax subtracts the largest logit first,
#: so no exponent is positive. In float64 the sigmoid rounds to exactly 1 from about
#: $z = 53 \log 2 \approx 36.7$: ``OUTPUTS["sigmoid"]([36.0, 37.0])`` is
#: ``[0.9999999999999998, 1.0]``.
OUTPUTS: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
    "softmax": _softmax,
    "sigmoid": _sigmoid,
    "identity": _identity,
}


# --------------------------------------------------------------------------------- the pass


@dataclass(frozen=True)
class ForwardPass:
    r"""Every quantity of one forward pass (see `forward`).

    Attributes
    ----------
    x : numpy.ndarray
        The input, shape ``(n_0,)`` or ``(N, n_0)``, in the pass's arithmetic.
    weights, biases : tuple of numpy.ndarray
        The parameters, converted to the pass's arithmetic, in the given ``layout``.
    pre_activations : tuple of numpy.ndarray
        $a^{(l)}$ of each hidden layer, $l = 1, \dots, L - 1$.
    activations : tuple of numpy.ndarray
        $h^{(l)} = \phi(a^{(l)})$ of each hidden layer.
    logits : numpy.ndarray
        The last layer's pre-activation $o$.
    outputs : numpy.ndarray
        The output function applied to the logits.
    hidden, output, arithmetic, layout : str
        How the pass was computed.
    """

    x: NDArray[Any]
    weights: tuple[NDArray[Any], ...]
    biases: tuple[NDArray[Any], ...]
    pre_activations: tuple[NDArray[Any], ...]
    activations: tuple[NDArray[Any], ...]
    logits: NDArray[Any]
    outputs: NDArray[Any]
    hidden: str
    output: str
    arithmetic: str
    layout: str

    @property
    def probabilities(self) -> NDArray[Any]:
        """The outputs, when they are probabilities (softmax or sigmoid output)."""
        if self.output == "identity":
            raise ValueError("an identity output gives predictions, not probabilities")
        return self.outputs

    @property
    def prediction(self) -> NDArray[np.int64]:
        """The predicted class (0-based index of the largest output), per example.

        For a sigmoid output with one unit, the class is 1 when the probability exceeds 1/2.
        """
        out = self.outputs
        if out.dtype == object:
            out = np.asarray(
                [[float(sympy.N(v, 30)) for v in row] for row in out.reshape(-1, out.shape[-1])]
            ).reshape(out.shape)
        if self.output == "sigmoid" and out.shape[-1] == 1:
            return (out[..., 0] > 0.5).astype(np.int64)
        return np.asarray(np.argmax(out, axis=-1), dtype=np.int64)


def _convert(name: str, value: Any, arithmetic: str) -> NDArray[Any]:
    if arithmetic == "exact":
        arr = np.array(value, dtype=object)
        flat = arr.reshape(-1)
        for k, v in enumerate(flat):
            flat[k] = _exact_number(name, v)
        return flat.reshape(arr.shape)
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64 if arithmetic == "float64" else np.float32)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite in {arithmetic}")
    return arr


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


def layer_sizes(weights: Sequence[ArrayLike], layout: Layout = "x @ W") -> list[tuple[int, int]]:
    """Return ``(n_in, n_out)`` of each matrix as read in ``layout``.

    Examples
    --------
    The sheet's 3 x 2 and 2 x 2 matrices: a 3-input network when a unit reads a column, but read
    by rows the first layer takes 2 inputs and gives 3 outputs, which the second cannot take:

    >>> W1, W2 = [[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]
    >>> layer_sizes([W1, W2]), layer_sizes([W1, W2], layout="W @ x")
    ([(3, 2), (2, 2)], [(2, 3), (2, 2)])
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    sizes = []
    for k, w in enumerate(weights):
        shape = np.shape(np.asarray(w, dtype=object))
        if len(shape) != 2:
            raise ValueError(f"weights[{k}] must be a matrix (2-D), got shape {shape}")
        sizes.append((shape[0], shape[1]) if layout == "x @ W" else (shape[1], shape[0]))
    return sizes


def forward(
    x: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike] | None = None,
    *,
    hidden: str = "relu",
    output: str = "softmax",
    arithmetic: Arithmetic = "float64",
    layout: Layout = "x @ W",
) -> ForwardPass:
    r"""Run the network on ``x`` and return every intermediate quantity.

    Parameters
    ----------
    x : array_like
        One input of shape ``(n_0,)`` or a batch of shape ``(N, n_0)``.
    weights : sequence of array_like
        One matrix per layer (the last gives the logits), in ``layout``.
    biases : sequence of array_like, optional
        One vector per layer; ``None`` means no biases (all zero).
    hidden : {"relu", "sigmoid", "tanh", "identity"}
        Activation of every hidden layer.
    output : {"softmax", "sigmoid", "identity"}
        Output function applied to the logits.
    arithmetic : {"float64", "float32", "exact"}
        Number format of every operation. ``"exact"`` converts ints and fractions exactly,
        floats through the decimal they print as (``0.1`` becomes 1/10), and keeps sympy
        expressions (symbols included) as they are.
    layout : {"x @ W", "W @ x"}
        How a matrix is read: ``(n_in, n_out)``, unit $j$ reading column $j$
        (the default), or ``(n_out, n_in)``, unit $j$ reading row $j$.

    Returns
    -------
    ForwardPass

    Raises
    ------
    ValueError
        If a matrix's size does not fit the previous layer (the message names ``weights[l]``),
        a bias has the wrong length, a name is unknown, or a float is not finite.
    TypeError
        If an argument holds something other than numbers.

    Notes
    -----
    For $l = 1, \dots, L$ (``layout="x @ W"``; the other layout uses $W^{(l)} h$):

    $$
    a^{(l)} = h^{(l-1)} W^{(l)} + b^{(l)}, \quad h^{(l)} = \phi(a^{(l)}) \ (l < L), \quad
    o = a^{(L)}, \quad \hat y = g(o),
    $$

    with $h^{(0)} = x$, $\phi$ the hidden activation and $g$ the output function.

    Examples
    --------
    The same network in three arithmetics: float32 rounds $p_1 = 1/(1 + e^{-36})$ to
    exactly 1, float64 to the float just below 1, and both keep $p_2$ to full precision.

    >>> W = [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]]
    >>> p64 = forward([3, 1, -1], W).outputs
    >>> p32 = forward([3, 1, -1], W, arithmetic="float32").outputs
    >>> float(p64[0]), float(p32[0]), p32.dtype
    (0.9999999999999998, 1.0, dtype('float32'))
    >>> float(p64[1])
    2.319522830243569e-16

    A batch of two inputs, sigmoid hidden units, identity output (a regression network):

    >>> r = forward([[0.0, 0.0], [1.0, 2.0]], [[[1.0], [1.0]], [[2.0]]], hidden="sigmoid",
    ...             output="identity")
    >>> print(r.activations[0].ravel(), r.outputs.ravel())
    [0.5   0.953] [1.    1.905]
    """
    if arithmetic not in ARITHMETICS:
        raise ValueError(f"arithmetic must be one of {ARITHMETICS}, got {arithmetic!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if hidden not in ACTIVATIONS:
        raise ValueError(f"hidden must be one of {sorted(ACTIVATIONS)}, got {hidden!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {sorted(OUTPUTS)}, got {output!r}")
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not weights:
        raise TypeError("weights must be a non-empty sequence (list or tuple) of matrices")
    sizes = layer_sizes(weights, layout)
    h = _convert("x", x, arithmetic)
    if h.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n_0,) or (N, n_0), got shape {h.shape}")
    if biases is not None and len(biases) != len(weights):
        raise ValueError(f"biases must give one vector per layer ({len(weights)}), got {len(biases)}")
    width = h.shape[-1]
    Ws: list[NDArray[Any]] = []
    bs: list[NDArray[Any]] = []
    for k, (n_in, n_out) in enumerate(sizes):
        if n_in != width:
            what = "x has" if k == 0 else f"layer {k} gives"
            raise ValueError(
                f"weights[{k}] has shape {np.shape(np.asarray(weights[k], dtype=object))}, which in"
                f" layout {layout!r} takes {n_in} inputs, but {what} {width}"
            )
        Ws.append(_convert(f"weights[{k}]", weights[k], arithmetic))
        b = _convert(f"biases[{k}]", [0] * n_out if biases is None else biases[k], arithmetic)
        if b.shape != (n_out,):
            raise ValueError(f"biases[{k}] must have shape ({n_out},), got {b.shape}")
        bs.append(b)
        width = n_out
    pre: list[NDArray[Any]] = []
    act: list[NDArray[Any]] = []
    phi = ACTIVATIONS[hidden]
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        a = (h @ W if layout == "x @ W" else h @ W.T) + b
        if k == len(Ws) - 1:
            logits = a
        else:
            pre.append(a)
            h = phi(a)
            act.append(h)
    return ForwardPass(
        x=_convert("x", x, arithmetic),
        weights=tuple(Ws),
        biases=tuple(bs),
        pre_activations=tuple(pre),
        activations=tuple(act),
        logits=logits,
        outputs=OUTPUTS[output](logits),
        hidden=hidden,
        output=output,
        arithmetic=arithmetic,
        layout=layout,
    )


# ----------------------------------------------------------------------------------- tables


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


def _cell(v: Any, arithmetic: str) -> str:
    if arithmetic == "exact":
        return f"${latex_value(v)}$"
    if arithmetic == "float32":
        return f"`{np.float32(v)!r}`".replace("np.float32(", "").replace(")", "")
    return f"`{float(v)!r}`"


def _quantities(p: ForwardPass) -> list[tuple[str, NDArray[Any]]]:
    if p.x.ndim != 1:
        raise ValueError("tables show one input: x must be 1-D")
    named = [("x", p.x)]
    for k, (a, h) in enumerate(zip(p.pre_activations, p.activations, strict=True), start=1):
        named += [(f"a^{{({k})}}", a), (f"h^{{({k})}}", h)]
    named += [("o", p.logits), ("p" if p.output != "identity" else r"\hat y", p.outputs)]
    return named


def layer_rows(passes: Mapping[str, ForwardPass]) -> list[list[str]]:
    r"""Return one row per quantity (LaTeX name, then its value in each pass), for a table.

    Parameters
    ----------
    passes : mapping of str to ForwardPass
        Column title to a pass of the same network on one input (1-D ``x``). Exact values are
        printed as LaTeX, float64 and float32 values as the shortest decimal that reads back as
        the same float of that format.

    Examples
    --------
    >>> W = [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]]
    >>> rows = layer_rows({f: forward([3, 1, -1], W, arithmetic=f) for f in ("exact", "float32")})
    >>> rows[-1]
    ['$p_{2}$', '$\\frac{e^{-36}}{e^{-36} + 1}$', '`2.3195227e-16`']
    """
    columns = [_quantities(p) for p in passes.values()]
    rows = []
    for q, (name, _) in enumerate(columns[0]):
        size = columns[0][q][1].shape[0]
        for i in range(size):
            row = [f"${name}_{{{i + 1}}}$"]
            for p, col in zip(passes.values(), columns, strict=True):
                row.append(_cell(col[q][1][i], p.arithmetic))
            rows.append(row)
    return rows


def rounding_rows(exact: ForwardPass, passes: Mapping[str, ForwardPass], dps: int = 40) -> list[list[str]]:
    """Return how each format stores the outputs: value and relative error against the exact pass.

    One row per output $p_k$, then a row for $1 - p_{k^*}$ (the complement of the
    largest output, computed in each format), which equals the sum of the others exactly.

    Parameters
    ----------
    exact : ForwardPass
        The pass in exact arithmetic (1-D input).
    passes : mapping of str to ForwardPass
        Column title to a floating-point pass of the same network.
    dps : int
        Digits of the mpmath evaluation of the exact values (20 are printed).

    Examples
    --------
    >>> W = [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]]
    >>> ex = forward([3, 1, -1], W, arithmetic="exact")
    >>> rows = rounding_rows(ex, {"float32": forward([3, 1, -1], W, arithmetic="float32")})
    >>> rows[-1][0], rows[-1][2], rows[-1][3]
    ('$1 - p_{1}$', '`0.0`', '1.0')
    """
    if exact.arithmetic != "exact" or exact.x.ndim != 1:
        raise ValueError("exact must be a pass in exact arithmetic on one input")
    with mpmath.workdps(dps):
        ref = [mpmath.mpf(sympy.N(v, dps + 5)) for v in exact.outputs]
        top = int(exact.prediction)
        ref_c = mpmath.fsum(ref[:top] + ref[top + 1 :])
        rows = []
        for k, r in enumerate([*ref, ref_c]):
            name = f"$p_{{{k + 1}}}$" if k < len(ref) else f"$1 - p_{{{top + 1}}}$"
            row = [name, mpmath.nstr(r, 20)]
            for p in passes.values():
                dt = p.outputs.dtype.type
                v = p.outputs[k] if k < len(ref) else dt(1) - p.outputs[top]
                err = abs(mpmath.mpf(float(v)) - r) / r
                row += [_cell(v, p.arithmetic), mpmath.nstr(err, 2)]
            rows.append(row)
    return rows
