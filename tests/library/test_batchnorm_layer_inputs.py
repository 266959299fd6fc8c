"""The batch-normalization layer refuses non-finite inputs and parameters of the wrong shape, by name."""

from __future__ import annotations

import numpy as np
import pytest

from nnnotes.batchnorm_layer import BatchNorm


@pytest.mark.parametrize("training", [True, False])
def test_a_nan_in_the_batch_is_refused(training: bool) -> None:
    """A NaN would spread to every output of its feature (training) or give a NaN output (evaluation)."""
    with pytest.raises(ValueError, match="x must hold finite numbers"):
        BatchNorm(2).forward([[1.0, np.nan], [2.0, 3.0]], training=training)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("name", ["gamma", "beta"])
def test_non_finite_parameters_are_refused(name: str, training: bool) -> None:
    """A parameter set to NaN by hand (or by a diverged update) is reported before it is used."""
    bn = BatchNorm(2)
    setattr(bn, name, np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match=f"{name} must hold finite numbers"):
        bn.forward([[1.0, 2.0], [2.0, 3.0]], training=training)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("name", ["gamma", "beta"])
def test_parameters_of_the_wrong_shape_are_refused(name: str, training: bool) -> None:
    """Three values for two features would broadcast wrongly or fail deep inside numpy: say it plainly."""
    bn = BatchNorm(2)
    setattr(bn, name, np.ones(3))
    with pytest.raises(ValueError, match=rf"{name} must have shape \(2,\), got \(3,\)"):
        bn.forward([[1.0, 2.0], [2.0, 3.0]], training=training)


def test_a_non_finite_upstream_gradient_is_refused() -> None:
    """Backward refuses a NaN gradient by name instead of returning NaN parameter gradients."""
    bn = BatchNorm(1)
    bn.forward([[1.0], [2.0], [4.0]])
    with pytest.raises(ValueError, match="grad_out must hold finite numbers"):
        bn.backward([[1.0], [np.inf], [0.0]])
