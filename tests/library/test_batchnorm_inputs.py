"""Batch normalization's functions refuse what they cannot use, by name, and default to the identity map."""

from __future__ import annotations

import numpy as np
import pytest

from nnnotes.batchnorm import batch_norm_input_gradient, batch_statistics, scale_and_shift


def test_an_empty_batch_is_refused_by_name() -> None:
    """A batch of no examples has no mean: the checker says so before numpy would warn."""
    with pytest.raises(ValueError, match=r"x must not be empty, got shape \(0, 2\)"):
        batch_statistics(np.empty((0, 2)))


def test_a_non_finite_inverse_deviation_is_refused() -> None:
    """inv_std = 1/sqrt(var + eps) is finite for every eps > 0: a NaN there is a caller's error."""
    st = batch_statistics([[0.0], [1.0], [5.0]])
    with pytest.raises(ValueError, match="inv_std must hold finite numbers"):
        batch_norm_input_gradient([[1.0], [0.0], [0.0]], st.x_hat, [np.nan])


def test_scale_and_shift_defaults_to_the_identity() -> None:
    """Gamma = 1 and beta = 0 by default (the layer's initial values): the normalized batch comes back."""
    x_hat = np.array([[-1.5, 0.25], [2.0, -3.0]])
    assert np.array_equal(scale_and_shift(x_hat), x_hat)
