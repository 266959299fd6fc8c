r"""Identities and bounds of the logistic sigmoid and tanh, as checked derivations.

Each function builds a `nnnotes.check.derivation.Derivation` of one fact, verified step by step by sympy:

* $\sigma(-x) = 1 - \sigma(x)$ (`symmetry_derivation`);
* $\tanh(x) = 2\sigma(2x) - 1$ (`tanh_derivation`);
* $\sigma'(x) = \sigma(x)(1 - \sigma(x)) = \sigma(x)\sigma(-x)$ (`sigmoid_derivative_derivation`);
* $\tanh'(x) = 4\sigma(2x)(1 - \sigma(2x))$ (`tanh_derivative_derivation`);
* $0 < \sigma'(x) \le 1/4$ and $0 < \tanh'(x) \le 1$, with equality exactly at
  $x = 0$ (the four ``*_bound_derivation`` functions);
* $0 < \sigma(z) < 1$: the sigmoid never reaches its limits (`sigmoid_above_zero`,
  `sigmoid_below_one`).

Examples
--------
>>> d = symmetry_derivation().verify()
>>> d.conclusion(), [s.method for s in d.steps]
('=', ['symbolic', 'symbolic', 'symbolic', 'symbolic'])
"""

from __future__ import annotations

import sympy

from nnnotes.check.derivation import Derivation, published
from nnnotes.proofs.symbolic import sigma

__all__ = [
    "sigmoid_above_zero",
    "sigmoid_below_one",
    "sigmoid_derivative_derivation",
    "sigmoid_lower_bound_derivation",
    "sigmoid_upper_bound_derivation",
    "symmetry_derivation",
    "tanh_derivation",
    "tanh_derivative_derivation",
    "tanh_lower_bound_derivation",
    "tanh_upper_bound_derivation",
]

x = sympy.Symbol("x", real=True)
_HALF = sympy.Rational(1, 2)
_QUARTER = sympy.Rational(1, 4)


@published
def symmetry_derivation() -> Derivation:
    r"""$\sigma(-x) = 1 - \sigma(x)$."""
    return (
        Derivation(sigma(-x), name="6-1-sigmoid-symmetry")
        .step(1 / (1 + sympy.exp(x)), r"definition $\sigma(t) = 1/(1 + e^{-t})$ at $t = -x$")
        .step(sympy.exp(-x) / (sympy.exp(-x) + 1), r"multiply above and below by $e^{-x}$")
        .step(1 - 1 / (1 + sympy.exp(-x)), r"write $e^{-x} = (1 + e^{-x}) - 1$")
        .step(1 - sigma(x), r"definition of $\sigma(x)$")
    )


@published
def tanh_derivation() -> Derivation:
    r"""$\tanh(x) = 2\sigma(2x) - 1$."""
    return (
        Derivation(2 * sigma(2 * x) - 1, name="6-1-tanh-from-sigmoid")
        .step(2 / (1 + sympy.exp(-2 * x)) - 1, r"definition of $\sigma$ at $2x$")
        .step((1 - sympy.exp(-2 * x)) / (1 + sympy.exp(-2 * x)), "one fraction")
        .step(
            (sympy.exp(x) - sympy.exp(-x)) / (sympy.exp(x) + sympy.exp(-x)),
            r"multiply above and below by $e^{x}$",
        )
        .step(sympy.tanh(x), r"definition of $\tanh$")
    )


@published
def sigmoid_derivative_derivation() -> Derivation:
    r"""$\sigma'(x) = \sigma(x)(1-\sigma(x)) = \sigma(x)\sigma(-x)$."""
    return (
        Derivation(sympy.Derivative(1 / (1 + sympy.exp(-x)), x), name="6-1-sigmoid-derivative")
        .step(sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2, r"chain rule: $-(1+e^{-x})^{-2}\cdot(-e^{-x})$")
        .step(
            sigma(x) * sympy.UnevaluatedExpr(sympy.exp(-x) / (1 + sympy.exp(-x))),
            r"split the fraction; $1/(1+e^{-x}) = \sigma(x)$",
        )
        .step(sigma(x) * (1 - sigma(x)), r"$e^{-x}/(1+e^{-x}) = 1 - \sigma(x)$")
        .step(sigma(x) * sigma(-x), r"identity (a)")
    )


