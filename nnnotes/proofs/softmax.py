r"""Facts about the softmax, as checked derivations.

* adding the same $c$ to every logit changes nothing (`shift_invariance_derivation`, any $n$);
* the outputs sum to one (`softmax_sums_to_one`, any number of classes $K$);
* a ratio of outputs depends only on a difference of logits (`softmax_ratio`, any $K$);
* with two classes the softmax is the sigmoid of the logit difference (`two_class_softmax`).
"""

from __future__ import annotations

import sympy

from nnnotes.check.derivation import Derivation, published
from nnnotes.proofs.symbolic import sigma

__all__ = ["shift_invariance_derivation", "softmax_ratio", "softmax_sums_to_one", "two_class_softmax"]


@published
def shift_invariance_derivation() -> Derivation:
    r"""Softmax does not change when the same $c$ is added to every entry, for any number $n$ of entries.

    Written with a symbolic $n$ (``sympy.IndexedBase`` and ``sympy.Sum``), so the proof covers
    every $n \ge 1$ and every entry $i$.
    """
    i, j, n = sympy.symbols("i j n", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    c = sympy.Symbol("c", real=True)
    e = sympy.exp

    def total(f: sympy.Expr) -> sympy.Expr:
        return sympy.Sum(f, (j, 1, n))

    # written unevaluated, so that the factor e^c shows before it is cancelled
    factored = sympy.Mul(
        e(c) * e(z[i]),
        sympy.Pow(sympy.Mul(e(c), total(e(z[j])), evaluate=False), -1, evaluate=False),
        evaluate=False,
    )
    return (
        Derivation(
            e(z[i] + c) / total(e(z[j] + c)),
            name="6-1-softmax-shift-invariance",
            title=r"$\operatorname{softmax}(\mathbf{z} + c\mathbf{1})_i = "
            r"\operatorname{softmax}(\mathbf{z})_i$",
            scope=r"any number of entries $n \ge 1$, any entry $i$, any real $c$ and $\mathbf{z}$",
        )
        .step(e(c) * e(z[i]) / total(e(c) * e(z[j])), r"$e^{a+b} = e^a e^b$")
        .step(factored, r"factor $e^{c}$ out of the sum")
        .step(e(z[i]) / total(e(z[j])), r"cancel $e^{c} > 0$")
    )


@published
def two_class_softmax() -> Derivation:
    r"""Two-class softmax equals the sigmoid of the logit difference."""
    z1, z2 = sympy.symbols("z_1 z_2", real=True)
    return (
        Derivation(sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2)), name="6-2-two-class-softmax")
        .step(1 / (1 + sympy.exp(z2 - z1)), r"divide numerator and denominator by $e^{z_1}$")
        .step(sigma(z1 - z2), r"definition of $\sigma$, at $z_1 - z_2$")
    )


def _softmax_over_k() -> tuple[sympy.IndexedBase, sympy.Symbol, sympy.Expr]:
    r"""Return the logits $z_1, \dots, z_K$ for a symbolic $K$ and the normaliser, summed over its own $k$."""
    K, k = sympy.symbols("K k", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    return z, K, sympy.Sum(sympy.exp(z[k]), (k, 1, K))


@published
def softmax_ratio() -> Derivation:
    r"""Show that a ratio of softmax outputs depends only on a difference of logits, for any $K$."""
    z, K, S = _softmax_over_k()
    i, j = sympy.symbols("i j", integer=True, positive=True)
    p_i, p_j = sympy.exp(z[i]) / S, sympy.exp(z[j]) / S
    return (
        Derivation(
            sympy.Mul(p_i, sympy.Pow(p_j, -1, evaluate=False), evaluate=False),
            name="6-2-softmax-ratio",
            scope=r"any number of classes $K \ge 1$, any entries $i$ and $j$",
        )
        .step(
            sympy.Mul(sympy.exp(z[i]), sympy.Pow(sympy.exp(z[j]), -1, evaluate=False), evaluate=False),
            r"the normaliser $\sum_k e^{z_k}$ cancels",
        )
        .step(sympy.exp(z[i] - z[j]), "quotient of powers")
    )


@published
def softmax_sums_to_one() -> Derivation:
    r"""Show that the softmax outputs always sum to one, for any number of classes $K$."""
    z, K, S = _softmax_over_k()
    i = sympy.Symbol("i", integer=True, positive=True)
    over_i = sympy.Sum(sympy.exp(z[i]), (i, 1, K))
    return (
        Derivation(
            sympy.Sum(sympy.exp(z[i]) / S, (i, 1, K)),
            name="6-2-softmax-sums-to-one",
            scope=r"any number of classes $K \ge 1$",
        )
        .step(
            sympy.Mul(over_i, sympy.Pow(S, -1, evaluate=False), evaluate=False),
            r"the normaliser does not depend on $i$: take it out of the sum",
        )
        .step(sympy.Integer(1), "the numerator is the normaliser, its index renamed")
    )
