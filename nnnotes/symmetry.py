r"""Weight-space symmetries of a tanh hidden layer, and why a symmetric start stays symmetric.

For $\hat y(x) = \sum_{j=1}^M v_j \tanh(w_j^\top x + b_j) + c$ two kinds of change of the parameters
leave the function unchanged: flipping the signs of $(w_j, b_j, v_j)$ (since $\tanh$ is odd) and
permuting the hidden units. Together they form a group of $2^M M!$ transformations (Bishop, *Pattern
Recognition and Machine Learning*, 2006, Sec. 5.1.1). For generic parameters (no unit zero, no
two units alike up to sign) the $2^M M!$ images are distinct points of weight space with the same
loss, so such a minimum has $2^M M! - 1$ exact copies.

The same symmetry explains why identical hidden units stay identical under gradient descent: if
swapping units $j$ and $k$ maps $\theta$ to itself, it maps $\nabla L(\theta)$ to itself, so the two
units receive identical updates. The network is `nnnotes.tanhnet`; the experiments are in
`nnnotes.experiments.symmetry` and `nnnotes.experiments.symmetric_start`, the derivations in
`nnnotes.proofs.symmetry`.

Examples
--------
>>> symmetry_count(3), len(hidden_symmetries(3))
(48, 48)
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes import tanhnet
from nnnotes.arrays import positive_int

__all__ = ["Symmetry", "apply_symmetry", "hidden_symmetries", "symmetry_count"]

#: A pair (permutation, signs) acting on the hidden units.
Symmetry = tuple[tuple[int, ...], tuple[int, ...]]


def symmetry_count(M: int) -> int:
    """Return $2^M M!$, the number of sign-flip and permutation symmetries of M tanh units.

    Examples
    --------
    >>> [symmetry_count(m) for m in (1, 2, 3, 4)]
    [2, 8, 48, 384]
    """
    M = positive_int(M, "M")
    return 2**M * math.factorial(M)


def hidden_symmetries(M: int) -> list[Symmetry]:
    """Enumerate every (permutation, signs) pair acting on M hidden units.

    A pair ``(perm, signs)`` maps unit ``perm[j]`` to position ``j`` and multiplies its incoming
    weights, bias and outgoing weight by ``signs[j]`` (``+1`` or ``-1``).

    Examples
    --------
    >>> hidden_symmetries(1)
    [((0,), (1,)), ((0,), (-1,))]
    """
    M = positive_int(M, "M")
    if M > 6:
        raise ValueError(f"M must be at most 6 to enumerate (2^M M! grows fast), got {M}")
    return [
        (perm, signs)
        for perm in itertools.permutations(range(M))
        for signs in itertools.product((1, -1), repeat=M)
    ]


def apply_symmetry(theta: ArrayLike, D: int, M: int, symmetry: Symmetry) -> NDArray[np.float64]:
    """Return the parameters transformed by ``symmetry = (perm, signs)``.

    Examples
    --------
    Swap two units and flip the sign of the new first one (D = 1: theta = (w, b, v, c)):

    >>> theta = apply_symmetry([1.0, 2.0, 0.1, 0.2, 3.0, 4.0, 9.0], 1, 2, ((1, 0), (-1, 1)))
    >>> theta.tolist() == [-2.0, 1.0, -0.2, 0.1, -4.0, 3.0, 9.0]
    True
    """
    perm, signs = symmetry
    if sorted(perm) != list(range(M)) or len(signs) != M or set(signs) - {1, -1}:
        raise ValueError(f"symmetry must be (a permutation of range({M}), M signs of +-1), got {symmetry!r}")
    W, b, v, c = tanhnet.unpack(theta, D, M)
    s = np.asarray(signs, dtype=np.float64)
    p = list(perm)
    return tanhnet.pack(s[:, None] * W[p], s * b[p], s * v[p], float(c))
