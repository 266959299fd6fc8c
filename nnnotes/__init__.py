"""nnnotes: worked, machine-checked answers to a neural-networks homework.

The top level is the library: numerical functions named after the mathematics (activations,
softmax, losses, batch normalization, the forward pass, optimisers), numpy only. The checking
engine is `nnnotes.check`, the published derivations `nnnotes.proofs`, the computations behind
the pages' tables and figures `nnnotes.experiments`, and the site build `nnnotes.sitebuild`.
"""

from nnnotes.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from nnnotes.batchnorm_layer import BatchNorm
from nnnotes.losses import binary_cross_entropy_with_logits, cross_entropy, mean_squared_error
from nnnotes.mlp import ForwardPass, forward
from nnnotes.optim import DivergenceError, gradient_descent, newton, saddle_free_newton
from nnnotes.softmax import log_softmax, logsumexp, softmax

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
