r"""A sigmoid-hidden network is a tanh-hidden network with mapped parameters: the proof.

Because $\sigma(a) = \tfrac12 + \tfrac12\tanh(a/2)$, each sigmoid unit is a tanh unit whose
input is halved, whose output weight is halved, and whose constant moves into the output bias
(`nnnotes.reparam` implements the map). Three derivations: one unit, the sum over any number of
hidden units, and the halved pre-activation for any number of inputs.
"""

from __future__ import annotations

import sympy

from nnnotes.check.derivation import Derivation, published
from nnnotes.proofs.symbolic import sigma

__all__ = [
    "halved_preactivation_derivation",
    "inverse_bias_residual",
    "sigmoid_to_tanh_derivation",
    "unit_identity_derivation",
]


@published
def unit_identity_derivation() -> Derivation:
    r"""One hidden unit: $w\,\sigma(a) = \tfrac{w}{2}\tanh(a/2) + \tfrac{w}{2}$."""
    w, a = sympy.symbols("w_kj a_j", real=True)
    half = sympy.Rational(1, 2)
    return (
        Derivation(
            w * sigma(a),
            name="6-1-unit-sigmoid-as-tanh",
            title=r"$w_{kj}\,\sigma(a_j) = \tfrac12 w_{kj} \tanh(a_j/2) + \tfrac12 w_{kj}$",
        )
        .step(w * (1 + sympy.tanh(a / 2)) / 2, r"$\sigma(a) = (1 + \tanh(a/2))/2$, identity (b) at $a/2$")
        .step(half * w * sympy.tanh(a / 2) + half * w, "expand")
    )


@published
def sigmoid_to_tanh_derivation() -> Derivation:
    r"""Prove, for any number $M$ of hidden units, that the output unit gets the same input in both.

    Written with a symbolic $M$ (``sympy.IndexedBase`` and ``sympy.Sum``).
    """
    j = sympy.Symbol("j", integer=True, positive=True)
    M = sympy.Symbol("M", integer=True, positive=True)
    w, a = sympy.IndexedBase("w_k", real=True), sympy.IndexedBase("a", real=True)
    wk0 = sympy.Symbol("w_k0", real=True)
    half = sympy.Rational(1, 2)

    def total(f: sympy.Expr) -> sympy.Expr:
        return sympy.Sum(f, (j, 1, M))

    return (
        Derivation(
            total(w[j] * sigma(a[j])) + wk0,
            name="6-1-sigmoid-network-as-tanh",
            title="the output unit's input is the same in the sigmoid-hidden network and in the"
            " tanh-hidden network with the mapped parameters",
            scope=r"any number of hidden units $M \ge 1$",
        )
        .step(total(w[j] * (1 + sympy.tanh(a[j] / 2)) / 2) + wk0, "identity (b), each unit")
        .step(
            total(half * w[j] * sympy.tanh(a[j] / 2)) + (wk0 + half * total(w[j])),
            "split the sum: the constant halves form the new bias",
        )
    )


@published
def halved_preactivation_derivation() -> Derivation:
    r"""Halving a hidden unit's input halves each of its weights and its bias, for any D inputs."""
    i = sympy.Symbol("i", integer=True, positive=True)  # the question's index of the inputs
    D = sympy.Symbol("D", integer=True, positive=True)
    w, x = sympy.IndexedBase("w_j", real=True), sympy.IndexedBase("x", real=True)
    wj0 = sympy.Symbol("w_j0", real=True)
    half = sympy.Rational(1, 2)
    return Derivation(
        sympy.Mul(half, sympy.Sum(w[i] * x[i], (i, 1, D)) + wj0, evaluate=False),
        name="6-1-halved-preactivation",
        title=r"$a_j/2 = \sum_{i} \tfrac12 w_{ji} x_i + \tfrac12 w_{j0}$",
        scope=r"any number of inputs $D \ge 1$",
    ).step(sympy.Sum(half * w[i] * x[i], (i, 1, D)) + half * wj0, "distribute the factor $1/2$")


def inverse_bias_residual() -> sympy.Expr:
    r"""Return the inverse map's output bias minus the original one, simplified, for any $M$ units.

    Under the map, the output bias is $b' = b + \tfrac12\sum_{j=1}^M w_j$ and each output weight
    $w'_j = w_j/2$; the inverse map's rule recovers the bias as $b' - \sum_j w'_j$ (it is the rule
    $b' = b - \sum_j w_j$ with primed and unprimed parameters swapped). The residual is 0 exactly
    when that rule inverts the map.

    Examples
    --------
    >>> inverse_bias_residual()
    0
    """
    m = sympy.Symbol("M", integer=True, positive=True)
    j = sympy.Symbol("j", integer=True)
    b, w = sympy.Symbol("b", real=True), sympy.IndexedBase("w", real=True)
    mapped_bias = b + sympy.Sum(w[j], (j, 1, m)) / 2
    return sympy.simplify(mapped_bias - sympy.Sum(w[j] / 2, (j, 1, m)) - b)
