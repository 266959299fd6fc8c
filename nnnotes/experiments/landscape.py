r"""The loss landscape along the gradient, with and without batch normalization.

A small experiment in the spirit of Santurkar et al. (2018), "How Does Batch Normalization Help
Optimization?": the same deep ReLU network (same data, same initial weights) is trained by
full-batch gradient descent twice, once plain and once with a batch-normalization layer
(`nnnotes.batchnorm.batch_norm`, training mode) before every ReLU: the network of
`nnnotes.relu_network`. Every few steps, standing at the current weights $w$ with gradient
$g = \nabla L(w)$, it looks ahead along the step direction, at $w - s g$ for several step sizes
$s$, and records

* the **loss variation**: the smallest and largest loss met, $\min_s L(w - s g)$ and
  $\max_s L(w - s g)$ (a smooth landscape keeps them close);
* the **gradient predictiveness**: $\max_s \lVert \nabla L(w - s g) - g \rVert$, how far the
  gradient drifts from the one the step was computed with (small: the gradient predicts well);
* the **effective smoothness**: $\max_s \lVert \nabla L(w - s g) - g \rVert / \lVert s g \rVert$,
  a local estimate of the Lipschitz constant of the gradient ($\beta$-smoothness) along the path.

The gradient change and the effective smoothness are also kept as maxima over the short look-ahead
steps alone, those no longer than the learning rate (`SHORT_LOOKAHEAD`): the longer steps look past
the step that gradient descent takes.

Full-batch training makes the loss a deterministic function of the weights, so these numbers
measure the landscape and not the sampling noise of mini-batches.

Examples
--------
>>> runs = compare(steps=20, probe_every=10)
>>> [r.label for r in runs]
['plain', 'batch norm']
>>> runs[0].losses.shape, runs[0].probe_steps.tolist()
((21,), [0, 10])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.arrays import positive_int, real_number
from nnnotes.relu_network import he_normal_init, loss_and_gradient

__all__ = [
    "BLOWUP",
    "LOOKAHEAD",
    "SHORT_LOOKAHEAD",
    "LandscapeRun",
    "compare",
    "final_loss",
    "gradient_check",
    "synthetic_data",
    "train",
]

#: Step sizes of the look-ahead, as multiples of the learning rate.
LOOKAHEAD = (0.25, 0.5, 1.0, 2.0, 4.0)

#: The look-ahead steps no longer than the learning rate, over which the ``short_`` measures are taken.
SHORT_LOOKAHEAD = tuple(c for c in LOOKAHEAD if c <= 1.0)

#: A run has diverged once its loss exceeds this multiple of its first loss (or overflows).
BLOWUP = 1e6


def synthetic_data(
    n: int = 256, d: int = 8, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return a regression problem ``(X, y)``: Gaussian inputs, a smooth non-linear target.

    The target is $y = \sin(a^\top x) + \tfrac12 (b^\top x)^2$ for fixed random unit vectors
    $a, b$, then centred and scaled to unit variance, so that predicting the mean scores a mean
    squared error of exactly 1.

    Parameters
    ----------
    n, d : int
        Number of examples and of input dimensions (both at least 2).
    seed : int
        Seed of the generator.

    Returns
    -------
    X : ndarray, shape (n, d)
    y : ndarray, shape (n, 1)

    Examples
    --------
    >>> X, y = synthetic_data(n=100, d=3)
    >>> X.shape, y.shape, round(float(y.mean()), 12) + 0.0, round(float(y.var()), 12)
    ((100, 3), (100, 1), 0.0, 1.0)
    """
    for name, v in (("n", n), ("d", d)):
        if positive_int(v, name) < 2:
            raise ValueError(f"{name} must be at least 2, got {v!r}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    a, b = rng.standard_normal((2, d))
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    y = np.sin(X @ a) + 0.5 * (X @ b) ** 2
    y = (y - y.mean()) / y.std()
    return X, y[:, None]


def _norm(vs: list[NDArray[np.float64]]) -> float:
    return float(np.sqrt(sum(float(np.sum(v * v)) for v in vs)))


@dataclass(frozen=True)
class LandscapeRun:
    r"""One training run and what the look-ahead measured along it.

    Attributes
    ----------
    label : str
        ``"plain"`` or ``"batch norm"``.
    lr : float
        Learning rate of gradient descent.
    losses : ndarray, shape (steps + 1,)
        Training loss before every step, and after the last.
    probe_steps : ndarray of int
        Steps at which the landscape was probed.
    loss_min, loss_max : ndarray
        Smallest and largest loss along the look-ahead, per probe.
    grad_change : ndarray
        Largest $\lVert \nabla L(w - s g) - g \rVert$ along the look-ahead, per probe.
    smoothness : ndarray
        Largest $\lVert \nabla L(w - s g) - g \rVert / \lVert s g \rVert$, per probe.
    loss_at, grad_norm : ndarray
        The loss $L(w)$ and the gradient norm $\lVert g\rVert$ at each probe, which the
        scale-free measures divide by.
    short_grad_change, short_smoothness : ndarray
        As ``grad_change`` and ``smoothness``, but the maximum over the steps of
        `SHORT_LOOKAHEAD` only (no longer than the learning rate), per probe.
    """

    label: str
    lr: float
    losses: NDArray[np.float64]
    probe_steps: NDArray[np.int64]
    loss_min: NDArray[np.float64]
    loss_max: NDArray[np.float64]
    grad_change: NDArray[np.float64]
    smoothness: NDArray[np.float64]
    loss_at: NDArray[np.float64]
    grad_norm: NDArray[np.float64]
    short_grad_change: NDArray[np.float64]
    short_smoothness: NDArray[np.float64]

    @property
    def relative_range(self) -> NDArray[np.float64]:
        """Range of the loss along the look-ahead divided by the loss at the probe (scale-free)."""
        return (self.loss_max - self.loss_min) / self.loss_at

    @property
    def relative_grad_change(self) -> NDArray[np.float64]:
        """Largest gradient change along the look-ahead divided by the gradient norm (scale-free)."""
        return self.grad_change / self.grad_norm

    @property
    def short_relative_grad_change(self) -> NDArray[np.float64]:
        """As `relative_grad_change`, over the look-ahead steps of `SHORT_LOOKAHEAD` only."""
        return self.short_grad_change / self.grad_norm


def _descend(
    bn: bool,
    lr: float,
    steps: int,
    probe_every: int,
    depth: int,
    width: int,
    n: int,
    seed: int,
    matched_start: bool = False,
    probe_from: int = 0,
) -> tuple[NDArray[np.float64], list[tuple[float, ...]], int | None]:
    """Run gradient descent; return (losses, probes, first step whose loss overflows, or None)."""
    X, y = synthetic_data(n=n, seed=seed)
    params = he_normal_init(X.shape[1], width, depth, seed, zero_output=matched_start)
    losses: list[float] = []
    probes: list[tuple[float, ...]] = []
    try:
        with np.errstate(over="raise", invalid="raise"):
            for t in range(steps + 1):
                loss, grads = loss_and_gradient(params, X, y, bn)
                if not np.isfinite(loss) or (losses and loss > BLOWUP * losses[0]):
                    raise FloatingPointError("the loss is not finite, or has blown up")
                losses.append(loss)
                if t == steps:
                    break
                if t % probe_every == 0 and t >= probe_from:
                    ahead = _probe(params, grads, lr, X, y, bn)
                    probes.append((t, *ahead[:4], loss, _norm(grads), *ahead[4:]))
                params = [p - lr * gp for p, gp in zip(params, grads, strict=True)]
    except FloatingPointError:
        return np.array(losses), probes, len(losses)
    return np.array(losses), probes, None


def _probe(
    params: list[NDArray[np.float64]],
    grads: list[NDArray[np.float64]],
    lr: float,
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    bn: bool,
) -> tuple[float, float, float, float, float, float]:
    """Look ahead along -grads.

    Return (min loss, max loss, max gradient change, max smoothness), then the maximum gradient
    change and smoothness over the steps of `SHORT_LOOKAHEAD` alone.
    """
    g_norm = _norm(grads)
    ahead = []
    for c in LOOKAHEAD:
        s = c * lr
        moved = [p - s * gp for p, gp in zip(params, grads, strict=True)]
        la, ga = loss_and_gradient(moved, X, y, bn)
        change = _norm([a - b for a, b in zip(ga, grads, strict=True)])
        ahead.append((la, change, change / (s * g_norm)))
    la_, ch_, sm_ = zip(*ahead, strict=True)
    short = [c in SHORT_LOOKAHEAD for c in LOOKAHEAD]
    short_ch = max(v for v, k in zip(ch_, short, strict=True) if k)
    short_sm = max(v for v, k in zip(sm_, short, strict=True) if k)
    return min(la_), max(la_), max(ch_), max(sm_), short_ch, short_sm


def _check_args(lr: float, **ints: int) -> None:
    real_number(lr, "lr", positive=True)
    for name, v in ints.items():
        positive_int(v, name)


def train(
    batch_norm: bool,
    *,
    lr: float = 0.05,
    steps: int = 200,
    probe_every: int = 10,
    depth: int = 8,
    width: int = 32,
    n: int = 128,
    seed: int = 0,
    matched_start: bool = False,
    probe_from: int = 0,
) -> LandscapeRun:
    r"""Train the network by full-batch gradient descent and probe the landscape along the way.

    Parameters
    ----------
    batch_norm : bool
        Put a batch-normalization layer ($\gamma = 1$, $\beta = 0$ fixed) before every ReLU.
    lr : float
        Learning rate (positive).
    steps : int
        Number of gradient steps.
    probe_every : int
        Probe the landscape at steps ``0, probe_every, 2 probe_every, ...`` below ``steps``.
    depth, width : int
        Number of hidden layers and their width.
    n : int
        Number of training examples (`synthetic_data` with ``seed``).
    seed : int
        Seed of the data and of the initial weights: two runs that differ only in ``batch_norm``
        start from the same weights (He-normal, zero biases).
    matched_start : bool
        Start the output layer at zero, so that both networks start from the same loss (the mean
        of $y^2$, which is 1).
    probe_from : int
        Probe only from this step on.

    Returns
    -------
    LandscapeRun

    Raises
    ------
    FloatingPointError
        If training diverges (the loss overflows, or exceeds a million times its first value),
        rather than returning NaN.

    Notes
    -----
    The look-ahead step sizes are ``s = c * lr`` for ``c`` in `LOOKAHEAD`.

    Examples
    --------
    >>> run = train(True, steps=30, probe_every=10)
    >>> bool(run.losses[-1] < run.losses[0]), run.loss_min.shape
    (True, (3,))
    """
    _check_args(lr, steps=steps, probe_every=probe_every, depth=depth, width=width, n=n)
    losses, probes, diverged = _descend(
        batch_norm, lr, steps, probe_every, depth, width, n, seed, matched_start, probe_from
    )
    if diverged is not None:
        raise FloatingPointError(
            f"training diverged at step {diverged} (lr={lr}): the loss overflows or grew a millionfold"
        )
    cols = list(zip(*probes, strict=True))
    return LandscapeRun(
        label="batch norm" if batch_norm else "plain",
        lr=float(lr),
        losses=losses,
        probe_steps=np.array(cols[0], dtype=np.int64),
        loss_min=np.array(cols[1]),
        loss_max=np.array(cols[2]),
        grad_change=np.array(cols[3]),
        smoothness=np.array(cols[4]),
        loss_at=np.array(cols[5]),
        grad_norm=np.array(cols[6]),
        short_grad_change=np.array(cols[7]),
        short_smoothness=np.array(cols[8]),
    )


def final_loss(batch_norm: bool, *, lr: float, steps: int = 200, seed: int = 0) -> float:
    """Train from the matched start (loss 1) without probing; return the final loss, ``inf`` if it diverged.

    The network and data are those of `train` with its defaults.

    Examples
    --------
    >>> final_loss(True, lr=0.05, steps=20) < 1.0, final_loss(False, lr=10.0, steps=20)
    (True, inf)
    """
    _check_args(lr, steps=steps)
    no_probe = steps + 1  # probe_from beyond the last step: no look-ahead probe, not even at t = 0
    losses, _, diverged = _descend(
        batch_norm, lr, steps, no_probe, 8, 32, 128, seed, True, probe_from=no_probe
    )
    return float("inf") if diverged is not None else float(losses[-1])


def compare(**kwargs: object) -> list[LandscapeRun]:
    """Return ``[plain run, batch-norm run]``, trained with the same arguments (see `train`).

    Examples
    --------
    >>> plain, bn = compare(steps=10, probe_every=5)
    >>> bool(plain.losses[0] != bn.losses[0]), plain.lr == bn.lr
    (True, True)
    """
    return [train(False, **kwargs), train(True, **kwargs)]  # type: ignore[arg-type]


def gradient_check(
    batch_norm: bool, *, depth: int = 3, width: int = 4, n: int = 6, h: float = 1e-6, seed: int = 1
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the network's backpropagated gradient and its central finite differences, flattened.

    A small instance of the experiment's network (same code) is used so that every parameter can
    be perturbed: $(L(w + h e_k) - L(w - h e_k)) / 2h$ for each coordinate $k$.

    Examples
    --------
    >>> bp, fd = gradient_check(True)
    >>> bool(np.max(np.abs(bp - fd)) < 1e-7 * np.max(np.abs(fd)))
    True
    """
    X, y = synthetic_data(n=n, d=3, seed=seed)
    params = he_normal_init(3, width, depth, seed)
    # move away from the zero biases of the initialisation, so every parameter matters
    rng = np.random.default_rng(seed + 1)
    params = [p + 0.1 * rng.standard_normal(p.shape) for p in params]
    _, grads = loss_and_gradient(params, X, y, batch_norm)
    fd: list[float] = []
    for k, p in enumerate(params):
        for idx in np.ndindex(p.shape):
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[k][idx] += h
            minus[k][idx] -= h
            up, down = (
                loss_and_gradient(plus, X, y, batch_norm)[0],
                loss_and_gradient(minus, X, y, batch_norm)[0],
            )
            fd.append((up - down) / (2 * h))
    return np.concatenate([g.ravel() for g in grads]), np.array(fd)
