r"""Facts about the softmax, as checked derivations.

* adding the same $c$ to every logit changes nothing (`shift_invariance_derivation`, any $n$);
* the outputs sum to one (`softmax_sums_to_one`);
* a ratio of outputs depends only on a difference of logits (`softmax_ratio`);
* with two classes the softmax is the sigmoid of the logit difference (`two_class_softmax`).
"""

from __future__ import annotations

import sympy

from nnnotes.check.derivation import Derivation, published
from nnnotes.proofs.symbolic import sigma

__all__ = ["shift_invariance_derivation", "softmax_ratio", "softmax_sums_to_one", "two_class_softmax"]


def _three_logits() -> tuple[list[sympy.Symbol], sympy.Expr]:
    zs = list(sympy.symbols("z_1 z_2 z_3", real=True))
    return zs, sum(sympy.exp(v) for v in zs)


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


@published
def softmax_ratio() -> Derivation:
    r"""Show that a ratio of softmax outputs depends only on a difference of logits (K = 3)."""
    zs, S = _three_logits()
    p1, p2 = sympy.exp(zs[0]) / S, sympy.exp(zs[1]) / S
    return (
        Derivation(
            sympy.Mul(p1, sympy.Pow(p2, -1, evaluate=False), evaluate=False),
            name="6-2-softmax-ratio",
            scope="checked for $K = 3$ classes",
        )
        .step(
            sympy.Mul(sympy.exp(zs[0]), sympy.Pow(sympy.exp(zs[1]), -1, evaluate=False), evaluate=False),
            r"the normaliser $\sum_i e^{z_i}$ cancels",
        )
        .step(sympy.exp(zs[0] - zs[1]), "quotient of powers")
    )


@published
def softmax_sums_to_one() -> Derivation:
    r"""Show that the softmax outputs always sum to one (K = 3)."""
    zs, S = _three_logits()
    return Derivation(
        sympy.Add(*(sympy.exp(v) / S for v in zs), evaluate=False),
        name="6-2-softmax-sums-to-one",
        scope="checked for $K = 3$ classes",
    ).step(sympy.Integer(1), "over the common denominator, the numerator is the denominator")
