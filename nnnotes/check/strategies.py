"""Certificates that a difference is exactly zero: the sympy strategies behind a *proved* equality.

A step ``a = b`` of a `nnnotes.check.derivation.Derivation` is proved when one strategy of
`ZERO_STRATEGIES` reduces ``a - b`` to exactly zero. Matrix expressions are first tried with matrix
algebra; failing that, every matrix symbol is made explicit at small distinct sizes and the
difference is proved entry by entry (which then proves it at those sizes only).

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> prove_zero(sympy.cosh(x) ** 2 - sympy.sinh(x) ** 2 - 1)[0]
'cancel after rewriting to exponentials'
>>> prove_zero(sympy.exp(x) - x - 1)[0] is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy

__all__ = [
    "ZERO_STRATEGIES",
    "canonical_bound_indices",
    "explicit",
    "is_zero",
    "prove_zero",
    "scalar_sides",
    "small_sizes",
]


def _rewrite_exp(e: Any) -> Any:
    return e.rewrite(sympy.exp)


def canonical_bound_indices(e: Any) -> Any:
    r"""Rename the index of every sum and product after its nesting depth, so that equal sums look equal.

    $\sum_{i=1}^K e^{z_i}$ and $\sum_{k=1}^K e^{z_k}$ are the same number, but sympy compares them
    by their index's name. Renaming a bound index is always sound: each new name is a fresh
    ``sympy.Dummy`` (it captures no free symbol), one per depth and kind of index, and an inner sum
    that reuses its outer sum's index keeps referring to its own. A sum over several indices at
    once is left as it is.

    Examples
    --------
    >>> import sympy
    >>> i, k, K = sympy.symbols("i k K", integer=True, positive=True)
    >>> z = sympy.IndexedBase("z")
    >>> a, b = sympy.Sum(z[i], (i, 1, K)), sympy.Sum(z[k], (k, 1, K))
    >>> a == b, canonical_bound_indices(a - b)
    (False, 0)
    >>> canonical_bound_indices(sympy.Sum(z[i] * z[k], (i, 1, K)) - sympy.Sum(z[k] * z[i], (k, 1, K))) == 0
    False
    """
    made: dict[tuple[int, tuple[tuple[str, Any], ...]], sympy.Dummy] = {}

    def fresh(depth: int, index: Any) -> sympy.Dummy:
        key = (depth, tuple(sorted(index.assumptions0.items())))
        if key not in made:
            made[key] = sympy.Dummy(f"b{depth}", **index.assumptions0)
        return made[key]

    def walk(node: Any, depth: int) -> Any:
        if not isinstance(node, sympy.Basic) or not node.args:
            return node
        if isinstance(node, (sympy.Sum, sympy.Product)) and len(node.limits) == 1:
            index, low, high = node.limits[0]
            new = fresh(depth, index)
            body = walk(node.function.xreplace({index: new}), depth + 1)
            return type(node)(body, (new, walk(low, depth), walk(high, depth)))
        return node.func(*(walk(a, depth) for a in node.args))

    return walk(e, 0)


#: The strategies tried, in order, on a scalar difference: (label shown on the page, function).
ZERO_STRATEGIES: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("expand", lambda e: sympy.expand(e)),
    ("cancel", lambda e: sympy.cancel(e)),
    ("cancel after rewriting to exponentials", lambda e: sympy.cancel(_rewrite_exp(e))),
    (
        "expand and cancel after rewriting to exponentials",
        lambda e: sympy.cancel(sympy.expand(_rewrite_exp(e))),
    ),
    ("trigsimp", lambda e: sympy.trigsimp(e)),
    ("simplify", lambda e: sympy.simplify(e)),
    ("simplify after rewriting to exponentials", lambda e: sympy.simplify(_rewrite_exp(e))),
    (
        "piecewise_fold and simplify",
        lambda e: sympy.simplify(sympy.piecewise_fold(e.rewrite(sympy.Piecewise))),
    ),
    ("cancel after renaming the summation indices", lambda e: sympy.cancel(canonical_bound_indices(e))),
)


def is_zero(e: Any) -> bool:
    """Tell whether ``e`` is exactly zero as it stands (a scalar, an explicit matrix or a matrix expression).

    Examples
    --------
    >>> import sympy
    >>> is_zero(sympy.zeros(2, 2)), is_zero(sympy.Symbol("x") - sympy.Symbol("x")), is_zero(sympy.S(1))
    (True, True, False)
    """
    if isinstance(e, sympy.MatrixBase):
        return all(is_zero(v) for v in e)
    if isinstance(e, sympy.MatrixExpr):
        return e.is_ZeroMatrix or e == sympy.ZeroMatrix(*e.shape)
    return e == 0 or getattr(e, "is_zero", None) is True


def _prove_zero_scalar(d: Any) -> str | None:
    for _ in range(3):  # a derivative of a sum leaves sums of Kronecker deltas for a second doit
        done = d.doit() if hasattr(d, "doit") else d
        if done == d:
            break
        d = done
    if is_zero(d):
        return "identical after evaluation"
    for label, strategy in ZERO_STRATEGIES:
        try:
            if is_zero(strategy(d)):
                return label
        except Exception:  # a strategy that cannot handle the expression proves nothing
            continue
    return None


def explicit(e: Any, sizes: Mapping[Any, int]) -> sympy.Matrix:
    """Replace every ``MatrixSymbol`` of ``e`` by an explicit matrix of real scalar symbols.

    Parameters
    ----------
    e : sympy matrix expression
        May have symbolic sizes.
    sizes : mapping
        A size for each symbolic dimension (``{n: 2}``).

    Examples
    --------
    >>> import sympy
    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> A = sympy.MatrixSymbol("A", n, n)
    >>> explicit(A.T, {n: 2})
    Matrix([
    [A_00, A_10],
    [A_01, A_11]])
    """
    e = e.subs(dict(sizes)) if sizes else e
    repl = {}
    for m in e.atoms(sympy.MatrixSymbol):
        r, c = (int(n) for n in m.shape)
        repl[m] = sympy.Matrix(r, c, lambda i, j, m=m: sympy.Symbol(f"{m.name}_{i}{j}", real=True))
    e = e.xreplace(repl)
    # an explicit inverse by the adjugate: sympy's default (row reduction with zero tests) is slow
    e = e.replace(
        lambda n: isinstance(n, sympy.Inverse),
        lambda n: n.arg.as_explicit().adjugate() / n.arg.as_explicit().det(),
    )
    return sympy.Matrix(e.doit())


def small_sizes(*exprs: Any) -> dict[Any, int]:
    """Give each symbolic dimension of the matrix symbols in ``exprs`` a small size: 2, 3, 4, ...

    Distinct sizes keep a transposition error visible (a 2x3 matrix is not a 3x2 one).
    """
    dims = {s for e in exprs for m in e.atoms(sympy.MatrixSymbol) for s in m.shape if not s.is_number}
    return {s: k + 2 for k, s in enumerate(sorted(dims, key=str))}


def prove_zero(d: Any) -> tuple[str | None, Any]:
    """Try to prove ``d == 0``; return how (``None`` if no certificate) and the scalar form to evaluate.

    The second item is what a numeric check should evaluate when no proof is found: ``d`` itself,
    or for a matrix expression its explicit form at small sizes; it is ``None`` after a proof.
    """
    if isinstance(d, sympy.MatrixExpr) and not isinstance(d, sympy.MatrixBase):
        for label, f in [
            ("expand", lambda e: e.expand().doit()),
            ("simplify", lambda e: sympy.simplify(e.doit())),
        ]:
            try:
                if is_zero(f(d)):
                    return f"matrix algebra ({label})", None
            except Exception:  # matrix algebra that fails proves nothing: go entry by entry
                continue
        sizes = small_sizes(d)
        entries = explicit(d, sizes)
        how = _prove_zero_scalar(entries)
        if how is not None:
            shown = ", ".join(f"{s}={v}" for s, v in sizes.items())
            return f"entry by entry at sizes {shown} ({how})", None
        return None, entries
    if isinstance(d, sympy.MatrixBase):
        hows = []
        for v in d:
            how = _prove_zero_scalar(v)
            if how is None:
                return None, d
            hows.append(how)
        return "entry by entry (" + ", ".join(sorted(set(hows))) + ")", None
    return _prove_zero_scalar(d), d


def scalar_sides(prev: Any, expr: Any) -> tuple[list[Any], list[Any]]:
    """Return the two sides of a step as lists of scalar entries.

    Matrix symbols are made explicit at small sizes (see `small_sizes`); sums and derivatives are
    evaluated with ``doit``.
    """
    if (
        isinstance(prev, sympy.MatrixExpr)
        and not isinstance(prev, sympy.MatrixBase)
        or (isinstance(expr, sympy.MatrixExpr) and not isinstance(expr, sympy.MatrixBase))
    ):
        sizes = small_sizes(prev, expr)
        return list(explicit(prev, sizes)), list(explicit(expr, sizes))
    if isinstance(prev, sympy.MatrixBase):
        return [v.doit() for v in prev], [v.doit() for v in expr]
    return [_doit(prev)], [_doit(expr)]


def _doit(e: Any) -> Any:
    return e.doit() if hasattr(e, "doit") else e
