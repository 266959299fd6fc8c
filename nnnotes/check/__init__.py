"""The checking engine: checked derivations, claims about computed values, and the record of a build.

It knows nothing of chapters: a page (or any script) states a derivation or a claim, the engine
checks it (symbolically where it can, by a high-precision numeric search otherwise) and adds the
outcome to the current `BuildRecord` (`current_record`, set for a block of code by `recording`),
which the site's verification report reads.

The modules, in the order their imports run (each imports only those above it):

``record``
    `CheckRecord`, `BuildRecord`, `current_record`, `recording`: the record of a build.
``verification``
    `claim`, `claim_close`, `claim_exact` and the Markdown report of a record.
``evaluation``, ``sampling``, ``counterexample``, ``concrete``
    a step's sides evaluated at an explicit mpmath precision; the points of its domain to try;
    the search for a counterexample over them; a step written for any size searched at sizes 1 to 4.
``strategies``, ``signs``
    certificates: a difference reduced to zero, the sign of an expression decided.
``render``, ``published``, ``derivation``
    a derivation written as LaTeX and Markdown; which derivations a package publishes;
    `Derivation` itself.
``texread``, ``texmath``
    a formula written in TeX in a page's prose, read into sympy and checked like a derivation's step.

Examples
--------
>>> from nnnotes.check import claim_exact, recording
>>> with recording() as rec:
...     claim_exact("two-and-two", "$2 + 2 = 4$", 2 + 2, 4).ok
True
>>> [r.name for r in rec.records]
['two-and-two']
"""

from nnnotes.check.derivation import Derivation, DerivationError
from nnnotes.check.published import published, published_derivations
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
    "published_derivations",
    "recording",
]
