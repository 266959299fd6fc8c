"""Every derivation shown on the site is true, and perturbing any of its steps makes it false.

The mutation test is what makes a green derivation mean something: a checker that accepted
everything would pass `verify()` on the site's derivations too, but not on their mutants.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sympy

from nnnotes.check.derivation import Derivation, DerivationError, published_derivations

FACTORIES = published_derivations()


def _numbers(expr: sympy.Basic) -> list[sympy.Number]:
    nums = [a for a in expr.atoms(sympy.Number) if a != 0]
    return sorted(nums, key=lambda a: (abs(float(a)), str(a)))


def _first_add(expr: sympy.Basic) -> sympy.Basic | None:
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Add | sympy.MatAdd) and len(node.args) >= 2:
            return node
    return None


def change_constant(expr):
    """Replace the smallest non-zero number in the expression by that number plus one."""
    if isinstance(expr, sympy.MatrixBase):
        out = expr.copy()
        out[0] = out[0] + 1
        return out
    nums = _numbers(expr)
    if not nums:
        return None
    return expr.xreplace({nums[0]: nums[0] + 1})


def flip_sign(expr):
    """Negate the whole expression."""
    return -expr


def drop_term(expr):
    """Remove the last term of the first sum found in the expression."""
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: drop_term(e) if drop_term(e) is not None else e)
    node = _first_add(expr)
    if node is None:
        return None
    smaller = node.func(*node.args[:-1])
    return expr.xreplace({node: smaller})


def shift_against_bound(expr, relation: str):
    """Move the right-hand side of an inequality by 1 in the direction that tightens it."""
    return expr - 1 if relation.startswith("<") else expr + 1


def _mutants(d: Derivation) -> list[tuple[int, str, object]]:
    out = []
    for i, st in enumerate(d.steps):
        kinds: list[tuple[str, Callable]] = []
        if st.relation == "=":
            kinds = [
                ("change a constant", change_constant),
                ("flip a sign", flip_sign),
                ("drop a term", drop_term),
            ]
        else:
            kinds = [("shift the bound", lambda e, r=st.relation: shift_against_bound(e, r))]
        for kind, f in kinds:
            try:
                new = f(st.expr)
            except Exception:
                continue
            if new is None:
                continue
            # a mutant that changes nothing is skipped; the comparison is structural, for matrices
            # as for scalars (a matrix's .equals() tries to prove the two equal: about 1 s each)
            if new == st.expr:
                continue
            out.append((i, kind, new))
    return out


CASES = []
for qual, factory in sorted(FACTORIES.items()):
    d0 = factory()
    for i, kind, new in _mutants(d0):
        CASES.append(pytest.param(qual, i, kind, new, id=f"{d0.name}-step{i + 1}-{kind.replace(' ', '-')}"))


@pytest.mark.parametrize("qual", sorted(FACTORIES))
def test_published_derivation_is_true(qual: str) -> None:
    """Each published derivation verifies, with at least one step."""
    d = FACTORIES[qual]()
    assert isinstance(d, Derivation)
    assert d.steps, f"{qual} has no steps"
    d.verify()


def test_published_derivation_names_are_unique() -> None:
    """Names identify derivations in the report and in failure messages: no two share one."""
    names = [f().name for f in FACTORIES.values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize(("qual", "index", "kind", "mutant"), CASES)
def test_mutated_step_fails(qual: str, index: int, kind: str, mutant) -> None:
    """Perturbing one step (a constant, a sign, a term, or the bound) makes verify() fail."""
    d = FACTORIES[qual]()
    d = copy.copy(d)
    d.steps = [copy.copy(s) for s in d.steps]
    d.steps[index].expr = mutant
    d.verified = False
    with pytest.raises(DerivationError):
        d.verify()


def test_every_step_has_a_mutant() -> None:
    """No step escapes the mutation test: each published step gets at least one perturbation."""
    covered = {(c.values[0], c.values[1]) for c in CASES}
    missing = [
        (qual, i + 1)
        for qual, f in FACTORIES.items()
        for i in range(len(f().steps))
        if (qual, i) not in covered
    ]
    assert missing == []


@pytest.mark.site
def test_every_derivation_on_the_site_is_published(built_site: Path) -> None:
    """The report's derivations are exactly the published ones, which the mutation test covers."""
    html = (built_site / "verification" / "index.html").read_text(encoding="utf-8")
    card = r'<a href="[^"]*">([^<]+)</a> <span class="nn-check__kind">derivation</span>'
    shown = set(re.findall(card, html))
    names = {f().name for f in FACTORIES.values()}
    assert shown, "no derivation card found: has the report's markup changed?"
    assert shown == names, (sorted(shown - names), sorted(names - shown))


# ----------------------------------------------------------------------------- marking and finding
PACKAGE = {
    "__init__.py": "",
    "proofs.py": (
        "import sympy\n"
        "from nnnotes.check import Derivation, published\n"
        "@published\n"
        "def square():\n"
        "    x = sympy.Symbol('x', real=True)\n"
        "    return Derivation((x + 1)**2, name='pkg-square').step(x**2 + 2*x + 1, 'expand')\n"
        "def helper():\n"
        "    return None\n"
    ),
    "pages.py": "from nnnotes_demo_pkg.proofs import square  # a re-export is not a second publication\n",
    "broken/__init__.py": "raise ImportError('this subpackage needs a dependency that is absent')\n",
}


def _write_package(root: Path) -> None:
    for rel, text in PACKAGE.items():
        path = root / "nnnotes_demo_pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_published_derivations_walks_a_package_and_skips_what_it_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A marked factory is found once, under its defining module; a skipped subpackage is not imported."""
    from nnnotes.check import published_derivations

    _write_package(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = published_derivations("nnnotes_demo_pkg", skip=("broken",))
    assert list(found) == ["nnnotes_demo_pkg.proofs.square"]
    assert found["nnnotes_demo_pkg.proofs.square"]().verify().steps[0].method == "symbolic"
    with pytest.raises(ImportError, match="dependency that is absent"):
        published_derivations("nnnotes_demo_pkg", skip=())


def test_published_refuses_what_it_could_not_find_again() -> None:
    """A nested function or a non-function cannot be published: a TypeError names the problem."""
    from nnnotes.check import published

    def outer():
        def inner():
            return None

        return inner

    with pytest.raises(TypeError, match="top level of a module, got 'test_published_refuses"):
        published(outer())
    with pytest.raises(TypeError, match="factory must be a function, got int"):
        published(3)  # type: ignore[arg-type]


def test_the_site_publishes_only_its_own_modules() -> None:
    """Every published factory is defined in a module of the package (no doctest's function among them)."""
    assert FACTORIES and all(name.startswith("nnnotes.") for name in FACTORIES)
    assert not any(".check." in name for name in FACTORIES)
    assert all(f.__module__ + "." + f.__qualname__ == name for name, f in FACTORIES.items())
