r"""Batch normalization, proved: a batch of one, undoing the normalization, the Jacobian for two.

Every function here but `batch_of_two_entry_order` (a sympy limit, checked exactly where the page
prints it) returns a published `nnnotes.check.Derivation` that sympy checks step by step; the
numerics they describe are `nnnotes.batchnorm` and `nnnotes.batchnorm_jacobian`.
"""

from __future__ import annotations

import sympy

from nnnotes.check import Derivation, published

__all__ = [
    "batch_of_one_gradients",
    "batch_of_one_output",
    "batch_of_two_entry_order",
    "jacobian_batch_of_two",
    "undo_normalization",
]


def _one_batch_symbols() -> tuple[sympy.Expr, ...]:
    x = sympy.IndexedBase("x")
    g = sympy.IndexedBase("g")
    i = sympy.Symbol("i", integer=True)
    j = sympy.Symbol("j", integer=True)
    gamma, beta = sympy.symbols("gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mean = sympy.Sum(x[j], (j, 1, 1))
    var = sympy.Sum((x[i] - mean) ** 2, (i, 1, 1))
    y = gamma * (x[1] - mean) / sympy.sqrt(var + eps) + beta
    return x, g, gamma, beta, eps, y, mean, var


@published
def batch_of_one_output() -> Derivation:
    r"""Show that the training-mode output for a batch of one is exactly $\beta$.

    One step only: every other step would multiply something by the zero centred value, and a
    step whose parts can change without changing its truth checks nothing.
    """
    _, _, _, beta, _, y, _, _ = _one_batch_symbols()
    return Derivation(
        y, name="6-4-batch-of-one-output", title=r"for $N = 1$ the training-mode output is $y_1 = \beta$"
    ).step(beta, r"$\mu_B = x_1$, so $x_1 - \mu_B = 0$, and $0/\sqrt{\varepsilon} = 0$ as $\varepsilon > 0$")


@published
def batch_of_one_gradients() -> Derivation:
    r"""Show that for a batch of one only $\beta$ gets a gradient, $g_1$; $x_1$ and $\gamma$ get 0."""
    x, g, gamma, beta, _, y, _, _ = _one_batch_symbols()
    chain = sympy.Matrix([g[1] * sympy.Derivative(y, v) for v in (x[1], gamma, beta)])
    return Derivation(
        chain,
        name="6-4-batch-of-one-gradients",
        title=r"for $N = 1$: $\partial L/\partial x_1 = 0$, $\partial L/\partial \gamma = 0$, "
        r"$\partial L/\partial \beta = g_1$",
    ).step(sympy.Matrix([0, 0, g[1]]), r"$y_1 = \beta$ for every $x_1$ and $\gamma$")


@published
def undo_normalization() -> Derivation:
    r"""Show that $\gamma = \sqrt{\sigma_B^2 + \varepsilon}$, $\beta = \mu_B$ make the layer the identity."""
    x, mu = sympy.symbols("x_i mu_B", real=True)
    var = sympy.Symbol("sigma_B^2", nonnegative=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    s = sympy.sqrt(var + eps)
    start = sympy.Add(
        sympy.Mul(s, sympy.Mul(x - mu, sympy.Pow(s, -1), evaluate=False), evaluate=False), mu, evaluate=False
    )
    return (
        Derivation(
            start,
            name="6-4-undo-normalization",
            title=r"$\gamma = \sqrt{\sigma_B^2+\varepsilon}$, $\beta = \mu_B$ give $y_i = x_i$",
        )
        .step(sympy.Add(x - mu, mu, evaluate=False), r"the scale cancels the division")
        .step(x, r"the shift adds back the mean")
    )


@published
def jacobian_batch_of_two() -> Derivation:
    r"""Derive $\partial y_1/\partial x_1$ for a batch of two: of the order of $\varepsilon/|d|^3$."""
    x1, x2, gamma, beta = sympy.symbols("x_1 x_2 gamma beta", real=True)
    eps = sympy.Symbol("varepsilon", positive=True)
    mu = (x1 + x2) / 2
    var = ((x1 - mu) ** 2 + (x2 - mu) ** 2) / 2
    s = sympy.sqrt(var + eps)
    y1 = gamma * (x1 - mu) / s + beta
    d = (x1 - x2) / 2
    x_hat1 = d / sympy.sqrt(d**2 + eps)
    return (
        Derivation(
            sympy.Derivative(y1, x1),
            name="6-4-jacobian-batch-of-two",
            title=r"for $N = 2$: $\partial y_1 / \partial x_1 = \gamma\varepsilon / "
            r"\big(2 (d^2+\varepsilon)^{3/2}\big)$, $d = (x_1 - x_2)/2$",
        )
        .step(
            gamma / sympy.sqrt(d**2 + eps) * (1 - sympy.Rational(1, 2) - x_hat1**2 / 2),
            r"general entry, $N = 2$, $\sigma_B^2 = d^2$",
        )
        .step(
            gamma * eps / (2 * (d**2 + eps) ** sympy.Rational(3, 2)),
            r"$1 - \hat x_1^2 = \varepsilon / (d^2 + \varepsilon)$",
        )
    )


def batch_of_two_entry_order() -> tuple[sympy.Expr, sympy.Expr]:
    r"""Return ``(limit, gamma / 2)``: the limit of the $N = 2$ entry over $\varepsilon/|d|^3$.

    The entry $\gamma\varepsilon / (2(d^2 + \varepsilon)^{3/2})$ of `jacobian_batch_of_two`,
    divided by $\varepsilon/|d|^3$, tends to $\gamma/2$ as $\varepsilon \to 0^+$ for fixed
    $d \ne 0$ (sympy ``limit``): the entry is of the order of $\varepsilon/|d|^3$.

    Examples
    --------
    >>> lim, expected = batch_of_two_entry_order()
    >>> lim == expected
    True
    """
    gamma = sympy.Symbol("gamma", real=True)
    d = sympy.Symbol("d", positive=True)  # the entry depends on d only through d**2
    eps = sympy.Symbol("varepsilon", positive=True)
    entry = jacobian_batch_of_two().steps[-1].expr.subs(sympy.Symbol("x_1", real=True), 2 * d)
    entry = entry.subs(sympy.Symbol("x_2", real=True), 0)
    return sympy.limit(entry / (eps / d**3), eps, 0, "+"), gamma / 2
