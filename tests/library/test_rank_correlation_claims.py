"""Spearman's correlation "whatever the scale of either": unchanged by strictly increasing maps."""

from __future__ import annotations

import numpy as np

from nnnotes.rank_correlation import ranks, spearman


def test_strictly_increasing_maps_change_nothing() -> None:
    """Module docstring: the correlation does not depend on the scale of either sample.

    A strictly increasing map keeps the order, hence the ranks and the correlation exactly (the
    samples are 40 normal draws, far apart enough that no map below makes two of them equal).
    A decreasing map reverses the ranks and the sign.
    """
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=40), rng.normal(size=40) + 0.5 * np.arange(40) / 40
    assert np.min(np.diff(np.sort(np.concatenate([a, b])))) > 1e-6
    r = spearman(a, b)
    assert -1.0 < r < 1.0 and r != 0.0
    for f, g in [(np.exp, lambda t: t**3), (lambda t: 1e6 * t - 3.0, np.arctan), (np.exp, np.exp)]:
        assert np.array_equal(ranks(f(a)), ranks(a))
        assert spearman(f(a), g(b)) == r
    assert abs(spearman(a, -b) + r) <= 1e-15
