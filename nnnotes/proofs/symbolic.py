r"""Symbolic (sympy) counterparts of the package's functions, for derivations.

`sigma` is the logistic function as a sympy function: it prints as $\sigma(x)$, rewrites to
exponentials (``.rewrite(sympy.exp)``) so that sympy can prove identities about it, and knows its own
derivative. Derivations use it so that what is printed and what is proved are the same object.

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> sigma(x).rewrite(sympy.exp)
1/(1 + exp(-x))
>>> sympy.diff(sigma(x), x)
(1 - sigma(x))*sigma(x)
>>> print(sympy.latex(sigma(2 * x)), sympy.latex(sigma(x)**2))
\sigma\left(2 x\right) \sigma^{2}\left(x\right)
"""

from __future__ import annotations

import sympy

__all__ = ["relu", "sigma"]


class sigma(sympy.Function):
    r"""The logistic sigmoid $\sigma(x) = 1 / (1 + e^{-x})$ as a sympy function."""

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """Evaluate at 0 and at infinities; stay unevaluated elsewhere."""
        if arg.is_zero:
            return sympy.Rational(1, 2)
        if arg is sympy.oo:
            return sympy.Integer(1)
        if arg is sympy.S.NegativeInfinity:
            return sympy.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        """Return the derivative with respect to the argument, sigma (1 - sigma)."""
        if argindex != 1:
            raise sympy.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_rewrite_as_tanh(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return (1 + sympy.tanh(arg / 2)) / 2

    def _eval_evalf(self, prec: int) -> sympy.Expr:
        return (1 / (1 + sympy.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\sigma{power}\left(" + printer._print(self.args[0]) + r"\right)"


class relu(sympy.Function):
    r"""The rectifier $\operatorname{ReLU}(x) = \max(0, x)$ as a sympy function.

    Examples
    --------
    >>> x = sympy.Symbol("x", real=True)
    >>> relu(x).rewrite(sympy.Max)
    Max(0, x)
    >>> relu(sympy.Integer(-3)), relu(sympy.Integer(9))
    (0, 9)
    """

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        """Evaluate at numbers; stay unevaluated at symbols."""
        if arg.is_number and arg.is_real:
            return sympy.Max(0, arg)
        return None

    def _eval_rewrite_as_Max(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.Max(0, arg)

    def _eval_rewrite_as_Piecewise(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.Piecewise((arg, arg > 0), (0, True))

    def _latex(self, printer: sympy.printing.latex.LatexPrinter, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\operatorname{{ReLU}}{power}\left(" + printer._print(self.args[0]) + r"\right)"
