"""The checking engine: checked derivations, claims about computed values, and the record of a build.

It knows nothing of chapters: a page (or any script) states a derivation or a claim, the engine
checks it (symbolically where it can, by a high-precision numeric search otherwise) and adds the
outcome to the current `BuildRecord` (`current_record`, set for a block of code by `recording`),
which the site's verification report reads.

Examples
--------
>>> from nnnotes.check import claim_exact
>>> claim_exact("two-and-two", "$2 + 2 = 4$", 2 + 2, 4).ok
True
"""

from nnnotes.check.derivation import Derivation, DerivationError, published
from nnnotes.check.record import BuildRecord, CheckRecord, current_record, recording
from nnnotes.check.verification import ClaimError, VerificationError, claim, claim_close, claim_exact

__all__ = [
    "BuildRecord",
    "CheckRecord",
    "ClaimError",
    "Derivation",
    "DerivationError",
    "VerificationError",
    "claim",
    "claim_close",
    "claim_exact",
    "current_record",
    "published",
    "recording",
]
