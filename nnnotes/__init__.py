"""nnnotes: worked, machine-checked answers to a neural-networks homework.

The package holds the mathematics (activations, softmax, losses, networks, optimisers), the
machinery that checks every derivation at build time, and the figures and tables of the site.
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
from nnnotes.batchnorm import BatchNorm
from nnnotes.derivation import Derivation, DerivationError, published
from nnnotes.losses import binary_cross_entropy_with_logits, cross_entropy, mean_squared_error
from nnnotes.mlp import ForwardPass, forward
from nnnotes.optim import DivergenceError, gradient_descent, newton, saddle_free_newton
from nnnotes.softmax import log_softmax, logsumexp, softmax
from nnnotes.verification import ClaimError, VerificationError, claim, claim_close, claim_exact

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
    "ClaimError",
    "Derivation",
    "DerivationError",
    "VerificationError",
    "published",
    "claim",
    "claim_close",
    "claim_exact",
]
