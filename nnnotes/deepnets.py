r"""Gradients in deep networks at initialisation: how they shrink layer by layer.

A plain network of ``depth`` square layers $h_l = f(W_l h_{l-1})$ is set up with random
weights; a fixed random linear read-out of the last layer is back-propagated, and the norm of the
gradient with respect to each layer's pre-activation is recorded. Back-propagation multiplies by
$\operatorname{diag} f'(a_l)\, W_l$ once per layer, so with $f' \le 1/4$ (sigmoid) the
gradient of the first layers shrinks geometrically; with tanh ($f'(0) = 1$) and Glorot weights
it shrinks far more slowly; with ReLU and Glorot weights, half the units pass nothing back and it
shrinks like $2^{-l/2}$, which the He initialisation (variance $2/n$) exactly compensates. The table and
the float64 zeros of the derivatives are in `nnnotes.experiments.vanishing_gradients`.

Examples
--------
>>> g = gradient_norms("sigmoid", depth=10, seed=0)
>>> g.shape, bool(g[0] < 1e-4 * g[-1])
((10,), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes import activations as act
from nnnotes.arrays import as_real_array, positive_int

__all__ = [
    "ACTIVATIONS",
    "SETUPS",
    "InitialNetwork",
    "backprop",
    "gradient_norms",
    "initial_network",
    "readout_loss",
]

#: Activation name to (function, derivative).
ACTIVATIONS = {
    "sigmoid": (act.sigmoid, act.sigmoid_derivative),
    "tanh": (act.tanh, act.tanh_derivative),
    "relu": (act.relu, act.relu_derivative),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_derivative),
}

#: The (activation, initialisation) pairs of the experiment.
SETUPS = (
    ("sigmoid", "glorot"),
    ("tanh", "glorot"),
    ("relu", "glorot"),
    ("leaky_relu", "glorot"),
    ("relu", "he"),
)


@dataclass(frozen=True)
class InitialNetwork:
    r"""The random network of `gradient_norms`: weights, a batch of inputs, and the read-out.

    Attributes
    ----------
    weights : tuple of ndarray
        $W_1, \dots, W_L$, each ``(width, width)``.
    inputs : ndarray
        $h_0 = x$, ``(batch, width)``, standard normal.
    readout : ndarray
        $v$, ``(batch, width)``, normal with variance $1/(\text{batch} \cdot \text{width})$.
    """

    weights: tuple[NDArray[np.float64], ...]
    inputs: NDArray[np.float64]
    readout: NDArray[np.float64]


def initial_network(
    depth: int = 30, width: int = 64, batch: int = 64, init: str = "glorot", seed: int = 0
) -> InitialNetwork:
    """Return the network, inputs and read-out that `backprop` and `gradient_norms` start from.

    It takes no activation: the same arguments give the same network for every activation, so the
    activations are compared on one network.

    Examples
    --------
    >>> net = initial_network(depth=2, width=3, batch=4, seed=0)
    >>> len(net.weights), net.weights[0].shape, net.inputs.shape, net.readout.shape
    (2, (3, 3), (4, 3), (4, 3))
    """
    if init not in ("glorot", "he"):
        raise ValueError(f"init must be 'glorot' or 'he', got {init!r}")
    depth, width, batch = (
        positive_int(depth, "depth"),
        positive_int(width, "width"),
        positive_int(batch, "batch"),
    )
    rng = np.random.default_rng(seed)
    scale = np.sqrt((1.0 if init == "glorot" else 2.0) / width)
    weights = tuple(rng.normal(scale=scale, size=(width, width)) for _ in range(depth))
    x = rng.normal(size=(batch, width))
    v = rng.normal(size=(batch, width)) / np.sqrt(batch * width)
    return InitialNetwork(weights, x, v)


def readout_loss(
    Ws: Sequence[NDArray[np.float64]], x: NDArray[np.float64], v: NDArray[np.float64], activation: str
) -> float:
    r"""Return $L = \sum v \odot h_L$ for $h_l = f(h_{l-1} W_l^\top)$, $h_0 = x$.

    Examples
    --------
    >>> float(readout_loss([np.eye(2)], np.ones((1, 2)), np.ones((1, 2)), "relu"))
    2.0
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    f = ACTIVATIONS[activation][0]
    h = as_real_array(x, "x", ndim=2)
    for i, W in enumerate(Ws):
        h = f(h @ as_real_array(W, f"Ws[{i}]", ndim=2).T)
    v = as_real_array(v, "v", ndim=2)
    if v.shape != h.shape:
        raise ValueError(f"v must have the output's shape {h.shape}, got {v.shape}")
    return float(np.sum(v * h))


def backprop(
    activation: str, depth: int = 30, width: int = 64, batch: int = 64, init: str = "glorot", seed: int = 0
) -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    r"""Return $(\partial L/\partial a_l)_l$ and $(\partial L/\partial W_l)_l$ of `readout_loss`.

    The network, inputs and read-out are `initial_network` with the same arguments.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    net = initial_network(depth, width, batch, init, seed)
    Ws, x, v = net.weights, net.inputs, net.readout
    f, df = ACTIVATIONS[activation]
    hs, As = [x], []
    for W in Ws:
        a = hs[-1] @ W.T
        As.append(a)
        hs.append(f(a))
    g = v
    deltas: list[NDArray[np.float64]] = [np.empty(0)] * depth
    grads: list[NDArray[np.float64]] = [np.empty(0)] * depth
    for ell in range(depth - 1, -1, -1):
        deltas[ell] = g * df(As[ell])
        grads[ell] = deltas[ell].T @ hs[ell]
        g = deltas[ell] @ Ws[ell]
    return deltas, grads


def gradient_norms(
    activation: str,
    depth: int = 30,
    width: int = 64,
    batch: int = 64,
    init: str = "glorot",
    seed: int = 0,
) -> NDArray[np.float64]:
    r"""Return $\|\partial L/\partial a_l\|$ for each layer $l$, $a_l = W_l h_{l-1}$.

    Parameters
    ----------
    activation : {"sigmoid", "tanh", "relu", "leaky_relu"}
        The hidden activation $f$.
    depth, width, batch : int
        Number of layers, units per layer, and inputs (standard normal) in the batch.
    init : {"glorot", "he"}
        Weights normal with variance $1/n$ (Glorot, for square layers) or $2/n$ (He).
    seed : int
        The same seed gives the same inputs, weights and read-out (`initial_network`) for every
        activation.

    Notes
    -----
    The loss is $L = \sum v \odot h_L$ for a fixed random $v$ (`readout_loss`); its
    gradient is propagated back by $\delta_l = \partial L/\partial a_l = g_l \odot f'(a_l)$
    and $g_{l-1} = \delta_l W_l$ (`backprop`). The weight gradient
    $\delta_l^\top h_{l-1}$ also scales with the forward activations.
    """
    deltas, _ = backprop(activation, depth, width, batch, init, seed)
    return np.array([np.linalg.norm(d) for d in deltas])
