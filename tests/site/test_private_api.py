"""No code of the project imports or touches a private name of another library.

A private name (one starting with ``_``: ``markdown_exec._internal``, ``module._function``) may change
in any release; the build must stand on public APIs only. Names of the project itself
(``nnnotes``, the tests' helpers, ``tools``) and dunder names (``__file__``) are not private.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nnnotes.sitebuild.minisite import ROOT

#: Top-level names of the project's own code: its private names are its own business.
OWN = {"nnnotes", "tools", "conftest"}
FOLDERS = ("nnnotes", "tests", "tools")
#: Names that start with ``_`` but are documented public API.
DOCUMENTED = {"os._exit"}  # https://docs.python.org/3/library/os.html#os._exit


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def private_uses(source: str) -> list[tuple[int, str]]:
    """Return ``(line, text)`` of each import or attribute access of another library's private name.

    Imports: ``import x._y``, ``from x._y import z``, ``from x import _z`` where ``x`` is not ours.
    Attributes: ``m._name`` where ``m`` is a name bound by an import of another library.
    """
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    foreign: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OWN:
                    continue
                if any(_private(p) for p in alias.name.split(".")):
                    found.append((node.lineno, f"import {alias.name}"))
                foreign.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] in OWN:
                continue
            parts = node.module.split(".")
            for alias in node.names:
                if any(_private(p) for p in parts) or _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                foreign.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign
            and f"{node.value.id}.{node.attr}" not in DOCUMENTED
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return sorted(found)


def _files() -> list[Path]:
    out = []
    for folder in FOLDERS:
        out += [p for p in sorted((ROOT / folder).rglob("*.py")) if "__pycache__" not in p.parts]
    return out


def test_no_private_names_of_other_libraries() -> None:
    """No file under nnnotes/, tests/, tools/ imports or reads a private name of another library."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _files()
        for line, text in private_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from markdown_exec._internal.formatters import python",
            [(1, "from markdown_exec._internal.formatters import python")],
        ),
        ("import markdown_exec._internal.main", [(1, "import markdown_exec._internal.main")]),
        ("from markdown_exec import _run", [(1, "from markdown_exec import _run")]),
        ("from markdown_exec.formatters import python as p\np._run_python = f", [(2, "p._run_python")]),
        ("import mpmath\nmpmath._helper()", [(2, "mpmath._helper")]),
        ("from nnnotes.check import verification\nverification._RECORDS", []),
        ("import os\nos.__file__", []),
        ("import os\nos._exit(0)", []),
        ("from markdown_exec import base_format, validator", []),
        ("x = object()\nx._private", []),
    ],
)
def test_the_scan_sees_private_imports_and_attributes(source: str, expected: list[tuple[int, str]]) -> None:
    """The scan flags imports of private modules or names, and private attributes of imported modules."""
    assert private_uses(source) == expected
