r"""The gradient of each canonical loss at the logits is prediction minus target: the proofs.

* sigmoid output and binary cross-entropy: $\sigma(z) - y$ (`sigmoid_bce_gradient`);
* softmax output and cross-entropy: the loss as $\sum_k y_k$ times log-sum-exp minus the
  target-weighted logits (`softmax_ce_loss`) and its gradient $(\sum_k y_k) p_j - y_j$ for any $K$
  (`softmax_ce_gradient`): prediction minus target when the targets sum to 1, as a one-hot label
  or a probability vector does;
* identity output and half squared error: $z - y$ (`squared_error_gradient`).

`nnnotes.losses` implements the losses and these gradients.
"""

from __future__ import annotations

import sympy

from nnnotes.check.derivation import Derivation, published
from nnnotes.proofs.symbolic import sigma

__all__ = ["sigmoid_bce_gradient", "softmax_ce_gradient", "softmax_ce_loss", "squared_error_gradient"]


def _z_y() -> tuple[sympy.Symbol, sympy.Symbol]:
    return sympy.Symbol("z", real=True), sympy.Symbol("y", real=True)


def _over_k() -> tuple[sympy.Symbol, sympy.IndexedBase, sympy.IndexedBase, sympy.Expr, sympy.Expr]:
    r"""$K$, the logits $z$, the targets $y$, $\sum_i e^{z_i}$ and $\sum_k y_k$, for a symbolic $K$."""
    i, k = sympy.symbols("i k", integer=True, positive=True)
    K = sympy.Symbol("K", integer=True, positive=True)
    z, y = sympy.IndexedBase("z", real=True), sympy.IndexedBase("y", real=True)
    return K, z, y, sympy.Sum(sympy.exp(z[i]), (i, 1, K)), sympy.Sum(y[k], (k, 1, K))


def _log_sum_exp_form() -> sympy.Expr:
    r"""$(\sum_k y_k) \log \sum_i e^{z_i} - \sum_k y_k z_k$: where the loss ends and its gradient starts."""
    K, z, y, S, Y = _over_k()
    k = Y.variables[0]
    return Y * sympy.log(S) - sympy.Sum(y[k] * z[k], (k, 1, K))


@published
def sigmoid_bce_gradient() -> Derivation:
    r"""Sigmoid output with binary cross-entropy: $\partial \ell / \partial z = \sigma(z) - y$."""
    z, y = _z_y()
    loss = -y * sympy.log(sigma(z)) - (1 - y) * sympy.log(1 - sigma(z))
    return (
        Derivation(sympy.Derivative(loss, z), name="6-2-sigmoid-bce-gradient", domain={y: (0, 1)})
        .step(
            -y * (1 - sigma(z)) + (1 - y) * sigma(z),
            r"chain rule with $\sigma' = \sigma(1 - \sigma)$; the $\sigma$ and $1 - \sigma$ cancel",
        )
        .step(sigma(z) - y, "expand: the $y\\,\\sigma(z)$ terms cancel")
    )


@published
def softmax_ce_loss() -> Derivation:
    r"""Softmax cross-entropy as $\sum_k y_k$ times log-sum-exp minus the target-weighted logits.

    Written with a symbolic number of classes $K$ (``sympy.IndexedBase`` and ``sympy.Sum``); it
    ends where `softmax_ce_gradient` starts.
    """
    K, z, y, S, Y = _over_k()
    k = Y.variables[0]
    loss = -sympy.Sum(y[k] * sympy.log(sympy.exp(z[k]) / S), (k, 1, K))
    return (
        Derivation(loss, name="6-2-softmax-ce-loss", scope=r"any number of classes $K \ge 1$")
        .step(
            -sympy.Sum(y[k] * (z[k] - sympy.log(S)), (k, 1, K)),
            r"$\log p_k = z_k - \log \sum_i e^{z_i}$",
        )
        .step(_log_sum_exp_form(), r"collect the $\log \sum_i e^{z_i}$ terms")
    )


@published
def softmax_ce_gradient() -> Derivation:
    r"""Gradient of the softmax cross-entropy: $(\sum_k y_k)\,p_j - y_j$, for any number $K$ of classes.

    Written with a symbolic $K$ (``sympy.IndexedBase`` and ``sympy.Sum``) and shown for the
    component $z_1$; every other component is the same computation with the classes relabelled.
    """
    _, z, y, S, Y = _over_k()
    loss = _log_sum_exp_form()
    return Derivation(
        sympy.Derivative(loss, z[1]),
        name="6-2-softmax-ce-gradient",
        scope=r"any number of classes $K \ge 1$; shown for $z_1$, every $z_j$ alike "
        "by relabelling",
    ).step(
        Y * sympy.exp(z[1]) / S - y[1],
        r"$\partial_{z_1} \log \sum_i e^{z_i} = e^{z_1} / \sum_i e^{z_i} = p_1$; "
        r"$\partial_{z_1} \sum_k y_k z_k = y_1$",
    )


@published
def squared_error_gradient() -> Derivation:
    r"""Identity output with half squared error: $\partial \ell / \partial z = z - y$."""
    z, y = _z_y()
    return Derivation(sympy.Derivative((z - y) ** 2 / 2, z), name="6-2-squared-error-gradient").step(
        z - y, "power rule; the $1/2$ cancels the $2$"
    )
