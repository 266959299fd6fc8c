r"""Loss functions on logits, their gradients, and which output function and loss suit which task.

The three losses compute what PyTorch's functions of the same names compute with the default
``reduction="mean"``: the mean over every element (`binary_cross_entropy_with_logits`,
`mean_squared_error`) or over the batch (`cross_entropy`). They take *logits* (pre-activations),
not probabilities: the output function is folded into the loss, which is what keeps them finite
and accurate for logits of any finite size. Applying the sigmoid first and taking the logarithm
afterwards cannot be repaired: in float64 $\sigma(37) = 1$ exactly, so
$\log(1 - \sigma(37))$ is $-\infty$ although the loss is about 37.

`TASKS` is the registry the site's table is printed from: for each task, the output function, the
loss, why they fit, and the package functions that implement them.

Examples
--------
>>> float(binary_cross_entropy_with_logits([37.0], [0.0]))
37.0
>>> float(cross_entropy([[54.0, 18.0]], [1]))
36.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from nnnotes.check.derivation import Derivation, published
from nnnotes.symbolic import sigma

__all__ = [
    "MULTILABEL_LOGITS",
    "TASKS",
    "Task",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "extreme_logit_rows",
    "extreme_logit_values",
    "logit_gradient",
    "mean_squared_error",
    "output_rows",
    "task_rows",
]

#: Logits of the multi-label example of the chapter: (cat, dog, car).
MULTILABEL_LOGITS = (4.0, 3.0, -3.0)


# ------------------------------------------------------------------------------------ checks


def _floats(name: str, value: ArrayLike, *, allow_bool: bool = False) -> NDArray[np.float64]:
    arr = np.asarray(value)
    kinds = "biuf" if allow_bool else "iuf"
    if arr.dtype.kind not in kinds:
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty (the mean of no losses is undefined)")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)].ravel()[0]!r}")
    return arr


def _same_shape(a_name: str, a: NDArray[Any], b_name: str, b: NDArray[Any]) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{b_name} must have the same shape as {a_name}, got {b.shape} and {a.shape}")


# ------------------------------------------------------------------ stable private pieces


def _softplus(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}), which neither overflows nor cancels."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return 1 / (1 + e^{-z}) from e^{-|z|}, which never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _half_mean(half: NDArray[np.float64]) -> float:
    """Return ``2 * mean(half)`` for non-negative finite ``half``, without spurious overflow.

    Scaling by a power of two is exact, so in the ordinary range the result is bit for bit the
    plain ``np.mean``; only a mean that exceeds the float64 range becomes ``inf``.
    """
    top = float(np.max(half))
    if top == 0.0:
        return 0.0
    _, e = math.frexp(top)
    scaled = float(np.mean(np.ldexp(half, -e)))
    try:
        return math.ldexp(scaled, e + 1)
    except OverflowError:
        return math.inf


# ---------------------------------------------------------------------------------- losses


def binary_cross_entropy_with_logits(logits: ArrayLike, targets: ArrayLike) -> float:
    r"""Return the mean binary cross-entropy of sigmoid outputs, computed from the logits.

    What ``torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)`` computes
    (``reduction="mean"``, no weights): the mean over every element, so a batch of multi-label
    examples is averaged over examples and labels alike.

    Parameters
    ----------
    logits : array_like
        Real, finite logits $z$ of any shape.
    targets : array_like
        Targets $y \in [0, 1]$ (hard 0/1 labels or soft probabilities), same shape.

    Returns
    -------
    float
        The mean loss; ``inf`` only if the exact mean exceeds the float64 range.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty, a logit is not finite, or a target lies outside
        $[0, 1]$.
    TypeError
        If an argument is not numeric.

    Notes
    -----
    Per element, with $\operatorname{softplus}(z) = \log(1 + e^{z})$,

    $$
    \ell(z, y) = -y \log \sigma(z) - (1 - y) \log(1 - \sigma(z))
    = y \operatorname{softplus}(-z) + (1 - y) \operatorname{softplus}(z),
    $$

    a sum of two non-negative terms (nothing cancels), and
    $\operatorname{softplus}(z) = \max(z, 0) + \operatorname{log1p}(e^{-|z|})$ neither
    overflows nor loses the tiny losses of confident, correct predictions. Its gradient is
    $\partial \ell / \partial z = \sigma(z) - y$ (see `logit_gradient`).

    Examples
    --------
    A confident correct prediction keeps its tiny loss, $\log(1 + e^{-40})$:

    >>> float(binary_cross_entropy_with_logits([40.0], [1.0]))
    4.248354255291589e-18

    The naive route through probabilities gives an infinite loss where the true one is 1000:

    >>> float(binary_cross_entropy_with_logits([1000.0], [0.0]))
    1000.0

    Multi-label targets: one row per example, one column per label, all averaged:

    >>> round(binary_cross_entropy_with_logits([[2.0, -1.0], [0.0, 3.0]], [[1, 0], [1, 1]]), 6)
    0.295481
    """
    z = _floats("logits", logits)
    y = _floats("targets", targets, allow_bool=True)
    _same_shape("logits", z, "targets", y)
    if np.any((y < 0) | (y > 1)):
        bad = y[(y < 0) | (y > 1)].ravel()[0]
        raise ValueError(f"targets must lie in [0, 1], got {bad!r}")
    per_element = y * _softplus(-z) + (1.0 - y) * _softplus(z)
    return _half_mean(per_element / 2.0)


def _labels(labels: ArrayLike, batch: tuple[int, ...], classes: int) -> NDArray[np.int64]:
    lab = np.asarray(labels)
    if lab.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices, got dtype {lab.dtype}")
    if lab.shape != batch:
        raise ValueError(
            f"labels must have shape {batch} (one class index per row of logits), got {lab.shape}"
        )
    if np.any((lab < 0) | (lab >= classes)):
        bad = lab[(lab < 0) | (lab >= classes)].ravel()[0]
        raise ValueError(f"labels must lie in [0, {classes - 1}] for {classes} classes, got {bad}")
    return lab.astype(np.int64)


def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> float:
    r"""Return the mean categorical cross-entropy of softmax outputs, from logits and class labels.

    What ``torch.nn.functional.cross_entropy(logits, labels)`` computes for integer class labels
    (``reduction="mean"``, no weights, no ``ignore_index``, no label smoothing): the negative
    log-probability of the true class, averaged over the batch.

    Parameters
    ----------
    logits : array_like
        Real, finite logits of shape ``(N, C)`` (a batch) or ``(C,)`` (one example).
    labels : array_like of int
        Class indices in ``0, ..., C - 1``: shape ``(N,)``, or a scalar for one example.

    Returns
    -------
    float
        The mean loss; ``inf`` only if the exact mean exceeds the float64 range.

    Raises
    ------
    TypeError
        If ``labels`` are not integers, or ``logits`` are not numeric.
    ValueError
        If a label is out of range, the shapes do not match, or a logit is not finite.

    Notes
    -----
    For one example with label $c$ and $m = \max_k z_k$ attained at $k^*$,

    $$
    -\log \operatorname{softmax}(z)_c = \log \sum_k e^{z_k} - z_c
    = (m - z_c) + \operatorname{log1p}\Bigl(\sum_{k \ne k^*} e^{z_k - m}\Bigr).
    $$

    Every exponent is at most 0, so nothing overflows; ``log1p`` keeps the full relative accuracy
    of a tiny loss, which ``log(sum(exp(z - m)))`` loses (it rounds the sum to 1 first). The terms
    are halved before they are averaged, so even logits near the float64 limit do not overflow.
    The gradient with respect to the logits is $\operatorname{softmax}(z) - e_c$
    (see `logit_gradient`).

    Examples
    --------
    The sheet's logits (54, 18): the loss of the predicted class 0 is
    $\log(1 + e^{-36}) \approx 2.3195 \times 10^{-16}$, the other class costs 36:

    >>> float(cross_entropy([54.0, 18.0], 0))
    2.3195228302435686e-16
    >>> float(cross_entropy([54.0, 18.0], 1))
    36.0

    The first is 1 ulp from the exact $2.31952283024356911 \times 10^{-16}$;
    ``log(sum(exp(z - m)))`` gives ``2.220446049250313e-16`` there, 4 % too small.
    Logits of any finite size are fine:

    >>> float(cross_entropy([[1e300, -1e300], [0.0, 0.0]], [1, 0]))
    1e+300
    """
    z = _floats("logits", logits)
    if z.ndim not in (1, 2):
        raise ValueError(f"logits must have shape (N, C) or (C,), got shape {z.shape}")
    z2 = z.reshape(1, -1) if z.ndim == 1 else z
    lab = _labels(labels, () if z.ndim == 1 else (z.shape[0],), z2.shape[1]).reshape(-1)
    rows = np.arange(z2.shape[0])
    top = np.argmax(z2, axis=1)
    m = z2[rows, top]
    with np.errstate(over="ignore", invalid="ignore"):  # z - m may overflow to -inf: exp is 0
        d = z2 - m[:, None]
        # the rounding error of z - m (Knuth's two-sum, exact): a tiny loss is about e^(z - m),
        # whose relative error is the absolute error of z - m, up to 3e-14 when |z - m| ~ 300
        back = d - z2
        err = (z2 - (d - back)) + (-m[:, None] - back)
        shifted = np.exp(d) * (1.0 + np.where(np.isfinite(d), err, 0.0))
    shifted[rows, top] = 0.0
    # halves: m/2 - z_c/2 is exact where m - z_c would overflow
    half = (m / 2.0 - z2[rows, lab] / 2.0) + np.log1p(shifted.sum(axis=1)) / 2.0
    return _half_mean(half)


def mean_squared_error(pred: ArrayLike, target: ArrayLike) -> float:
    r"""Return the mean of the squared differences, over every element.

    What ``torch.nn.functional.mse_loss(pred, target)`` computes (``reduction="mean"``), for
    arrays of the same shape (PyTorch would broadcast different shapes with a warning; here they
    are an error).

    Parameters
    ----------
    pred, target : array_like
        Real, finite predictions and targets of the same shape.

    Returns
    -------
    float
        $\frac{1}{n}\sum_i (\hat y_i - y_i)^2$; ``inf`` only if it exceeds the float64 range.

    Notes
    -----
    There is no $\tfrac12$, so the gradient is $\frac{2}{n}(\hat y - y)$: prediction
    minus target up to the constant $2/n$. The squares are formed after scaling by a power of
    two, so differences above $10^{154}$ do not overflow when the mean is representable.

    Examples
    --------
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 0.0, 4.0])
    1.6666666666666667

    The square $(1.5 \times 10^{154})^2$ alone overflows float64, the mean does not:

    >>> mean_squared_error([1.5e154, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0])
    5.625e+307
    """
    p = _floats("pred", pred)
    t = _floats("target", target)
    _same_shape("pred", p, "target", t)
    with np.errstate(over="ignore"):
        d = np.abs(p - t)
    if not np.all(np.isfinite(d)):
        return math.inf  # some |pred - target| > 1.8e308: its square alone exceeds n * max
    top = float(np.max(d))
    if top == 0.0:
        return 0.0
    _, e = math.frexp(top)
    scaled = float(np.mean(np.ldexp(d, -e) ** 2))
    try:
        return math.ldexp(scaled, 2 * e)
    except OverflowError:
        return math.inf


# --------------------------------------------------------------------------------- gradient


def logit_gradient(
    loss: Callable[[ArrayLike, ArrayLike], float], logits: ArrayLike, targets: ArrayLike
) -> NDArray[np.float64]:
    r"""Return the gradient of ``loss(logits, targets)`` with respect to the logits.

    Each canonical pairing of output function and loss has the same gradient: prediction minus
    target, divided by the number of terms averaged.

    Parameters
    ----------
    loss : callable
        One of `binary_cross_entropy_with_logits`, `cross_entropy`, `mean_squared_error`.
    logits : array_like
        As for ``loss`` (the predictions, for `mean_squared_error`).
    targets : array_like
        As for ``loss`` (integer labels for `cross_entropy`).

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``.

    Notes
    -----
    With $n$ the number of averaged terms (elements, or rows for `cross_entropy`):

    * `binary_cross_entropy_with_logits`: $(\sigma(z) - y) / n$;
    * `cross_entropy`: $(\operatorname{softmax}(z) - e_c) / N$, $e_c$ the one-hot label;
    * `mean_squared_error`: $2 (\hat y - y) / n$.

    Examples
    --------
    >>> print(logit_gradient(cross_entropy, [[54.0, 18.0]], [1]))
    [[ 1. -1.]]
    >>> print(logit_gradient(binary_cross_entropy_with_logits, [0.0, 0.0], [1.0, 0.0]))
    [-0.25  0.25]
    """
    if loss is binary_cross_entropy_with_logits:
        loss(logits, targets)  # validates
        z, y = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
        return (_sigmoid(z) - y) / z.size
    if loss is cross_entropy:
        loss(logits, targets)
        z = np.asarray(logits, dtype=np.float64)
        z2 = z.reshape(1, -1) if z.ndim == 1 else z
        with np.errstate(over="ignore"):
            e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        g = e / e.sum(axis=1, keepdims=True)
        g[np.arange(z2.shape[0]), np.asarray(targets).reshape(-1)] -= 1.0
        return (g / z2.shape[0]).reshape(z.shape)
    if loss is mean_squared_error:
        loss(logits, targets)
        p, t = np.asarray(logits, dtype=np.float64), np.asarray(targets, dtype=np.float64)
        return 2.0 * (p - t) / p.size
    raise ValueError(
        f"loss must be binary_cross_entropy_with_logits, cross_entropy or mean_squared_error, got {loss!r}"
    )


# ------------------------------------------------------------------------------------ tasks


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
        from nnnotes.mlp import OUTPUTS

        return OUTPUTS[self.output_impl]


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


def task_rows() -> list[list[str]]:
    """Return the table of `TASKS`: task, output, loss, why, and the implementing functions.

    Examples
    --------
    >>> [row[0] for row in task_rows()][:3]
    ['binary classification', 'multi-class classification (one label out of $K$)', 'regression']
    """
    return [
        [
            t.name,
            t.output,
            t.loss,
            t.why,
            f'`forward(..., output="{t.output_impl}")`, `{t.loss_impl.__name__}`',
        ]
        for t in TASKS
    ]


def output_rows(logits: ArrayLike, digits: int = 3) -> list[list[str]]:
    """Return rows (output function, outputs, their sum) for sigmoid per unit and for softmax.

    Shows why multi-label outputs need a sigmoid per label: softmax outputs always sum to 1, so
    two present labels cannot both get a probability above 1/2; separate sigmoids can.

    Examples
    --------
    >>> for row in output_rows([4.0, 3.0, -3.0]):
    ...     print(row)
    ['a sigmoid per unit', '0.982, 0.953, 0.0474', '1.98']
    ['softmax', '0.731, 0.269, 0.000666', '1']
    """
    from nnnotes.mlp import OUTPUTS

    z = _floats("logits", logits)
    if z.ndim != 1:
        raise ValueError(f"logits must be one vector, got shape {z.shape}")
    rows = []
    for name, key in (("a sigmoid per unit", "sigmoid"), ("softmax", "softmax")):
        out = OUTPUTS[key](z)
        shown = ", ".join(f"{v:.{digits}g}" for v in out)
        rows.append([name, shown, f"{float(np.sum(out)):.{digits}g}"])
    return rows


# --------------------------------------------------------------- extreme logits, a table


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


def extreme_logit_rows(dps: int = 40) -> list[list[Any]]:
    """Return rows (loss, logits, target, naive formula, this package, exact, relative error).

    The naive formula goes through probabilities (``log(sigmoid(z))``, ``log(softmax(z)[c])``);
    the exact value is computed with mpmath at ``dps`` digits; the relative error is the
    package's.

    Examples
    --------
    >>> extreme_logit_rows()[1]
    ['BCE', '1000', '0', 'inf', '1000.0', '1000.0', '0.0']
    """
    rows: list[list[Any]] = []
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
                [
                    "BCE" if kind == "bce" else "CE",
                    shown_z,
                    f"{y:g}",
                    f"{naive:.17g}" if math.isfinite(naive) else str(naive),
                    repr(ours),
                    mpmath.nstr(exact, 17),
                    mpmath.nstr(mpmath.mpf(rel), 2),
                ]
            )
    return rows


# ------------------------------------------------------------------- published derivations


def _z_y() -> tuple[sympy.Symbol, sympy.Symbol]:
    return sympy.Symbol("z", real=True), sympy.Symbol("y", real=True)


def _three_logits() -> tuple[list[sympy.Symbol], list[sympy.Symbol], sympy.Expr]:
    zs = list(sympy.symbols("z_1 z_2 z_3", real=True))
    ys = list(sympy.symbols("y_1 y_2 y_3", real=True))
    return zs, ys, sum(sympy.exp(v) for v in zs)


@published
def sigmoid_bce_gradient() -> Derivation:
    r"""Sigmoid output with binary cross-entropy: $\partial \ell / \partial z = \sigma(z) - y$."""
    z, y = _z_y()
    loss = -y * sympy.log(sigma(z)) - (1 - y) * sympy.log(1 - sigma(z))
    return (
        Derivation(sympy.Derivative(loss, z), name="6-2-sigmoid-bce-gradient", domain={y: (0, 1)})
        .step(
            -y * (1 - sigma(z)) + (1 - y) * sigma(z),
            r"chain rule with $\sigma' = \sigma(1 - \sigma)$; the $\sigma$ and $1 - \sigma$ cancel",
        )
        .step(sigma(z) - y, "expand: the $y\\,\\sigma(z)$ terms cancel")
    )


@published
def softmax_ce_loss() -> Derivation:
    r"""Cross-entropy of softmax outputs as log-sum-exp minus the target-weighted logits (K = 3)."""
    zs, ys, S = _three_logits()
    loss = -sum(yk * sympy.log(sympy.exp(zk) / S) for yk, zk in zip(ys, zs, strict=True))
    return (
        Derivation(loss, name="6-2-softmax-ce-loss", scope="checked for $K = 3$ classes")
        .step(
            -sum(yk * (zk - sympy.log(S)) for yk, zk in zip(ys, zs, strict=True)),
            r"$\log p_k = z_k - \log \sum_i e^{z_i}$",
        )
        .step(
            (ys[0] + ys[1] + ys[2]) * sympy.log(S) - sum(yk * zk for yk, zk in zip(ys, zs, strict=True)),
            r"collect the $\log \sum_i e^{z_i}$ terms",
        )
    )


@published
def softmax_ce_gradient() -> Derivation:
    r"""Gradient of the softmax cross-entropy: $(\sum_k y_k)\,p_j - y_j$, for any number $K$ of classes.

    Written with a symbolic $K$ (``sympy.IndexedBase`` and ``sympy.Sum``) and shown for the
    component $z_1$; every other component is the same computation with the classes relabelled.
    """
    i, k = sympy.symbols("i k", integer=True, positive=True)
    K = sympy.Symbol("K", integer=True, positive=True)
    z, y = sympy.IndexedBase("z", real=True), sympy.IndexedBase("y", real=True)
    S = sympy.Sum(sympy.exp(z[i]), (i, 1, K))
    Y = sympy.Sum(y[k], (k, 1, K))
    loss = Y * sympy.log(S) - sympy.Sum(y[k] * z[k], (k, 1, K))
    return Derivation(
        sympy.Derivative(loss, z[1]),
        name="6-2-softmax-ce-gradient",
        scope=r"any number of classes $K \ge 1$; shown for $z_1$, every $z_j$ alike "
        "by relabelling",
    ).step(
        Y * sympy.exp(z[1]) / S - y[1],
        r"$\partial_{z_1} \log \sum_i e^{z_i} = e^{z_1} / \sum_i e^{z_i} = p_1$; "
        r"$\partial_{z_1} \sum_k y_k z_k = y_1$",
    )


@published
def squared_error_gradient() -> Derivation:
    r"""Identity output with half squared error: $\partial \ell / \partial z = z - y$."""
    z, y = _z_y()
    return Derivation(sympy.Derivative((z - y) ** 2 / 2, z), name="6-2-squared-error-gradient").step(
        z - y, "power rule; the $1/2$ cancels the $2$"
    )


@published
def two_class_softmax() -> Derivation:
    r"""Two-class softmax equals the sigmoid of the logit difference."""
    z1, z2 = sympy.symbols("z_1 z_2", real=True)
    return (
        Derivation(sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2)), name="6-2-two-class-softmax")
        .step(1 / (1 + sympy.exp(z2 - z1)), r"divide numerator and denominator by $e^{z_1}$")
        .step(sigma(z1 - z2), r"definition of $\sigma$, at $z_1 - z_2$")
    )


@published
def softmax_ratio() -> Derivation:
    r"""Show that a ratio of softmax outputs depends only on a difference of logits (K = 3)."""
    zs, _, S = _three_logits()
    p1, p2 = sympy.exp(zs[0]) / S, sympy.exp(zs[1]) / S
    return (
        Derivation(
            sympy.Mul(p1, sympy.Pow(p2, -1, evaluate=False), evaluate=False),
            name="6-2-softmax-ratio",
            scope="checked for $K = 3$ classes",
        )
        .step(
            sympy.Mul(sympy.exp(zs[0]), sympy.Pow(sympy.exp(zs[1]), -1, evaluate=False), evaluate=False),
            r"the normaliser $\sum_i e^{z_i}$ cancels",
        )
        .step(sympy.exp(zs[0] - zs[1]), "quotient of powers")
    )


@published
def softmax_sums_to_one() -> Derivation:
    r"""Show that the softmax outputs always sum to one (K = 3)."""
    zs, _, S = _three_logits()
    return Derivation(
        sympy.Add(*(sympy.exp(v) / S for v in zs), evaluate=False),
        name="6-2-softmax-sums-to-one",
        scope="checked for $K = 3$ classes",
    ).step(sympy.Integer(1), "over the common denominator, the numerator is the denominator")


@published
def sigmoid_below_one() -> Derivation:
    r"""Show that the sigmoid never reaches 1: $\sigma(z) < 1$ for every real $z$."""
    z, _ = _z_y()
    return (
        Derivation(sigma(z), name="6-2-sigmoid-below-one")
        .step(1 / (1 + sympy.exp(-z)), "definition")
        .step(sympy.Integer(1), r"$e^{-z} > 0$ makes the denominator exceed 1", "<")
    )


@published
def sigmoid_above_zero() -> Derivation:
    r"""Show that the sigmoid never reaches 0: $\sigma(z) > 0$ for every real $z$."""
    z, _ = _z_y()
    return (
        Derivation(sigma(z), name="6-2-sigmoid-above-zero")
        .step(1 / (1 + sympy.exp(-z)), "definition")
        .step(sympy.Integer(0), "a positive number over a positive number", ">")
    )
