r"""The forward pass of a multilayer perceptron, keeping every intermediate quantity.

`forward` runs a fully connected network layer by layer and returns a `ForwardPass` holding the
input, each hidden layer's pre-activations and activations, the logits and the outputs
(probabilities for a softmax or sigmoid output), in float64 or float32. The same pass in exact
arithmetic (sympy) is `nnnotes.proofs.exact_forward.exact_forward`, built on the same
`check_network` and `propagate`.

**Layout of the weights.** With ``layout="x @ W"`` (the default) the matrix of layer $l$ has
shape ``(n_in, n_out)`` and $a_j = \sum_i x_i W_{ij} + b_j$: unit $j$ reads column
$j$, as in ``x @ W`` for a batch of rows. With ``layout="W @ x"`` it has shape
``(n_out, n_in)`` and $a_j = \sum_i W_{ji} x_i + b_j$: unit $j$ reads row $j$,
as in Bishop's $w_{ji}$ and PyTorch's ``Linear.weight``. `layer_sizes` says which sizes a
list of matrices implies in either layout.

Examples
--------
>>> result = forward([3, 1, -1], [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]])
>>> result.pre_activations[0].tolist(), result.activations[0].tolist(), result.logits.tolist()
([9.0, -11.0], [9.0, 0.0], [54.0, 18.0])
>>> print(f"{float(result.outputs[1]):.14e}", int(result.prediction))
2.31952283024357e-16 0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.activations import relu, sigmoid, tanh
from nnnotes.arrays import as_real_array
from nnnotes.softmax import softmax

__all__ = [
    "ACTIVATIONS",
    "ARITHMETICS",
    "LAYOUTS",
    "OUTPUTS",
    "ForwardPass",
    "check_network",
    "forward",
    "layer_sizes",
    "propagate",
    "run_network",
]

Arithmetic = Literal["float64", "float32"]
Layout = Literal["x @ W", "W @ x"]

#: The arithmetics `forward` can compute in (exact arithmetic: `nnnotes.proofs.exact_forward`).
ARITHMETICS: tuple[str, ...] = ("float64", "float32")
#: The two ways of storing a layer's matrix (see the module's documentation).
LAYOUTS: tuple[str, ...] = ("x @ W", "W @ x")


def _in_dtype_of(f: Callable[[ArrayLike], NDArray[np.float64]]) -> Callable[[ArrayLike], NDArray[Any]]:
    """Wrap a float64 function so that a float32 input gives its float64 result rounded to float32."""

    def g(a: ArrayLike) -> NDArray[Any]:
        out = f(a)
        return out.astype(np.float32) if np.asarray(a).dtype == np.float32 else out

    g.__name__ = g.__qualname__ = f.__name__
    g.__doc__ = f.__doc__
    return g


def _identity(a: ArrayLike) -> NDArray[Any]:
    arr = np.asarray(a)
    return arr.copy() if arr.dtype == np.float32 else as_real_array(arr).copy()


#: Hidden-layer activations by name (`nnnotes.activations`). A float32 input gives float32: the
#: function is evaluated in float64 and that result rounded to float32 (a double rounding, which
#: can differ by one float32 ulp from the correctly rounded value, on rare inputs).
ACTIVATIONS: dict[str, Callable[[ArrayLike], NDArray[Any]]] = {
    "relu": _in_dtype_of(relu),
    "sigmoid": _in_dtype_of(sigmoid),
    "tanh": _in_dtype_of(tanh),
    "identity": _identity,
}

#: Output functions by name, applied to the logits (softmax along the last axis,
#: `nnnotes.softmax.softmax`); float32 stays float32 as for `ACTIVATIONS`. In float64 the
#: sigmoid rounds to exactly 1 from about $z = 53 \log 2 \approx 36.7$:
#: ``OUTPUTS["sigmoid"]([36.0, 37.0])`` is ``[0.9999999999999998, 1.0]``.
OUTPUTS: dict[str, Callable[[ArrayLike], NDArray[Any]]] = {
    "softmax": _in_dtype_of(softmax),
    "sigmoid": _in_dtype_of(sigmoid),
    "identity": _identity,
}


# --------------------------------------------------------------------------------- the pass


@dataclass(frozen=True)
class ForwardPass:
    r"""Every quantity of one forward pass (see `forward`).

    Attributes
    ----------
    x : numpy.ndarray
        The input, shape ``(n_0,)`` or ``(N, n_0)``, in the pass's arithmetic (float64, float32,
        or sympy numbers in an object array for `nnnotes.proofs.exact_forward`).
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
        """The predicted class (0-based index of the largest output, the first on a tie), per example.

        For a sigmoid output with one unit, the class is 1 when the probability exceeds 1/2. An
        exact pass (`nnnotes.proofs.exact_forward`) compares its exact numbers: their float64
        roundings may tie where they differ (1/2 and 1/2 + 10^-20).
        """
        out = self.outputs  # numpy compares an exact pass's sympy numbers exactly, as Python does
        if self.output == "sigmoid" and out.shape[-1] == 1:
            return (out[..., 0] > 0.5).astype(np.int64)
        return np.asarray(np.argmax(out, axis=-1), dtype=np.int64)


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


