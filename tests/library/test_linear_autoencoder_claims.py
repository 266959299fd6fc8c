"""The linear autoencoder: the row-major packing of theta the module documents, by hand."""

from __future__ import annotations

import numpy as np

from nnnotes import linear_autoencoder as LA


def test_theta_packs_w1_then_w2_row_major() -> None:
    """Module notes: theta = (vec(W1), vec(W2)), row-major; W1 is (p, d) and W2 is (d, p).

    With d = 3, p = 2, theta = 0, 1, ..., 11 gives W1 = [[0, 1, 2], [3, 4, 5]] and
    W2 = [[6, 7], [8, 9], [10, 11]] (rows filled first).
    """
    W1, W2 = LA.unpack(np.arange(12.0), d=3, p=2)
    assert W1.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert W2.tolist() == [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]


def test_loss_reads_theta_row_major() -> None:
    """The loss of W1 = [[1, 2], [3, 4]], W2 = [[0, 1], [1, 0]] on variances (1, 2), by hand.

    W2 W1 = [[3, 4], [1, 2]], I - W2 W1 = [[-2, -4], [-1, -1]]; the trace of R diag(1, 2) R^T is
    sum R_ij^2 lambda_j = 4 + 32 + 1 + 2 = 39, so L = 39/2. (Reading W1 column-major would give 21.)
    """
    theta = [1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 1.0, 0.0]
    assert LA.loss(theta, [1.0, 2.0], 2) == 19.5


def test_critical_point_by_hand_and_its_default_c() -> None:
    """critical_point: W2 = U_S C and W1 = C^-1 U_S^T, with C = I by default.

    kept = (2, 0) in d = 3: U_S has columns e_2 and e_0. With C = diag(2, 4), W2 = U_S C has
    columns 2 e_2 and 4 e_0, and W1 = C^-1 U_S^T has rows e_2 / 2 and e_0 / 4 (powers of two: exact).
    """
    W1, W2 = LA.unpack(LA.critical_point((2, 0), 3, np.diag([2.0, 4.0])), d=3, p=2)
    assert W1.tolist() == [[0.0, 0.0, 0.5], [0.25, 0.0, 0.0]]
    assert W2.tolist() == [[0.0, 4.0], [0.0, 0.0], [2.0, 0.0]]
    default = LA.critical_point((2, 0), 3)
    assert np.array_equal(default, LA.critical_point((2, 0), 3, np.eye(2)))
    assert LA.unpack(default, d=3, p=2)[0].tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
