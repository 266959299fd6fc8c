"""Reference values of the losses, computed at 400 digits with mpmath (never with the package).

Shared by the library's tests of the losses and the tests of the loss experiments.
"""

from __future__ import annotations

import mpmath


def bce_reference(z: float, y: float) -> float:
    """-y log sigma(z) - (1-y) log(1 - sigma(z)), sigma and 1 - sigma formed at 400 digits.

    400 digits keep 1 + e^{-|z|} distinct from 1 for |z| <= 900; beyond, the loss underflows anyway
    when it is tiny (e^{-745} is below the smallest float64), so every float64 result is checkable.
    """
    with mpmath.workdps(400):
        return _bce_reference(z, y)


def _bce_reference(z: float, y: float) -> float:
    zz, yy = mpmath.mpf(z), mpmath.mpf(y)  # 1 - y is formed here, at 400 digits, not in float64
    p = 1 / (1 + mpmath.exp(-zz))
    q = mpmath.exp(-zz) / (1 + mpmath.exp(-zz))  # 1 - p without cancellation
    terms = []
    if y != 0:
        terms.append(-yy * mpmath.log(p))
    if y != 1:
        terms.append(-(1 - yy) * mpmath.log(q))
    return mpmath.fsum(terms)


def ce_reference(z: list[float], c: int) -> mpmath.mpf:
    """-log(e^{z_c} / sum_k e^{z_k}) at 400 digits (mpmath's exponent range is unbounded)."""
    with mpmath.workdps(400):
        zz = [mpmath.mpf(v) for v in z]
        return -mpmath.log(mpmath.exp(zz[c]) / mpmath.fsum(mpmath.exp(v) for v in zz))
