r"""The linear autoencoder $x \mapsto W_2 W_1 x$ on data of covariance $\mathrm{diag}(\lambda)$.

With $p$ hidden units and $d$ inputs, $W_1 \in \mathbb{R}^{p\times d}$ and $W_2 \in \mathbb{R}^{d\times p}$
are packed as $\theta = (\mathrm{vec}(W_1), \mathrm{vec}(W_2))$, row-major, and the expected loss is

$$L(\theta) = \tfrac12 \operatorname{tr}\big((I - W_2W_1)\,\Sigma\,(I - W_2W_1)^\top\big),
\quad \Sigma = \mathrm{diag}(\lambda_1, \dots, \lambda_d).$$

Its critical points of full rank keep $p$ of the $d$ principal directions (Baldi and Hornik, 1989):
`critical_point` builds the one that keeps a given set.

Examples
--------
Keeping directions 1 and 2 of variances (3, 2, 1) drops a variance of 1: the loss is 1/2.

>>> lam = [3.0, 2.0, 1.0]
>>> theta = critical_point((0, 1), 3)
>>> loss(theta, lam, 2) == 0.5, bool(np.all(gradient(theta, lam, 2) == 0.0))
(True, True)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, positive_int

__all__ = ["critical_point", "gradient", "loss", "unpack"]

Array = NDArray[np.float64]


def unpack(theta: ArrayLike, d: int, p: int) -> tuple[Array, Array]:
    r"""Split $\theta$ into ``(W1, W2)`` of shapes (p, d) and (d, p).

    Examples
    --------
    >>> [w.shape for w in unpack(np.zeros(12), d=3, p=2)]
    [(2, 3), (3, 2)]
    """
    d, p = positive_int(d, "d"), positive_int(p, "p")
    theta = as_real_array(theta, "theta", ndim=1)
    if theta.size != 2 * p * d:
        raise ValueError(f"theta must have 2 p d = {2 * p * d} entries, got {theta.size}")
    return theta[: p * d].reshape(p, d), theta[p * d :].reshape(d, p)


def _sigma(variances: ArrayLike) -> Array:
    lam = as_real_array(variances, "variances", ndim=1, finite=True, nonempty=True)
    return np.diag(lam)


def loss(theta: ArrayLike, variances: ArrayLike, p: int) -> float:
    r"""Return $\tfrac12 \operatorname{tr}((I - W_2W_1)\Sigma(I - W_2W_1)^\top)$.

    Examples
    --------
    The zero map loses all the variance, halved:

    >>> loss(np.zeros(12), [3.0, 2.0, 1.0], 2)
    3.0
    """
    sigma = _sigma(variances)
    d = sigma.shape[0]
    W1, W2 = unpack(theta, d, p)
    R = np.eye(d) - W2 @ W1
    return float(0.5 * np.trace(R @ sigma @ R.T))


def gradient(theta: ArrayLike, variances: ArrayLike, p: int) -> Array:
    r"""Return $\nabla L = (W_2^\top G, G W_1^\top)$ flattened, with $G = -(I - W_2W_1)\Sigma$.

    Examples
    --------
    >>> gradient(np.zeros(4), [1.0, 1.0], 1).tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    sigma = _sigma(variances)
    d = sigma.shape[0]
    W1, W2 = unpack(theta, d, p)
    G = -(np.eye(d) - W2 @ W1) @ sigma  # dL / d(W2 W1)
    return np.concatenate([(W2.T @ G).ravel(), (G @ W1.T).ravel()])


def critical_point(kept: tuple[int, ...], d: int, C: ArrayLike | None = None) -> Array:
    r"""Return the critical point $W_2 = U_S C$, $W_1 = C^{-1}U_S^\top$ that keeps the directions ``kept``.

    $U_S$ holds the unit vectors $e_i$, $i \in S$ (0-based); any invertible $C$ gives a critical
    point with the same loss (the symmetry $(W_1, W_2) \mapsto (CW_1, W_2C^{-1})$); the default is
    the identity.

    Examples
    --------
    >>> critical_point((1,), 2).tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    d = positive_int(d, "d")
    if not kept or len(set(kept)) != len(kept) or not all(0 <= i < d for i in kept):
        raise ValueError(f"kept must be distinct indices in range({d}), got {kept!r}")
    p = len(kept)
    C = np.eye(p) if C is None else as_real_array(C, "C", ndim=2, finite=True)
    if C.shape != (p, p):
        raise ValueError(f"C must have shape ({p}, {p}), got {C.shape}")
    U = np.eye(d)[:, list(kept)]
    return np.concatenate([(np.linalg.inv(C) @ U.T).ravel(), (U @ C).ravel()])
