r"""Which output function and loss suit which task, and the losses at extreme logits.

`TASKS` is the registry the table of chapter 6.2 is printed from: for each task, the output
function, the loss, why they fit, and the package functions that implement them.
`extreme_logit_rows` compares, for extreme logits, the naive formula through probabilities, the
package's losses and the exact values (mpmath).

Examples
--------
>>> [t.name for t in TASKS][:3]
['binary classification', 'multi-class classification (one label out of $K$)', 'regression']
>>> extreme_logit_rows()[1].naive
'inf'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes.arrays import as_real_array
from nnnotes.losses import binary_cross_entropy_with_logits, cross_entropy, mean_squared_error
from nnnotes.mlp import OUTPUTS

__all__ = [
    "EXTREME_CASES",
    "MULTILABEL_LOGITS",
    "TASKS",
    "UNIFORM_VOCABULARY",
    "ExtremeLogitRow",
    "OutputRow",
    "Task",
    "extreme_logit_rows",
    "extreme_logit_values",
    "output_rows",
]

#: Logits of the multi-label example of the chapter: (cat, dog, car).
MULTILABEL_LOGITS = (4.0, 3.0, -3.0)

#: Size of the vocabulary of the chapter's uniform next-word model (a GPT-2-sized vocabulary).
UNIFORM_VOCABULARY = 50_000


@dataclass(frozen=True)
class Task:
    """A learning task with the output function and the loss that suit it.

    Attributes
    ----------
    name : str
        The task.
    output : str
        The output function applied to the logits at prediction time (Markdown).
    loss : str
        The training loss (Markdown).
    why : str
        Why this pairing, in a sentence (Markdown).
    output_impl : str
        Name of the output function in `nnnotes.mlp.OUTPUTS` (``forward(..., output=name)``).
    loss_impl : callable
        The package loss, which takes the logits: the output function is folded into it.
    """

    name: str
    output: str
    loss: str
    why: str
    output_impl: str
    loss_impl: Callable[[ArrayLike, ArrayLike], float]

    def output_function(self) -> Callable[..., Any]:
        """Return the output function, ``nnnotes.mlp.OUTPUTS[output_impl]``."""
        return OUTPUTS[self.output_impl]

    @property
    def implementation(self) -> str:
        """The package functions that implement the pairing, as Markdown code."""
        return f'`forward(..., output="{self.output_impl}")`, `{self.loss_impl.__name__}`'


#: The five tasks of the exercise, in the source's order.
TASKS: tuple[Task, ...] = (
    Task(
        "binary classification",
        r"sigmoid $\sigma(z)$, one output",
        "binary cross-entropy",
        r"the output is $P(y = 1 \mid x) \in (0, 1)$; the loss is its negative log-likelihood"
        r" (Bernoulli), and its gradient is $\sigma(z) - y$",
        "sigmoid",
        binary_cross_entropy_with_logits,
    ),
    Task(
        "multi-class classification (one label out of $K$)",
        r"softmax over $K$ outputs",
        "categorical cross-entropy",
        r"the outputs form one distribution over exclusive classes (positive, sum 1); the loss is"
        r" the negative log-likelihood of the true class, gradient $\operatorname{softmax}(z) - e_c$",
        "softmax",
        cross_entropy,
    ),
    Task(
        "regression",
        r"identity, $\hat y = z$ (the last layer is affine)",
        "mean squared error",
        r"any real value must be reachable; squared error is the negative log-likelihood of"
        r" Gaussian noise of fixed variance, gradient $\propto \hat y - y$",
        "identity",
        mean_squared_error,
    ),
    Task(
        "multi-label classification (any subset of $K$ labels)",
        r"a sigmoid per label",
        "binary cross-entropy per label, averaged",
        r"several labels can be present at once, so the outputs must not be forced to sum to 1;"
        r" each is a separate yes/no probability",
        "sigmoid",
        binary_cross_entropy_with_logits,
    ),
    Task(
        "next-word prediction",
        r"softmax over the vocabulary",
        "categorical cross-entropy (per position)",
        r"exactly one word comes next: a multi-class problem with one class per vocabulary entry;"
        r" the mean loss over positions is the log of the perplexity",
        "softmax",
        cross_entropy,
    ),
)


@dataclass(frozen=True)
class OutputRow:
    """The outputs of one output function on a vector of logits.

    Attributes
    ----------
    output : str
        The output function.
    values : str
        Its outputs, to the requested digits, comma-separated.
    total : str
        Their sum, to the same digits.
    """

    output: str
    values: str
    total: str


def output_rows(logits: ArrayLike, digits: int = 3) -> tuple[OutputRow, ...]:
    """Return the outputs and their sum for a sigmoid per unit and for softmax.

    Shows why multi-label outputs need a sigmoid per label: softmax outputs always sum to 1, so
    two present labels cannot both get a probability above 1/2; separate sigmoids can.

    Examples
    --------
    >>> for row in output_rows([4.0, 3.0, -3.0]):
    ...     print(row.output, "|", row.values, "|", row.total)
    a sigmoid per unit | 0.982, 0.953, 0.0474 | 1.98
    softmax | 0.731, 0.269, 0.000666 | 1
    """
    z = as_real_array(logits, "logits", finite=True, nonempty=True)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector, got shape {z.shape}")
    rows = []
    for name, key in (("a sigmoid per unit", "sigmoid"), ("softmax", "softmax")):
        out = OUTPUTS[key](z)
        shown = ", ".join(f"{v:.{digits}g}" for v in out)
        rows.append(OutputRow(name, shown, f"{float(np.sum(out)):.{digits}g}"))
    return tuple(rows)


def _naive_bce(z: float, y: float) -> float:
    with np.errstate(all="ignore"):
        p = 1.0 / (1.0 + np.exp(-np.float64(z)))
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _naive_ce(z: list[float], c: int) -> float:
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return float(-np.log(e[c] / e.sum()))


def _exact_bce(z: float, y: float) -> mpmath.mpf:
    zz = mpmath.mpf(z)
    return y * mpmath.log1p(mpmath.exp(-zz)) + (1 - y) * mpmath.log1p(mpmath.exp(zz))


def _exact_ce(z: list[float], c: int) -> mpmath.mpf:
    zz = [mpmath.mpf(v) for v in z]
    m = max(zz)
    return m - zz[c] + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in zz))


#: Inputs of `extreme_logit_rows`: (loss, logits, target).
EXTREME_CASES: tuple[tuple[str, Any, Any], ...] = (
    ("bce", 40.0, 1.0),
    ("bce", 1000.0, 0.0),
    ("bce", -1000.0, 1.0),
    ("bce", 1e300, 0.0),
    ("ce", [54.0, 18.0], 0),
    ("ce", [54.0, 18.0], 1),
    ("ce", [1000.0, 0.0], 1),
    ("ce", [1e300, -1e300], 1),
)


def extreme_logit_values(dps: int = 40) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the package's losses on `EXTREME_CASES` and the exact ones (mpmath, rounded).

    Examples
    --------
    >>> ours, exact = extreme_logit_values()
    >>> print(ours[:2], exact[:2])
    [4.24835426e-18 1.00000000e+03] [4.24835426e-18 1.00000000e+03]
    """
    ours, exact = [], []
    with mpmath.workdps(dps):
        for kind, z, y in EXTREME_CASES:
            if kind == "bce":
                ours.append(binary_cross_entropy_with_logits([z], [y]))
                exact.append(float(_exact_bce(z, y)))
            else:
                ours.append(cross_entropy(z, y))
                exact.append(float(_exact_ce(z, y)))
    return np.asarray(ours), np.asarray(exact)


