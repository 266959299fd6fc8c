r"""Which modules of the package an executed block depends on: its imports, and theirs.

The block cache (`nnnotes.sitebuild.cache`) stores with each entry the package modules the block's
session imported, each with a hash of its source; an entry serves a later build only if none of
those files changed. So an edit of one module re-runs only the blocks that imported it, directly
or through other modules of the package.

The imports are read from the code (`ModuleIndex`: every ``import`` statement of every module,
those inside functions included), and completed at run time by the package modules that a block
loaded for the first time (`loaded_modules` before and after: this catches an import made with
``importlib``). Importing ``a.b.c`` runs the ``__init__`` of ``a`` and ``a.b`` too, so they count.

Examples
--------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp()) / "pkg"
>>> (root / "sub").mkdir(parents=True)
>>> for name, text in {"__init__.py": "", "a.py": "from pkg.sub import b\n",
...                    "sub/__init__.py": "", "sub/b.py": "def f():\n    from . import c\n",
...                    "sub/c.py": "", "d.py": "import numpy\n"}.items():
...     _ = (root / name).write_text(text)
>>> index = ModuleIndex(root, "pkg")
>>> sorted(index.closure(imports_of("from pkg import a\nprint(a)", "pkg")))
['pkg', 'pkg.a', 'pkg.sub', 'pkg.sub.b', 'pkg.sub.c']
>>> sorted(index.closure({"pkg.d"}))
['pkg', 'pkg.d']
"""

from __future__ import annotations

import ast
import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path

__all__ = ["ModuleIndex", "flow", "imports_of", "loaded_modules"]


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """Return the absolute name of the module a ``from ... import`` statement imports from."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, node.module] if node.module else base)


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` test is ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (False at run time)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields that hold statements; an import is a statement, so only these are walked."""


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every statement of ``tree`` except the bodies of ``if TYPE_CHECKING:`` (never run; their ``else`` is).

    Expressions are not entered: no import statement can sit inside one.
    """
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        for field in _BODIES:
            value = getattr(node, field, None)
            if isinstance(value, list):
                todo.extend(value)


def imports_of(source: str, package: str, module: str = "", is_package: bool = False) -> set[str]:
    r"""Return the names under ``package`` that ``source`` imports (modules, or names in them).

    A ``from m import x`` gives both ``m`` and ``m.x`` (``x`` may be a submodule);
    `ModuleIndex.closure` keeps the names that are modules. Code that does not parse gives none.
    Imports under ``if TYPE_CHECKING:`` are left out: they never run, so a block cannot depend on
    them (what a block does load at run time is recorded apart, by `loaded_modules`).

    Examples
    --------
    >>> code = ["import pkg.a", "if TYPE_CHECKING:", "    import pkg.b", "else:", "    import pkg.c"]
    >>> sorted(imports_of("\n".join(code), "pkg"))
    ['pkg.a', 'pkg.c']
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in found if n == package or n.startswith(package + ".")}


def loaded_modules(package: str) -> set[str]:
    """Return the modules of ``package`` loaded in this process."""
    return {n for n in list(sys.modules) if n == package or n.startswith(package + ".")}


class ModuleIndex:
    """The modules of a package on disk: their source hashes and the imports read from them.

    Parameters
    ----------
    folder : Path
        The package's folder (the one holding its ``__init__.py``).
    package : str
        Its import name.
    """

    def __init__(self, folder: Path, package: str) -> None:
        self.package = package
        self.hashes: dict[str, str] = {}
        self.imports: dict[str, set[str]] = {}
        for path in sorted(Path(folder).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            rel = path.relative_to(folder).with_suffix("").parts
            is_package = rel[-1] == "__init__"
            name = ".".join((package, *(rel[:-1] if is_package else rel)))
            data = path.read_bytes()
            self.hashes[name] = hashlib.sha256(data).hexdigest()
            text = data.decode("utf-8", errors="replace")
            self.imports[name] = imports_of(text, package, name, is_package)

    def _parents(self, name: str) -> list[str]:
        parts = name.split(".")
        return [".".join(parts[:k]) for k in range(1, len(parts))]

    def closure(self, names: Iterable[str]) -> set[str]:
        """Return the modules ``names`` load: themselves, their parent packages, their imports, ..."""
        todo = [n for n in names if n in self.hashes]
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(p for p in self._parents(name) if p in self.hashes)
            todo.extend(n for n in self.imports.get(name, ()) if n in self.hashes)
        return seen

    def hashes_of(self, names: Iterable[str]) -> dict[str, str]:
        """Return the source hash of each module (``""`` for a module no longer on disk)."""
        return {n: self.hashes.get(n, "") for n in sorted(names)}

    def unchanged(self, recorded: dict[str, str]) -> bool:
        """Return whether every module in ``recorded`` still has the recorded source hash."""
        return all(self.hashes.get(n, "") == h for n, h in recorded.items())


def _bindings(stmt: ast.stmt, index: ModuleIndex, module: str = "") -> dict[str, set[str]]:
    """Return the names the imports inside ``stmt`` bind, each with the package modules it loads."""
    out: dict[str, set[str]] = {}
    for node in ast.walk(stmt):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                out.setdefault(name, set()).update(index.closure({alias.name}))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, False)
            for alias in node.names:
                name = alias.asname or alias.name
                out.setdefault(name, set()).update(index.closure({base, f"{base}.{alias.name}"}))
    return out


def flow(
    code: str,
    names: dict[str, set[str]],
    index: ModuleIndex,
    extra: set[str] = frozenset(),
    imported: set[str] | None = None,
) -> set[str]:
    r"""Return the package modules a block depends on; update ``names`` with what it binds.

    ``names`` maps the variables of the block's session to the modules their values may depend
    on. Statement by statement: a statement depends on the modules it imports and on those of the
    variables it reads; the variables it binds, and (as it may change them in place, ``x.append``)
    the non-module variables it reads, then depend on them too. ``extra`` (modules loaded while the
    block ran) counts for every statement. ``imported`` holds the session's names bound by an
    import (a module or a function is not changed by the code that uses it); it is updated too.
    Code that does not parse depends on every module.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp()) / "pkg"
    >>> root.mkdir()
    >>> for name in ("__init__", "a", "b"):
    ...     _ = (root / f"{name}.py").write_text("")
    >>> index, names = ModuleIndex(root, "pkg"), {}
    >>> sorted(flow("from pkg import a, b\nrows = [1, 2]", names, index))
    ['pkg', 'pkg.a', 'pkg.b']
    >>> sorted(flow("x = a.f(3)", names, index)), sorted(flow("print(rows)", names, index))
    (['pkg', 'pkg.a'], [])
    >>> sorted(flow("rows.append(b.g())", names, index)), sorted(flow("print(rows)", names, index))
    (['pkg', 'pkg.b'], ['pkg', 'pkg.b'])
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(index.hashes)
    found: set[str] = set(extra)
    imported = set() if imported is None else imported
    for stmt in tree.body:
        bound = _bindings(stmt, index)
        reads = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        writes = {
            n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)
        }
        writes |= {n.name for n in ast.walk(stmt) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        deps = set(extra).union(*bound.values()).union(*(names.get(r, set()) for r in reads))
        for name in writes:
            names[name] = names.get(name, set()) | deps
            imported.discard(name)
        for name, modules in bound.items():
            names[name] = set(modules) | set(extra)
            imported.add(name)
        for name in reads - set(bound) - imported:
            # a variable read may be changed in place by the call that reads it
            if name in names:
                names[name] |= deps
        found |= deps
    return found
