"""The quadratic model: the order of the eigenvalues and what makes `best_lr` the best fixed rate.

Against exact rationals (fractions.Fraction) and the hand derivation: gradient descent multiplies the
error's component along the eigenvector of lambda by 1 - eta lambda, so its worst-case contraction
per step is rho(eta) = max_lambda |1 - eta lambda|, attained at lambda_min or lambda_max.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from nnnotes.quadratic import Quadratic


def test_eigenvalues_come_in_increasing_order() -> None:
    """eigenvalues: "in increasing order", for a diagonal given out of order (exact eigenvalues)."""
    q = Quadratic(np.diag([4.0, -1.0, 10.0, 0.5]), np.zeros(4))
    assert q.eigenvalues().tolist() == [-1.0, 0.5, 4.0, 10.0]


def _rho(eta: Fraction, lams: tuple[int, ...]) -> Fraction:
    return max(abs(1 - eta * lam) for lam in lams)


def test_best_lr_gives_the_fastest_worst_case_contraction() -> None:
    """best_lr: 2 / (lambda_min + lambda_max), "the fixed rate of fastest worst-case contraction".

    For eigenvalues (1, 3, 10): rho at the returned rate is (kappa - 1)/(kappa + 1) = 9/11 up to the
    rounding of 2/11, and every other rate on a fine exact grid of (0, 2/lambda_max) does worse.
    """
    lams = (1, 3, 10)
    q = Quadratic(np.diag([float(v) for v in lams]), np.zeros(3))
    best = Fraction(q.best_lr())
    assert abs(best - Fraction(2, 11)) <= Fraction(2, 11) * 2**-52
    assert abs(_rho(best, lams) - Fraction(9, 11)) <= Fraction(1, 10**15)
    grid = [Fraction(k, 5000) for k in range(1, 1000)]  # up to 0.2 = 2 / lambda_max
    assert all(_rho(eta, lams) >= Fraction(9, 11) for eta in grid)
    assert min(grid, key=lambda eta: _rho(eta, lams)) == Fraction(909, 5000)  # 2/11 = 0.1818...