@dataclass(frozen=True)
class ExtremeLogitRow:
    """One case of the table of extreme logits, every value as the page prints it.

    Attributes
    ----------
    loss : str
        ``"BCE"`` or ``"CE"``.
    logits : str
        The input.
    target : str
        The target: the label as ``"y = 0"`` or ``"y = 1"`` for BCE, the class counted from 1 as
        ``"c = 1"`` for CE (the page numbers classes from 1; the code's index is one less).
    naive : str
        The loss through probabilities (``log(sigmoid(z))``, ``log(softmax(z)[c])``).
    package : str
        The package's loss, its float to 17 significant digits with trailing zeros dropped
        (`mpmath.nstr`, as ``exact``, so that the two read digit by digit: ``repr`` would print
        the float 1e300 as ``1e+300``, its exact value as ``1.0000000000000001e+300``).
    exact : str
        The exact loss, 17 significant digits by mpmath, trailing zeros dropped.
    relative_error : str
        The package's relative error, 2 digits.
    """

    loss: str
    logits: str
    target: str
    naive: str
    package: str
    exact: str
    relative_error: str


def extreme_logit_rows(dps: int = 40) -> tuple[ExtremeLogitRow, ...]:
    """Return rows (loss, logits, target, naive formula, this package, exact, relative error).

    The naive formula goes through probabilities (``log(sigmoid(z))``, ``log(softmax(z)[c])``);
    the exact value is computed with mpmath at ``dps`` digits; the relative error is the
    package's.

    Examples
    --------
    >>> row = extreme_logit_rows()[1]
    >>> row.loss, row.logits, row.target, row.naive, row.package, row.exact, row.relative_error
    ('BCE', '1000', 'y = 0', 'inf', '1000.0', '1000.0', '0.0')
    """
    rows: list[ExtremeLogitRow] = []
    with mpmath.workdps(dps):
        for kind, z, y in EXTREME_CASES:
            if kind == "bce":
                naive, ours = _naive_bce(z, y), binary_cross_entropy_with_logits([z], [y])
                exact = _exact_bce(z, y)
                shown_z = f"{z:g}"
            else:
                naive, ours = _naive_ce(z, y), cross_entropy(z, y)
                exact = _exact_ce(z, y)
                shown_z = "(" + ", ".join(f"{v:g}" for v in z) + ")"
            rel = float(abs(mpmath.mpf(ours) - exact) / exact)
            rows.append(
                ExtremeLogitRow(
                    loss="BCE" if kind == "bce" else "CE",
                    logits=shown_z,
                    target=f"y = {y:g}" if kind == "bce" else f"c = {y + 1}",
                    # the same 17-digit format as the other columns; NaN spelled as in 6.1's table
                    naive=mpmath.nstr(mpmath.mpf(naive), 17)
                    if math.isfinite(naive)
                    else ("NaN" if math.isnan(naive) else str(naive)),
                    package=mpmath.nstr(mpmath.mpf(ours), 17),
                    exact=mpmath.nstr(exact, 17),
                    relative_error=mpmath.nstr(mpmath.mpf(rel), 2),
                )
            )
    return tuple(rows)
