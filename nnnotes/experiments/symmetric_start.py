r"""Training from identical hidden units: the plateau that the weight-space symmetry creates.

A network whose hidden units are identical computes what a one-unit network computes, and by the
symmetry of `nnnotes.symmetry` gradient descent keeps them identical. These experiments, on one
small regression task, train from identical and from slightly perturbed units
(`symmetric_training`), find the one-unit minimum they approach (`one_unit_minimum`), and follow
the line of critical points that this minimum becomes in a two-unit network (`critical_line`).

Examples
--------
>>> X, y = regression_task()
>>> X.shape, y.shape
((40, 2), (40,))
"""

from __future__ import annotations

from dataclasses import astuple, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nnnotes import tanhnet
from nnnotes.arrays import positive_int

__all__ = [
    "PLATEAU_RTOL",
    "CriticalLinePoint",
    "SymmetricStart",
    "critical_line",
    "one_unit_minimum",
    "regression_task",
    "symmetric_training",
]


PLATEAU_RTOL = 0.1
"""Half-width of the band around the one-unit loss that counts as its plateau, relative to that loss
(the default of `SymmetricStart.plateau_steps`, `SymmetricStart.band_below_steps` and
`SymmetricStart.break_away_steps`)."""


def regression_task(seed: int = 0) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the small regression task of the experiments: 40 points, $y = \sin x_1 \cos x_2$.

    Examples
    --------
    >>> X, y = regression_task()
    >>> X.shape, y.shape
    ((40, 2), (40,))
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(40, 2))
    return X, np.sin(X[:, 0]) * np.cos(X[:, 1])


def _newton_polish(
    theta: NDArray[np.float64], X: NDArray[np.float64], y: NDArray[np.float64], M: int, iters: int = 20
) -> NDArray[np.float64]:
    """Newton's method on the gradient, from a point already near a critical point."""
    for _ in range(iters):
        g = tanhnet.gradient(theta, X, y, M)
        if np.linalg.norm(g) < 1e-15:
            break
        theta = theta - np.linalg.solve(tanhnet.hessian(theta, X, y, M), g)
    return theta


def one_unit_minimum(
    starts: int = 64, steps: int = 3000, lr: float = 0.1, seed: int = 0
) -> tuple[NDArray[np.float64], float]:
    r"""Return the lowest one-unit local minimum found on `regression_task`, and its loss.

    Gradient descent from ``starts`` random starts of moderate size (all at once), then Newton's
    method on the gradient from the best few, so that the returned parameters are a critical
    point to rounding (gradient norm below $10^{-12}$). It is the minimum that gradient descent
    reaches from moderate weights; it need not be the infimum over all one-unit networks, since a
    unit with weights growing without bound (a step function in the limit) is not searched.

    Examples
    --------
    >>> theta, loss = one_unit_minimum()
    >>> round(loss, 4), float(np.linalg.norm(tanhnet.gradient(theta, *regression_task(), 1))) < 1e-12
    (0.0664, True)
    """
    X, y = regression_task()
    T = np.random.default_rng([seed, 7]).normal(size=(starts, tanhnet.n_params(2, 1))) * 1.5
    for _ in range(steps):
        _, g = (tanhnet.loss(T, X, y, 1), tanhnet.gradient(T, X, y, 1))
        T = T - lr * g
    losses, _ = (tanhnet.loss(T, X, y, 1), tanhnet.gradient(T, X, y, 1))
    polished = [_newton_polish(T[i], X, y, 1) for i in np.argsort(losses)[:4]]
    best = min(polished, key=lambda t: tanhnet.loss(t, X, y, 1))
    return best, tanhnet.loss(best, X, y, 1)


