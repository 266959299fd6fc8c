r"""Batch normalization, the mathematics: batch statistics, the forward map and its gradients, in float64.

For a batch ``x`` of shape ``(N, C)`` (N examples, C features or channels) training-mode batch
normalization normalises every column with its batch mean and its *biased* batch variance, then
scales and shifts it by the learnable ``gamma`` and ``beta``:

$$\mu_c = \frac{1}{N}\sum_i x_{ic}, \quad
\sigma_c^2 = \frac{1}{N}\sum_i (x_{ic} - \mu_c)^2, \quad
\hat x_{ic} = \frac{x_{ic} - \mu_c}{\sqrt{\sigma_c^2 + \varepsilon}}, \quad
y_{ic} = \gamma_c \hat x_{ic} + \beta_c .$$

`batch_norm` and `batch_norm_backward` are that mathematics as plain functions, defined for every
batch size, one included. The layer with running statistics, as PyTorch's ``BatchNorm1d``, is
`nnnotes.batchnorm_layer.BatchNorm`; the Jacobian is in `nnnotes.batchnorm_jacobian`.

Examples
--------
Each column comes out with mean 0 and (biased) variance ``var / (var + eps)``, just below 1 when
``var`` is much larger than ``eps`` (and 0 for a constant column):

>>> import numpy as np
>>> y = batch_norm([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
>>> print(np.abs(y.mean(axis=0)).max() < 1e-15, y.var(axis=0))
True [0.99999714 0.99999997]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, real_number

__all__ = [
    "BatchStatistics",
    "batch_norm",
    "batch_norm_backward",
    "batch_norm_input_gradient",
    "batch_norm_parameter_gradients",
    "batch_statistics",
    "scale_and_shift",
]

# Above this magnitude, squares of centred values could overflow float64: the statistics are then
# computed on the batch divided by a power of two (which is exact), see `_statistics`.
_BIG = 1e150


def _as_batch(x: ArrayLike, name: str, num_features: int | None = None) -> NDArray[np.float64]:
    """``x`` through the library's checker as a finite, non-empty (N, C) batch."""
    arr = as_real_array(x, name, ndim=2, finite=True, nonempty=True)
    if num_features is not None and arr.shape[1] != num_features:
        raise ValueError(f"{name} must have {num_features} features (columns), got shape {arr.shape}")
    return arr


def _per_feature(v: ArrayLike, name: str, num_features: int) -> NDArray[np.float64]:
    """Return a scalar or a (C,) vector, through the library's checker, as a (C,) vector."""
    arr = as_real_array(v, name, finite=True)
    if arr.ndim == 0:
        return np.broadcast_to(arr, (num_features,))
    if arr.shape != (num_features,):
        raise ValueError(f"{name} must have shape ({num_features},), got {arr.shape}")
    return arr