def check_network(
    x_shape: tuple[int, ...],
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike] | None,
    layout: Layout,
) -> list[tuple[int, int]]:
    """Check that the layers fit an input of ``x_shape`` and each other; return `layer_sizes`.

    Raises
    ------
    ValueError
        If an entry of ``weights`` is not a matrix, or its size does not fit the previous layer
        (the message names ``weights[l]``), or there is not one bias per layer.
    TypeError
        If ``weights`` is not a non-empty list or tuple.

    Examples
    --------
    >>> check_network((3,), [[[2, -1], [1, -3], [-2, 5]]], None, "W @ x")
    Traceback (most recent call last):
    ...
    ValueError: weights[0] has shape (3, 2), which in layout 'W @ x' takes 2 inputs, but x has 3
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if isinstance(weights, (np.ndarray, str)) or not isinstance(weights, Sequence) or not weights:
        raise TypeError("weights must be a non-empty sequence (list or tuple) of matrices")
    if len(x_shape) not in (1, 2):
        raise ValueError(f"x must have shape (n_0,) or (N, n_0), got shape {x_shape}")
    if biases is not None and len(biases) != len(weights):
        raise ValueError(f"biases must give one vector per layer ({len(weights)}), got {len(biases)}")
    sizes = layer_sizes(weights, layout)
    width = x_shape[-1]
    for k, (n_in, n_out) in enumerate(sizes):
        if n_in != width:
            what = "x has" if k == 0 else f"layer {k} gives"
            raise ValueError(
                f"weights[{k}] has shape {np.shape(np.asarray(weights[k], dtype=object))}, which in"
                f" layout {layout!r} takes {n_in} inputs, but {what} {width}"
            )
        width = n_out
    return sizes


def propagate(
    x: NDArray[Any],
    weights: Sequence[NDArray[Any]],
    biases: Sequence[NDArray[Any]],
    activation: Callable[[NDArray[Any]], NDArray[Any]],
    layout: Layout = "x @ W",
) -> tuple[tuple[NDArray[Any], ...], tuple[NDArray[Any], ...], NDArray[Any]]:
    r"""Return the pre-activations and activations of each hidden layer, and the logits.

    The layer loop of `forward`, in whatever arithmetic the arrays carry (float arrays, or object
    arrays of sympy numbers); the arguments must already fit (`check_network`).

    Examples
    --------
    >>> pre, act, o = propagate(np.array([1.0, -2.0]), [np.eye(2), np.eye(2)], [np.zeros(2)] * 2,
    ...                         ACTIVATIONS["relu"])
    >>> pre[0].tolist(), act[0].tolist(), o.tolist()
    ([1.0, -2.0], [1.0, 0.0], [1.0, 0.0])
    """
    pre: list[NDArray[Any]] = []
    act: list[NDArray[Any]] = []
    h = x
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        a = (h @ W if layout == "x @ W" else h @ W.T) + b
        if k == len(weights) - 1:
            return tuple(pre), tuple(act), a
        pre.append(a)
        h = activation(a)
        act.append(h)
    raise ValueError("weights must not be empty")


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
    arithmetic : {"float64", "float32"}
        Number format of the inputs, the weights and every product and sum. The activation and
        output functions are those of `nnnotes.activations` and `nnnotes.softmax`, evaluated
        in float64 and, in float32, rounded to float32.
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
    The same network in two arithmetics: float32 rounds $p_1 = 1/(1 + e^{-36})$ to
    exactly 1, float64 to $1 - 2^{-52}$, and both keep $p_2$ to full precision.

    >>> W = [[[2, -1], [1, -3], [-2, 5]], [[6, 2], [-1, 8]]]
    >>> p64 = forward([3, 1, -1], W).outputs
    >>> p32 = forward([3, 1, -1], W, arithmetic="float32").outputs
    >>> float(p64[0]), float(p32[0]) == 1.0, p32.dtype
    (0.9999999999999998, True, dtype('float32'))
    >>> print(f"{float(p64[1]):.14e}")  # the last digits differ by CPU (numpy's exp)
    2.31952283024357e-16

    A batch of two inputs, sigmoid hidden units, identity output (a regression network):

    >>> r = forward([[0.0, 0.0], [1.0, 2.0]], [[[1.0], [1.0]], [[2.0]]], hidden="sigmoid",
    ...             output="identity")
    >>> with np.printoptions(precision=3, floatmode="fixed"):
    ...     print(r.activations[0].ravel(), r.outputs.ravel())
    [0.500 0.953] [1.000 1.905]
    """
    if arithmetic not in ARITHMETICS:
        hint = " (exact arithmetic: nnnotes.proofs.exact_forward)" if arithmetic == "exact" else ""
        raise ValueError(f"arithmetic must be one of {ARITHMETICS}, got {arithmetic!r}{hint}")
    if hidden not in ACTIVATIONS:
        raise ValueError(f"hidden must be one of {sorted(ACTIVATIONS)}, got {hidden!r}")
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {sorted(OUTPUTS)}, got {output!r}")
    dtype = np.float64 if arithmetic == "float64" else np.float32

    def convert(name: str, value: Any) -> NDArray[Any]:
        arr = as_real_array(value, name, finite=True)
        if dtype is np.float32 and arr.size and np.abs(arr).max() > np.finfo(np.float32).max:
            raise ValueError(f"{name} holds numbers beyond float32's largest, {np.finfo(np.float32).max:.4g}")
        return arr.astype(dtype, copy=False)

    return run_network(
        x,
        weights,
        biases,
        convert=convert,
        activation=ACTIVATIONS[hidden],
        output_function=OUTPUTS[output],
        hidden=hidden,
        output=output,
        arithmetic=arithmetic,
        layout=layout,
    )


