"""The worked batch-normalization step of 6.4, against hand derivations and the layer."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest

from nnnotes import BatchNorm
from nnnotes.experiments.batchnorm_example import BATCH, EVAL_INPUT, JACOBIAN_GAMMA, tex, worked_step


def test_the_page_batch_by_hand() -> None:
    """(1, 2, 3, 6): mean 12/4 = 3; squares 4 + 1 + 0 + 9 = 14, so 14/4 = 7/2 and 14/3; m = 1/10.

    Running mean 0.9 * 0 + 0.1 * 3 = 3/10; running variance 0.9 * 1 + 0.1 * 14/3 = 27/30 + 14/30.
    """
    assert BATCH == (1, 2, 3, 6) and EVAL_INPUT == 2 and JACOBIAN_GAMMA == Fraction(3, 2)
    s = worked_step()
    assert (s.mean, s.biased_var, s.unbiased_var) == (3, Fraction(7, 2), Fraction(14, 3))
    assert (s.momentum, s.eps) == (Fraction(1, 10), Fraction(1, 100_000))
    assert (s.running_mean, s.running_var) == (Fraction(3, 10), Fraction(41, 30))


def test_another_batch_by_hand() -> None:
    """(0, 4): mean 2, squares 4 + 4 = 8, so 4 and 8; running 2/10 and 9/10 + 8/10 = 17/10."""
    s = worked_step((0, 4))
    assert (s.mean, s.biased_var, s.unbiased_var) == (2, 4, 8)
    assert (s.running_mean, s.running_var) == (Fraction(1, 5), Fraction(17, 10))


def test_outputs_against_mpmath_by_hand() -> None:
    """(x - 3)/sqrt(7/2 + 1e-5) and (2 - 3/10)/sqrt(41/30 + 1e-5), written out at 40 digits."""
    s = worked_step()
    before = mpmath.mp.dps
    with mpmath.workdps(40):
        scale = mpmath.sqrt(mpmath.mpf(7) / 2 + mpmath.mpf("1e-5"))
        for got, x in zip(s.training_outputs(dps=40), (1, 2, 3, 6), strict=True):
            assert abs(got - (x - 3) / scale) < mpmath.mpf(10) ** -38
        want = (2 - mpmath.mpf(3) / 10) / mpmath.sqrt(mpmath.mpf(41) / 30 + mpmath.mpf("1e-5"))
        assert abs(s.eval_output(dps=40) - want) < mpmath.mpf(10) ** -38
    assert mpmath.mp.dps == before  # the global precision is left alone


def test_the_layer_agrees_with_the_exact_step() -> None:
    """One training step of BatchNorm(1) matches the exact statistics and outputs to float64 rounding."""
    s = worked_step((1, 5, 2, 8, 9))
    bn = BatchNorm(1)
    y = bn.forward(s.column())
    np.testing.assert_allclose(y.ravel(), [float(v) for v in s.training_outputs()], rtol=1e-15)
    np.testing.assert_allclose(bn.running_mean, [float(s.running_mean)], rtol=1e-15)
    np.testing.assert_allclose(bn.running_var, [float(s.running_var)], rtol=1e-15)
    out = bn.forward([[3.0]], training=False)[0, 0]
    assert out == pytest.approx(float(s.eval_output(3)), rel=1e-15)


def test_tex() -> None:
    """Integers bare, 1/10^k as a power of ten, other fractions as a/b."""
    assert [tex(Fraction(q)) for q in ("7", "7/2", "1/1000", "3/1000", "1/7")] == [
        "7",
        "7/2",
        "10^{-3}",
        "3/1000",
        "1/7",
    ]


@pytest.mark.parametrize(
    ("batch", "error", "match"),
    [
        ((3,), ValueError, "at least two entries"),
        ((1, 2.5), TypeError, "integers"),
        ((True, 2), TypeError, "integers"),
    ],
)
def test_bad_batches_are_refused(batch, error, match) -> None:
    """Fewer than two entries, or non-integers, raise an error naming the argument."""
    with pytest.raises(error, match=f"batch must hold {match}"):
        worked_step(batch)


def test_the_prose_quotes_the_example() -> None:
    """The page's placeholders print the batch, its mean (12/4), the evaluation input and gamma."""
    from nnnotes.experiments.prose_values import prose_values

    values = {
        k: prose_values()[k]()[0] for k in ("bn_batch", "bn_batch_mean", "bn_eval_input", "bn_jacobian_gamma")
    }
    assert values == {
        "bn_batch": "(1, 2, 3, 6)",
        "bn_batch_mean": "3",
        "bn_eval_input": 2,
        "bn_jacobian_gamma": "3/2",
    }
