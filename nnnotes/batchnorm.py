r"""Batch normalization with the semantics of PyTorch's ``BatchNorm1d``, in float64.

For a batch ``x`` of shape ``(N, C)`` (N examples, C features or channels) the layer normalises
every column with its batch mean and its *biased* batch variance, then scales and shifts it by the
learnable ``gamma`` and ``beta``:

$$\mu_c = \frac{1}{N}\sum_i x_{ic}, \quad
\sigma_c^2 = \frac{1}{N}\sum_i (x_{ic} - \mu_c)^2, \quad
\hat x_{ic} = \frac{x_{ic} - \mu_c}{\sqrt{\sigma_c^2 + \varepsilon}}, \quad
y_{ic} = \gamma_c \hat x_{ic} + \beta_c .$$

`batch_norm` and `batch_norm_backward` are that mathematics as plain functions, defined for every
batch size, one included. `BatchNorm` is the layer as PyTorch has it: running statistics updated in
training mode and used in evaluation mode, and the same refusal of a training batch with a single
value per channel.

Examples
--------
Each column comes out with mean 0 and (biased) variance ``var / (var + eps)``, just below 1:

>>> import numpy as np
>>> bn = BatchNorm(2)
>>> y = bn.forward([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
>>> print(np.round(y.mean(axis=0), 12) + 0.0, np.round(y.var(axis=0), 6))
[0. 0.] [0.999997 1.      ]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes.check.derivation import Derivation, published

__all__ = [
    "BatchNorm",
    "batch_norm",
    "batch_norm_backward",
    "batch_norm_jacobian",
    "batch_of_two_entry_order",
    "batch_of_one_gradients",
    "batch_of_one_output",
    "central_difference_jacobian",
    "jacobian_batch_of_two",
    "undo_normalization",
]

# Above this magnitude, squares of centred values could overflow float64: the statistics are then
# computed on the batch divided by a power of two (which is exact), see `_statistics`.
_BIG = 1e150


def _as_batch(x: ArrayLike, name: str, num_features: int | None = None) -> NDArray[np.float64]:
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D of shape (N, C) (batch size, features), got {arr.ndim}-D input "
            f"of shape {arr.shape}"
        )
    if num_features is not None and arr.shape[1] != num_features:
        raise ValueError(f"{name} must have {num_features} features (columns), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one example (row), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or infinite values")
    return arr


def _as_params(v: ArrayLike, name: str, num_features: int) -> NDArray[np.float64]:
    arr = np.asarray(v)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    arr = (
        np.broadcast_to(arr.astype(np.float64), (num_features,)) if arr.ndim == 0 else arr.astype(np.float64)
    )
    if arr.shape != (num_features,):
        raise ValueError(f"{name} must have shape ({num_features},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or infinite values")
    return arr


def _check_eps(eps: float) -> float:
    if isinstance(eps, bool) or not isinstance(eps, int | float | np.floating):
        raise TypeError(f"eps must be a positive float, got {eps!r}")
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    return float(eps)


def _pow2_scale(big: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return a power of two per column: about ``big / 4`` where ``big`` exceeds ``_BIG``, else 1.

    Dividing by it is exact and brings the column within (-4, 4); ``2**(e - 2)`` stays finite even
    for the largest float64 (``e = 1024``).
    """
    exponent = np.frexp(big)[1]
    return np.where(big > _BIG, np.ldexp(1.0, exponent - 2), 1.0)


@dataclass(frozen=True)
class _Stats:
    """Per-column batch statistics: mean, biased variance, scale, and the normalised batch."""

    mean: NDArray[np.float64]
    var_sum_scaled: NDArray[np.float64]  # sum of squared centred values, divided by scale**2
    scale: NDArray[np.float64]  # a power of two (1 unless the column is huge)
    inv_std: NDArray[np.float64]  # 1 / sqrt(var + eps)
    x_hat: NDArray[np.float64]


