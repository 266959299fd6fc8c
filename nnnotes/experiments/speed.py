"""What the accuracy and the input checks cost: the kernels timed against the obvious code.

The functions of `nnnotes.activations` and `nnnotes.softmax` are accurate over the whole float64
range and check their input. `kernel_timings` measures them side by side with what a student
would write instead: on $10^6$ elements against the one-line numpy formula (which overflows,
cancels or returns NaN at the extremes), and on 10 elements, where the per-call overhead
dominates, against `scipy.special` (imported here only, for the comparison; the library never
imports scipy). ``make bench`` prints the table (`nnnotes.sitebuild.bench_other.timings_markdown`).

Times depend on the machine and its load, so nothing here asserts a ratio. Each is the processor
time of this process (``time.process_time``, which does not count the time other processes hold
the processor), the best of ``repeat`` interleaved runs (ours, then the reference): the figure
least disturbed by a busy machine.

Examples
--------
>>> rows = kernel_timings(large=1000, repeat=2, number=2)
>>> rows[0].function, rows[0].size, rows[0].reference
('sigmoid', 1000, 'numpy formula')
>>> sorted({r.size for r in rows})
[10, 1000]
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnnotes import activations as act
from nnnotes.arrays import positive_int
from nnnotes.softmax import log_softmax, logsumexp, softmax

__all__ = [
    "NUMPY_FORMULAS",
    "Timing",
    "compare_with_numpy",
    "kernel_timings",
    "scipy_counterparts",
]


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


#: For each function, ours and the obvious numpy formula it is timed against on large input.
NUMPY_FORMULAS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "sigmoid": (act.sigmoid, _np_sigmoid),
    "sigmoid_derivative": (act.sigmoid_derivative, _np_sigmoid_derivative),
    "tanh": (act.tanh, np.tanh),
    "tanh_derivative": (act.tanh_derivative, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (act.relu, lambda x: np.maximum(x, 0)),
    "relu_derivative": (act.relu_derivative, lambda x: (x > 0).astype(float)),
    "leaky_relu": (act.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x)),
    "leaky_relu_derivative": (act.leaky_relu_derivative, lambda x: np.where(x > 0, 1, 0.01)),
    "softmax": (softmax, _np_softmax),
    "log_softmax": (log_softmax, _np_log_softmax),
    "logsumexp": (logsumexp, _np_logsumexp),
}


def scipy_counterparts() -> dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any], str]]:
    """Return, for each function with a `scipy.special` twin, ``(ours, scipy's, scipy's name)``.

    scipy is imported here, when the comparison is asked for, never by the library.
    """
    import scipy.special as sp

    return {
        "sigmoid": (act.sigmoid, sp.expit, "scipy.special.expit"),
        "softmax": (softmax, sp.softmax, "scipy.special.softmax"),
        "log_softmax": (log_softmax, sp.log_softmax, "scipy.special.log_softmax"),
        "logsumexp": (logsumexp, sp.logsumexp, "scipy.special.logsumexp"),
    }


@dataclass(frozen=True)
class Timing:
    """One function timed against a reference on the same input.

    Attributes
    ----------
    function : str
        The package function.
    size : int
        Number of elements of the input.
    reference : str
        What it is timed against: ``"numpy formula"`` or a `scipy.special` function.
    ours_us, reference_us : float
        Best time per call, in microseconds.
    """

    function: str
    size: int
    reference: str
    ours_us: float
    reference_us: float

    @property
    def ratio(self) -> float:
        """Ours over the reference: below 1 means the package is faster."""
        return self.ours_us / self.reference_us


def _best_pair(
    ours: Callable[[], Any], ref: Callable[[], Any], repeat: int, number: int
) -> tuple[float, float]:
    t_ours, t_ref = timeit.Timer(ours, timer=time.process_time), timeit.Timer(ref, timer=time.process_time)
    best_ours = best_ref = float("inf")
    for _ in range(repeat):  # interleaved, so a burst of load hits both alike
        best_ours = min(best_ours, t_ours.timeit(number) / number)
        best_ref = min(best_ref, t_ref.timeit(number) / number)
    return best_ours * 1e6, best_ref * 1e6


def kernel_timings(
    large: int = 10**6,
    small: int = 10,
    *,
    repeat: int = 7,
    number: int = 5,
    seed: int = 0,
) -> tuple[Timing, ...]:
    """Time every kernel against the numpy formula on ``large`` elements and scipy on ``small``.

    Parameters
    ----------
    large, small : int
        Sizes of the two inputs (one row; softmax works along it).
    repeat, number : int
        Each time is the best of ``repeat`` runs of ``number`` calls (``number`` is multiplied by
        1000 for the small input, whose calls take microseconds).
    seed : int
        Seed of the inputs, normal with standard deviation 10 (within float64's safe range, so
        the numpy formulas neither overflow nor warn).

    Returns
    -------
    tuple of Timing
        The ``large`` rows in the order of `NUMPY_FORMULAS`, then the ``small`` rows.
    """
    large, small = positive_int(large, "large"), positive_int(small, "small")
    repeat, number = positive_int(repeat, "repeat"), positive_int(number, "number")
    rng = np.random.default_rng(seed)
    x, s = rng.normal(scale=10.0, size=large), rng.normal(scale=10.0, size=small)
    rows = []
    for name, (ours, naive) in NUMPY_FORMULAS.items():
        t = _best_pair(lambda f=ours: f(x), lambda f=naive: f(x), repeat, number)
        rows.append(Timing(name, large, "numpy formula", *t))
    for name, (ours, theirs, label) in scipy_counterparts().items():
        t = _best_pair(lambda f=ours: f(s), lambda f=theirs: f(s), repeat, number * 1000)
        rows.append(Timing(name, small, label, *t))
    return tuple(rows)


def compare_with_numpy(
    shape: tuple[int, ...] = (1000, 1000), *, repeat: int = 5, number: int = 5, seed: int = 0
) -> list[list[Any]]:
    """Return rows ``[name, ours in ms, numpy in ms, ours / numpy]`` on one input of ``shape``.

    The older table of ``make bench`` (a 2-D input, softmax along its rows); `kernel_timings`
    adds the small-input comparison with scipy.

    Examples
    --------
    >>> [r[0] for r in compare_with_numpy(shape=(20, 50), repeat=2, number=2)][:3]
    ['sigmoid', 'sigmoid_derivative', 'tanh']
    """
    repeat, number = positive_int(repeat, "repeat"), positive_int(number, "number")
    x = np.random.default_rng(seed).normal(scale=10.0, size=shape)
    rows = []
    for name, (ours, naive) in NUMPY_FORMULAS.items():
        t_ours, t_np = _best_pair(lambda f=ours: f(x), lambda f=naive: f(x), repeat, number)
        rows.append([name, t_ours / 1e3, t_np / 1e3, t_ours / t_np])
    return rows
