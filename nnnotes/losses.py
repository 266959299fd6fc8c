r"""Loss functions on logits, their gradients, and which output function and loss suit which task.

The three losses are written to compute what PyTorch's functions of the same names compute with
the default ``reduction="mean"`` (checked against those functions' documented formulas and against
mpmath, not against PyTorch itself, which is not a dependency): the mean over every element
(`binary_cross_entropy_with_logits`, `mean_squared_error`) or over the batch (`cross_entropy`).
They take *logits* (pre-activations), not probabilities: the output function is folded into the
loss, which is what keeps them finite and accurate for logits of any finite size. Applying the
sigmoid first and taking the logarithm afterwards cannot be repaired: in float64 $\sigma(37)$ is
within an ulp of 1, and the package's sigmoid gives exactly 1 (as does ``1 / (1 + exp(-37))``), so
$\log(1 - \sigma(37))$ is $-\infty$ although the loss is about 37.

numpy only. The derivations of the gradients are in `nnnotes.proofs.loss_gradients`; the
registry of tasks and the table of extreme logits in `nnnotes.experiments.losses`.

Examples
--------
>>> float(binary_cross_entropy_with_logits([37.0], [0.0])) == 37.0  # 37 + log(1 + e^-37), rounded
True
>>> float(cross_entropy([[54.0, 18.0]], [1])) == 36.0  # 36 + log(1 + e^-36), rounded
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.activations import sigmoid
from nnnotes.arrays import as_real_array
from nnnotes.softmax import log_softmax, softmax

__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "logit_gradient",
    "mean_squared_error",
]


def _same_shape(a_name: str, a: NDArray[Any], b_name: str, b: NDArray[Any]) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{b_name} must have the same shape as {a_name}, got {b.shape} and {a.shape}")


def _softplus(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}), which neither overflows nor cancels."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _half_mean(half: NDArray[np.float64]) -> float:
    """Return ``2 * mean(half)`` for non-negative finite ``half``, without spurious overflow.

    Scaling by a power of two is exact, so in the ordinary range the result is bit for bit the
    plain ``np.mean``; only a mean that exceeds the float64 range, or lies within its rounding
    error (a few ulp) of the largest float64, becomes ``inf``.
    """
    top = float(np.max(half))
    if top == 0.0:
        return 0.0
    _, e = math.frexp(top)
    scaled = float(np.mean(np.ldexp(half, -e)))
    try:
        return math.ldexp(scaled, e + 1)
    except OverflowError:
        return math.inf


def binary_cross_entropy_with_logits(logits: ArrayLike, targets: ArrayLike) -> float:
    r"""Return the mean binary cross-entropy of sigmoid outputs, computed from the logits.

    What ``torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)`` computes
    (``reduction="mean"``, no weights): the mean over every element, so a batch of multi-label
    examples is averaged over examples and labels alike.

    Parameters
    ----------
    logits : array_like
        Real, finite logits $z$ of any shape.
    targets : array_like
        Targets $y \in [0, 1]$ (hard 0/1 labels or soft probabilities), same shape.

    Returns
    -------
    float
        The mean loss; ``inf`` only if the exact mean exceeds the float64 range or comes within a
        few ulp of its top.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty, a logit is not finite, or a target lies outside
        $[0, 1]$.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    Per element, with $\operatorname{softplus}(z) = \log(1 + e^{z})$,

    $$
    \ell(z, y) = -y \log \sigma(z) - (1 - y) \log(1 - \sigma(z))
    = y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z),
    $$

    a sum of two non-negative terms (nothing cancels), and
    $\operatorname{softplus}(z) = \max(z, 0) + \operatorname{log1p}(e^{-|z|})$ neither
    overflows nor loses the tiny losses of confident, correct predictions. Its gradient is
    $\partial \ell / \partial z = \sigma(z) - y$ (see `logit_gradient`).

    Examples
    --------
    A confident correct prediction keeps its tiny loss, $\log(1 + e^{-40})$:

    >>> float(binary_cross_entropy_with_logits([40.0], [1.0]))
    4.248354255291589e-18

    The naive route through probabilities gives an infinite loss where the true one is 1000:

    >>> float(binary_cross_entropy_with_logits([1000.0], [0.0])) == 1000.0
    True

    Multi-label targets: one row per example, one column per label, all averaged:

    >>> round(binary_cross_entropy_with_logits([[2.0, -1.0], [0.0, 3.0]], [[1, 0], [1, 1]]), 6)
    0.295481
    """
    z = as_real_array(logits, "logits", finite=True, nonempty=True)
    y = as_real_array(targets, "targets", finite=True, nonempty=True)
    _same_shape("logits", z, "targets", y)
    if np.any((y < 0) | (y > 1)):
        bad = y[(y < 0) | (y > 1)].ravel()[0]
        raise ValueError(f"targets must lie in [0, 1], got {bad!r}")
    per_element = y * _softplus(-z) + (1.0 - y) * _softplus(z)
    return _half_mean(per_element / 2.0)


def _labels(labels: ArrayLike, batch: tuple[int, ...], classes: int) -> NDArray[np.int64]:
    lab = np.asarray(labels)
    if lab.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices, got dtype {lab.dtype}")
    if lab.shape != batch:
        raise ValueError(
            f"labels must have shape {batch} (one class index per row of logits), got {lab.shape}"
        )
    if np.any((lab < 0) | (lab >= classes)):
        bad = lab[(lab < 0) | (lab >= classes)].ravel()[0]
        raise ValueError(f"labels must lie in [0, {classes - 1}] for {classes} classes, got {bad}")
    return lab.astype(np.int64)


def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> float:
    r"""Return the mean categorical cross-entropy of softmax outputs, from logits and class labels.

    What ``torch.nn.functional.cross_entropy(logits, labels)`` computes for integer class labels
    (``reduction="mean"``, no weights, no ``ignore_index``, no label smoothing): the negative
    log-probability of the true class, averaged over the batch.

    Parameters
    ----------
    logits : array_like
        Real, finite logits of shape ``(N, C)`` (a batch) or ``(C,)`` (one example).
    labels : array_like of int
        Class indices in ``0, ..., C - 1``: shape ``(N,)``, or a scalar for one example.

    Returns
    -------
    float
        The mean loss; ``inf`` only if the exact mean exceeds the float64 range or comes within a
        few ulp of its top.

    Raises
    ------
    TypeError
        If ``labels`` are not integers, or ``logits`` are not numeric.
    ValueError
        If a label is out of range, the shapes do not match, or a logit is not finite.

    Notes
    -----
    For one example with label $c$ and $m = \max_k z_k$ attained at $k^*$,

    $$
    -\log \operatorname{softmax}(z)_c = \log \sum_k e^{z_k} - z_c
    = (m - z_c) + \operatorname{log1p}\Bigl(\sum_{k \ne k^*} e^{z_k - m}\Bigr).
    $$

    Every exponent is at most 0, so nothing overflows; ``log1p`` keeps the full relative accuracy
    of a tiny loss, which ``log(sum(exp(z - m)))`` loses (it rounds the sum to 1 first). The terms
    are halved before they are averaged, so even logits near the float64 limit do not overflow.
    The gradient with respect to the logits is $\operatorname{softmax}(z) - e_c$
    (see `logit_gradient`).

    Examples
    --------
    The sheet's logits (54, 18): the loss of the predicted class 0 is
    $\log(1 + e^{-36}) \approx 2.3195 \times 10^{-16}$, the other class costs 36:

    >>> print(f"{float(cross_entropy([54.0, 18.0], 0)):.14e}")
    2.31952283024357e-16
    >>> float(cross_entropy([54.0, 18.0], 1)) == 36.0
    True

    The first is within an ulp of the exact $2.31952283024356912 \times 10^{-16}$ (correctly
    rounded on some CPUs, 1 ulp off on others: numpy's exponential differs in its last bit);
    ``log(sum(exp(z - m)))`` gives about $2.2204 \times 10^{-16}$ there (the log of the
    rounded sum $1 + 2^{-52}$), 4 % too small.
    Logits of any finite size are fine:

    >>> float(cross_entropy([[1e300, -1e300], [0.0, 0.0]], [1, 0])) == 1e300  # (2e300 + log 2) / 2
    True
    """
    z = as_real_array(logits, "logits", finite=True, nonempty=True)
    if z.ndim not in (1, 2):
        raise ValueError(f"logits must have shape (N, C) or (C,), got shape {z.shape}")
    z2 = z.reshape(1, -1) if z.ndim == 1 else z
    lab = _labels(labels, () if z.ndim == 1 else (z.shape[0],), z2.shape[1]).reshape(-1)
    rows = np.arange(z2.shape[0])
    top = np.argmax(z2, axis=1)
    m = z2[rows, top]
    # log(1 + S), S the sum of e^(z_j - m) over the entries other than the largest: it is minus
    # the log-softmax of the largest, which `nnnotes.softmax.log_softmax` keeps to a few ulp even
    # for a tiny S (a tiny loss is about S)
    log1p_rest = -log_softmax(z2, axis=1)[rows, top]
    # halves: m/2 - z_c/2 is exact where m - z_c would overflow
    half = (m / 2.0 - z2[rows, lab] / 2.0) + log1p_rest / 2.0
    return _half_mean(half)


def mean_squared_error(pred: ArrayLike, target: ArrayLike) -> float:
    r"""Return the mean of the squared differences, over every element.

    What ``torch.nn.functional.mse_loss(pred, target)`` computes (``reduction="mean"``), for
    arrays of the same shape (PyTorch would broadcast different shapes with a warning; here they
    are an error).

    Parameters
    ----------
    pred, target : array_like
        Real, finite predictions and targets of the same shape.

    Returns
    -------
    float
        $\frac{1}{n}\sum_i (\hat y_i - y_i)^2$; ``inf`` only if it exceeds the float64 range or
        comes within a few ulp of its top.

    Notes
    -----
    There is no $\tfrac12$, so the gradient is $\frac{2}{n}(\hat y - y)$: prediction
    minus target up to the constant $2/n$. The squares are formed after scaling by a power of
    two, so differences above $10^{154}$ do not overflow when the mean is representable.

    Examples
    --------
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 0.0, 4.0])
    1.6666666666666667

    The square $(1.5 \times 10^{154})^2$ alone overflows float64, the mean does not:

    >>> print(f"{mean_squared_error([1.5e154, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]):.6e}")
    5.625000e+307
    """
    p = as_real_array(pred, "pred", finite=True, nonempty=True)
    t = as_real_array(target, "target", finite=True, nonempty=True)
    _same_shape("pred", p, "target", t)
    with np.errstate(over="ignore"):
        d = np.abs(p - t)
    if not np.all(np.isfinite(d)):
        return math.inf  # some |pred - target| > 1.8e308: its square alone exceeds n * max
    top = float(np.max(d))
    if top == 0.0:
        return 0.0
    _, e = math.frexp(top)
    scaled = float(np.mean(np.ldexp(d, -e) ** 2))
    try:
        return math.ldexp(scaled, 2 * e)
    except OverflowError:
        return math.inf


def logit_gradient(
    loss: Callable[[ArrayLike, ArrayLike], float], logits: ArrayLike, targets: ArrayLike
) -> NDArray[np.float64]:
    r"""Return the gradient of ``loss(logits, targets)`` with respect to the logits.

    Each loss paired with its canonical output function has a gradient proportional to prediction
    minus target: divided by the number of terms averaged, and doubled for `mean_squared_error`
    (which has no factor 1/2).

    Parameters
    ----------
    loss : callable
        One of `binary_cross_entropy_with_logits`, `cross_entropy`, `mean_squared_error`.
    logits : array_like
        As for ``loss`` (the predictions, for `mean_squared_error`).
    targets : array_like
        As for ``loss`` (integer labels for `cross_entropy`).

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``.

    Notes
    -----
    With $n$ the number of averaged terms (elements, or rows for `cross_entropy`):

    * `binary_cross_entropy_with_logits`: $(\sigma(z) - y) / n$;
    * `cross_entropy`: $(\operatorname{softmax}(z) - e_c) / N$, $e_c$ the one-hot label;
    * `mean_squared_error`: $2 (\hat y - y) / n$.

    Examples
    --------
    >>> logit_gradient(cross_entropy, [[54.0, 18.0]], [1]).tolist()  # (p1, p2 - 1), each 2^-52 from +-1
    [[0.9999999999999998, -0.9999999999999998]]
    >>> logit_gradient(binary_cross_entropy_with_logits, [0.0, 0.0], [1.0, 0.0]).tolist() == [-0.25, 0.25]
    True
    """
    if loss is binary_cross_entropy_with_logits:
        loss(logits, targets)  # validates
        z, y = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
        return (sigmoid(z) - y) / z.size
    if loss is cross_entropy:
        loss(logits, targets)
        z = np.asarray(logits, dtype=np.float64)
        z2 = z.reshape(1, -1) if z.ndim == 1 else z
        g = softmax(z2, axis=1)
        g[np.arange(z2.shape[0]), np.asarray(targets).reshape(-1)] -= 1.0
        return (g / z2.shape[0]).reshape(z.shape)
    if loss is mean_squared_error:
        loss(logits, targets)
        p, t = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
        return 2.0 * (p - t) / p.size
    raise ValueError(
        f"loss must be binary_cross_entropy_with_logits, cross_entropy or mean_squared_error, got {loss!r}"
    )
