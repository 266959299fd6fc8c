"""The published derivations of batch normalization: proved, and false when perturbed."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from nnnotes.check import DerivationError
from nnnotes.proofs.batchnorm import (
    batch_of_one_gradients,
    batch_of_one_output,
    jacobian_batch_of_two,
    undo_normalization,
)

BATCH = np.array([[1.0], [2.0], [3.0], [6.0]])  # mean 3, biased variance 7/2, unbiased 14/3
BIG = 1.7e308


@pytest.mark.parametrize(
    "factory", [batch_of_one_output, batch_of_one_gradients, undo_normalization, jacobian_batch_of_two]
)
def test_published_derivations_are_proved_symbolically(factory) -> None:
    """Every published derivation of the chapter holds, every step proved by sympy."""
    d = factory().verify()
    assert [s.method for s in d.steps] == ["symbolic"] * len(d.steps)


def test_batch_of_one_derivation_rejects_a_wrong_conclusion() -> None:
    """Claiming the output is beta + gamma instead of beta fails."""
    d = batch_of_one_output()
    d.steps[-1].expr = d.steps[-1].expr + sympy.Symbol("gamma", real=True)
    with pytest.raises(DerivationError):
        d.verify()


def test_batch_of_two_derivation_rejects_a_wrong_power() -> None:
    """The power 3/2 in the N = 2 Jacobian entry matters: 1/2 fails."""
    d = jacobian_batch_of_two()
    last = d.steps[-1].expr
    # the power sits in the denominator: sympy stores it as the exponent -3/2
    d.steps[-1].expr = last.replace(lambda e: e == sympy.Rational(-3, 2), lambda e: sympy.Rational(-1, 2))
    assert d.steps[-1].expr != last
    with pytest.raises(DerivationError):
        d.verify()


def test_batch_of_one_gradients_differentiates_by_x1_gamma_and_beta() -> None:
    """The derivation's three entries are dL/dx_1, dL/dgamma and dL/dbeta, as its title says."""
    x = sympy.IndexedBase("x")
    gamma, beta = sympy.symbols("gamma beta", real=True)
    d = batch_of_one_gradients()
    wrt = [next(iter(entry.atoms(sympy.Derivative))).variables for entry in d.start]
    assert wrt == [(x[1],), (gamma,), (beta,)]


def test_batch_of_one_output_starts_from_the_layer_formula() -> None:
    """The start is gamma (x_1 - mu) / sqrt(sigma^2 + eps) + beta with the N = 1 sums (textbook)."""
    x = sympy.IndexedBase("x")
    i, j = sympy.Symbol("i", integer=True), sympy.Symbol("j", integer=True)
    gamma, beta = sympy.symbols("gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mu = sympy.Sum(x[j], (j, 1, 1))
    var = sympy.Sum((x[i] - mu) ** 2, (i, 1, 1))
    layer = gamma * (x[1] - mu) / sympy.sqrt(var + eps) + beta
    assert batch_of_one_output().start == layer
    g = sympy.IndexedBase("g")
    assert batch_of_one_gradients().start == sympy.Matrix(
        [g[1] * sympy.Derivative(layer, v) for v in (x[1], gamma, beta)]
    )


def test_undo_and_batch_of_two_start_from_the_stated_expressions() -> None:
    """undo: sqrt(s2 + eps) * ((x - mu) / sqrt(s2 + eps)) + mu, unsimplified; N = 2: d y_1 / d x_1."""
    xi, mu = sympy.symbols("x_i mu_B", real=True)
    var = sympy.Symbol("sigma_B^2", nonnegative=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    s = sympy.sqrt(var + eps)
    start = undo_normalization().start
    assert sympy.simplify(start - xi) == 0
    assert start.func is sympy.Add and set(start.args) >= {mu}
    assert s in set(sympy.preorder_traversal(start)) and 1 / s in set(sympy.preorder_traversal(start))
    assert undo_normalization().steps[0].expr.func is sympy.Add
    assert set(undo_normalization().steps[0].expr.args) == {xi - mu, mu}

    x1, x2, gamma, beta = sympy.symbols("x_1 x_2 gamma beta", real=True)
    m = (x1 + x2) / 2
    y1 = gamma * (x1 - m) / sympy.sqrt(((x1 - m) ** 2 + (x2 - m) ** 2) / 2 + eps) + beta
    assert jacobian_batch_of_two().start == sympy.Derivative(y1, x1)


def test_undo_normalization_is_printed_unsimplified() -> None:
    """The start keeps sqrt(s2 + eps) * ((x - mu) * sqrt(s2 + eps)^-1) + mu as written, for the page."""
    xi, mu = sympy.symbols("x_i mu_B", real=True)
    s = sympy.sqrt(sympy.Symbol("sigma_B^2", nonnegative=True) + sympy.Symbol("varepsilon", positive=True))
    inner = sympy.Mul(xi - mu, sympy.Pow(s, -1), evaluate=False)
    assert undo_normalization().start == sympy.Add(sympy.Mul(s, inner, evaluate=False), mu, evaluate=False)


def test_batch_of_two_entry_is_order_eps_over_d_cubed() -> None:
    """The old text said the N = 2 entry is 'of the order of eps': false, it is eps / |d|^3.

    Evaluated by hand from the general formula gamma / sqrt(var + eps) * (1/2 - xhat^2 / 2), the
    entry divided by eps grows like 1/|d|^3 as d shrinks (no bound of the form C * eps).
    """
    import math

    from nnnotes.proofs.batchnorm import batch_of_two_entry_order

    lim, expected = batch_of_two_entry_order()
    assert lim == expected
    gamma, eps = 1.0, 1e-8

    def entry(d: float) -> float:
        xhat = d / math.sqrt(d * d + eps)
        return gamma / math.sqrt(d * d + eps) * (0.5 - xhat * xhat / 2)

    ratios = [entry(d) / eps for d in (1.0, 0.1, 0.01)]
    assert ratios[1] / ratios[0] > 900 and ratios[2] / ratios[1] > 900
    assert math.isclose(entry(0.1) / (eps / 0.1**3), gamma / 2, rel_tol=1e-5)
