"""Steps written for any size are searched at small sizes, and a search of no point is never a pass.

The derivations below are written with a symbolic size (``Sum`` up to ``n``) and indexed entries
(``IndexedBase``); before `nnnotes.check.concrete`, the search could evaluate none of their steps
and the report said "no counterexample at 0 points".
"""

from __future__ import annotations

import copy

import pytest
import sympy

from nnnotes.check import Derivation, DerivationError
from nnnotes.check.concrete import instances, search_sizes, searched_sizes
from nnnotes.check.counterexample import search
from nnnotes.check.sampling import free_symbols
from nnnotes.proofs import batchnorm, loss_gradients, sigmoid_as_tanh, softmax

SIZED = {
    "6-1-sigmoid-network-as-tanh": (sigmoid_as_tanh.sigmoid_to_tanh_derivation, "M from 1 to 4"),
    "6-1-halved-preactivation": (sigmoid_as_tanh.halved_preactivation_derivation, "D from 1 to 4"),
    "6-1-softmax-shift-invariance": (softmax.shift_invariance_derivation, "n from 1 to 4 and i from 1 to n"),
    "6-2-softmax-ce-gradient": (loss_gradients.softmax_ce_gradient, "K from 1 to 4"),
    "6-4-batch-of-one-gradients": (batchnorm.batch_of_one_gradients, ""),
}


def test_a_sum_up_to_n_becomes_scalar_steps_at_n_1_to_4() -> None:
    """Each instance has no sum, no indexed entry left: only scalar symbols such as ``z[3]``."""
    d = softmax.shift_invariance_derivation()
    found = instances([d.start], [d.steps[0].expr])
    assert [(s["n"], s["i"]) for s, _, _ in found] == [
        (str(n), str(i)) for n in range(1, 5) for i in range(1, n + 1)
    ]
    for _, lhs, rhs in found:
        assert not any(e.has(sympy.Sum, sympy.Indexed) for e in lhs + rhs)
    _, lhs, rhs = found[-1]
    names = {str(s) for s in free_symbols(*lhs, *rhs)}
    assert names == {"c", "z[1]", "z[2]", "z[3]", "z[4]"}
    assert all(s.is_real for s in free_symbols(*lhs, *rhs))


@pytest.mark.parametrize("name", sorted(SIZED))
def test_every_step_is_searched_at_many_points(name: str) -> None:
    """Every step is evaluated at over a hundred points, and the report says at which sizes."""
    factory, sizes = SIZED[name]
    d = factory().verify()
    for st in d.steps:
        assert st.points is not None and st.points >= 100, (name, st.points)
        assert st.searched is not None and st.searched.startswith(f"no counterexample at {st.points} points")
        assert (f"at {sizes})" in st.searched) if sizes else ("at " not in st.searched.split("(")[1])


def _mutants(expr: object) -> list[tuple[str, object]]:
    """A constant changed, the sign flipped."""
    if isinstance(expr, sympy.MatrixBase):
        changed = expr.copy()
        changed[0] = changed[0] + 1
        return [("change a constant", changed), ("flip a sign", -expr)]
    nums = sorted((a for a in expr.atoms(sympy.Number) if a != 0), key=lambda a: (abs(float(a)), str(a)))
    out = [("flip a sign", -expr)]
    if nums:
        out.append(("change a constant", expr.xreplace({nums[0]: nums[0] + 1})))
    return out


CASES = [
    pytest.param(name, k, new, id=f"{name}-step{k + 1}-{kind.replace(' ', '-')}")
    for name, (factory, _) in sorted(SIZED.items())
    for k, st in enumerate(factory().steps)
    for kind, new in _mutants(st.expr)
]


@pytest.mark.parametrize(("name", "index", "mutant"), CASES)
def test_a_mutated_step_is_caught_by_the_search(name: str, index: int, mutant: object) -> None:
    """A false version of each step fails with a counterexample point, before any proof is tried."""
    d = copy.copy(SIZED[name][0]())
    d.steps = [copy.copy(s) for s in d.steps]
    d.steps[index].expr = mutant
    with pytest.raises(DerivationError, match="the two sides differ") as err:
        d.verify()
    assert err.value.counterexample is not None


def test_a_step_true_for_one_class_only_is_caught_at_two() -> None:
    """Dropping the factor sum_k y_k is right for K = 1 only: the search finds K = 2 and says so."""
    i, k = sympy.symbols("i k", integer=True, positive=True)
    K = sympy.Symbol("K", integer=True, positive=True)
    z, y = sympy.IndexedBase("z", real=True), sympy.IndexedBase("y", real=True)
    S = sympy.Sum(sympy.exp(z[i]), (i, 1, K))
    loss = sympy.Sum(y[k], (k, 1, K)) * sympy.log(S) - sympy.Sum(y[k] * z[k], (k, 1, K))
    wrong = y[1] * sympy.exp(z[1]) / S - y[1]
    res = search_sizes([sympy.Derivative(loss, z[1]).doit()], [wrong], "=", {}, seed="test")
    assert res.counterexample is not None and res.counterexample.point["K"] == "2"


