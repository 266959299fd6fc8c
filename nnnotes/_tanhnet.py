r"""A one-hidden-layer tanh network with scalar output, on a flat parameter vector (private).

$\hat y(x) = v^\top \tanh(Wx + b) + c$ with $W \in \mathbb{R}^{M\times D}$, $b, v \in \mathbb{R}^M$,
$c \in \mathbb{R}$, packed as $\theta = (\mathrm{vec}(W), b, v, c)$ (row-major $W$), and the loss
$L(\theta) = \frac{1}{2N}\sum_n (\hat y(x_n) - y_n)^2$. Used by `nnnotes.symmetry` and
`nnnotes.curvature`; it is private so that those modules depend on nothing else.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def n_params(D: int, M: int) -> int:
    """Return the number of parameters of the network with D inputs and M hidden units."""
    return M * D + 2 * M + 1


def unpack(theta: Array, D: int, M: int) -> tuple[Array, Array, Array, float]:
    """Split a flat vector into (W, b, v, c); views, not copies."""
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape[-1] != n_params(D, M):
        raise ValueError(f"theta must have {n_params(D, M)} entries for D={D}, M={M}, got {theta.shape}")
    W = theta[..., : M * D].reshape(*theta.shape[:-1], M, D)
    b = theta[..., M * D : M * D + M]
    v = theta[..., M * D + M : M * D + 2 * M]
    c = theta[..., -1]
    return W, b, v, c


def pack(W: Array, b: Array, v: Array, c: float) -> Array:
    """Inverse of `unpack`."""
    return np.concatenate([np.ravel(W), np.ravel(b), np.ravel(v), [float(c)]])


def forward(theta: Array, X: Array, M: int) -> Array:
    """Network outputs for the rows of X."""
    W, b, v, c = unpack(theta, X.shape[1], M)
    return np.tanh(X @ W.T + b) @ v + c


def loss(theta: Array, X: Array, y: Array, M: int) -> float:
    """Half mean squared error."""
    r = forward(theta, X, M) - y
    return float(0.5 * np.mean(r**2))


def grad(theta: Array, X: Array, y: Array, M: int) -> Array:
    """Gradient of `loss` by backpropagation."""
    N, D = X.shape
    W, b, v, c = unpack(theta, D, M)
    h = np.tanh(X @ W.T + b)
    e = (h @ v + c - y) / N
    da = np.outer(e, v) * (1 - h**2)
    return pack(da.T @ X, da.sum(0), h.T @ e, e.sum())


def hvp(theta: Array, X: Array, y: Array, M: int, V: Array) -> Array:
    r"""Hessian-vector products $H(\theta)V$ for a direction (shape (n,)) or k directions (k, n).

    Pearlmutter's R-operator: differentiate the forward and backward passes along the direction;
    it costs about two gradients per direction and never forms $H$.
    """
    N, D = X.shape
    W, b, v, c = unpack(theta, D, M)
    V = np.asarray(V, dtype=np.float64)
    single = V.ndim == 1
    Vb = V[None, :] if single else V
    dW, db, dv, dc = unpack(Vb, D, M)  # (k, M, D), (k, M), (k, M), (k,)
    a = X @ W.T + b  # (N, M)
    h = np.tanh(a)
    s = 1 - h**2
    e = (h @ v + c - y) / N  # (N,)
    Ra = np.einsum("nd,kmd->knm", X, dW) + db[:, None, :]  # (k, N, M)
    Rh = s * Ra
    Ry = np.einsum("knm,m->kn", Rh, v) + np.einsum("nm,km->kn", h, dv) + dc[:, None]
    Re = Ry / N  # (k, N)
    dh = np.outer(e, v)  # (N, M)
    Rdh = np.einsum("kn,m->knm", Re, v) + np.einsum("n,km->knm", e, dv)
    Rda = Rdh * s - dh * 2 * h * Rh  # (k, N, M)
    out = np.concatenate(
        [
            np.einsum("knm,nd->kmd", Rda, X).reshape(len(Vb), -1),
            Rda.sum(1),
            np.einsum("kn,nm->km", Re, h) + np.einsum("n,knm->km", e, Rh),
            Re.sum(1)[:, None],
        ],
        axis=1,
    )
    return out[0] if single else out


def hessian(theta: Array, X: Array, y: Array, M: int) -> Array:
    """Return the explicit Hessian, assembled from products with the basis vectors (symmetrised)."""
    n = n_params(X.shape[1], M)
    H = hvp(theta, X, y, M, np.eye(n))
    return (H + H.T) / 2
