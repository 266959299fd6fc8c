r"""The loss-landscape experiment over several seeds and learning rates (`nnnotes.experiments.landscape`).

A claim about the experiment is checked in every seed: these functions run the plain and the
batch-normalized network from a matched start (both at loss 1) for each seed, and collect the
scale-free measures of `LandscapeRun` as named per-seed arrays.

Examples
--------
>>> st = seed_study((0,), steps=20, probe_every=5)
>>> float(st.plain.first_loss[0]) == float(st.bn.first_loss[0])
True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nnnotes.experiments.landscape import LandscapeRun, final_loss, train

__all__ = [
    "LR_GRID",
    "LearningRateStudy",
    "SeedMeasures",
    "SeedStudy",
    "StartLosses",
    "TRAINED_BELOW",
    "learning_rate_study",
    "seed_study",
    "unmatched_start_losses",
]


def _network(network: str) -> str:
    """Return ``network`` if it names one of the two networks compared ('plain' or 'bn')."""
    if network not in ("plain", "bn"):
        raise ValueError(f"network must be 'plain' or 'bn', got {network!r}")
    return network


@dataclass(frozen=True)
class SeedMeasures:
    r"""One network's measures over several seeds: one entry per seed in every field.

    Attributes
    ----------
    first_loss, final_loss : ndarray, shape (S,)
        Loss at step 0 and after the last step.
    relative_range : ndarray, shape (S,)
        Median over the probes (second half of training) of the loss range along the
        look-ahead divided by the loss (`LandscapeRun.relative_range`).
    relative_grad_change : ndarray, shape (S,)
        Median of the gradient change divided by the gradient norm.
    smoothness : ndarray, shape (S,)
        Median of the effective smoothness.
    short_relative_grad_change, short_smoothness : ndarray, shape (S,)
        The medians of the same two measures over the look-ahead steps no longer than the learning
        rate (`nnnotes.experiments.landscape.SHORT_LOOKAHEAD`).
    """

    first_loss: NDArray[np.float64]
    final_loss: NDArray[np.float64]
    relative_range: NDArray[np.float64]
    relative_grad_change: NDArray[np.float64]
    smoothness: NDArray[np.float64]
    short_relative_grad_change: NDArray[np.float64]
    short_smoothness: NDArray[np.float64]

    #: The fields in table order, with their column titles.
    TITLES = {
        "first_loss": "loss at step 0",
        "final_loss": "final loss",
        "relative_range": "loss range / loss",
        "relative_grad_change": "gradient change / $\\lVert g\\rVert$",
        "smoothness": "effective smoothness",
    }

    #: The measures over the short look-ahead steps only, kept out of the table.
    SHORT = ("short_relative_grad_change", "short_smoothness")

    @classmethod
    def of_runs(cls, runs: list[LandscapeRun]) -> SeedMeasures:
        """Collect the measures of one run per seed."""
        return cls(
            first_loss=np.array([float(r.losses[0]) for r in runs]),
            final_loss=np.array([float(r.losses[-1]) for r in runs]),
            relative_range=np.array([float(np.median(r.relative_range)) for r in runs]),
            relative_grad_change=np.array([float(np.median(r.relative_grad_change)) for r in runs]),
            smoothness=np.array([float(np.median(r.smoothness)) for r in runs]),
            short_relative_grad_change=np.array(
                [float(np.median(r.short_relative_grad_change)) for r in runs]
            ),
            short_smoothness=np.array([float(np.median(r.short_smoothness)) for r in runs]),
        )


@dataclass(frozen=True)
class SeedStudy:
    r"""Per-seed medians of the scale-free measures, for the plain and the normalized network.

    Attributes
    ----------
    seeds : tuple of int
        The seeds (each fixes the data and the initial weights, shared by both networks).
    lr : float
        Learning rate.
    plain, bn : SeedMeasures
        The measures of the plain and of the batch-normalized network, one entry per seed.
    first : (LandscapeRun, LandscapeRun)
        The plain and the batch-norm run of the first seed, for the figures.
    """

    seeds: tuple[int, ...]
    lr: float
    plain: SeedMeasures
    bn: SeedMeasures
    first: tuple[LandscapeRun, LandscapeRun]

    def ratio(self, measure: str) -> NDArray[np.float64]:
        """Per seed, plain value over batch-norm value of one measure (a field of `SeedMeasures`)."""
        names = [*SeedMeasures.TITLES, *SeedMeasures.SHORT]
        if measure not in names:
            raise ValueError(f"measure must be one of {names}, got {measure!r}")
        return getattr(self.plain, measure) / getattr(self.bn, measure)

    def edge_ratio(self, network: str, *, short: bool = False) -> NDArray[np.float64]:
        r"""Per seed, one network's effective smoothness over $2/\eta$, the edge of stability.

        Gradient descent at rate $\eta$ on a quadratic is stable only while its curvature stays
        below $2/\eta$; a ratio near 1 means training runs at that edge, one above 1 that the
        landscape is sharper along the step than the step can follow. With ``short``, the
        smoothness is the one over the look-ahead steps no longer than the learning rate.
        """
        measures: SeedMeasures = getattr(self, _network(network))
        return (measures.short_smoothness if short else measures.smoothness) * self.lr / 2

    def rows(self) -> list[list[object]]:
        """Table rows, one per measure: for each network, the median over seeds and [min, max].

        Two networks, not five measures, as columns: the table stays narrow.
        """
        return [
            [title]
            + [
                f"{np.median(a):.3g} [{a.min():.3g}, {a.max():.3g}]"
                for a in (getattr(self.plain, name), getattr(self.bn, name))
            ]
            for name, title in SeedMeasures.TITLES.items()
        ]


def seed_study(
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    *,
    lr: float = 0.05,
    steps: int = 200,
    probe_every: int = 10,
) -> SeedStudy:
    """Train both networks from a matched start for each seed; probe the second half of training.

    Examples
    --------
    >>> st = seed_study((0, 1), steps=20, probe_every=5)
    >>> st.plain.final_loss.shape, bool(np.all(st.plain.first_loss == st.bn.first_loss))
    ((2,), True)
    """
    runs: dict[bool, list[LandscapeRun]] = {False: [], True: []}
    for seed in seeds:
        for bn in (False, True):
            runs[bn].append(
                train(
                    bn,
                    lr=lr,
                    steps=steps,
                    probe_every=probe_every,
                    seed=seed,
                    matched_start=True,
                    probe_from=steps // 2,
                )
            )
    return SeedStudy(
        tuple(seeds),
        float(lr),
        SeedMeasures.of_runs(runs[False]),
        SeedMeasures.of_runs(runs[True]),
        (runs[False][0], runs[True][0]),
    )


LR_GRID = (0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.34)
"""The learning rates of `learning_rate_study`: steps of 0.04, up to where the plain network
diverges in most seeds."""

TRAINED_BELOW = 0.1
"""A run has trained when its final loss is below this: a tenth of the matched starting loss, 1."""


@dataclass(frozen=True)
class LearningRateStudy:
    """Final losses from a matched start (loss 1), per learning rate and seed; ``inf`` where diverged.

    Attributes
    ----------
    lrs, seeds : tuple
        The learning rates (rows of the arrays), increasing, and the seeds (columns).
    plain, bn : ndarray, shape (len(lrs), len(seeds))
        Final losses of the plain and of the batch-normalized network.
    """

    lrs: tuple[float, ...]
    seeds: tuple[int, ...]
    plain: NDArray[np.float64]
    bn: NDArray[np.float64]

    def rows(self) -> list[list[object]]:
        """Table rows (learning rate, plain, batch norm): median final loss of the runs that did not diverge.

        Where some runs diverged, the cell says how many; where all did, it says so.
        """
        n = len(self.seeds)

        def cell(losses: NDArray[np.float64]) -> str:
            finite = losses[np.isfinite(losses)]
            k = n - finite.size
            if k == n:
                return "diverged in every seed"
            return f"{np.median(finite):.3g}" + (f" ({k} of {n} diverged)" if k else "")

        return [[lr, cell(self.plain[i]), cell(self.bn[i])] for i, lr in enumerate(self.lrs)]

    def _losses(self, network: str) -> NDArray[np.float64]:
        return self.plain if _network(network) == "plain" else self.bn

    def trains(self, network: str, below: float = TRAINED_BELOW) -> NDArray[np.bool_]:
        """Return, per learning rate, whether ``network`` ends below ``below`` in every seed."""
        return np.all(self._losses(network) < below, axis=1)

    def largest_trained(self, network: str, below: float = TRAINED_BELOW) -> float | None:
        """Return the largest rate up to which (included) ``network`` trains at every rate of the grid.

        "Trains" is `trains`; ``None`` if it does not train at the smallest rate.
        """
        ok = self.trains(network, below)
        k = len(ok) if ok.all() else int(np.argmin(ok))
        return self.lrs[k - 1] if k else None

    def bn_lower_where_plain_trains(self, factor: float = 10.0) -> bool:
        """Return whether batch norm ends ``factor`` times lower wherever the plain network trains.

        True when the plain network trains (`trains`) at one rate at least, and at every rate where
        it does, the batch-normalized network trains too and its final loss times ``factor`` is
        below the plain network's in every seed.

        Examples
        --------
        >>> st = LearningRateStudy((0.1, 0.2), (0,), np.array([[0.05], [0.5]]), np.array([[0.004], [0.3]]))
        >>> st.bn_lower_where_plain_trains(), st.bn_lower_where_plain_trains(factor=20)
        (True, False)
        """
        if isinstance(factor, bool) or not isinstance(factor, numbers.Real):
            raise TypeError(f"factor must be a real number, got {type(factor).__name__}")
        if not (np.isfinite(factor) and factor > 0):
            raise ValueError(f"factor must be a positive finite number, got {factor!r}")
        both = self.trains("plain")
        return bool(
            both.any() and self.trains("bn")[both].all() and (self.bn[both] * factor < self.plain[both]).all()
        )

    def first_diverged(self, network: str) -> float | None:
        """Return the smallest rate at which ``network`` diverges in at least one seed (``None``: never)."""
        bad = np.any(np.isinf(self._losses(network)), axis=1)
        return self.lrs[int(np.argmax(bad))] if bad.any() else None


def learning_rate_study(
    lrs: tuple[float, ...] = LR_GRID, seeds: tuple[int, ...] = (0, 1, 2, 3, 4), *, steps: int = 200
) -> LearningRateStudy:
    """Train both networks from a matched start per learning rate and seed; keep the final losses.

    Every run starts at loss 1 (see `train`, ``matched_start``); a run that diverges scores ``inf``.

    Examples
    --------
    >>> st = learning_rate_study((0.05,), (0,), steps=20)
    >>> st.plain.shape, bool(st.bn[0, 0] < 1), st.largest_trained("bn", below=1.0)
    ((1, 1), True, 0.05)
    """
    if list(lrs) != sorted(set(lrs)):
        raise ValueError(f"lrs must be strictly increasing, got {lrs!r}")
    out = {
        bn: np.array([[final_loss(bn, lr=lr, steps=steps, seed=seed) for seed in seeds] for lr in lrs])
        for bn in (False, True)
    }
    return LearningRateStudy(tuple(lrs), tuple(seeds), out[False], out[True])


@dataclass(frozen=True)
class StartLosses:
    """The losses at step 0 with a random (He-normal) output layer, per seed: the start *not* matched.

    Attributes
    ----------
    seeds : tuple of int
        The seeds.
    plain, bn : ndarray, shape (len(seeds),)
        The starting losses of the plain and of the batch-normalized network.
    """

    seeds: tuple[int, ...]
    plain: NDArray[np.float64]
    bn: NDArray[np.float64]


def unmatched_start_losses(seeds: tuple[int, ...] = (0, 1, 2, 3, 4)) -> StartLosses:
    """Return the starting losses of both networks when the output layer is random too (see `train`).

    Examples
    --------
    >>> st = unmatched_start_losses((0,))
    >>> bool(st.plain[0] != st.bn[0])
    True
    """
    runs = [[train(bn, steps=1, probe_every=1, seed=seed) for seed in seeds] for bn in (False, True)]
    plain, bn = (np.array([r.losses[0] for r in row]) for row in runs)
    return StartLosses(tuple(seeds), plain, bn)
