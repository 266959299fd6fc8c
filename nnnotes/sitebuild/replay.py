r"""Which cached blocks of a session must run again before a block that re-runs.

A block served from the cache did not run, so the variables it would have left in its session are
missing. When a later block of the session must run, the cache replays the served blocks it needs:
those that bind a name it reads, and those that may have changed an object it uses, found name by
name, transitively (`needed`). A block served and never needed is not run at all.

Each block is read once (`Names.of`): the names it binds (assignments, ``def``, ``class``, imports,
``del``) and the names it reads. Names that are not bound by an import are grouped: a statement
that reads or binds several of them may alias or change one through another (``b = a``,
``a.append(b)``, a function that reads a global), so they fall in one group, and a block that
touches a group depends on every earlier block that touched it. A module or a function bound by an
import is taken to be unchanged by the code that uses it (as in `nnnotes.sitebuild.imports.flow`).

When the code does not say what it touches, the analysis gives up and every earlier served block
replays, in order (the safe behaviour of a cache without this analysis): a star import, ``exec``,
``eval``, ``globals()``, ``locals()``, ``vars()``, ``setattr``, ``global``, code that does not
parse, an assignment to an attribute or item of an imported module or function (``mp.dps = 50``),
a statement that only calls an imported function (``np.random.seed(0)``: a side effect on state
no name shows), the global random generators (``np.random.rand``, the ``random`` module), and a
name bound both by an import and otherwise.

Not seen (as in `nnnotes.sitebuild.imports.flow`): state reached through a module's attribute and
changed under another name (``cfg = mod.CONFIG`` in one block, ``cfg["x"] = 1`` in another, then
``mod.CONFIG`` read in a third). Verify mode (``make test``, CI) runs every block in order, so a
build there never depends on this analysis.

Examples
--------
>>> blocks = [Names.of(c) for c in ("import numpy as np", "x = 2", "y = 3", "print(np.ones(1) * x)")]
>>> needed(blocks[:3], blocks[3], [0, 1, 2])
[0, 1]
>>> shared = [Names.of(c) for c in ("rows = []", "alias = rows", "alias.append(1)", "print(rows)")]
>>> needed(shared[:3], shared[3], [0, 1, 2])
[0, 1, 2]
>>> needed(blocks[:3], Names.of("exec('print(y)')"), [0, 1, 2])
[0, 1, 2]
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Names", "needed"]

#: Names whose use hides what a block reads or binds.
OPAQUE_CALLS = frozenset({"exec", "eval", "globals", "locals", "vars", "setattr", "delattr", "__import__"})
#: numpy's seeded generators: ``np.random.default_rng(6)`` leaves the global generator alone.
SEEDED = frozenset({"default_rng", "Generator", "SeedSequence", "PCG64", "PCG64DXSM", "Philox", "SFC64"})
#: Names defined by Python itself (a block reads them without depending on another block).
BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Names:
    """What one block binds and reads; ``opaque`` when the analysis cannot tell.

    ``statements`` holds, per top-level statement, the names it touches that an import did not
    bind (they form the groups of `needed`); ``imported`` the names its imports bind.
    """

    binds: frozenset[str] = frozenset()
    reads: frozenset[str] = frozenset()
    imported: frozenset[str] = frozenset()
    statements: tuple[frozenset[str], ...] = ()
    opaque: bool = False
    #: Names the block may change state behind: it stores into their attributes or items, or
    #: calls a method of theirs as a statement of its own (opaque if an import bound the name).
    changes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, code: str) -> Names:
        """Read ``code``: the names it binds and reads, or ``opaque`` if it hides them."""
        try:
            tree = ast.parse(code)
        except SyntaxError:
            return cls(opaque=True)
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        return cls(opaque=True)
                    imported.add(alias.asname or alias.name.split(".")[0])
        binds: set[str] = set(imported)
        reads: set[str] = set()
        statements = []
        changes: set[str] = set()
        for stmt in tree.body:
            s_binds, s_reads = _names(stmt)
            if _hides_state(stmt, imported) or (s_binds & imported and not _only_imports(stmt)):
                return cls(opaque=True)
            binds |= s_binds
            reads |= s_reads
            statements.append(frozenset((s_binds | s_reads) - imported - (BUILTINS - s_binds)))
            changes |= _changed(stmt)
        return cls(
            frozenset(binds),
            frozenset(reads),
            frozenset(imported),
            tuple(statements),
            changes=frozenset(changes),
        )


def _names(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    binds: set[str] = set()
    reads: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else binds).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            binds.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            binds.update(a.asname or a.name.split(".")[0] for a in node.names)
    return binds, reads


def _changed(stmt: ast.stmt) -> set[str]:
    """Return the names whose attributes or items ``stmt`` stores, or whose method it calls alone."""
    out = set()
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        out.add(_root(stmt.value))
    for node in ast.walk(stmt):
        if isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            out.add(_root(node))
    return {n for n in out if n is not None}


def _only_imports(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Import | ast.ImportFrom)


def _root(node: ast.expr) -> str | None:
    """Return the name an attribute/item/call chain starts from (``np`` for ``np.random.seed(0)``)."""
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _hides_state(stmt: ast.stmt, imported: set[str]) -> bool:
    """Return whether ``stmt`` touches state that no name of the session shows."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        root = _root(stmt.value)
        if root in imported or (root in BUILTINS and root != "print"):
            return True
    seeded = {
        id(node.value)
        for node in ast.walk(stmt)
        if isinstance(node, ast.Attribute) and node.attr in SEEDED and isinstance(node.value, ast.Attribute)
    }
    for node in ast.walk(stmt):
        if isinstance(node, ast.Global | ast.Nonlocal):
            return True
        if isinstance(node, ast.Name) and (node.id in OPAQUE_CALLS or node.id == "random"):
            return True
        if isinstance(node, ast.Attribute):
            if (node.attr == "random" and id(node) not in seeded) or (
                isinstance(node.ctx, ast.Store | ast.Del) and _root(node) in imported
            ):
                return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            if _root(node) in imported:
                return True
    return False


