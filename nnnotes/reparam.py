r"""A two-layer network with sigmoid hidden units equals one with tanh hidden units.

The network with $D$ inputs, $M$ hidden units with activation $h$ and $K$
sigmoid outputs is

$$
y_k(\mathbf{x}) = \sigma\Big(\sum_{j=1}^M w^{(2)}_{kj}\,
h\Big(\sum_{i=1}^D w^{(1)}_{ji} x_i + w^{(1)}_{j0}\Big) + w^{(2)}_{k0}\Big).
$$

Because $\sigma(a) = \tfrac12 + \tfrac12\tanh(a/2)$, each sigmoid unit is a tanh unit whose
input is halved, whose output weight is halved, and whose constant $\tfrac12 w^{(2)}_{kj}$
moves into the output bias. In matrix form, with $W_1$ ($M \times D$), $b_1$,
$W_2$ ($K \times M$), $b_2$, the tanh network computes the same function with

$$
W_1' = \tfrac12 W_1,\quad b_1' = \tfrac12 b_1,\quad W_2' = \tfrac12 W_2,\quad
b_2' = b_2 + \tfrac12 W_2 \mathbf{1},
$$

and back: $W_1 = 2W_1'$, $b_1 = 2b_1'$, $W_2 = 2W_2'$,
$b_2 = b_2' - W_2'\mathbf{1}$. The derivations are in `nnnotes.proofs.sigmoid_as_tanh`, the
comparison on random networks in `nnnotes.experiments.sigmoid_as_tanh`.

Examples
--------
>>> p = random_network(3, 4, 2, seed=0)
>>> x = np.random.default_rng(1).normal(size=(5, 3))
>>> y_sig = two_layer_network(x, *p, hidden="sigmoid")
>>> y_tanh = two_layer_network(x, *sigmoid_to_tanh(*p), hidden="tanh")
>>> bool(np.allclose(y_sig, y_tanh, rtol=1e-14, atol=0))
True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.activations import sigmoid, tanh
from nnnotes.arrays import as_real_array, positive_int

__all__ = ["random_network", "sheet_map", "sigmoid_to_tanh", "tanh_to_sigmoid", "two_layer_network"]

Array = NDArray[np.float64]
Params = tuple[Array, Array, Array, Array]


def _params(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike) -> Params:
    W1, b1, W2, b2 = (
        as_real_array(v, n) for v, n in zip((W1, b1, W2, b2), ("W1", "b1", "W2", "b2"), strict=True)
    )
    if W1.ndim != 2 or W2.ndim != 2 or b1.ndim != 1 or b2.ndim != 1:
        raise ValueError(
            "expected W1 (M, D), b1 (M,), W2 (K, M), b2 (K,); got shapes "
            f"{W1.shape}, {b1.shape}, {W2.shape}, {b2.shape}"
        )
    M, K = W1.shape[0], W2.shape[0]
    if b1.shape != (M,) or W2.shape[1] != M or b2.shape != (K,):
        raise ValueError(
            f"inconsistent sizes: W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape} "
            "(need W1 (M, D), b1 (M,), W2 (K, M), b2 (K,))"
        )
    return W1, b1, W2, b2


def two_layer_network(
    x: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
    hidden: str = "sigmoid",
) -> Array:
    r"""Return $\sigma(W_2\, h(W_1 \mathbf{x} + b_1) + b_2)$ for each row of ``x``.

    Parameters
    ----------
    x : array_like, shape (N, D) or (D,)
        Inputs, one per row.
    W1, b1, W2, b2 : array_like
        Hidden weights (M, D) and biases (M,), output weights (K, M) and biases (K,).
    hidden : {"sigmoid", "tanh"}
        The hidden activation $h$.

    Returns
    -------
    ndarray, shape (N, K) or (K,)
        The outputs $y_k = \sigma(\cdot)$: in $(0, 1)$ exactly, in $[0, 1]$ after rounding (see
        `nnnotes.activations.sigmoid`).

    Examples
    --------
    With zero weights every hidden unit outputs $\sigma(0) = 1/2$:

    >>> two_layer_network([0.0, 0.0], np.zeros((1, 2)), [0.0], [[2.0]], [-1.0]).tolist() == [0.5]
    True
    """
    if hidden not in ("sigmoid", "tanh"):
        raise ValueError(f"hidden must be 'sigmoid' or 'tanh', got {hidden!r}")
    W1, b1, W2, b2 = _params(W1, b1, W2, b2)
    x = as_real_array(x)
    if x.shape[-1:] != (W1.shape[1],) or x.ndim > 2:
        raise ValueError(f"x must have shape (N, {W1.shape[1]}) or ({W1.shape[1]},), got {x.shape}")
    h = sigmoid if hidden == "sigmoid" else tanh
    return sigmoid(h(x @ W1.T + b1) @ W2.T + b2)


def sigmoid_to_tanh(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike) -> Params:
    r"""Map the parameters of the sigmoid-hidden network to a tanh-hidden network with equal outputs.

    Returns
    -------
    tuple of ndarray
        $(W_1/2,\; b_1/2,\; W_2/2,\; b_2 + \tfrac12 W_2\mathbf{1})$: every weight and
        bias of the hidden layer is halved, the output weights are halved, and each output bias
        gains half the sum of its output weights.

    Examples
    --------
    >>> W1, b1, W2, b2 = sigmoid_to_tanh([[2.0, 4.0]], [6.0], [[1.0], [3.0]], [0.0, -1.0])
    >>> W1.tolist(), b1.tolist()
    ([[1.0, 2.0]], [3.0])
    >>> W2.ravel().tolist() == [0.5, 1.5] and b2.tolist() == [0.5, 0.5]
    True
    """
    W1, b1, W2, b2 = _params(W1, b1, W2, b2)
    return W1 / 2, b1 / 2, W2 / 2, b2 + W2.sum(axis=1) / 2


def tanh_to_sigmoid(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike) -> Params:
    r"""Inverse of `sigmoid_to_tanh`: $(2W_1',\; 2b_1',\; 2W_2',\; b_2' - W_2'\mathbf{1})$.

    Examples
    --------
    >>> p = ([[1.0, 2.0]], [3.0], [[0.5], [1.5]], [0.5, 0.5])
    >>> W1, b1, W2, b2 = tanh_to_sigmoid(*p)
    >>> W1.tolist(), b1.tolist(), W2.ravel().tolist(), b2.tolist()
    ([[2.0, 4.0]], [6.0], [1.0, 3.0], [0.0, -1.0])
    """
    W1, b1, W2, b2 = _params(W1, b1, W2, b2)
    return 2 * W1, 2 * b1, 2 * W2, b2 - W2.sum(axis=1)


def random_network(D: int, M: int, K: int, seed: int = 0, scale: float = 2.0) -> Params:
    """Return random parameters ``(W1, b1, W2, b2)`` (normal, standard deviation ``scale``).

    Examples
    --------
    >>> [a.shape for a in random_network(3, 4, 2)]
    [(4, 3), (4,), (2, 4), (2,)]
    """
    D, M, K = positive_int(D, "D"), positive_int(M, "M"), positive_int(K, "K")
    rng = np.random.default_rng(seed)
    return (
        rng.normal(scale=scale, size=(M, D)),
        rng.normal(scale=scale, size=M),
        rng.normal(scale=scale, size=(K, M)),
        rng.normal(scale=scale, size=K),
    )


def sheet_map(W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike) -> Params:
    r"""Return the source's map, for comparison: $(W_1/2, b_1/2, W_2/2, b_2 - W_2\mathbf{1})$ (wrong).

    Examples
    --------
    >>> p = random_network(2, 3, 1, seed=4)
    >>> x = np.zeros((1, 2))
    >>> bool(np.allclose(two_layer_network(x, *p), two_layer_network(x, *sheet_map(*p), "tanh")))
    False
    """
    W1, b1, W2, b2 = _params(W1, b1, W2, b2)
    return W1 / 2, b1 / 2, W2 / 2, b2 - W2.sum(axis=1)