@published
def tanh_derivative_derivation() -> Derivation:
    r"""$\tanh'(x) = 4\sigma(2x)(1-\sigma(2x)) = 1 - \tanh^2(x)$."""
    return (
        Derivation(sympy.Derivative(sympy.tanh(x), x), name="6-1-tanh-derivative")
        .step(2 * sympy.Derivative(sigma(2 * x), x), "identity (b); the constant $-1$ has derivative 0")
        .step(4 * sigma(2 * x) * (1 - sigma(2 * x)), r"chain rule and $\sigma' = \sigma(1-\sigma)$")
        .step(1 - (2 * sigma(2 * x) - 1) ** 2, r"$1 - (2s-1)^2 = 4s(1-s)$")
        .step(1 - sympy.tanh(x) ** 2, "identity (b) again")
    )


@published
def sigmoid_upper_bound_derivation() -> Derivation:
    r"""$\sigma'(x) \le 1/4$, with equality only where $\sigma(x) = 1/2$, i.e. $x = 0$."""
    return (
        Derivation(sympy.Derivative(sigma(x), x), name="6-1-sigmoid-derivative-upper-bound")
        .step(sigma(x) * (1 - sigma(x)), "identity (c)")
        .step(_QUARTER - (sigma(x) - _HALF) ** 2, r"complete the square in $\sigma(x)$")
        .step(_QUARTER, r"a square is $\ge 0$; it is $0$ only at $\sigma(x) = 1/2$, i.e. $x = 0$", "<=")
    )


@published
def sigmoid_lower_bound_derivation() -> Derivation:
    r"""$\sigma'(x) > 0$ for every real $x$."""
    return (
        Derivation(sympy.Derivative(sigma(x), x), name="6-1-sigmoid-derivative-positive")
        .step(sigma(x) * sigma(-x), "identity (c)")
        .step(0, r"both factors lie in $(0, 1)$; the bound is approached as $|x| \to \infty$", ">")
    )


@published
def tanh_upper_bound_derivation() -> Derivation:
    r"""$\tanh'(x) \le 1$, with equality only where $\tanh(x) = 0$, i.e. $x = 0$."""
    return (
        Derivation(sympy.Derivative(sympy.tanh(x), x), name="6-1-tanh-derivative-upper-bound")
        .step(1 - sympy.tanh(x) ** 2, "identity (d)")
        .step(1, r"$\tanh^2(x) \in [0, 1)$ is $0$ only at $x = 0$, so the bound is attained", "<=")
    )


@published
def tanh_lower_bound_derivation() -> Derivation:
    r"""$\tanh'(x) > 0$ for every real $x$."""
    return (
        Derivation(sympy.Derivative(sympy.tanh(x), x), name="6-1-tanh-derivative-positive")
        .step(4 * sigma(2 * x) * sigma(-2 * x), "identity (d) and identity (a)")
        .step(0, r"a product of positive factors; approached as $|x| \to \infty$", ">")
    )


@published
def sigmoid_below_one() -> Derivation:
    r"""Show that the sigmoid never reaches 1: $\sigma(z) < 1$ for every real $z$."""
    z = sympy.Symbol("z", real=True)
    return (
        Derivation(sigma(z), name="6-2-sigmoid-below-one")
        .step(1 / (1 + sympy.exp(-z)), "definition")
        .step(sympy.Integer(1), r"$e^{-z} > 0$ makes the denominator exceed 1", "<")
    )


@published
def sigmoid_above_zero() -> Derivation:
    r"""Show that the sigmoid never reaches 0: $\sigma(z) > 0$ for every real $z$."""
    z = sympy.Symbol("z", real=True)
    return (
        Derivation(sigma(z), name="6-2-sigmoid-above-zero")
        .step(1 / (1 + sympy.exp(-z)), "definition")
        .step(sympy.Integer(0), "a positive number over a positive number", ">")
    )
