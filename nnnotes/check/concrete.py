r"""Steps written for any size, made concrete at small sizes so that the search can evaluate them.

A step written with a symbolic size (``Sum(z[j], (j, 1, n))``) and indexed entries
(``IndexedBase("z")``) has no numeric value: mpmath cannot add up ``n`` terms for a symbolic ``n``,
nor give ``z[j]`` a value. `instances` makes it concrete: every *size* (a symbol that bounds a sum
or a product) takes the values 1 to 4 (0 to 3 if it may be zero), every *index* (an integer symbol
inside the brackets of an indexed entry, such as the entry $i$ of a softmax) as many values as the
largest size, from its lowest (1, or 0 for an index that may be 0), the sums are written out, and
each entry ``z[2]`` becomes a scalar symbol ``z[2]`` with the assumptions of ``z`` (real,
positive, ...). `search_sizes` then searches
every instance (`nnnotes.check.counterexample.search`) and adds up what it did. A size whose domain
the derivation declares takes the four smallest values of that domain instead.

A search at sizes 1 to 4 checks those sizes, not every size: the proof, where there is one, covers
the rest.

Examples
--------
>>> import sympy
>>> j, n = sympy.symbols("j n", integer=True, positive=True)
>>> z = sympy.IndexedBase("z", real=True)
>>> [(sizes, rhs) for sizes, _, rhs in instances([0], [sympy.Sum(z[j], (j, 1, n))])][:2]
[({'n': '1'}, [z[1]]), ({'n': '2'}, [z[1] + z[2]])]
>>> twice = [sympy.Sum(2 * z[j], (j, 1, n))], [2 * sympy.Sum(z[j], (j, 1, n))]
>>> good = search_sizes(*twice, "=", {}, seed="doc")
>>> good.counterexample is None, good.evaluated > 400, good.sizes
(True, True, 'n from 1 to 4')
>>> bad = search_sizes([sympy.Sum(z[j], (j, 1, n))], [n * z[1]], "=", {}, seed="doc")
>>> bad.counterexample.point["n"]
'2'
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import sympy

from nnnotes.check.counterexample import SearchResult, search
from nnnotes.check.sampling import free_symbols

__all__ = ["SIZES", "instances", "search_sizes", "searched_sizes"]

#: The values a size takes (a size that may be zero also takes 0, and then not 4).
SIZES = (1, 2, 3, 4)
_LOOPS = (sympy.Sum, sympy.Product)


def _sizes_and_indices(exprs: Sequence[Any]) -> tuple[list[sympy.Symbol], list[sympy.Symbol]]:
    """Return the free symbols that bound a sum or product, and the free integer symbols used as indices."""
    sizes: set[sympy.Symbol] = set()
    indices: set[sympy.Symbol] = set()
    for e in exprs:
        if not isinstance(e, sympy.Basic):
            continue
        free = e.free_symbols
        for node in e.atoms(*_LOOPS):
            for _, lo, hi in node.limits:
                sizes |= {
                    s for s in (lo.free_symbols | hi.free_symbols) & free if isinstance(s, sympy.Symbol)
                }
        for ix in e.atoms(sympy.Indexed):
            indices |= {s for i in ix.indices for s in i.free_symbols & free if s.is_integer}
    return sorted(sizes, key=str), sorted(indices - sizes, key=str)


def _size_values(s: sympy.Symbol, domain: Mapping[Any, sympy.Set] | None = None) -> tuple[int, ...]:
    """Return the values of size ``s``: `SIZES` (from 0 if it may be 0), or its domain's smallest."""
    base = SIZES if s.is_positive else (0, *SIZES[:-1])
    declared = (domain or {}).get(s)
    if declared is None:
        return base
    k = base[0] if not declared.inf.is_finite else max(base[0], int(sympy.ceiling(declared.inf)))
    values: list[int] = []
    while len(values) < len(SIZES) and (not declared.sup.is_finite or k <= declared.sup):
        if declared.contains(k) == sympy.true:
            values.append(k)
        k += 1
    if not values:
        raise ValueError(f"the domain {declared} of the size {s} holds no integer from {base[0]} on")
    return tuple(values)


def _assignments(
    sizes: list[sympy.Symbol], indices: list[sympy.Symbol], domain: Mapping[Any, sympy.Set] | None = None
) -> list[dict[sympy.Symbol, int]]:
    """Every combination of the sizes, each index running from its lowest value up to the largest size."""
    out = []
    for combo in itertools.product(*(_size_values(s, domain) for s in sizes)):
        top = max(combo, default=2) or 1
        ranges = [range(_lowest(i), _lowest(i) + top) for i in indices]
        out += [
            dict(zip(sizes + indices, combo + picks, strict=True)) for picks in itertools.product(*ranges)
        ]
    return out


def _lowest(index: sympy.Symbol) -> int:
    return 1 if index.is_positive else 0


