"""Moved to `nnnotes.proofs.symbolic` (issue #16); this name stays until its last importers move.

The checking engine's documentation (`nnnotes.check.derivation`) and two of its tests still import
``nnnotes.symbolic``; they belong to another part of the reorganisation.
"""

from nnnotes.proofs.symbolic import relu, sigma

__all__ = ["relu", "sigma"]
