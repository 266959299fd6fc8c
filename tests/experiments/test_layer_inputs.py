"""How far the layers' inputs move in training: the distance used, and what the runs measure."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ks_2samp

from nnnotes.experiments.layer_inputs import DEPTH, EXAMPLES, ks_distance, layer_input_shift
from nnnotes.relu_network import BN_EPS


@pytest.mark.parametrize("seed", range(6))
def test_ks_distance_agrees_with_scipy(seed: int) -> None:
    """Against scipy's two-sample statistic, on samples of different sizes, with ties and zeros."""
    rng = np.random.default_rng(seed)
    a = np.maximum(rng.normal(size=40 + seed), 0.0)  # a ReLU's output: many exact zeros
    b = np.round(np.maximum(rng.normal(0.3, 1.2, size=33), 0.0), 1)  # ties
    assert ks_distance(a, b) == pytest.approx(ks_2samp(a, b).statistic, abs=1e-15)
    assert ks_distance(b, a) == ks_distance(a, b)


def test_ks_distance_by_hand() -> None:
    """Shifted by less than the gap between points, a sample differs by one point's weight."""
    a = np.arange(10.0)
    assert ks_distance(a, a + 0.5) == 0.1
    assert ks_distance(a, a + 100) == 1.0
    assert ks_distance(a, a[::-1]) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [([], [1.0], "non-empty"), ([np.nan], [1.0], "a"), ([1.0], [[1.0]], "b"), ([1.0], [np.inf], "b")],
)
def test_ks_distance_rejects_bad_samples(a, b, match: str) -> None:
    """Empty, non-finite or 2-d samples are refused, naming the argument."""
    with pytest.raises(ValueError, match=match):
        ks_distance(a, b)


@pytest.fixture(scope="module")
def runs():
    """Both networks from seed 0, as the chapter trains them."""
    return layer_input_shift(False, seed=0), layer_input_shift(True, seed=0)


def test_batch_norm_pins_the_first_two_moments(runs) -> None:
    """Every ReLU input has batch mean 0 and variance sigma^2/(sigma^2 + eps) with batch norm only."""
    plain, normed = runs
    assert normed.pinned_mean < 1e-14
    # 1 - var = eps / (sigma^2 + eps) is positive and small unless a unit's input is almost constant
    assert 0 < normed.pinned_var < 1e3 * BN_EPS
    assert plain.pinned_mean > 0.1 and plain.pinned_var > 0.1


def test_both_runs_train_and_their_inputs_move(runs) -> None:
    """Both losses fall; the plain network's layer outputs move more than the normalized one's."""
    for run in runs:
        assert run.ks.shape == (DEPTH,)
        assert run.last_loss < 0.1 * run.first_loss
        assert np.all((run.ks >= 1 / EXAMPLES) & (run.ks <= 1))
    plain, normed = runs
    assert plain.largest_ks > 2 * normed.largest_ks > 0.2


def test_a_tiny_learning_rate_barely_moves_anything() -> None:
    """With a step of 1e-12 each point moves by far less than the gaps: at most one point's weight."""
    run = layer_input_shift(True, seed=1, lr=1e-12, steps=3)
    assert run.largest_ks <= 1 / EXAMPLES
    assert run.last_loss == pytest.approx(run.first_loss, rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"lr": 0.0}, "lr"), ({"lr": -1.0}, "lr"), ({"steps": 0}, "steps")]
)
def test_bad_settings_are_refused(kwargs: dict, name: str) -> None:
    """A non-positive learning rate or step count is a ValueError naming it."""
    with pytest.raises(ValueError, match=name):
        layer_input_shift(True, **kwargs)
