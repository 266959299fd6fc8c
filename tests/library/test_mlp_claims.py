"""The forward pass in float32: the hidden and output functions, evaluated in float64 and rounded.

Against mpmath at 30 digits: a double rounding (the float64 value, then float32) stays within one
float32 ulp of the exact value, as the docstring of ACTIVATIONS says (the float64 value is within a
few float64 ulps of it, 2^29 times smaller than a float32 ulp).
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from nnnotes.mlp import ACTIVATIONS, OUTPUTS, forward

EXACT = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "tanh": mpmath.tanh,
}


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_float32_activations_are_within_one_float32_ulp(name: str) -> None:
    """ACTIVATIONS: a float32 input gives float32, the float64 value rounded: within 1 float32 ulp."""
    x = np.random.default_rng(0).uniform(-12.0, 12.0, size=1000).astype(np.float32)
    got = ACTIVATIONS[name](x)
    assert got.dtype == np.float32
    assert np.array_equal(got, ACTIVATIONS[name](x.astype(np.float64)).astype(np.float32))
    with mpmath.workdps(30):
        exact = np.array([float(EXACT[name](mpmath.mpf(float(t)))) for t in x])
    ulp = np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(got.astype(np.float64) - exact) <= ulp)


def test_float32_softmax_output_is_within_one_float32_ulp() -> None:
    """OUTPUTS: "float32 stays float32 as for ACTIVATIONS": softmax rows within 1 float32 ulp (mpmath)."""
    z = np.random.default_rng(1).uniform(-20.0, 20.0, size=(200, 3)).astype(np.float32)
    got = OUTPUTS["softmax"](z)
    assert got.dtype == np.float32
    with mpmath.workdps(30):
        exact = np.array(
            [
                [float(mpmath.exp(t) / sum(mpmath.exp(s) for s in map(float, row))) for t in map(float, row)]
                for row in z
            ]
        )
    ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(got.astype(np.float64) - exact) <= ulp)


def test_forward_float32_rounds_inputs_and_weights_to_float32() -> None:
    """forward, arithmetic: "Number format of the inputs, the weights and every product and sum".

    0.1 is not a float32: the pass holds float32(0.1). The product 3 float32(0.1) needs 26 bits, so it
    is exact in float64 and the pass gives it rounded to float32 (the bias is 0).
    """
    r = forward([0.1], [[[3.0]]], output="identity", arithmetic="float32")
    assert r.x.dtype == r.weights[0].dtype == r.logits.dtype == np.float32
    assert float(r.x[0]) == float(np.float32(0.1)) != 0.1
    assert float(r.outputs[0]) == float(np.float32(float(np.float32(0.1)) * 3))
