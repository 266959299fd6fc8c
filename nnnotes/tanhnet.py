r"""A one-hidden-layer tanh network with scalar output, on a flat parameter vector.

$\hat y(x) = v^\top \tanh(Wx + b) + c$ with $W \in \mathbb{R}^{M\times D}$, $b, v \in \mathbb{R}^M$,
$c \in \mathbb{R}$, packed as $\theta = (\mathrm{vec}(W), b, v, c)$ (row-major $W$), and the loss
$L(\theta) = \frac{1}{2N}\sum_n (\hat y(x_n) - y_n)^2$.

This is the one implementation of that network: its forward pass, loss, gradient (backpropagation)
and Hessian-vector products (Pearlmutter's R-operator). `forward`, `loss` and `gradient` also take
a stack of parameter vectors, shape (S, n), and evaluate S networks on the same data at once.

Examples
--------
>>> theta = pack([[0.0, 0.0]], [0.0], [0.0], 0.5)     # M = 1 unit, D = 2 inputs, c = 0.5
>>> theta.tolist() == [0.0, 0.0, 0.0, 0.0, 0.5], n_params(2, 1)
(True, 5)
>>> loss(theta, [[1.0, 2.0]], [1.5], 1) == 0.5, gradient(theta, [[1.0, 2.0]], [1.5], 1).tolist()
(True, [0.0, 0.0, 0.0, 0.0, -1.0])
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array, positive_int

__all__ = [
    "forward",
    "gradient",
    "hessian",
    "hessian_vector_product",
    "loss",
    "n_params",
    "pack",
    "unpack",
]

Array = NDArray[np.float64]


def n_params(D: int, M: int) -> int:
    """Return the number of parameters of the network with D inputs and M hidden units, $MD + 2M + 1$.

    Examples
    --------
    >>> n_params(2, 3)
    13
    """
    return positive_int(M, "M") * positive_int(D, "D") + 2 * M + 1


def unpack(theta: ArrayLike, D: int, M: int) -> tuple[Array, Array, Array, Array]:
    """Split a flat vector (or a stack of them, shape (S, n)) into ``(W, b, v, c)``; views, not copies.

    Examples
    --------
    >>> W, b, v, c = unpack([1.0, 2.0, 3.0, 4.0, 5.0], D=2, M=1)
    >>> W.tolist(), b.tolist(), v.tolist(), float(c)
    ([[1.0, 2.0]], [3.0], [4.0], 5.0)
    """
    theta = as_real_array(theta, "theta")
    n = n_params(D, M)
    if theta.ndim not in (1, 2) or theta.shape[-1] != n:
        raise ValueError(f"theta must have shape ({n},) or (S, {n}) for D={D}, M={M}, got {theta.shape}")
    W = theta[..., : M * D].reshape(*theta.shape[:-1], M, D)
    b = theta[..., M * D : M * D + M]
    v = theta[..., M * D + M : M * D + 2 * M]
    c = theta[..., -1]
    return W, b, v, c


def pack(W: ArrayLike, b: ArrayLike, v: ArrayLike, c: float) -> Array:
    r"""Return the flat vector $(\mathrm{vec}(W), b, v, c)$: the inverse of `unpack`.

    Examples
    --------
    >>> pack(*unpack([1.0, 2.0, 3.0, 4.0, 5.0], D=2, M=1)).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0]
    """
    W = as_real_array(W, "W", ndim=2)
    b, v = as_real_array(b, "b", ndim=1), as_real_array(v, "v", ndim=1)
    if b.shape != (W.shape[0],) or v.shape != (W.shape[0],):
        raise ValueError(
            f"b and v must have shape ({W.shape[0]},) to match W {W.shape}, got {b.shape}, {v.shape}"
        )
    return _pack(W, b, v, float(as_real_array(c, "c", ndim=0)))


def _pack(W: Array, b: Array, v: Array, c: float) -> Array:
    """`pack` of arguments known to be float64 arrays of matching shapes (the gradient's)."""
    return np.concatenate([W.ravel(), b, v, [c]])


def _data(X: ArrayLike, y: ArrayLike | None = None) -> tuple[Array, Array | None]:
    X = as_real_array(X, "X", ndim=2)
    if y is None:
        return X, None
    y = as_real_array(y, "y", ndim=1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    return X, y


def _hidden(theta: Array, X: Array, M: int) -> tuple[Array, Array, Array, Array, Array]:
    """Return (W, b, v, c, h) with h = tanh(XW^T + b), shape (N, M), or (S, N, M) for a stack."""
    W, b, v, c = unpack(theta, X.shape[1], M)
    if W.ndim == 2:
        return W, b, v, c, np.tanh(X @ W.T + b)
    return W, b, v, c, np.tanh(np.einsum("nd,smd->snm", X, W) + b[:, None, :])


def forward(theta: ArrayLike, X: ArrayLike, M: int) -> Array:
    r"""Return the outputs $v^\top\tanh(Wx + b) + c$ for the rows of ``X`` (shape (N,), or (S, N)).

    Examples
    --------
    >>> float(forward([0.0, 0.0, 2.0, 1.0], [[5.0]], M=1)[0])
    1.0
    """
    X, _ = _data(X)
    _, _, v, c, h = _hidden(as_real_array(theta, "theta"), X, M)
    if h.ndim == 2:
        return h @ v + c
    return np.einsum("snm,sm->sn", h, v) + c[:, None]


def loss(theta: ArrayLike, X: ArrayLike, y: ArrayLike, M: int) -> float | Array:
    r"""Return $L(\theta) = \frac{1}{2N}\sum_n (\hat y(x_n) - y_n)^2$ (a float, or shape (S,) for a stack).

    Examples
    --------
    >>> loss([0.0, 0.0, 0.0, 0.0, 0.5], [[1.0, 2.0]], [1.5], M=1) == 0.5  # (0.5 - 1.5)^2 / 2
    True
    """
    X, y = _data(X, y)
    r = forward(theta, X, M) - y
    if r.ndim == 1:
        return float(0.5 * np.mean(r**2))
    return 0.5 * np.mean(r**2, axis=1)


def gradient(theta: ArrayLike, X: ArrayLike, y: ArrayLike, M: int) -> Array:
    """Return the gradient of `loss` with respect to the flat parameters, by backpropagation.

    For a stack of S parameter vectors, shape (S, n), the result is the stack of gradients.

    Examples
    --------
    >>> gradient([0.0, 0.0, 0.0, 0.0, 0.5], [[1.0, 2.0]], [1.5], M=1).tolist()
    [0.0, 0.0, 0.0, 0.0, -1.0]
    """
    X, y = _data(X, y)
    N = X.shape[0]
    theta = as_real_array(theta, "theta")
    _, _, v, c, h = _hidden(theta, X, M)
    if h.ndim == 2:
        e = (h @ v + c - y) / N
        da = np.outer(e, v) * (1 - h**2)
        return _pack(da.T @ X, da.sum(0), h.T @ e, float(e.sum()))
    e = (np.einsum("snm,sm->sn", h, v) + c[:, None] - y) / N
    da = e[:, :, None] * v[:, None, :] * (1 - h**2)
    return np.concatenate(
        [
            np.einsum("snm,nd->smd", da, X).reshape(len(theta), -1),
            da.sum(1),
            np.einsum("snm,sn->sm", h, e),
            e.sum(1)[:, None],
        ],
        axis=1,
    )


def hessian_vector_product(theta: ArrayLike, X: ArrayLike, y: ArrayLike, M: int, V: ArrayLike) -> Array:
    r"""Return $H(\theta)V$ for one direction (shape (n,)) or k directions (rows, shape (k, n)).

    Notes
    -----
    Pearlmutter (1994): apply $\mathcal{R}_v\{\cdot\} = \frac{d}{dr}(\cdot)(\theta + rv)|_{r=0}$ to
    every quantity of the forward and backward passes. $\mathcal{R}_v\{\nabla L\} = Hv$ exactly,
    at the cost of about two gradient evaluations per direction, with intermediates the size of
    the forward pass's (one value per example and hidden unit); $H$ is never formed.

    Examples
    --------
    The second derivative of the loss with respect to the output bias $c$ is 1:

    >>> rng = np.random.default_rng(0)
    >>> theta, X, y = rng.normal(size=13), rng.normal(size=(20, 2)), rng.normal(size=20)
    >>> e_c = np.zeros(13); e_c[-1] = 1.0
    >>> print(f"{hessian_vector_product(theta, X, y, 3, e_c)[-1]:.12f}")
    1.000000000000
    """
    X, y = _data(X, y)
    N, D = X.shape
    theta = as_real_array(theta, "theta", ndim=1)
    W, b, v, c = unpack(theta, D, M)
    V = as_real_array(V, "V")
    if V.ndim not in (1, 2) or V.shape[-1:] != theta.shape:
        raise ValueError(f"V must have shape ({theta.size},) or (k, {theta.size}), got {V.shape}")
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


def hessian(theta: ArrayLike, X: ArrayLike, y: ArrayLike, M: int) -> Array:
    """Return the explicit Hessian, from products with the basis vectors, symmetrised.

    Examples
    --------
    >>> H = hessian([0.0, 0.0, 0.0, 0.0, 0.5], [[1.0, 2.0]], [1.5], M=1)
    >>> H.shape, bool(np.array_equal(H, H.T)), float(H[-1, -1])
    ((5, 5), True, 1.0)
    """
    n = as_real_array(theta, "theta", ndim=1).size
    H = hessian_vector_product(theta, X, y, M, np.eye(n))
    return (H + H.T) / 2