@dataclass(frozen=True)
class SymmetricStart:
    r"""Training from identical hidden units and from a slightly perturbed copy, over several seeds.

    Attributes
    ----------
    steps : ndarray of int, shape (K,)
        Steps at which the losses were recorded.
    loss_identical, loss_perturbed : ndarray, shape (S, K)
        Loss per seed and recorded step, from the identical and from the perturbed start.
    spread_identical, spread_perturbed : ndarray, shape (S, K)
        Largest difference between two units' parameters.
    one_unit_loss : float
        Loss $L_1$ of the one-unit local minimum (`one_unit_minimum`); a network of identical
        units is a one-unit network, and the identical starts approach it.
    perturbation, lr : float
        Size of the perturbation and learning rate.
    """

    steps: NDArray[np.int64]
    loss_identical: NDArray[np.float64]
    loss_perturbed: NDArray[np.float64]
    spread_identical: NDArray[np.float64]
    spread_perturbed: NDArray[np.float64]
    one_unit_loss: float
    perturbation: float
    lr: float

    def plateau_steps(self, rtol: float = PLATEAU_RTOL) -> NDArray[np.int64]:
        """Per seed, steps the perturbed run spends with its loss within ``rtol`` of the one-unit loss.

        Counted on the recorded grid: the number of recorded steps in the band times the recording
        interval (a visit from step 350 to step 900, recorded every 50 steps, counts 600).
        """
        near = np.abs(self.loss_perturbed / self.one_unit_loss - 1) <= rtol
        return near.sum(axis=1) * int(self.steps[1] - self.steps[0])

    def band_steps(self, low: float, high: float) -> NDArray[np.int64]:
        """Per seed, steps the perturbed run spends with its loss in ``[low, high)`` times the one-unit loss.

        Counted on the recorded grid, as `plateau_steps`; comparing the band around the one-unit
        loss with an equally wide band below it says whether the runs slow down there.
        """
        if not low < high:
            raise ValueError(f"low must be below high, got low={low!r}, high={high!r}")
        ratio = self.loss_perturbed / self.one_unit_loss
        inside = (ratio >= low) & (ratio < high)
        return inside.sum(axis=1) * int(self.steps[1] - self.steps[0])

    def band_below_steps(self, rtol: float = PLATEAU_RTOL) -> NDArray[np.int64]:
        """Per seed, steps the perturbed run spends in the band as wide as the plateau's, just below it.

        That band is ``[1 - 3 rtol, 1 - rtol)`` times the one-unit loss (`band_steps`): if the runs
        slow down near the one-unit loss, they spend more steps in the plateau's band
        (`plateau_steps`, ``[1 - rtol, 1 + rtol]``) than in this one.
        """
        return self.band_steps(1 - 3 * rtol, 1 - rtol)

    def break_away_steps(self, rtol: float = PLATEAU_RTOL) -> NDArray[np.int64]:
        """Per seed, the recorded step at which the perturbed run leaves the plateau for good, or -1.

        A run breaks away when its recorded losses come down from above ``1 + rtol`` times the
        one-unit loss, stay within ``rtol`` of it for one unbroken stretch of recorded steps, and
        are below ``1 - rtol`` times it at every recorded step after the stretch; the step returned
        is the first of those. Any other run (one that never reaches the band, leaves it and comes
        back, or is still in it at the last step) gets -1.
        """
        ratio = self.loss_perturbed / self.one_unit_loss
        out = np.full(ratio.shape[0], -1, dtype=np.int64)
        for s, r in enumerate(ratio):
            (near,) = np.nonzero(np.abs(r - 1) <= rtol)
            if near.size == 0 or near[0] == 0 or near[-1] + 1 == r.size:
                continue  # never in the band, in it from the start, or still in it at the end
            if near[-1] - near[0] + 1 != near.size:
                continue  # left the band and came back
            if np.all(r[: near[0]] > 1 + rtol) and np.all(r[near[-1] + 1 :] < 1 - rtol):
                out[s] = self.steps[near[-1] + 1]
        return out

    def above_and_falling(self, step: int) -> bool:
        """Whether, up to ``step``, every run of both starts stays above the one-unit loss and falls.

        True when at every recorded step up to ``step`` each loss is above the one-unit loss and,
        after step 0, below the same run's loss at the recorded step before.
        """
        i = self._column(step)
        both = np.concatenate([self.loss_identical[:, : i + 1], self.loss_perturbed[:, : i + 1]])
        return bool(np.all(both > self.one_unit_loss) and np.all(np.diff(both, axis=1) < 0))

    def _column(self, step: int) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"step must be an int, got {type(step).__name__}")
        steps = self.steps.tolist()
        if step not in steps:
            raise ValueError(
                f"step must be one of the recorded steps {', '.join(map(str, steps[:2]))}, ..., got {step!r}"
            )
        return steps.index(step)

    def symmetry_cost(self, step: int) -> float:
        """Median loss over the seeds of the identical start over that of the perturbed start, at ``step``.

        ``step`` must be a recorded step (one of `steps`).
        """
        i = self._column(step)
        return float(np.median(self.loss_identical[:, i]) / np.median(self.loss_perturbed[:, i]))

    def excess_over_one_unit(self, step: int) -> NDArray[np.float64]:
        """Per seed, the identical start's loss at ``step`` over the one-unit loss, minus 1."""
        return self.loss_identical[:, self._column(step)] / self.one_unit_loss - 1

    def twin_gap(self, step: int) -> float:
        """Largest relative gap, over the seeds, between a perturbed run's loss and its identical twin's."""
        i = self._column(step)
        return float(np.max(np.abs(self.loss_perturbed[:, i] / self.loss_identical[:, i] - 1)))

    def rows(self) -> list[list[object]]:
        """Table rows: step, then median loss and spread (largest, for the identical start) of each start."""
        return [
            [
                int(k),
                float(np.median(self.loss_identical[:, i])),
                float(self.spread_identical[:, i].max()),
                float(np.median(self.loss_perturbed[:, i])),
                float(np.median(self.spread_perturbed[:, i])),
            ]
            for i, k in enumerate(self.steps)
            if k in {0, 100, 500, 1000, 2000, 3000, 4000, 5000}
        ]


