r"""How far the inputs of the layers move during training, with and without batch normalization.

For chapter 6.4 (a). The network and data are those of `nnnotes.experiments.landscape`: eight
hidden ReLU layers of 32 units (`nnnotes.relu_network`), 128 synthetic examples, full-batch
gradient descent. Batch normalization there has $\gamma = 1$ and $\beta = 0$ fixed, so it pins
the batch mean and variance of every unit's ReLU input at 0 and just below 1 for the whole run.
What the next layer receives is the ReLU's *output*; `layer_input_shift` compares, unit by unit,
its distribution over the training set at the start and at the end of training, by the
Kolmogorov-Smirnov distance (`ks_distance`). The training set is the whole population here
(full batch), so a distance is a change of that distribution, not a sampling estimate.

Examples
--------
>>> run = layer_input_shift(True, seed=0, steps=20)
>>> run.largest_ks > 0, run.pinned_mean < 1e-14
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.arrays import as_real_array, positive_int, real_number
from nnnotes.experiments.landscape import synthetic_data
from nnnotes.relu_network import he_normal_init, hidden_layers, loss_and_gradient

__all__ = [
    "DEPTH",
    "EXAMPLES",
    "SEEDS",
    "WIDTH",
    "LayerInputShift",
    "ks_distance",
    "layer_input_shift",
    "shift_study",
]

#: The seeds of the study (data and initial weights).
SEEDS = (0, 1, 2, 3, 4)

#: Hidden layers, units per hidden layer, and training examples (those of the landscape experiment).
DEPTH, WIDTH, EXAMPLES = 8, 32, 128


def ks_distance(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    r"""Return the Kolmogorov-Smirnov distance $\sup_x |F_a(x) - F_b(x)|$ of two samples.

    $F_a$ and $F_b$ are the empirical distribution functions of the 1-d samples ``a`` and ``b``.

    Raises
    ------
    ValueError
        If a sample is not a non-empty 1-d array of finite numbers.

    Examples
    --------
    >>> ks_distance([0.0, 1.0], [0.0, 1.0]), ks_distance([0.0, 1.0], [2.0, 3.0])
    (0.0, 1.0)
    >>> ks_distance([0.0, 1.0, 2.0, 3.0], [1.5, 2.5, 3.5, 4.5])
    0.5
    """
    a = np.sort(as_real_array(a, "a", ndim=1, finite=True))
    b = np.sort(as_real_array(b, "b", ndim=1, finite=True))
    if a.size == 0 or b.size == 0:
        raise ValueError("a and b must be non-empty samples")
    # the supremum is reached at a sample point, just after the jump of F_a or F_b there; the
    # gap |ca/na - cb/nb| is formed in integers, so the only rounding is the final division
    x = np.concatenate([a, b])
    ca = np.searchsorted(a, x, side="right").astype(np.int64)
    cb = np.searchsorted(b, x, side="right").astype(np.int64)
    return int(np.max(np.abs(ca * b.size - cb * a.size))) / (a.size * b.size)


@dataclass(frozen=True)
class LayerInputShift:
    r"""One training run and how far the hidden layers' outputs moved over it.

    Attributes
    ----------
    batch_norm : bool
        Whether the network normalizes every ReLU input over the batch.
    seed : int
        Seed of the data and the initial weights (the same for both networks).
    ks : ndarray, shape (depth,)
        Per hidden layer, the largest over its units of the Kolmogorov-Smirnov distance between
        the unit's outputs over the training set at the start and at the end.
    first_loss, last_loss : float
        Training loss before the first step and after the last.
    pinned_mean, pinned_var : float
        The largest $|\text{batch mean}|$ and $|\text{batch variance} - 1|$ of a unit's ReLU
        input, over all units and every step from the start to the end (what batch normalization
        fixes).
    """

    batch_norm: bool
    seed: int
    ks: NDArray[np.float64]
    first_loss: float
    last_loss: float
    pinned_mean: float
    pinned_var: float

    @property
    def largest_ks(self) -> float:
        """The largest distance over every unit of every hidden layer."""
        return float(self.ks.max())


def _outputs_and_moments(params: list, X: NDArray[np.float64], bn: bool) -> tuple[list, float, float]:
    layers = hidden_layers(params, X, bn)
    means = max(float(np.abs(layer.relu_input.mean(axis=0)).max()) for layer in layers)
    variances = max(float(np.abs(layer.relu_input.var(axis=0) - 1).max()) for layer in layers)
    return [layer.output for layer in layers], means, variances


def layer_input_shift(
    batch_norm: bool, *, seed: int = 0, lr: float = 0.05, steps: int = 200
) -> LayerInputShift:
    """Train the network of `nnnotes.experiments.landscape` and measure how far its layers' outputs move.

    The output layer starts at zero (``zero_output``), as in the matched start of part (d), so that
    both networks start from the same loss.

    Parameters
    ----------
    batch_norm : bool
        Normalize every ReLU input over the batch.
    seed : int
        Seed of the data and the initial weights.
    lr : float
        Learning rate of full-batch gradient descent (positive).
    steps : int
        Number of steps (positive).

    Returns
    -------
    LayerInputShift

    Raises
    ------
    FloatingPointError
        If training overflows (from `nnnotes.relu_network.loss_and_gradient`).
    ValueError
        If ``lr`` or ``steps`` is not positive.
    """
    real_number(lr, "lr", positive=True)
    positive_int(steps, "steps")
    X, y = synthetic_data(n=EXAMPLES, seed=seed)
    # the matched start of part (d): the output layer at zero, so both networks start at one loss
    params = he_normal_init(X.shape[1], WIDTH, DEPTH, seed, zero_output=True)
    before, mean, var = _outputs_and_moments(params, X, batch_norm)
    losses = []
    for _ in range(steps):
        loss, grads = loss_and_gradient(params, X, y, batch_norm)
        losses.append(loss)
        params = [p - lr * g for p, g in zip(params, grads, strict=True)]
        after, step_mean, step_var = _outputs_and_moments(params, X, batch_norm)
        mean, var = max(mean, step_mean), max(var, step_var)
    last = loss_and_gradient(params, X, y, batch_norm)[0]
    ks = [
        max(ks_distance(h0[:, j], h1[:, j]) for j in range(h0.shape[1]))
        for h0, h1 in zip(before, after, strict=True)
    ]
    return LayerInputShift(batch_norm, seed, np.array(ks), float(losses[0]), float(last), mean, var)


def shift_study(seeds: tuple[int, ...] = SEEDS) -> dict[bool, list[LayerInputShift]]:
    """Both networks, from the same data and initial weights, for each seed: ``{batch_norm: runs}``."""
    return {bn: [layer_input_shift(bn, seed=s) for s in seeds] for bn in (False, True)}
