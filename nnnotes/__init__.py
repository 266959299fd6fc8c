"""nnnotes: worked, machine-checked answers to a neural-networks homework.

The package holds the mathematics (activations, softmax, losses, networks, optimisers), the
machinery that checks every derivation at build time, and the figures and tables of the site.
"""

from nnnotes.derivation import Derivation, DerivationError, published
from nnnotes.verification import ClaimError, VerificationError, claim, claim_close, claim_exact

__all__ = [
    "ClaimError",
    "Derivation",
    "DerivationError",
    "VerificationError",
    "published",
    "claim",
    "claim_close",
    "claim_exact",
]
