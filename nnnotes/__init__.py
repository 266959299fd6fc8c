"""nnnotes: worked, machine-checked answers to a neural-networks homework.

The top level is the library: numerical functions named after the mathematics (activations,
softmax, losses, batch normalization, the forward pass, optimisers), numpy only. The checking
engine is `nnnotes.check`, the published derivations `nnnotes.proofs`, the computations behind
the pages' tables and figures `nnnotes.experiments`, and the site build `nnnotes.sitebuild`.

The names below are loaded on first use (PEP 562), so that ``import nnnotes.softmax`` loads the
softmax and what it needs, not every module of the library.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Each exported name and the module that defines it.
_EXPORTS = {
    "leaky_relu": "nnnotes.activations",
    "leaky_relu_derivative": "nnnotes.activations",
    "relu": "nnnotes.activations",
    "relu_derivative": "nnnotes.activations",
    "sigmoid": "nnnotes.activations",
    "sigmoid_derivative": "nnnotes.activations",
    "tanh": "nnnotes.activations",
    "tanh_derivative": "nnnotes.activations",
    "BatchNorm": "nnnotes.batchnorm_layer",
    "binary_cross_entropy_with_logits": "nnnotes.losses",
    "cross_entropy": "nnnotes.losses",
    "mean_squared_error": "nnnotes.losses",
    "ForwardPass": "nnnotes.mlp",
    "forward": "nnnotes.mlp",
    "DivergenceError": "nnnotes.optim",
    "gradient_descent": "nnnotes.optim",
    "newton": "nnnotes.optim",
    "saddle_free_newton": "nnnotes.optim",
    "log_softmax": "nnnotes.softmax",
    "logsumexp": "nnnotes.softmax",
    "softmax": "nnnotes.softmax",
}

__all__ = [
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "logsumexp",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "tanh",
    "tanh_derivative",
    "DivergenceError",
    "gradient_descent",
    "newton",
    "saddle_free_newton",
    "ForwardPass",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "forward",
    "mean_squared_error",
    "BatchNorm",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'nnnotes' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