def _statistics(x: NDArray[np.float64], eps: float) -> _Stats:
    n = x.shape[0]
    if np.max(np.abs(x)) <= _BIG:  # the common case: no rescaling needed
        mean = x.mean(axis=0)
        centred = x - mean
        var_sum = np.sum(centred * centred, axis=0)
        inv_std = 1.0 / np.sqrt(var_sum / n + eps)
        return _Stats(mean, var_sum, np.ones_like(mean), inv_std, centred * inv_std)
    big = np.max(np.abs(x), axis=0)
    scale = _pow2_scale(big)
    xs = x / scale
    mean_s = xs.mean(axis=0)
    centred = xs - mean_s
    var_sum = np.sum(centred * centred, axis=0)
    # sqrt(var + eps) = scale * sqrt(var_s + eps / scale**2); eps / scale**2 may underflow to 0,
    # and then a column of equal values has std_s = 0: its centred values are exactly 0, x_hat is
    # 0 and the true 1 / sqrt(var + eps) is 1 / sqrt(eps)
    std_s = np.sqrt(var_sum / n + eps / scale / scale)
    flat = std_s == 0.0
    safe = np.where(flat, 1.0, std_s)
    return _Stats(
        mean=mean_s * scale,
        var_sum_scaled=var_sum,
        scale=scale,
        inv_std=np.where(flat, 1.0 / np.sqrt(eps), 1.0 / (safe * scale)),
        x_hat=np.where(flat, 0.0, centred / safe),
    )


def batch_norm(
    x: ArrayLike, gamma: ArrayLike = 1.0, beta: ArrayLike = 0.0, eps: float = 1e-5
) -> NDArray[np.float64]:
    r"""Return the training-mode batch normalization of ``x``: batch statistics, no running ones.

    This is the mathematics of the layer, defined for every batch size: for a batch of one the
    centred value is exactly 0, so the output is exactly ``beta`` (see `BatchNorm` for why the
    layer refuses such a batch in training mode).

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
    >>> print(y.ravel())
    [-1.  -0.5  0.   1.5]

    A batch of one gives ``beta``, whatever the input:

    >>> print(batch_norm([[123.0, -4.0]], gamma=[2.0, 3.0], beta=[0.5, -7.0]))
    [[ 0.5 -7. ]]
    """
    eps = _check_eps(eps)
    xb = _as_batch(x, "x")
    c = xb.shape[1]
    g, b = _as_params(gamma, "gamma", c), _as_params(beta, "beta", c)
    return _affine(g, _statistics(xb, eps).x_hat, b)


