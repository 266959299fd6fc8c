r"""The Jacobian of training-mode batch normalization, in closed form and by central differences.

Columns are normalised independently, so the Jacobian of `nnnotes.batchnorm.batch_norm` is
block-diagonal: one $(N, N)$ block per column. `central_difference_jacobian` computes the same
blocks without any derivative, to check the closed form.

Examples
--------
>>> J = batch_norm_jacobian([[1.0], [2.0], [3.0], [6.0]])
>>> J.shape, bool(np.allclose(J[0].sum(axis=1), 0.0, atol=1e-15))
((1, 4, 4), True)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, real_number
from nnnotes.batchnorm import batch_norm, batch_statistics

__all__ = ["batch_norm_jacobian", "central_difference_jacobian"]


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
    $u / |J_{ij}|$ at that scale ($u = 2^{-53}$). The normalised $\hat x$ is itself computed from
    $x - \mu_B$, so a batch whose mean is large against its spread ($\kappa = \max|x| / \sigma_B$)
    loses about $\log_{10}\kappa$ digits in every entry (an error of the order of $\kappa u$
    relative to $\gamma / \sqrt{\sigma_B^2 + \varepsilon}$), as the layer's own evaluation
    (`nnnotes.batchnorm.batch_norm`, which also centres by the computed mean) does.

    Examples
    --------
    For a batch of two, $\hat x = \pm\, d / \sqrt{d^2 + \varepsilon}$ with $d = (x_1 - x_2)/2$: the
    output is nearly $\beta \pm \gamma$ and the Jacobian is of the order of $\varepsilon$:

    >>> J = batch_norm_jacobian([[0.0], [2.0]], eps=1e-4)
    >>> print(np.round(J[0] * 1e4, 4))
    [[ 0.4999 -0.4999]
     [-0.4999  0.4999]]
    """
    st = batch_statistics(x, eps)
    n, c = st.x_hat.shape
    gam = as_real_array(gamma, "gamma", finite=True)
    if gam.ndim != 0 and gam.shape != (c,):
        raise ValueError(f"gamma must have shape ({c},), got {gam.shape}")
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
    # finiteness is checked by batch_norm, on the first perturbed batch
    xb = as_real_array(x, "x", ndim=2, nonempty=True)
    h = real_number(h, "h", positive=True)
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