def _pow2_scale(big: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return a power of two per column: about ``big / 4`` where ``big`` exceeds ``_BIG``, else 1.

    Dividing by it is exact and brings the column within (-4, 4); ``2**(e - 2)`` stays finite even
    for the largest float64 (``e = 1024``).
    """
    exponent = np.frexp(big)[1]
    return np.where(big > _BIG, np.ldexp(1.0, exponent - 2), 1.0)


@dataclass(frozen=True)
class BatchStatistics:
    r"""Per-column statistics of a batch, as training-mode batch normalization uses them.

    Attributes
    ----------
    mean : ndarray, shape (C,)
        $\mu_B$.
    var_sum_scaled : ndarray, shape (C,)
        $\sum_i (x_i - \mu_B)^2$ divided by ``scale**2`` (so that it cannot overflow).
    scale : ndarray, shape (C,)
        A power of two per column, 1 unless the column exceeds $10^{150}$ in magnitude.
    inv_std : ndarray, shape (C,)
        $1/\sqrt{\sigma_B^2 + \varepsilon}$.
    x_hat : ndarray, shape (N, C)
        The normalised batch.
    """

    mean: NDArray[np.float64]
    var_sum_scaled: NDArray[np.float64]  # sum of squared centred values, divided by scale**2
    scale: NDArray[np.float64]  # a power of two (1 unless the column is huge)
    inv_std: NDArray[np.float64]  # 1 / sqrt(var + eps)
    x_hat: NDArray[np.float64]


def _statistics(x: NDArray[np.float64], eps: float) -> BatchStatistics:
    n = x.shape[0]
    if np.max(np.abs(x)) <= _BIG:  # the common case: no rescaling needed
        # the mean of equal values need not round to them (3a/3 != a): that noise, squared, can
        # exceed eps (from about 1e13 on) and would be normalised to +-1, so a constant column is
        # centred to exact zeros (other columns keep every bit)
        constant = np.all(x == x[:1], axis=0)
        mean = np.where(constant, x[0], x.mean(axis=0))
        centred = np.where(constant, 0.0, x - mean)
        var_sum = np.sum(centred * centred, axis=0)
        inv_std = 1.0 / np.sqrt(var_sum / n + eps)
        return BatchStatistics(mean, var_sum, np.ones_like(mean), inv_std, centred * inv_std)
    big = np.max(np.abs(x), axis=0)
    scale = _pow2_scale(big)
    xs = x / scale
    # centred on the first row: the mean of equal values need not round to them (3a/3 != a), and
    # here eps / scale**2 cannot absorb that noise, so a constant column must centre to exact zeros
    shifted = xs - xs[0]
    shift_mean = shifted.mean(axis=0)
    mean_s = xs[0] + shift_mean
    centred = shifted - shift_mean
    var_sum = np.sum(centred * centred, axis=0)
    # sqrt(var + eps) = scale * sqrt(var_s + eps / scale**2); eps / scale**2 may underflow to 0,
    # and then a column of equal values has std_s = 0: its centred values are exactly 0, x_hat is
    # 0 and the true 1 / sqrt(var + eps) is 1 / sqrt(eps)
    std_s = np.sqrt(var_sum / n + eps / scale / scale)
    flat = std_s == 0.0
    safe = np.where(flat, 1.0, std_s)
    return BatchStatistics(
        mean=mean_s * scale,
        var_sum_scaled=var_sum,
        scale=scale,
        inv_std=np.where(flat, 1.0 / np.sqrt(eps), 1.0 / (safe * scale)),
        x_hat=np.where(flat, 0.0, centred / safe),
    )


def batch_statistics(x: ArrayLike, eps: float = 1e-5) -> BatchStatistics:
    r"""Return the batch statistics of ``x`` (shape (N, C)) and the normalised batch $\hat x$.

    Examples
    --------
    >>> st = batch_statistics([[1.0], [2.0], [3.0], [6.0]], eps=0.5)
    >>> float(st.mean[0]), float(st.inv_std[0]) == 1 / 2
    (3.0, True)
    >>> st.x_hat.ravel().tolist() == [-1.0, -0.5, 0.0, 1.5]  # (x - 3) / 2
    True
    """
    return _statistics(_as_batch(x, "x"), real_number(eps, "eps", positive=True))


def batch_norm_input_gradient(
    grad_out: ArrayLike, x_hat: ArrayLike, inv_std: ArrayLike, gamma: ArrayLike = 1.0
) -> NDArray[np.float64]:
    r"""Return $\partial L/\partial x$ through training-mode batch normalization, from its statistics.

    This is the first output of `batch_norm_backward`, for a caller that kept $\hat x$ and
    $1/\sqrt{\sigma_B^2 + \varepsilon}$ from its forward pass (`batch_statistics`), as a network
    or a layer does.

    Examples
    --------
    >>> x, g = [[0.0], [1.0], [5.0]], [[1.0], [0.0], [0.0]]
    >>> st = batch_statistics(x)
    >>> gx = batch_norm_input_gradient(g, st.x_hat, st.inv_std)
    >>> bool(np.array_equal(gx, batch_norm_backward(g, x)[0]))
    True
    """
    xh = _as_batch(x_hat, "x_hat")
    c = xh.shape[1]
    g = _as_batch(grad_out, "grad_out", c)
    if g.shape != xh.shape:
        raise ValueError(f"grad_out must have the shape of x_hat {xh.shape}, got {g.shape}")
    s = as_real_array(inv_std, "inv_std", ndim=1, finite=True)
    if s.shape != (c,):
        raise ValueError(f"inv_std must have shape ({c},), got {s.shape}")
    return _backward_train(g, xh, s, _per_feature(gamma, "gamma", c))


def batch_norm(
    x: ArrayLike, gamma: ArrayLike = 1.0, beta: ArrayLike = 0.0, eps: float = 1e-5
) -> NDArray[np.float64]:
    r"""Return the training-mode batch normalization of ``x``: batch statistics, no running ones.

    This is the mathematics of the layer, defined for every batch size: for a batch of one the
    centred value is exactly 0, so the output is exactly ``beta`` (see
    `nnnotes.batchnorm_layer.BatchNorm` for why the layer refuses such a batch in training mode).

    Parameters
    ----------
    x : array_like, shape (N, C)
        The batch, finite.
    gamma, beta : array_like, shape (C,) or scalar
        Scale and shift.
    eps : float
        Added to the variance before the square root (PyTorch's default ``1e-5``).

    Returns
    -------
    ndarray, shape (N, C)
        $y = \gamma \hat x + \beta$ with $\hat x = (x - \mu_B) / \sqrt{\sigma_B^2 + \varepsilon}$.

    Notes
    -----
    The variance is the biased one, $\sigma_B^2 = \frac1N \sum_i (x_i - \mu_B)^2$, as in PyTorch.
    Columns whose magnitude exceeds $10^{150}$ are divided by a power of two before squaring, so
    that extreme but finite inputs neither overflow nor warn.

    Examples
    --------
    The batch $(1, 2, 3, 6)$ has mean 3 and biased variance 3.5:

    >>> y = batch_norm([[1.0], [2.0], [3.0], [6.0]], eps=0.5)
    >>> y.ravel().tolist() == [-1.0, -0.5, 0.0, 1.5]
    True

    A batch of one gives ``beta``, whatever the input:

    >>> batch_norm([[123.0, -4.0]], gamma=[2.0, 3.0], beta=[0.5, -7.0]).tolist() == [[0.5, -7.0]]
    True
    """
    eps = real_number(eps, "eps", positive=True)
    xb = _as_batch(x, "x")
    c = xb.shape[1]
    g, b = _per_feature(gamma, "gamma", c), _per_feature(beta, "beta", c)
    return _scale_and_shift(_statistics(xb, eps).x_hat, g, b)


def _scale_and_shift(
    x_hat: NDArray[np.float64], gamma: NDArray[np.float64], beta: NDArray[np.float64]
) -> NDArray[np.float64]:
    with np.errstate(over="ignore", invalid="ignore"):
        out = gamma * x_hat + beta
    if not np.all(np.isfinite(out)):
        raise OverflowError("the output gamma * x_hat + beta overflows float64")
    return out


def scale_and_shift(x_hat: ArrayLike, gamma: ArrayLike = 1.0, beta: ArrayLike = 0.0) -> NDArray[np.float64]:
    r"""Return $\gamma \hat x + \beta$, the last step of batch normalization, or raise if it overflows.

    Examples
    --------
    >>> scale_and_shift([[-1.0], [1.0]], gamma=2.0, beta=0.5).ravel().tolist() == [-1.5, 2.5]
    True
    >>> scale_and_shift([[1.0]], gamma=1e308, beta=1e308)
    Traceback (most recent call last):
    ...
    OverflowError: the output gamma * x_hat + beta overflows float64
    """
    xh = _as_batch(x_hat, "x_hat")
    c = xh.shape[1]
    return _scale_and_shift(xh, _per_feature(gamma, "gamma", c), _per_feature(beta, "beta", c))


def batch_norm_parameter_gradients(
    grad_out: ArrayLike, x_hat: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return $(\partial L/\partial\gamma, \partial L/\partial\beta) = (\sum_i g_i \hat x_i, \sum_i g_i)$.

    Examples
    --------
    >>> [v.tolist() for v in batch_norm_parameter_gradients([[1.0], [3.0]], [[-1.0], [1.0]])]
    [[2.0], [4.0]]
    """
    xh = _as_batch(x_hat, "x_hat")
    g = _as_batch(grad_out, "grad_out", xh.shape[1])
    if g.shape != xh.shape:
        raise ValueError(f"grad_out must have the shape of x_hat {xh.shape}, got {g.shape}")
    return _column_sum(g, "gamma", times=xh), _column_sum(g, "beta")


def _backward_train(
    g: NDArray[np.float64],
    x_hat: NDArray[np.float64],
    inv_std: NDArray[np.float64],
    gamma: NDArray[np.float64],
) -> NDArray[np.float64]:
    big = np.max(np.abs(g), axis=0)
    if np.max(big) <= _BIG:  # the common case: sums cannot overflow
        s, gs = np.ones_like(big), g
    else:  # the formula is linear in g: scale huge gradients by a power of two
        s = _pow2_scale(big)
        gs = g / s
    # a constant column of g has mean g exactly, though its computed mean may miss it by an ulp,
    # noise that gamma * inv_std could blow up: there g minus its mean is written as exact zeros
    constant = np.all(gs == gs[:1], axis=0)
    inner = np.where(constant, 0.0, gs - gs.mean(axis=0)) - x_hat * (gs * x_hat).mean(axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        out = ((gamma * inv_std) * inner) * s
    if not np.all(np.isfinite(out)):
        raise OverflowError("the gradient with respect to x overflows float64")
    return out


def batch_norm_backward(
    grad_out: ArrayLike, x: ArrayLike, gamma: ArrayLike = 1.0, eps: float = 1e-5
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the gradients of a loss through `batch_norm`: ``(grad_x, grad_gamma, grad_beta)``.

    Parameters
    ----------
    grad_out : array_like, shape (N, C)
        $g = \partial L / \partial y$.
    x : array_like, shape (N, C)
        The batch the layer was applied to.
    gamma : array_like, shape (C,) or scalar
        The scale (``beta`` does not enter the gradients).
    eps : float
        As in `batch_norm`.

    Returns
    -------
    grad_x : ndarray, shape (N, C)
    grad_gamma, grad_beta : ndarray, shape (C,)

    Notes
    -----
    With $\hat x$ and $\sigma_B^2$ as in `batch_norm`, per column,

    $$\frac{\partial L}{\partial x_i} = \frac{\gamma}{\sqrt{\sigma_B^2 + \varepsilon}}
    \Big(g_i - \frac1N \sum_j g_j - \hat x_i \frac1N \sum_j g_j \hat x_j\Big), \quad
    \frac{\partial L}{\partial \gamma} = \sum_i g_i \hat x_i, \quad
    \frac{\partial L}{\partial \beta} = \sum_i g_i .$$

    The two subtracted terms remove from $g$ its mean and its component along $\hat x$: a shift
    or a rescaling of the batch does not change the output (up to $\varepsilon$).

    Examples
    --------
    The gradient with respect to the input always sums to zero over the batch:

    >>> gx, gg, gb = batch_norm_backward([[1.0], [0.0], [0.0]], [[0.0], [1.0], [5.0]])
    >>> bool(abs(gx.sum()) < 1e-15), gb.tolist()
    (True, [1.0])

    For a batch of one every input gradient and the gradient of ``gamma`` are exactly zero; only
    ``beta`` still learns:

    >>> [v.tolist() for v in batch_norm_backward([[3.0]], [[42.0]], gamma=2.0)] == [[[0.0]], [0.0], [3.0]]
    True
    """
    eps = real_number(eps, "eps", positive=True)
    xb = _as_batch(x, "x")
    c = xb.shape[1]
    g = _as_batch(grad_out, "grad_out", c)
    if g.shape != xb.shape:
        raise ValueError(f"grad_out must have the shape of x {xb.shape}, got {g.shape}")
    gam = _per_feature(gamma, "gamma", c)
    st = _statistics(xb, eps)
    grad_gamma = _column_sum(g, "gamma", times=st.x_hat)
    return _backward_train(g, st.x_hat, st.inv_std, gam), grad_gamma, _column_sum(g, "beta")


def _column_sum(
    v: NDArray[np.float64], what: str, times: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    s = _pow2_scale(np.max(np.abs(v), axis=0))  # linear in v: a huge column is scaled, so that no
    vs = v / s  # single product g * x_hat overflows where the sum fits
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.sum(vs if times is None else vs * times, axis=0) * s
    if not np.all(np.isfinite(out)):
        raise OverflowError(f"the gradient with respect to {what} overflows float64")
    return out
