r"""The formulas of the package's docstrings, which the API reference renders, are read and checked.

The chapters' formulas are checked while the site is built (`nnnotes.sitebuild.prosemath`); the
docstrings' formulas are checked here, once per test run, by the same reader and checker: every
formula that holds a relation and that the reader reads is a claim that must hold over the reals
(proved by sympy, or evaluated), unless ``tests/docstring-formulas.toml`` lists it with the
context it holds in (``where``, ``with``), as a false example the docstring shows (``false:``), or
with the reason it is not a claim (a condition, a name such as $e$ used for an array, a float64
rounding). Formulas the reader does not read (sums, vectors, matrices) are left to the tests and
derivations of their objects; the README says so.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tomllib
from collections import Counter
from pathlib import Path

import pytest

import nnnotes
from nnnotes.sitebuild.prosemath import PageFormulas, check_page
from nnnotes.sitebuild.prosemath_find import placeholders_in_math

LIST = Path(__file__).resolve().parents[1] / "docstring-formulas.toml"
#: What a ``{{ placeholder }}`` in a formula becomes: a formula holding one is an example of the
#: chapters' placeholder syntax, and with this in it the reader reads it as a definition or not at all.
EXAMPLE_VALUE = r"\text{computed}"


def docstrings() -> list[tuple[str, str]]:
    """Return (qualified name, docstring) for every module, class, function and method of the package.

    Private objects are included: their docstrings are read by maintainers, and a false formula
    there misleads as much as one in the reference.
    """
    names = ["nnnotes", *(m.name for m in pkgutil.walk_packages(nnnotes.__path__, "nnnotes."))]
    out = []
    for modname in sorted(names):
        module = importlib.import_module(modname)
        if module.__doc__:
            out.append((modname, inspect.cleandoc(module.__doc__)))
        for name, obj in sorted(vars(module).items()):
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != modname:
                continue
            if obj.__doc__:
                out.append((f"{modname}.{name}", inspect.cleandoc(obj.__doc__)))
            if inspect.isclass(obj):
                for attr, value in sorted(vars(obj).items()):
                    f = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
                    if inspect.isfunction(f) and f.__doc__:
                        out.append((f"{modname}.{name}.{attr}", inspect.cleandoc(f.__doc__)))
    return out


def read_docstring(name: str, doc: str, listed: dict[str, str]) -> PageFormulas:
    """Find, read and check the formulas of one docstring (``listed``: its table of the list)."""
    for start, end in reversed(placeholders_in_math(doc)):  # formulas as the site renders them
        doc = doc[:start] + EXAMPLE_VALUE + doc[end:]
    return check_page(doc, listed, {}, page=name)


def problems(name: str, found: PageFormulas) -> list[str]:
    """The errors of a checked docstring, in the list's terms; a formula not read is not one."""
    where = f"in {LIST.name} under ['{name}']"
    return [
        e.replace("under `formulas:` in the page's front matter", where)
        .replace("under `formulas:`", where)
        .replace("is not on the page", "is not in the docstring")
        for e in found.errors
        if " is not read (" not in e
    ]


def check_docstring(name: str, doc: str, listed: dict[str, str]) -> list[str]:
    """Check one docstring's formulas; return its problems."""
    return problems(name, read_docstring(name, doc, listed))


@pytest.fixture(scope="module")
def listed() -> dict[str, dict[str, str]]:
    """The list of formulas that hold only in context, by qualified name."""
    return tomllib.loads(LIST.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checked(listed: dict[str, dict[str, str]]) -> dict[str, tuple[PageFormulas, list[str]]]:
    """Every docstring checked: (what was found, its problems), by qualified name."""
    out = {}
    for name, doc in docstrings():
        found = read_docstring(name, doc, listed.get(name, {}))
        out[name] = (found, problems(name, found))
    return out


def test_every_formula_read_in_a_docstring_holds(checked) -> None:
    """No docstring states a false relation the reader reads, and no list entry is stale."""
    found = [p for _, problems_of_one in checked.values() for p in problems_of_one]
    assert found == [], "\n".join(found)


def test_every_list_entry_names_a_documented_object(checked, listed) -> None:
    """A table of the list whose object was renamed or removed is an error, not a silent no-op."""
    assert sorted(set(listed) - set(checked)) == []


def test_known_identities_of_the_docstrings_are_proved(checked) -> None:
    """Identities known by hand to be in the docstrings are among those proved by sympy.

    sigma'(x) = sigma(x) sigma(-x) (`sigmoid_derivative`); sigma(x) = 1/(1 + e^{-x}) and
    sigma(x) = e^x/(1 + e^x) (`sigmoid`).
    """
    counts = Counter()
    for found, _ in checked.values():
        counts.update(found.counts())
    assert counts["proved"] > 0

    def methods(name: str, tex: str) -> set[str]:
        found, _ = checked[name]
        return {v.method for _, chain, verdicts in found.read if chain.tex == tex for v in verdicts}

    assert methods("nnnotes.activations.sigmoid_derivative", r"\sigma'(x) = \sigma(x)\,\sigma(-x)") == {
        "symbolic"
    }
    assert methods("nnnotes.activations.sigmoid", r"\sigma(x) = 1/(1 + e^{-x})") == {"symbolic"}
    assert methods("nnnotes.activations.sigmoid", r"\sigma(x) = e^x/(1+e^x)") == {"symbolic"}


def test_a_false_formula_in_a_docstring_is_found() -> None:
    """A docstring stating sigma'(x) = sigma(x)^2 fails, naming the object, its line and the formula."""
    problems = check_docstring("pkg.f", "Return the slope.\n\nIt is $\\sigma'(x) = \\sigma(x)^2$.", {})
    assert len(problems) == 1
    assert problems[0].startswith("pkg.f:3: formula $\\sigma'(x) = \\sigma(x)^2$ does not hold")


def test_list_entries_must_be_needed() -> None:
    """A reason given for a formula that holds, or for one not in the docstring, is an error."""
    doc = "Here $\\tanh'(x) = 1 - \\tanh^2(x)$."
    problems = check_docstring("pkg.g", doc, {"\\tanh'(x) = 1 - \\tanh^2(x)": "a float64 rounding"})
    assert problems == [
        f"pkg.g:1: formula $\\tanh'(x) = 1 - \\tanh^2(x)$ is listed in {LIST.name} under ['pkg.g'] "
        "but holds: unlist it"
    ]
    problems = check_docstring("pkg.g", doc, {"x = 2": "gone"})
    assert problems == [
        f"pkg.g: formula $x = 2$ is listed in {LIST.name} under ['pkg.g'] but is not in the docstring"
    ]
