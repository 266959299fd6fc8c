r"""A deep ReLU regression network, optionally batch-normalized before every ReLU, on a list of arrays.

The network is ``[Linear -> (BatchNorm) -> ReLU] * depth -> Linear`` with parameters
``[W1, b1, ..., W_out, b_out]`` and the loss is the mean squared error. With ``batch_norm=True``
every hidden pre-activation is normalised over the batch (training mode, $\gamma = 1$,
$\beta = 0$ fixed, $\varepsilon = 10^{-5}$) by `nnnotes.batchnorm`, whose tested backward pass
the gradient uses.

Examples
--------
>>> import numpy as np
>>> params = he_normal_init(3, width=4, depth=2, seed=0)
>>> [p.shape for p in params]
[(3, 4), (4,), (4, 4), (4,), (4, 1), (1,)]

With batch normalization the loss does not change when the inputs are scaled (up to the
$\varepsilon$ of the normalization):

>>> rng = np.random.default_rng(1)
>>> X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
>>> small, _ = loss_and_gradient(params, X, y, batch_norm=True)
>>> big, grads = loss_and_gradient(params, 1000 * X, y, batch_norm=True)
>>> bool(abs(big - small) < 1e-6 * small), [g.shape for g in grads] == [p.shape for p in params]
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.arrays import as_real_array, positive_int
from nnnotes.batchnorm import batch_norm_input_gradient, batch_statistics

__all__ = ["BN_EPS", "HiddenLayer", "he_normal_init", "hidden_layers", "loss_and_gradient"]

Params = list[NDArray[np.float64]]


@dataclass(frozen=True)
class HiddenLayer:
    """What one hidden layer computes on a batch.

    Attributes
    ----------
    relu_input : ndarray, shape (N, width)
        The pre-activation, batch-normalized if the network is.
    output : ndarray, shape (N, width)
        ``max(relu_input, 0)``: the input of the next layer.
    """

    relu_input: NDArray[np.float64]
    output: NDArray[np.float64]


#: The epsilon of every batch-normalization layer (PyTorch's default).
BN_EPS = 1e-5


def he_normal_init(d: int, width: int, depth: int, seed: int, zero_output: bool = False) -> Params:
    r"""Return He-normal weights and zero biases, as a flat list ``[W1, b1, ..., W_out, b_out]``.

    Hidden weights are $N(0, 2/\text{fan-in})$. With ``zero_output`` the output layer starts at
    zero, so the network outputs 0 and its loss is the mean of $y^2$, whatever the hidden layers:
    a start shared by the plain and the normalized network.

    Examples
    --------
    >>> W_out = he_normal_init(2, 3, 1, seed=0, zero_output=True)[-2]
    >>> W_out.tolist()
    [[0.0], [0.0], [0.0]]
    """
    d, width, depth = positive_int(d, "d"), positive_int(width, "width"), positive_int(depth, "depth")
    rng = np.random.default_rng(seed)
    sizes = [d] + [width] * depth + [1]
    params: Params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params += [rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in), np.zeros(fan_out)]
    if zero_output:
        params[-2] = np.zeros_like(params[-2])
    return params


def loss_and_gradient(
    params: Params, X: NDArray[np.float64], y: NDArray[np.float64], batch_norm: bool
) -> tuple[float, Params]:
    r"""Return the mean squared error of the network on ``(X, y)`` and its gradient, by backpropagation.

    Parameters
    ----------
    params : list of ndarray
        ``[W1, b1, ..., W_out, b_out]`` as `he_normal_init` makes them.
    X : ndarray, shape (N, D)
    y : ndarray, shape (N, 1)
    batch_norm : bool
        Normalise every hidden pre-activation over the batch.

    Raises
    ------
    FloatingPointError
        If any intermediate overflows or becomes invalid: a pre-activation, the output, the loss
        or a gradient (gradient descent with too large a step), rather than propagating
        infinities or warning.
    ValueError
        If ``X`` or ``y`` is not a 2-d array of finite numbers, or the layers of ``params`` do not
        fit ``X`` and each other.
    TypeError
        If ``params`` is not a list or tuple of an even number of arrays, or holds non-real numbers.

    Examples
    --------
    A network that outputs 0 has the loss mean(y^2), and only its output layer gets a gradient
    from the residual directly:

    >>> params = he_normal_init(1, 2, 1, seed=0, zero_output=True)
    >>> loss, grads = loss_and_gradient(params, np.array([[1.0], [2.0]]), np.array([[1.0], [3.0]]), False)
    >>> loss, grads[-1].tolist()
    (5.0, [-4.0])
    """
    X = as_real_array(X, "X", ndim=2, finite=True)
    y = as_real_array(y, "y", ndim=2, finite=True)
    params = _layers(params, X.shape[1])
    with np.errstate(over="raise", invalid="raise"):
        return _loss_and_gradient(params, X, y, batch_norm)


def hidden_layers(params: Params, X: NDArray[np.float64], batch_norm: bool) -> list[HiddenLayer]:
    r"""Return what each hidden layer computes on ``X``: its ReLU's input and output.

    The output of hidden layer $k$ is the input of layer $k + 1$.

    Raises
    ------
    FloatingPointError
        If a pre-activation overflows.
    ValueError
        If ``X`` is not a 2-d array of finite numbers, or the layers of ``params`` do not fit it
        and each other.
    TypeError
        As for `loss_and_gradient`.

    Examples
    --------
    Batch normalization gives every unit's ReLU input a batch mean of 0 and a variance of
    $\sigma^2/(\sigma^2 + \varepsilon)$, just below 1:

    >>> rng = np.random.default_rng(0)
    >>> layers = hidden_layers(he_normal_init(3, 4, 2, seed=0), rng.normal(size=(16, 3)), True)
    >>> [layer.output.shape for layer in layers]
    [(16, 4), (16, 4)]
    >>> bool(np.all(abs(layers[1].relu_input.mean(axis=0)) < 1e-15))
    True
    >>> bool(np.all((1 - 1e-3 < layers[1].relu_input.var(axis=0)) & (layers[1].relu_input.var(axis=0) < 1)))
    True
    """
    X = as_real_array(X, "X", ndim=2, finite=True)
    params = _layers(params, X.shape[1])
    with np.errstate(over="raise", invalid="raise"):
        saved, last = _forward(params, X, batch_norm)
    # the output of each layer is the input of the next; the last one's is returned apart
    outputs = [layer_input for layer_input, _, _ in saved[1:]] + [last]
    return [HiddenLayer(u, out) for (_, _, u), out in zip(saved, outputs, strict=True)]


def _layers(params: Params, d: int) -> Params:
    """Return ``params`` as float64 arrays ``[W1, b1, ...]``, or raise unless they chain from ``d`` inputs.

    Entries may be infinite: a diverging gradient-descent step makes them so, and the forward pass
    then raises `FloatingPointError` by itself.
    """
    if not isinstance(params, (list, tuple)) or not params or len(params) % 2:
        raise TypeError("params must be a list [W1, b1, ..., W_out, b_out] of an even number of arrays")
    checked: Params = []
    width = d
    for k in range(0, len(params), 2):
        W = as_real_array(params[k], f"params[{k}]", ndim=2)
        b = as_real_array(params[k + 1], f"params[{k + 1}]", ndim=1)
        if W.shape[0] != width or b.shape != W.shape[1:]:
            raise ValueError(
                f"params[{k}] and params[{k + 1}] must have shapes ({width}, n) and (n,), got {W.shape}"
                f" and {b.shape}"
            )
        checked += [W, b]
        width = W.shape[1]
    return checked


def _forward(
    params: Params, X: NDArray[np.float64], batch_norm: bool
) -> tuple[list[tuple], NDArray[np.float64]]:
    """Run the hidden layers: ``(input, batch statistics or None, ReLU input)`` each, and the last output."""
    h = X
    saved = []
    n_hidden = len(params) // 2 - 1
    for k in range(n_hidden):
        W, b = params[2 * k], params[2 * k + 1]
        try:
            z = h @ W + b
        except FloatingPointError:
            z = np.array([np.inf])
        if not np.all(np.isfinite(z)):
            raise FloatingPointError(f"the pre-activations of hidden layer {k + 1} overflow")
        st = batch_statistics(z, BN_EPS) if batch_norm else None
        u = st.x_hat if st is not None else z
        saved.append((h, st, u))
        h = np.maximum(u, 0.0)
    return saved, h


def _loss_and_gradient(
    params: Params, X: NDArray[np.float64], y: NDArray[np.float64], batch_norm: bool
) -> tuple[float, Params]:
    saved, h = _forward(params, X, batch_norm)
    n_hidden = len(saved)
    out = h @ params[-2] + params[-1]
    # an infinite output weight or bias (after a diverging step) makes the output inf exactly,
    # which raises no floating-point flag: check the output itself
    if not np.all(np.isfinite(out)):
        raise FloatingPointError("the output of the network overflows")
    r = out - y
    loss = float(np.mean(r * r))
    grads: Params = [np.empty(0)] * len(params)
    g = 2.0 * r / r.size
    grads[-2], grads[-1] = h.T @ g, g.sum(axis=0)
    g = g @ params[-2].T
    for k in reversed(range(n_hidden)):
        h_in, st, u = saved[k]
        g = g * (u > 0)
        if st is not None:  # the tested backward of nnnotes.batchnorm, gamma = 1
            try:
                g = batch_norm_input_gradient(g, st.x_hat, st.inv_std)
            except OverflowError as exc:  # one kind of error for every overflow of this network
                raise FloatingPointError(
                    f"the gradient through the batch normalization of hidden layer {k + 1} overflows"
                ) from exc
        grads[2 * k], grads[2 * k + 1] = h_in.T @ g, g.sum(axis=0)
        g = g @ params[2 * k].T
    return loss, grads