def _affine(
    gamma: NDArray[np.float64], x_hat: NDArray[np.float64], beta: NDArray[np.float64]
) -> NDArray[np.float64]:
    with np.errstate(over="ignore", invalid="ignore"):
        out = gamma * x_hat + beta
    if not np.all(np.isfinite(out)):
        raise OverflowError("the output gamma * x_hat + beta overflows float64")
    return out


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
    inner = gs - gs.mean(axis=0) - x_hat * (gs * x_hat).mean(axis=0)
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
    >>> print(round(float(gx.sum()), 12) + 0.0, gb)
    0.0 [1.]

    For a batch of one every input gradient and the gradient of ``gamma`` are exactly zero; only
    ``beta`` still learns:

    >>> print(batch_norm_backward([[3.0]], [[42.0]], gamma=2.0))
    (array([[0.]]), array([0.]), array([3.]))
    """
    eps = _check_eps(eps)
    xb = _as_batch(x, "x")
    c = xb.shape[1]
    g = _as_batch(grad_out, "grad_out", c)
    if g.shape != xb.shape:
        raise ValueError(f"grad_out must have the shape of x {xb.shape}, got {g.shape}")
    gam = _as_params(gamma, "gamma", c)
    st = _statistics(xb, eps)
    grad_gamma = _column_sum(g, "gamma", times=st.x_hat)
    return _backward_train(g, st.x_hat, st.inv_std, gam), grad_gamma, _column_sum(g, "beta")


def _column_sum(
    v: NDArray[np.float64], what: str, times: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.sum(v if times is None else v * times, axis=0)
    if not np.all(np.isfinite(out)):
        raise OverflowError(f"the gradient with respect to {what} overflows float64")
    return out


def batch_norm_jacobian(x: ArrayLike, gamma: ArrayLike = 1.0, eps: float = 1e-5) -> NDArray[np.float64]:
    r"""Return the Jacobian of training-mode `batch_norm`, one ``(N, N)`` matrix per column.

    Columns are normalised independently, so the full Jacobian is block-diagonal; this returns the
    blocks, ``J[c, i, j]`` $= \partial y_{ic} / \partial x_{jc}$.

    Parameters
    ----------
    x : array_like, shape (N, C)
    gamma : array_like, shape (C,) or scalar
    eps : float

    Returns
    -------
    ndarray, shape (C, N, N)

    Notes
    -----
    $$J = \frac{\gamma}{\sqrt{\sigma_B^2 + \varepsilon}}
    \Big(I - \tfrac1N \mathbf 1 \mathbf 1^\top - \tfrac1N \hat x \hat x^\top\Big).$$

    It is symmetric, and $J \mathbf 1 = 0$: adding a constant to the whole batch changes nothing.
    Where an entry is much smaller than $\gamma / \sqrt{\sigma_B^2 + \varepsilon}$ (a batch of two
    far apart, say), the formula gets it by cancellation, with a relative error of about
    $u / |J_{ij}|$ at that scale ($u = 2^{-53}$); the absolute error stays at rounding level.

    Examples
    --------
    For a batch of two, $\hat x = \pm\, d / \sqrt{d^2 + \varepsilon}$ with $d = (x_1 - x_2)/2$: the
    output is nearly $\beta \pm \gamma$ and the Jacobian is of the order of $\varepsilon$:

    >>> J = batch_norm_jacobian([[0.0], [2.0]], eps=1e-4)
    >>> print(np.round(J[0] * 1e4, 4))
    [[ 0.5 -0.5]
     [-0.5  0.5]]
    """
    eps = _check_eps(eps)
    xb = _as_batch(x, "x")
    n, c = xb.shape
    gam = _as_params(gamma, "gamma", c)
    st = _statistics(xb, eps)
    xh = st.x_hat.T  # (C, N)
    eye = np.eye(n)[None, :, :]
    inner = eye - 1.0 / n - xh[:, :, None] * xh[:, None, :] / n
    with np.errstate(over="ignore", invalid="ignore"):
        out = (gam * st.inv_std)[:, None, None] * inner
    if not np.all(np.isfinite(out)):
        raise OverflowError("the Jacobian overflows float64")
    return out


def central_difference_jacobian(
    x: ArrayLike, gamma: ArrayLike = 1.0, eps: float = 1e-5, h: float = 1e-6
) -> NDArray[np.float64]:
    r"""Return the Jacobian of `batch_norm` by central differences, shaped like `batch_norm_jacobian`.

    Entry ``[c, i, j]`` is $(y_{ic}(x + h e_{jc}) - y_{ic}(x - h e_{jc})) / 2h$: an independent,
    derivative-free check of the closed form (its error is of the order of $h^2$ plus rounding
    $\approx 10^{-16}/h$).

    Examples
    --------
    >>> x = [[1.0], [2.0], [3.0], [6.0]]
    >>> err = central_difference_jacobian(x) - batch_norm_jacobian(x)
    >>> bool(np.max(np.abs(err)) < 1e-9)
    True
    """
    xb = _as_batch(x, "x")
    if not (isinstance(h, float) and h > 0):
        raise ValueError(f"h must be a positive float, got {h!r}")
    n, c = xb.shape
    out = np.empty((c, n, n))
    for col in range(c):
        for j in range(n):
            up, down = xb.copy(), xb.copy()
            up[j, col] += h
            down[j, col] -= h
            diff = batch_norm(up, gamma, 0.0, eps) - batch_norm(down, gamma, 0.0, eps)
            out[col, :, j] = diff[:, col] / (2 * h)
    return out


class BatchNorm:
    r"""Batch normalization over the features of an ``(N, C)`` batch, as ``torch.nn.BatchNorm1d``.

    Parameters
    ----------
    num_features : int
        C, the number of features (columns).
    eps : float
        Added to the variance before the square root. Default ``1e-5``, as in PyTorch.
    momentum : float
        Weight of the new batch in the running averages, in $[0, 1]$. Default ``0.1``, as in PyTorch
        (PyTorch's ``momentum=None``, a cumulative average, is not offered).

    Attributes
    ----------
    gamma, beta : ndarray, shape (C,)
        Learnable scale and shift (PyTorch's ``weight`` and ``bias``), initially 1 and 0.
    running_mean, running_var : ndarray, shape (C,)
        Running statistics, initially 0 and 1.

    Notes
    -----
    This follows ``torch.nn.BatchNorm1d(C, eps, momentum)`` with ``affine=True`` and
    ``track_running_stats=True``, in float64:

    * training mode normalises with the batch mean and the **biased** batch variance
      ($\frac1N\sum_i (x_i-\mu_B)^2$);
    * it then updates, with $m$ the momentum,
      $\mathrm{running\_mean} \leftarrow (1-m)\,\mathrm{running\_mean} + m\,\mu_B$ and
      $\mathrm{running\_var} \leftarrow (1-m)\,\mathrm{running\_var} + m\,\frac{N}{N-1}\sigma_B^2$,
      the **unbiased** batch variance;
    * evaluation mode normalises with the running statistics and changes nothing;
    * a training batch with one value per channel (``N = 1``) raises ``ValueError``, as PyTorch
      does ("Expected more than 1 value per channel when training"). The layer's output would be
      ``beta`` whatever the input and every gradient except that of ``beta`` would be zero (see
      `batch_norm`), and the unbiased variance $0/0$ is undefined. Evaluation mode accepts
      ``N = 1``. (PyTorch also takes ``(N, C, L)`` input and then requires $N L > 1$; this class
      takes ``(N, C)`` only.)

    Extreme but finite inputs are handled without overflow or warnings (columns beyond $10^{150}$
    are rescaled by a power of two). If a batch variance exceeds the float64 range (values near
    $10^{308}$), the running variance becomes ``inf``, as it would in PyTorch; an output or a
    gradient that does not fit in float64 raises ``OverflowError`` rather than returning inf or NaN.

    Examples
    --------
    One training step on the batch $(1, 2, 3, 6)$: mean 3, biased variance 3.5, unbiased 14/3.

    >>> bn = BatchNorm(1)
    >>> _ = bn.forward([[1.0], [2.0], [3.0], [6.0]])
    >>> print(float(bn.running_mean[0]), round(float(bn.running_var[0]), 12))
    0.3 1.366666666667

    Evaluation mode uses those running statistics and accepts a single example; training mode
    refuses it:

    >>> print(np.round(bn.forward([[0.3]], training=False), 12) + 0.0)
    [[0.]]
    >>> bn.forward([[0.3]])
    Traceback (most recent call last):
    ...
    ValueError: Expected more than 1 value per channel when training, got input of shape (1, 1): ...
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        if isinstance(num_features, bool) or not isinstance(num_features, int | np.integer):
            raise TypeError(f"num_features must be a positive int, got {num_features!r}")
        if num_features < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if isinstance(momentum, bool) or not isinstance(momentum, int | float | np.floating):
            raise TypeError(f"momentum must be a float in [0, 1], got {momentum!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.num_features = int(num_features)
        self.eps = _check_eps(eps)
        self.momentum = float(momentum)
        self.gamma = np.ones(self.num_features)
        self.beta = np.zeros(self.num_features)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)
        self._cache: tuple[bool, NDArray[np.float64], NDArray[np.float64]] | None = None

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features}, eps={self.eps!r}, momentum={self.momentum!r})"

    def forward(self, x: ArrayLike, training: bool = True) -> NDArray[np.float64]:
        """Normalise ``x`` of shape ``(N, C)``; in training mode also update the running statistics.

        Parameters
        ----------
        x : array_like, shape (N, C)
            Finite values; N >= 2 in training mode.
        training : bool
            Batch statistics (and running-average update) if true, running statistics if false.

        Returns
        -------
        ndarray, shape (N, C)
        """
        xb = _as_batch(x, "x", self.num_features)
        gamma = _as_params(self.gamma, "gamma", self.num_features)
        beta = _as_params(self.beta, "beta", self.num_features)
        if training:
            n = xb.shape[0]
            if n == 1:
                raise ValueError(
                    "Expected more than 1 value per channel when training, got input of shape "
                    f"{xb.shape}: with one example the batch variance is 0, the output is beta "
                    "whatever x is and x gets no gradient (use training=False, or a batch of 2+)"
                )
            st = _statistics(xb, self.eps)
            self._update_running(st, n)
            x_hat, inv_std = st.x_hat, st.inv_std
        else:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            with np.errstate(over="ignore", invalid="ignore"):
                x_hat = (xb - self.running_mean) * inv_std
            if not np.all(np.isfinite(x_hat)):
                raise OverflowError("the normalised input overflows float64 in evaluation mode")
        self._cache = (bool(training), x_hat, inv_std)
        return _affine(gamma, x_hat, beta)

    def _update_running(self, st: _Stats, n: int) -> None:
        m = self.momentum
        if m == 0.0:
            return
        with np.errstate(over="ignore"):
            # var_sum first: a zero variance stays 0 even when scale**2 overflows
            unbiased = st.var_sum_scaled / (n - 1) * st.scale * st.scale
            if m == 1.0:  # (1 - m) * inf would be 0 * inf
                self.running_mean, self.running_var = st.mean.copy(), unbiased
                return
            self.running_var = (1.0 - m) * self.running_var + m * unbiased
        self.running_mean = (1.0 - m) * self.running_mean + m * st.mean

    def backward(
        self, grad_out: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Return ``(grad_x, grad_gamma, grad_beta)`` for the last call of `forward`.

        In training mode the batch statistics depend on ``x``, which gives the formula of
        `batch_norm_backward`; in evaluation mode the layer is affine in ``x`` and
        ``grad_x = grad_out * gamma / sqrt(running_var + eps)``.

        Parameters
        ----------
        grad_out : array_like, shape (N, C)
            The gradient of the loss with respect to the output of the last `forward`.
        """
        if self._cache is None:
            raise ValueError("backward needs a previous call of forward")
        training, x_hat, inv_std = self._cache
        g = _as_batch(grad_out, "grad_out", self.num_features)
        if g.shape != x_hat.shape:
            raise ValueError(
                f"grad_out must have the shape of the last forward's input {x_hat.shape}, got {g.shape}"
            )
        gamma = _as_params(self.gamma, "gamma", self.num_features)
        if training:
            gx = _backward_train(g, x_hat, inv_std, gamma)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                gx = g * (gamma * inv_std)
            if not np.all(np.isfinite(gx)):
                raise OverflowError("the gradient with respect to x overflows float64")
        return gx, _column_sum(g, "gamma", times=x_hat), _column_sum(g, "beta")


# ------------------------------------------------------------------------------------------------
# published derivations


def _one_batch_symbols() -> tuple[sympy.Expr, ...]:
    x = sympy.IndexedBase("x")
    g = sympy.IndexedBase("g")
    i = sympy.Symbol("i", integer=True)
    j = sympy.Symbol("j", integer=True)
    gamma, beta = sympy.symbols("gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mean = sympy.Sum(x[j], (j, 1, 1))
    var = sympy.Sum((x[i] - mean) ** 2, (i, 1, 1))
    y = gamma * (x[1] - mean) / sympy.sqrt(var + eps) + beta
    return x, g, gamma, beta, eps, y, mean, var


@published
def batch_of_one_output() -> Derivation:
    r"""Show that the training-mode output for a batch of one is exactly $\beta$.

    One step only: every other step would multiply something by the zero centred value, and a
    step whose parts can change without changing its truth checks nothing.
    """
    _, _, _, beta, _, y, _, _ = _one_batch_symbols()
    return Derivation(
        y, name="6-4-batch-of-one-output", title=r"for $N = 1$ the training-mode output is $y_1 = \beta$"
    ).step(beta, r"$\mu_B = x_1$, so $x_1 - \mu_B = 0$, and $0/\sqrt{\varepsilon} = 0$ as $\varepsilon > 0$")


@published
def batch_of_one_gradients() -> Derivation:
    r"""Show that for a batch of one only $\beta$ gets a gradient, $g_1$; $x_1$ and $\gamma$ get 0."""
    x, g, gamma, beta, _, y, _, _ = _one_batch_symbols()
    chain = sympy.Matrix([g[1] * sympy.Derivative(y, v) for v in (x[1], gamma, beta)])
    return Derivation(
        chain,
        name="6-4-batch-of-one-gradients",
        title=r"for $N = 1$: $\partial L/\partial x_1 = 0$, $\partial L/\partial \gamma = 0$, "
        r"$\partial L/\partial \beta = g_1$",
    ).step(sympy.Matrix([0, 0, g[1]]), r"$y_1 = \beta$ for every $x_1$ and $\gamma$")


@published
def undo_normalization() -> Derivation:
    r"""Show that $\gamma = \sqrt{\sigma_B^2 + \varepsilon}$, $\beta = \mu_B$ make the layer the identity."""
    x, mu = sympy.symbols("x_i mu_B", real=True)
    var = sympy.Symbol("sigma_B^2", nonnegative=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    s = sympy.sqrt(var + eps)
    start = sympy.Add(
        sympy.Mul(s, sympy.Mul(x - mu, sympy.Pow(s, -1), evaluate=False), evaluate=False), mu, evaluate=False
    )
    return (
        Derivation(
            start,
            name="6-4-undo-normalization",
            title=r"$\gamma = \sqrt{\sigma_B^2+\varepsilon}$, $\beta = \mu_B$ give $y_i = x_i$",
        )
        .step(sympy.Add(x - mu, mu, evaluate=False), r"the scale cancels the division")
        .step(x, r"the shift adds back the mean")
    )


@published
def jacobian_batch_of_two() -> Derivation:
    r"""Derive $\partial y_1/\partial x_1$ for a batch of two: of the order of $\varepsilon/|d|^3$."""
    x1, x2, gamma, beta = sympy.symbols("x_1 x_2 gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mu = (x1 + x2) / 2
    var = ((x1 - mu) ** 2 + (x2 - mu) ** 2) / 2
    s = sympy.sqrt(var + eps)
    y1 = gamma * (x1 - mu) / s + beta
    d = (x1 - x2) / 2
    x_hat1 = d / sympy.sqrt(d**2 + eps)
    return (
        Derivation(
            sympy.Derivative(y1, x1),
            name="6-4-jacobian-batch-of-two",
            title=r"for $N = 2$: $\partial y_1 / \partial x_1 = \gamma\varepsilon / "
            r"\big(2 (d^2+\varepsilon)^{3/2}\big)$, $d = (x_1 - x_2)/2$",
        )
        .step(
            gamma / sympy.sqrt(d**2 + eps) * (1 - sympy.Rational(1, 2) - x_hat1**2 / 2),
            r"general entry, $N = 2$, $\sigma_B^2 = d^2$",
        )
        .step(
            gamma * eps / (2 * (d**2 + eps) ** sympy.Rational(3, 2)),
            r"$1 - \hat x_1^2 = \varepsilon / (d^2 + \varepsilon)$",
        )
    )


def batch_of_two_entry_order() -> tuple[sympy.Expr, sympy.Expr]:
    r"""Return ``(limit, gamma / 2)``: the limit of the $N = 2$ entry over $\varepsilon/|d|^3$.

    The entry $\gamma\varepsilon / (2(d^2 + \varepsilon)^{3/2})$ of `jacobian_batch_of_two`,
    divided by $\varepsilon/|d|^3$, tends to $\gamma/2$ as $\varepsilon \to 0^+$ for fixed
    $d \ne 0$ (sympy ``limit``): the entry is of the order of $\varepsilon/|d|^3$.

    Examples
    --------
    >>> lim, expected = batch_of_two_entry_order()
    >>> lim == expected
    True
    """
    gamma = sympy.Symbol("gamma", real=True)
    d = sympy.Symbol("d", positive=True)  # the entry depends on d only through d**2
    eps = sympy.Symbol("varepsilon", positive=True)
    entry = jacobian_batch_of_two().steps[-1].expr.subs(sympy.Symbol("x_1", real=True), 2 * d)
    entry = entry.subs(sympy.Symbol("x_2", real=True), 0)
    return sympy.limit(entry / (eps / d**3), eps, 0, "+"), gamma / 2
