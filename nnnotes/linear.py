r"""Without a non-linearity, layers collapse into one affine map; XOR shows what is lost.

Two affine layers compose to one: $W_2(W_1\mathbf{x} + b_1) + b_2 = (W_2W_1)\mathbf{x} +
(W_2b_1 + b_2)$, and $\operatorname{rank}(W_2W_1) \le \min(\operatorname{rank} W_1,
\operatorname{rank} W_2)$: depth adds no expressiveness, and a narrow layer can only remove some.
XOR on $\{0,1\}^2$ is the classic function no affine map can represent, while two ReLU units
represent it exactly.

The proofs are in `nnnotes.proofs.affine`, the exact least-squares fit and the ranks in
`nnnotes.experiments.affine`.

Examples
--------
>>> relu_xor_network(XOR_INPUTS).tolist()
[0.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.activations import relu
from nnnotes.arrays import as_real_array

__all__ = ["XOR_INPUTS", "XOR_TARGETS", "collapse", "relu_xor_network"]

#: The four inputs of XOR, one per row, and their targets.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])


def collapse(*layers: tuple[ArrayLike, ArrayLike]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the single affine map ``(W, b)`` equal to the affine layers applied in order.

    Parameters
    ----------
    *layers : (W, b) pairs
        First layer first; ``W`` of shape (out, in), ``b`` of shape (out,).

    Examples
    --------
    >>> W, b = collapse(([[1.0, 2.0]], [1.0]), ([[3.0]], [-1.0]))
    >>> W.tolist(), b.tolist()
    ([[3.0, 6.0]], [2.0])
    """
    if not layers:
        raise ValueError("collapse needs at least one (W, b) layer")
    W, b = None, None
    for k, (Wk, bk) in enumerate(layers):
        Wk, bk = as_real_array(Wk, f"layers[{k}][0]"), as_real_array(bk, f"layers[{k}][1]")
        if Wk.ndim != 2 or bk.shape != (Wk.shape[0],):
            raise ValueError(f"layers[{k}] must be (W (out, in), b (out,)), got {Wk.shape} and {bk.shape}")
        if W is None:
            W, b = Wk, bk
            continue
        if Wk.shape[1] != W.shape[0]:
            raise ValueError(
                f"layers[{k}] takes {Wk.shape[1]} inputs but the layer before gives {W.shape[0]}"
            )
        W, b = Wk @ W, Wk @ b + bk
    return W, b


def relu_xor_network(x: ArrayLike) -> NDArray[np.float64]:
    r"""Return $\operatorname{ReLU}(x_1 + x_2) - 2\operatorname{ReLU}(x_1 + x_2 - 1)$ per row.

    Two hidden ReLU units with weights $(1, 1)$, biases $0$ and $-1$, output
    weights $1$ and $-2$: XOR exactly on $\{0,1\}^2$.

    Examples
    --------
    >>> relu_xor_network([[1.0, 1.0], [0.5, 0.0]]).tolist() == [0.0, 0.5]
    True
    """
    x = as_real_array(x)
    if x.shape[-1:] != (2,):
        raise ValueError(f"x must have 2 columns, got shape {x.shape}")
    s = x.sum(axis=-1)
    return relu(s) - 2.0 * relu(s - 1.0)