@dataclass
class _Groups:
    """Union-find over names: names touched by one statement share a group."""

    parent: dict[str, str] = field(default_factory=dict)

    def find(self, name: str) -> str:
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def join(self, names: frozenset[str]) -> None:
        first = None
        for name in sorted(names):
            root = self.find(name)
            if first is None:
                first = root
            else:
                self.parent[root] = first


def needed(earlier: Sequence[Names], block: Names, pending: Sequence[int]) -> list[int]:
    """Return the positions in ``pending`` (served blocks, not yet run) that must replay before ``block``.

    ``earlier`` holds every earlier block of the session (run or served) in order; ``pending`` the
    positions, in order, of those served and not run yet. The answer is in order; it is every
    pending position if any block involved is opaque.
    """
    involved = [block, *(earlier[i] for i in pending)]
    imported = set().union(*(b.imported for b in earlier), block.imported)
    rebound = set().union(*(b.binds - b.imported for b in (*earlier, block)))
    if any(b.opaque or b.changes & imported for b in involved) or rebound & imported:
        # state behind an imported module or function, or a name both imported and assigned
        return list(pending)
    groups = _Groups()
    for names in (*earlier, block):
        for touched in names.statements:
            groups.join(touched)

    def wants(b: Names) -> tuple[set[str], set[str]]:
        """Return the names ``b`` reads and the groups it touches."""
        touched = {groups.find(n) for s in b.statements for n in s}
        return set(b.reads), touched

    reads, touched = wants(block)
    chosen: set[int] = set()
    changed = True
    while changed:
        changed = False
        for i in pending:
            if i in chosen:
                continue
            b = earlier[i]
            mine = {groups.find(n) for s in b.statements for n in s}
            if b.binds & reads or mine & touched:
                chosen.add(i)
                more_reads, more_touched = wants(b)
                reads |= more_reads
                touched |= more_touched
                changed = True
    return [i for i in pending if i in chosen]