def symmetric_training(
    M: int = 4,
    steps: int = 5000,
    lr: float = 0.1,
    perturbation: float = 1e-4,
    seeds: int = 8,
    record_every: int = 50,
) -> SymmetricStart:
    """Train on `regression_task` from identical units, and from a slightly perturbed start.

    For each seed the identical start sets every hidden unit's weights, bias and output weight to
    the same random values; the perturbed start adds ``perturbation`` times a random normal vector.
    All ``2 * seeds`` networks are trained together (one vectorised gradient per step).

    Examples
    --------
    >>> r = symmetric_training(steps=200, seeds=2)
    >>> r.loss_identical.shape, bool(np.all(r.spread_identical == 0.0))
    ((2, 5), True)
    """
    M = positive_int(M, "M")
    X, y = regression_task()
    D = X.shape[1]
    same, noisy = [], []
    for s in range(seeds):
        rng = np.random.default_rng([s, 1])
        unit = rng.normal(size=D + 2) * 0.5
        th = tanhnet.pack(np.tile(unit[:D], (M, 1)), np.full(M, unit[D]), np.full(M, unit[D + 1]), 0.0)
        same.append(th)
        noisy.append(th + perturbation * rng.normal(size=th.size))
    T = np.array(same + noisy)
    losses, spreads, ks = [], [], []
    for k in range(steps + 1):
        L, g = tanhnet.loss(T, X, y, M), tanhnet.gradient(T, X, y, M)
        if k % record_every == 0:
            W, b, v, _ = tanhnet.unpack(T, D, M)
            units = np.concatenate([W, b[..., None], v[..., None]], axis=2)
            spreads.append(np.max(units.max(1) - units.min(1), axis=1))
            losses.append(L)
            ks.append(k)
        T = T - lr * g
    Ls, Sp = np.array(losses).T, np.array(spreads).T
    return SymmetricStart(
        np.array(ks),
        Ls[:seeds],
        Ls[seeds:],
        Sp[:seeds],
        Sp[seeds:],
        one_unit_minimum()[1],
        float(perturbation),
        float(lr),
    )


@dataclass(frozen=True)
class CriticalLinePoint:
    r"""One point of the line of critical points $v_1 = \lambda v$, $v_2 = (1 - \lambda) v$.

    Attributes
    ----------
    lam : float
        $\lambda$.
    loss : float
        The loss there.
    grad_norm : float
        $\lVert\nabla L\rVert$.
    null_residual : float
        $\lVert H d\rVert / \lVert H\rVert$ for the line's direction $d$.
    min_abs_eigenvalue : float
        The smallest eigenvalue of $H$ in absolute value.
    """

    lam: float
    loss: float
    grad_norm: float
    null_residual: float
    min_abs_eigenvalue: float

    def cells(self) -> tuple[float, ...]:
        """Return the table row: the fields in order."""
        return astuple(self)


def critical_line(lams: ArrayLike = (-1.0, 0.0, 0.25, 0.5, 1.0, 2.0)) -> list[CriticalLinePoint]:
    r"""Embed the one-unit minimum into two identical units, $v_1 = \lambda v$, $v_2 = (1-\lambda)v$.

    Every such network computes the same function, so the loss is the same along the whole line;
    since the one-unit network is a critical point, so is every point of the line
    (Fukumizu & Amari, 2000), and the line's direction $d$ ($+1$ on $v_1$, $-1$ on $v_2$) is a
    null direction of the Hessian.

    Examples
    --------
    >>> pts = critical_line((0.0, 0.5))
    >>> spread = abs(pts[0].loss - pts[1].loss)  # 0 in exact arithmetic; rounding differs by machine
    >>> bool(spread <= 4 * np.spacing(pts[0].loss)), max(p.grad_norm for p in pts) < 1e-12
    (True, True)
    """
    X, y = regression_task()
    theta1, _ = one_unit_minimum()
    w, b, v, c = tanhnet.unpack(theta1, 2, 1)
    d = tanhnet.pack(np.zeros((2, 2)), np.zeros(2), np.array([1.0, -1.0]), 0.0)
    out = []
    for lam in np.asarray(lams, dtype=np.float64):
        theta = tanhnet.pack(np.tile(w, (2, 1)), np.repeat(b, 2), np.array([lam, 1 - lam]) * v[0], float(c))
        H = tanhnet.hessian(theta, X, y, 2)
        out.append(
            CriticalLinePoint(
                lam=float(lam),
                loss=tanhnet.loss(theta, X, y, 2),
                grad_norm=float(np.linalg.norm(tanhnet.gradient(theta, X, y, 2))),
                null_residual=float(np.linalg.norm(H @ d) / np.linalg.norm(H)),
                min_abs_eigenvalue=float(np.min(np.abs(np.linalg.eigvalsh(H)))),
            )
        )
    return out
