"""``-m "not browser"`` runs without Chromium: every path to a launch is marked ``browser``.

``tests/conftest.py`` marks a test ``browser`` when it uses one of `CHROMIUM_FIXTURES`; a test that
launches Chromium inline is marked by hand. This reads the source (no Chromium, no build): it finds
every function and class that launches Chromium, directly (``chromium.launch``) or by calling one
that does, and checks that each fixture among them is in `CHROMIUM_FIXTURES`, and each test among
them is marked or uses such a fixture.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import CHROMIUM_FIXTURES, ROOT

SOURCES = sorted((ROOT / "tests").rglob("*.py")) + [ROOT / "nnnotes" / "sitebuild" / "pdf.py"]
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
Key = tuple[Path, str]


def _module(name: str) -> Path | None:
    """The source file of an imported module (tests' helpers import as top-level modules)."""
    for path in (ROOT / "tests" / f"{name.replace('.', '/')}.py", ROOT / f"{name.replace('.', '/')}.py"):
        if path in SOURCES:
            return path
    return None


def _references(path: Path, tree: ast.Module, node: Definition) -> set[Key]:
    """What a module-level definition calls or names, resolved through the file's imports.

    Fixtures it requests by parameter are left out: pytest counts a fixture's fixtures among a
    test's ``fixturenames``, so a test that reaches one of `CHROMIUM_FIXTURES` through others is
    marked already.
    """
    names: dict[str, Key] = {}  # a name imported from a source file
    modules: dict[str, Path] = {}  # a module imported under a name
    local = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]  # in the body
    for imp in [*tree.body, *local]:
        if isinstance(imp, ast.ImportFrom) and imp.module:
            for alias in imp.names:
                if (where := _module(f"{imp.module}.{alias.name}")) is not None:
                    modules[alias.asname or alias.name] = where
                elif (where := _module(imp.module)) is not None:
                    names[alias.asname or alias.name] = (where, alias.name)
        elif isinstance(imp, ast.Import):
            for alias in imp.names:
                if (where := _module(alias.name)) is not None:
                    modules[alias.asname or alias.name] = where
    out: set[Key] = set()
    params = {a.arg for a in node.args.args} if not isinstance(node, ast.ClassDef) else set()
    body = [n for statement in node.body for n in ast.walk(statement)]  # not the annotations
    for n in body:
        if isinstance(n, ast.Name) and n.id not in params:
            out.add(names.get(n.id, (path, n.id)))
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in modules:
            out.add((modules[n.value.id], n.attr))
    return out


def _launchers() -> dict[Key, Definition]:
    """Every module-level definition from which a Chromium launch is reached (a fixed point)."""
    defs: dict[Key, tuple[Definition, set[Key]]] = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(), str(path))
        for node in tree.body:
            if isinstance(node, Definition):
                defs[(path, node.name)] = (node, _references(path, tree, node))
    found = {key: node for key, (node, _) in defs.items() if "chromium.launch" in ast.unparse(node)}
    while more := {key: node for key, (node, refs) in defs.items() if key not in found and refs & set(found)}:
        found |= more
    return found


def _is_fixture(node: ast.AST) -> bool:
    return any("fixture" in ast.unparse(d) for d in getattr(node, "decorator_list", ()))


def _is_marked(path: Path, node: ast.AST) -> bool:
    module = path.read_text()
    marked = any("mark.browser" in ast.unparse(d) for d in getattr(node, "decorator_list", ()))
    return marked or "pytestmark = pytest.mark.browser" in module


def test_the_scan_finds_the_known_launchers() -> None:
    """The scan reaches the fixtures and the helpers known to start Chromium (else it proves nothing)."""
    names = {name for _, name in _launchers()}
    known = {
        "chromium",
        "browser",
        "books",
        "browsed",
        "Session",
        "test_prepare_opens_details_and_fits_wide_boxes",
    }
    assert known <= names, sorted(known - names)


def test_every_fixture_that_starts_chromium_is_listed() -> None:
    """A new fixture that starts Chromium, directly or through another, is in `CHROMIUM_FIXTURES`."""
    unlisted = sorted(
        f"{path.relative_to(ROOT)}::{name}"
        for (path, name), node in _launchers().items()
        if _is_fixture(node) and name not in CHROMIUM_FIXTURES
    )
    assert unlisted == [], f"fixtures that start Chromium but are not in CHROMIUM_FIXTURES: {unlisted}"


def test_every_test_that_starts_chromium_is_marked() -> None:
    """A test that reaches a launch without one of `CHROMIUM_FIXTURES` carries ``@pytest.mark.browser``."""
    unmarked = sorted(
        f"{path.relative_to(ROOT)}::{name}"
        for (path, name), node in _launchers().items()
        if name.startswith("test_")
        and not _is_marked(path, node)
        and not ({a.arg for a in node.args.args} & CHROMIUM_FIXTURES)  # type: ignore[attr-defined]
    )
    assert unmarked == [], f"tests that start Chromium without the browser mark: {unmarked}"