def run_network(
    x: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike] | None,
    *,
    convert: Callable[[str, Any], NDArray[Any]],
    activation: Callable[[NDArray[Any]], NDArray[Any]],
    output_function: Callable[[NDArray[Any]], NDArray[Any]],
    hidden: str,
    output: str,
    arithmetic: str,
    layout: Layout,
) -> ForwardPass:
    """Convert the input and parameters with ``convert(name, value)``, run `propagate`, wrap the result.

    The one body of the forward pass in every arithmetic: `forward` (floats) and
    `nnnotes.proofs.exact_forward.exact_forward` (sympy numbers) differ only in ``convert`` and
    the functions they pass. Missing biases are zeros, converted like the rest.
    """
    h = convert("x", x)
    sizes = check_network(h.shape, weights, biases, layout)
    Ws = [convert(f"weights[{k}]", w) for k, w in enumerate(weights)]
    bs = []
    for k, (_, n_out) in enumerate(sizes):
        b = convert(f"biases[{k}]", [0] * n_out if biases is None else biases[k])
        if b.shape != (n_out,):
            raise ValueError(f"biases[{k}] must have shape ({n_out},), got {b.shape}")
        bs.append(b)
    pre, act, logits = propagate(h, Ws, bs, activation, layout)
    return ForwardPass(
        x=h,
        weights=tuple(Ws),
        biases=tuple(bs),
        pre_activations=pre,
        activations=act,
        logits=logits,
        outputs=output_function(logits),
        hidden=hidden,
        output=output,
        arithmetic=arithmetic,
        layout=layout,
    )
