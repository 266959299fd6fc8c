r"""The worked example of batch normalization: one training step on a small batch, in exact arithmetic.

6.4 checks `nnnotes.BatchNorm` on one feature and the batch `BATCH`. The references are computed
here from their definitions, with fractions and mpmath, never with the layer: the batch mean and
the biased and unbiased variances, the running statistics after one step from PyTorch's start (mean
0, variance 1), and the outputs of both modes. `JACOBIAN_GAMMA` is the $\gamma$ at which the page
prints the layer's Jacobian for the same batch.

Examples
--------
>>> step = worked_step()
>>> step.mean, step.biased_var, step.unbiased_var
(Fraction(3, 1), Fraction(7, 2), Fraction(14, 3))
>>> step.running_mean, step.running_var
(Fraction(3, 10), Fraction(41, 30))
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from nnnotes.batchnorm_layer import BatchNorm
from nnnotes.experiments.prose_values import default_of

__all__ = ["BATCH", "EVAL_INPUT", "JACOBIAN_GAMMA", "WorkedStep", "tex", "worked_step"]

#: The batch of the worked example: one feature, four examples.
BATCH = (1, 2, 3, 6)
#: The single example the evaluation mode is checked on.
EVAL_INPUT = 2
#: The scale $\gamma$ at which the page prints the Jacobian of the layer for `BATCH`.
JACOBIAN_GAMMA = Fraction(3, 2)


@dataclass(frozen=True)
class WorkedStep:
    r"""One training step of batch normalization on one feature, from the definitions.

    Attributes
    ----------
    batch : tuple of int
        The inputs $x_1, \dots, x_N$.
    momentum, eps : Fraction
        The layer's defaults, as exact fractions of their decimal spelling.
    mean, biased_var, unbiased_var : Fraction
        $\mu_B$, $\sigma_B^2 = \frac1N\sum(x_i - \mu_B)^2$ and $\frac{N}{N-1}\sigma_B^2$.
    running_mean, running_var : Fraction
        $(1 - m)\cdot 0 + m\,\mu_B$ and $(1 - m)\cdot 1 + m \cdot$ the unbiased variance.
    """

    batch: tuple[int, ...]
    momentum: Fraction
    eps: Fraction
    mean: Fraction
    biased_var: Fraction
    unbiased_var: Fraction
    running_mean: Fraction
    running_var: Fraction

    def column(self) -> np.ndarray:
        """Return the batch as an $(N, 1)$ float64 array: the layer's input."""
        return np.array([[float(v)] for v in self.batch])

    def training_outputs(self, dps: int = 30) -> list[mpmath.mpf]:
        r"""Return $(x_i - \mu_B)/\sqrt{\sigma_B^2 + \varepsilon}$ for each $x_i$, to ``dps`` digits."""
        with mpmath.workdps(dps):
            scale = mpmath.sqrt(_mpf(self.biased_var + self.eps))
            return [_mpf(v - self.mean) / scale for v in self.batch]

    def eval_output(self, x: int = EVAL_INPUT, dps: int = 30) -> mpmath.mpf:
        r"""Return $(x - \text{running mean})/\sqrt{\text{running var} + \varepsilon}$, to ``dps`` digits."""
        with mpmath.workdps(dps):
            return _mpf(x - self.running_mean) / mpmath.sqrt(_mpf(self.running_var + self.eps))


def tex(q: Fraction) -> str:
    r"""Return ``q`` in TeX: an integer as itself, $1/10^k$ as ``10^{-k}``, any other as ``a/b``.

    Examples
    --------
    >>> tex(Fraction(3)), tex(Fraction(41, 30)), tex(Fraction(1, 100000)), tex(Fraction(-1, 10))
    ('3', '41/30', '10^{-5}', '-1/10')
    """
    k = len(str(q.denominator)) - 1
    if q.numerator == 1 and q.denominator == 10**k and k > 0:
        return f"10^{{{-k}}}"
    return str(q)


def _mpf(q: Fraction) -> mpmath.mpf:
    return mpmath.mpf(q.numerator) / q.denominator


def worked_step(batch: tuple[int, ...] = BATCH) -> WorkedStep:
    r"""Return the exact statistics of one training step of `nnnotes.BatchNorm` on ``batch``.

    ``batch`` holds at least two integers (the unbiased variance divides by $N - 1$). The momentum
    and $\varepsilon$ are the layer's defaults, read from its signature.

    Raises
    ------
    ValueError
        If ``batch`` holds fewer than two entries.
    TypeError
        If an entry is not an integer.
    """
    if len(batch) < 2:
        raise ValueError(f"batch must hold at least two entries, got {len(batch)}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in batch):
        raise TypeError(f"batch must hold integers, got {batch!r}")
    m = Fraction(str(default_of(BatchNorm, "momentum")))
    eps = Fraction(str(default_of(BatchNorm, "eps")))
    n = len(batch)
    mean = Fraction(sum(batch), n)
    biased = sum((v - mean) ** 2 for v in batch) / n
    unbiased = biased * n / (n - 1)
    return WorkedStep(
        batch=tuple(batch),
        momentum=m,
        eps=eps,
        mean=mean,
        biased_var=biased,
        unbiased_var=unbiased,
        running_mean=(1 - m) * 0 + m * mean,
        running_var=(1 - m) * 1 + m * unbiased,
    )
