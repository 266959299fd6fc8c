"""Timings of the activation and softmax functions against the obvious vectorised numpy code.

The functions of `nnnotes.activations` and `nnnotes.softmax` are accurate over the whole float64
range and check their input; `compare_with_numpy` measures what that costs against the one-line
numpy formula a student would write (which overflows, cancels or returns NaN at the extremes).
The project's ``make bench`` calls it.

Examples
--------
>>> rows = compare_with_numpy(shape=(20, 50), repeat=2, number=2)
>>> [r[0] for r in rows][:3]
['sigmoid', 'sigmoid_derivative', 'tanh']
>>> all(r[1] > 0 and r[2] > 0 for r in rows)
True
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any

import numpy as np

from nnnotes import activations as act
from nnnotes.softmax import log_softmax, logsumexp, softmax

__all__ = ["NUMPY_FORMULAS", "compare_with_numpy"]


def _np_sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def _np_sigmoid_derivative(x: Any) -> Any:
    s = 1 / (1 + np.exp(-x))
    return s * (1 - s)


def _np_softmax(x: Any) -> Any:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _np_logsumexp(x: Any) -> Any:
    m = x.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))[..., 0]


def _np_log_softmax(x: Any) -> Any:
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


#: For each function, ours and the obvious numpy code it is timed against.
NUMPY_FORMULAS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "sigmoid": (act.sigmoid, _np_sigmoid),
    "sigmoid_derivative": (act.sigmoid_derivative, _np_sigmoid_derivative),
    "tanh": (act.tanh, np.tanh),
    "tanh_derivative": (act.tanh_derivative, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (act.relu, lambda x: np.maximum(x, 0)),
    "relu_derivative": (act.relu_derivative, lambda x: (x > 0).astype(float)),
    "leaky_relu": (act.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x)),
    "leaky_relu_derivative": (act.leaky_relu_derivative, lambda x: np.where(x > 0, 1.0, 0.01)),
    "softmax": (softmax, _np_softmax),
    "log_softmax": (log_softmax, _np_log_softmax),
    "logsumexp": (logsumexp, _np_logsumexp),
}


def compare_with_numpy(
    shape: tuple[int, ...] = (1000, 1000), *, repeat: int = 5, number: int = 5, seed: int = 0
) -> list[list[Any]]:
    """Time each function and its obvious numpy formula on the same random input.

    Parameters
    ----------
    shape : tuple of int
        Shape of the input (softmax works along the last axis).
    repeat, number : int
        ``timeit`` settings; the best of ``repeat`` runs of ``number`` calls is kept.
    seed : int
        Seed of the input, normal with standard deviation 10 (within float64's safe range, so the
        numpy formulas neither overflow nor warn).

    Returns
    -------
    list of rows
        ``[name, ours in ms, numpy in ms, ours / numpy]`` per function.
    """
    if repeat < 1 or number < 1:
        raise ValueError(f"repeat and number must be at least 1, got {repeat} and {number}")
    x = np.random.default_rng(seed).normal(scale=10.0, size=shape)
    rows = []
    for name, (ours, naive) in NUMPY_FORMULAS.items():
        t_ours = min(timeit.repeat(lambda f=ours: f(x), repeat=repeat, number=number)) / number
        t_np = min(timeit.repeat(lambda f=naive: f(x), repeat=repeat, number=number)) / number
        rows.append([name, t_ours * 1e3, t_np * 1e3, t_ours / t_np])
    return rows


if __name__ == "__main__":
    from nnnotes.render import rows_to_markdown

    print(
        rows_to_markdown(
            ["function", "nnnotes (ms)", "numpy formula (ms)", "ratio"], compare_with_numpy(), digits=3
        )
    )