def test_a_search_of_no_point_says_so_and_never_passes() -> None:
    """A step no point evaluates (an entry at a real index) is 'not searched', and fails a derivation."""
    x = sympy.Symbol("x", real=True)
    z = sympy.IndexedBase("z", real=True)
    res = search([z[x] + z[x]], [2 * z[x]], "=", free_symbols(z[x]), {}, seed="test")
    assert res.evaluated == 0 and not res.searched and res.tried > 0
    assert res.describe().startswith("counterexample search: not possible")
    assert "no counterexample" not in res.describe()
    d = Derivation(sympy.Add(z[x], z[x], evaluate=False), name="test-unsearchable").step(2 * z[x], "collect")
    with pytest.raises(DerivationError, match="counterexample search: not possible"):
        d.verify()


def test_a_size_with_a_declared_domain_takes_that_domain_s_smallest_values() -> None:
    """A size narrowed to [5, 10] is searched at 5 to 8, not at 1 to 4 (found by an audit).

    Each term sin(z_j)^2 is at most 1, so the sum of n terms is at most 4 exactly when n <= 4: the
    step is true at every size the default search tries and false at every size of its domain.
    """
    n = sympy.Symbol("n", integer=True, positive=True)
    j = sympy.Symbol("j", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    total = sympy.Sum(sympy.sin(z[j]) ** 2, (j, 1, n))
    narrowed = {n: sympy.Interval(5, 10)}
    four, two = sympy.Integer(4), sympy.Integer(2)
    assert searched_sizes([total], [four], narrowed) == "n from 5 to 8"
    assert search_sizes([total], [four], "<=", {}, seed="t").counterexample is None
    bad = search_sizes([total], [four], "<=", narrowed, seed="t")
    assert bad.counterexample is not None and int(bad.counterexample.point["n"]) >= 5
    # and a step true on its domain only is not refuted outside it: n >= 2 terms of at least 1
    pairs = sympy.Sum(1 + z[j] ** 2, (j, 1, n))
    assert (
        search_sizes([pairs], [two], ">=", {n: sympy.Interval(2, sympy.oo)}, seed="t").counterexample is None
    )
    assert search_sizes([pairs], [two], ">=", {}, seed="t").counterexample is not None
    with pytest.raises(ValueError, match="holds no integer"):
        searched_sizes([total], [four], {n: sympy.Interval.open(5, 6)})


def test_a_quick_screen_evaluates_its_first_points_of_the_first_size_only() -> None:
    """``first`` limits a search to its first points at the first size, where a gross error shows.

    A step off everywhere fails the quick screen at the same point as the whole search (the
    points come in the same order); a step off only at the size n = 4 passes the screen, which
    never reaches that size, and fails the whole search there.
    """
    n = sympy.Symbol("n", integer=True, positive=True)
    j = sympy.Symbol("j", integer=True, positive=True)
    z = sympy.IndexedBase("z", real=True)
    total = sympy.Sum(z[j], (j, 1, n))
    off = search_sizes([total], [total + 1], "=", {}, seed="t", first=3)
    whole = search_sizes([total], [total + 1], "=", {}, seed="t")
    assert off.tried <= 3 and off.counterexample is not None
    assert off.counterexample.point == whole.counterexample.point
    late = [total + sympy.KroneckerDelta(n, 4)]
    screened = search_sizes([total], late, "=", {}, seed="t", first=3)
    assert screened.counterexample is None and screened.tried <= 3
    assert search_sizes([total], late, "=", {}, seed="t").counterexample.point["n"] == "4"
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match=f"first must be a positive integer or None, got {bad!r}"):
            search_sizes([total], [total], "=", {}, seed="t", first=bad)


def test_a_search_without_free_symbols_says_the_sides_are_constant() -> None:
    """Sides that sympy makes identical before the search: one evaluation, said as such (not "1 point")."""
    x = sympy.Symbol("x", real=True)
    lam = sympy.Symbol("lambda_1", positive=True)
    res = search([x - lam * x / lam], [sympy.Integer(0)], "=", [], {}, seed="test")
    assert res.evaluated == 1 and res.constant
    assert res.describe() == "no symbol is left once the sides are evaluated, and they agree (50 digits)"
    assert search([sympy.Integer(1)], [sympy.Integer(2)], "=", [], {}, seed="test").counterexample is not None
    two = search_sizes([x - lam * x / lam], [sympy.Integer(0)], "=", {}, seed="test")
    assert two.constant and "1 point" not in two.describe()
    res = search([x**2], [x * x], "=", [x], {}, seed="test")
    assert res.evaluated > 1 and res.describe().startswith(f"no counterexample at {res.evaluated} points")
