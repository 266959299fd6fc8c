r"""The batch-normalization layer of PyTorch (``torch.nn.BatchNorm1d``): running statistics, two modes.

Written to compute what PyTorch documents for that layer; the tests check it against those
formulas, exactly or with mpmath, not against PyTorch itself (not a dependency).

The mathematics (batch statistics, the forward map, its gradients) is `nnnotes.batchnorm`; this
module adds what a layer keeps between calls: learnable ``gamma`` and ``beta``, running averages of
the mean and variance, and training and evaluation modes.

Examples
--------
Each column comes out with mean 0 and (biased) variance ``var / (var + eps)``, just below 1 when
``var`` is much larger than ``eps`` (and 0 for a constant column):

>>> bn = BatchNorm(2)
>>> y = bn.forward([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
>>> print(np.abs(y.mean(axis=0)).max() < 1e-15, y.var(axis=0))
True [0.99999714 0.99999997]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, positive_int, real_number
from nnnotes.batchnorm import (
    BatchStatistics,
    batch_norm_input_gradient,
    batch_norm_parameter_gradients,
    batch_statistics,
    scale_and_shift,
)

__all__ = ["BatchNorm"]


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
      `nnnotes.batchnorm.batch_norm`), and the unbiased variance $0/0$ is undefined. Evaluation mode accepts
      ``N = 1``. (PyTorch also takes ``(N, C, L)`` input and then requires $N L > 1$; this class
      takes ``(N, C)`` only.)

    Extreme but finite inputs are handled without overflow or warnings (columns beyond $10^{150}$
    are rescaled by a power of two). If a batch variance exceeds the float64 range (values
    beyond about $10^{154}$, whose squares overflow), the running variance becomes ``inf``, as it
    would in PyTorch; an output or a gradient that does not fit in float64 raises ``OverflowError``
    rather than returning inf or NaN.

    Examples
    --------
    One training step on the batch $(1, 2, 3, 6)$: mean 3, biased variance 3.5, unbiased 14/3.

    >>> bn = BatchNorm(1)
    >>> _ = bn.forward([[1.0], [2.0], [3.0], [6.0]])
    >>> print(f"{bn.running_mean[0]:.12f} {bn.running_var[0]:.12f}")
    0.300000000000 1.366666666667

    Evaluation mode uses those running statistics and accepts a single example; training mode
    refuses it:

    >>> bool(abs(bn.forward([[0.3]], training=False)[0, 0]) < 1e-15)
    True
    >>> bn.forward([[0.3]])
    Traceback (most recent call last):
    ...
    ValueError: Expected more than 1 value per channel when training, got input of shape (1, 1): ...
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        self.num_features = positive_int(num_features, "num_features")
        self.eps = real_number(eps, "eps", positive=True)
        self.momentum = real_number(momentum, "momentum", low=0.0, high=1.0)
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
        xb = as_real_array(x, "x", ndim=2, finite=True, nonempty=True)
        if xb.shape[1] != self.num_features:
            raise ValueError(f"x must have {self.num_features} features (columns), got shape {xb.shape}")
        # gamma and beta (finite, shape (C,)) are checked by batchnorm.scale_and_shift, in both modes
        if training:
            n = xb.shape[0]
            if n == 1:
                raise ValueError(
                    "Expected more than 1 value per channel when training, got input of shape "
                    f"{xb.shape}: with one example the batch variance is 0, the output is beta "
                    "whatever x is and x gets no gradient (use training=False, or a batch of 2+)"
                )
            st = batch_statistics(xb, self.eps)
            self._update_running(st, n)
            x_hat, inv_std = st.x_hat, st.inv_std
        else:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            with np.errstate(over="ignore", invalid="ignore"):
                x_hat = (xb - self.running_mean) * inv_std
            if not np.all(np.isfinite(x_hat)):
                raise OverflowError("the normalised input overflows float64 in evaluation mode")
        self._cache = (bool(training), x_hat, inv_std)
        return scale_and_shift(x_hat, self.gamma, self.beta)

    def _update_running(self, st: BatchStatistics, n: int) -> None:
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
        `nnnotes.batchnorm.batch_norm_backward`; in evaluation mode the layer is affine in ``x`` and
        ``grad_x = grad_out * gamma / sqrt(running_var + eps)``.

        Parameters
        ----------
        grad_out : array_like, shape (N, C)
            The gradient of the loss with respect to the output of the last `forward`.
        """
        if self._cache is None:
            raise ValueError("backward needs a previous call of forward")
        training, x_hat, inv_std = self._cache
        g = as_real_array(grad_out, "grad_out", ndim=2)  # finite: checked by the gradient functions
        if g.shape != x_hat.shape:
            raise ValueError(
                f"grad_out must have the shape of the last forward's input {x_hat.shape}, got {g.shape}"
            )
        grad_gamma, grad_beta = batch_norm_parameter_gradients(g, x_hat)
        if training:
            gx = batch_norm_input_gradient(g, x_hat, inv_std, self.gamma)
        else:
            gamma = as_real_array(self.gamma, "gamma", finite=True)
            with np.errstate(over="ignore", invalid="ignore"):
                gx = g * (gamma * inv_std)
            if not np.all(np.isfinite(gx)):
                raise OverflowError("the gradient with respect to x overflows float64")
        return gx, grad_gamma, grad_beta