def _scalar_entries(e: Any) -> Any:
    """Write out the sums of ``e`` and turn each indexed entry ``z[2]`` into a scalar symbol ``z[2]``."""
    if not isinstance(e, sympy.Basic):
        return e
    e = e.doit()
    repl = {}
    for ix in e.atoms(sympy.Indexed):
        if all(i.is_number for i in ix.indices):
            facts = {k: v for k, v in ix.base.label.assumptions0.items() if v is not None}
            repl[ix] = sympy.Symbol(sympy.sstr(ix), **facts)
    return e.xreplace(repl)


def instances(
    lhs: Sequence[Any], rhs: Sequence[Any], domain: Mapping[Any, sympy.Set] | None = None
) -> list[tuple[dict[str, str], list[Any], list[Any]]]:
    """Return the step at each combination of small sizes: (the sizes by name, lhs, rhs).

    A size with a declared ``domain`` takes the smallest values of that domain instead. A step
    with no size, no index and no indexed entry is returned as it is, with no sizes.
    """
    exprs = [*lhs, *rhs]
    sizes, indices = _sizes_and_indices(exprs)
    if not (sizes or indices or any(isinstance(e, sympy.Basic) and e.has(sympy.Indexed) for e in exprs)):
        return [({}, list(lhs), list(rhs))]
    out = []
    for a in _assignments(sizes, indices, domain):
        sub = lambda e, a=a: _scalar_entries(e.subs(a) if isinstance(e, sympy.Basic) else e)  # noqa: E731
        out.append(({str(s): str(v) for s, v in a.items()}, [sub(e) for e in lhs], [sub(e) for e in rhs]))
    return out


def searched_sizes(
    lhs: Sequence[Any], rhs: Sequence[Any], domain: Mapping[Any, sympy.Set] | None = None
) -> str:
    """Say which sizes `instances` takes, e.g. ``"n from 1 to 4 and i from 1 to n"`` ("" for none).

    Examples
    --------
    >>> import sympy
    >>> i, j, n = sympy.symbols("i j n", integer=True, positive=True)
    >>> z = sympy.IndexedBase("z", real=True)
    >>> searched_sizes([z[i]], [sympy.Sum(z[j], (j, 1, n))])
    'n from 1 to 4 and i from 1 to n'
    >>> k = sympy.Symbol("k", integer=True, nonnegative=True)
    >>> searched_sizes([z[k]], [sympy.Sum(z[j], (j, 0, n - 1))])
    'n from 1 to 4 and k from 0 to n - 1'
    """
    sizes, indices = _sizes_and_indices([*lhs, *rhs])
    # in words, not as an equation: the report shows these as text, and "n = 1, 2" reads as math
    parts = [f"{s} from {_size_values(s, domain)[0]} to {_size_values(s, domain)[-1]}" for s in sizes]
    # an index takes as many values as the largest size (2 without one), from its lowest
    top = [str(sizes[0]), f"{sizes[0]} - 1"] if len(sizes) == 1 else ["the largest size", "one below it"]
    last = {1: top[0], 0: top[1]} if sizes else {1: "2", 0: "1"}
    parts += [f"{i} from {_lowest(i)} to {last[_lowest(i)]}" for i in indices]
    return " and ".join(parts)


def search_sizes(
    lhs: Sequence[Any],
    rhs: Sequence[Any],
    relation: str,
    domain: Mapping[Any, sympy.Interval] | None,
    *,
    seed: str,
    deep: bool = False,
    first: int | None = None,
) -> SearchResult:
    """Search the step for a counterexample at every instance of its sizes (see `instances`).

    With ``first``, a quick screen: only the first instance, at its first ``first`` points.

    Returns the first counterexample found (its point names the sizes), or the points evaluated
    over all instances, with ``sizes`` saying which sizes were searched.
    """
    total: SearchResult | None = None
    for sizes, left, right in instances(lhs, rhs, domain):
        label = ", ".join(f"{k} = {v}" for k, v in sizes.items())
        syms = free_symbols(*left, *right)
        res = search(
            left,
            right,
            relation,
            syms,
            domain,
            seed=f"{seed}/{label}" if label else seed,
            deep=deep,
            first=first,
        )
        if res.counterexample is not None:
            cx = dataclasses.replace(res.counterexample, point={**sizes, **res.counterexample.point})
            return dataclasses.replace(res, counterexample=cx, sizes=label)
        total = res if total is None else _add(total, res)
        if first is not None:
            return total
    assert total is not None
    return dataclasses.replace(total, sizes=searched_sizes(lhs, rhs, domain))


def _add(a: SearchResult, b: SearchResult) -> SearchResult:
    most = max(a.max_dps or 0, b.max_dps or 0) or None
    return SearchResult(
        a.evaluated + b.evaluated, a.tried + b.tried, a.dps, None, most, constant=a.constant and b.constant
    )
