r"""Which mutants a module has: every small change to its source, each keyed by its text.

`generate` walks a module's syntax tree (Python's `ast`) and returns one `Mutant` per change: an
operator or comparison swapped, a constant off by one, ``np.all`` for ``np.any``, a ``raise`` or a
call statement removed. `apply` makes the change in the text, keeping every other line in place.
Docstrings, messages, imports, annotations and ``__all__`` are never changed. Used by
`tools.mutation`.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

_BINOPS = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "/"),
    ast.Mod: ("%", "//"),
    ast.Pow: ("**", "*"),
    ast.LShift: ("<<", ">>"),
    ast.RShift: (">>", "<<"),
    ast.BitAnd: ("&", "|"),
    ast.BitOr: ("|", "&"),
    ast.BitXor: ("^", "&"),
}
_CMPOPS = {
    ast.Lt: ("<", "<="),
    ast.LtE: ("<=", "<"),
    ast.Gt: (">", ">="),
    ast.GtE: (">=", ">"),
    ast.Eq: ("==", "!="),
    ast.NotEq: ("!=", "=="),
    ast.Is: ("is", "is not"),
    ast.IsNot: ("is not", "is"),
    ast.In: ("in", "not in"),
    ast.NotIn: ("not in", "in"),
}
_CMP_PATTERNS = {"is not": r"\bis\s+not\b", "not in": r"\bnot\s+in\b", "is": r"\bis\b", "in": r"\bin\b"}
#: Functions swapped for their counterpart (called as ``np.name`` or, for builtins, ``name``).
_SWAPS = {
    "all": "any",
    "any": "all",
    "max": "min",
    "min": "max",
    "maximum": "minimum",
    "minimum": "maximum",
    "argmax": "argmin",
    "argmin": "argmax",
    "log1p": "log",
    "expm1": "exp",
    "isfinite": "isnan",
    "isnan": "isfinite",
    "floor": "ceil",
    "ceil": "floor",
}
_BUILTIN_SWAPS = {"max": "min", "min": "max", "all": "any", "any": "all"}


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One change to a source file.

    Attributes
    ----------
    path : str
        The file, relative to the project root.
    qualname : str
        The enclosing function or method (``<module>`` at module level).
    op : str
        The kind of change: binop, augop, compare, boolop, not, neg, number, bool, swap, delete.
    change : str
        What changes, ``old -> new``.
    line : int
        First line of the change (for display; not part of the key).
    start, end : int
        Character offsets of the replaced text in the source.
    new : str
        The replacement text.
    context : str
        The source line of the change, whitespace-collapsed.
    stmt_lines : tuple of int
        First and last line of the innermost statement holding the change.
    runtime : bool
        True if the change is in a function body (so it runs when a test calls the function);
        False for code run at import (module level, class bodies, defaults, decorators).
    occurrence : int
        Index among mutants with the same path, function, change and context.
    """

    path: str
    qualname: str
    op: str
    change: str
    line: int
    start: int
    end: int
    new: str
    context: str
    stmt_lines: tuple[int, int]
    runtime: bool
    occurrence: int = 0

    @property
    def key(self) -> str:
        """A name that survives edits elsewhere in the file: no line number, only text."""
        suffix = f" #{self.occurrence}" if self.occurrence else ""
        return f"{self.path}::{self.qualname}::{self.op}: {self.change} @ {self.context}{suffix}"


class _Offsets:
    """Convert ast's (line, UTF-8 byte column) positions to offsets in the decoded text."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def __call__(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1]
        return self.starts[lineno - 1] + len(line.encode()[:col].decode())


def _is_docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


class _Generator(ast.NodeVisitor):
    def __init__(self, source: str, path: str) -> None:
        self.source, self.path = source, path
        self.offset = _Offsets(source)
        self.scope: list[str] = []
        self.runtime = False
        self.stmt: ast.stmt | None = None
        self.found: list[dict[str, Any]] = []

    # -------------------------------------------------------------------- helpers
    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset), self.offset(node.end_lineno, node.end_col_offset))

    def add(self, op: str, change: str, start: int, end: int, new: str, line: int) -> None:
        stmt = self.stmt
        assert stmt is not None
        context = " ".join(self.offset.lines[line - 1].split())
        self.found.append(
            dict(
                path=self.path,
                qualname=".".join(self.scope) or "<module>",
                op=op,
                change=change,
                line=line,
                start=start,
                end=end,
                new=new,
                context=context,
                stmt_lines=(stmt.lineno, stmt.end_lineno),
                runtime=self.runtime,
            )
        )

    def between(self, left: ast.AST, right: ast.AST, old: str, new: str, op: str, pattern: str) -> None:
        """Replace the operator ``old`` found between the end of ``left`` and the start of ``right``."""
        a = self.offset(left.end_lineno, left.end_col_offset)
        b = self.offset(right.lineno, right.col_offset)
        gap = self.source[a:b]
        if "#" in gap:
            return
        hit = re.search(pattern, gap)
        if hit is None:
            return
        line = left.end_lineno + gap[: hit.start()].count("\n")
        self.add(op, f"{old} -> {new}", a + hit.start(), a + hit.end(), new, line)

    # ------------------------------------------------------------------- structure
    def generic_stmt(self, node: ast.stmt) -> None:
        outer, self.stmt = self.stmt, node
        self.generic_visit(node)
        self.stmt = outer

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer_stmt, self.stmt = self.stmt, node
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self.visit(default)  # evaluated at import, in the enclosing scope
        self.stmt = outer_stmt
        self.scope.append(node.name)
        outer_runtime, self.runtime = self.runtime, True
        body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
        for stmt in body:
            self.visit(stmt)
        self.runtime = outer_runtime
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
        for stmt in body:
            self.visit(stmt)
        self.scope.pop()

    def visit_Module(self, node: ast.Module) -> None:
        body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
        for stmt in body:
            self.visit(stmt)

    def visit_Import(self, node: ast.stmt) -> None:
        return

    visit_ImportFrom = visit_Import

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            outer, self.stmt = self.stmt, node
            self.visit(node.value)
            self.stmt = outer

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        self.generic_stmt(node)

    def visit_If(self, node: ast.If) -> None:
        # the guard `if TYPE_CHECKING:` only matters to type checkers
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self.generic_stmt(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        self.delete(node)
        self.generic_stmt(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.delete(node)
        outer, self.stmt = self.stmt, node
        pair = _BINOPS.get(type(node.op))
        if pair is not None:
            old, new = pair
            self.between(node.target, node.value, old + "=", new + "=", "augop", re.escape(old + "="))
        self.visit(node.value)
        self.stmt = outer

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call):
            self.delete(node)
        self.generic_stmt(node)

    def delete(self, node: ast.stmt) -> None:
        outer, self.stmt = self.stmt, node
        start, end = self.span(node)
        first = " ".join(self.source[start:end].split("\n")[0].split())
        # blank lines keep every later line in place
        self.add(
            "delete",
            f"{first} -> pass",
            start,
            end,
            "pass" + "\n" * (node.end_lineno - node.lineno),
            node.lineno,
        )
        self.stmt = outer

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.stmt) and node is not self.stmt:
            self.generic_stmt(node)
            return
        super().generic_visit(node)

    # --------------------------------------------------------------- expressions
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # messages: not mutated

    def visit_BinOp(self, node: ast.BinOp) -> None:
        pair = _BINOPS.get(type(node.op))
        if pair is not None:
            old, new = pair
            pattern = re.escape(old) + (r"(?![*/=<>])" if old in "*/<>" else "")
            self.between(node.left, node.right, old, new, "binop", pattern)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            old, new = _CMPOPS[type(op)]
            pattern = _CMP_PATTERNS.get(old, re.escape(old) + r"(?!=)")
            self.between(left, right, old, new, "compare", pattern)
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        for left, right in zip(node.values, node.values[1:], strict=False):
            self.between(left, right, old, new, "boolop", rf"\b{old}\b")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        kind = {ast.Not: ("not", r"\bnot\b\s*"), ast.USub: ("neg", r"-\s*")}.get(type(node.op))
        if kind is not None:
            start, _ = self.span(node)
            stop = self.offset(node.operand.lineno, node.operand.col_offset)
            hit = re.match(kind[1], self.source[start:stop])
            if hit is not None:
                sign = "not " if kind[0] == "not" else "-"
                self.add(kind[0], f"{sign}x -> x", start, start + hit.end(), "", node.lineno)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        v = node.value
        start, end = self.span(node)
        text = self.source[start:end]
        if isinstance(v, bool):
            self.add("bool", f"{v} -> {not v}", start, end, str(not v), node.lineno)
        elif isinstance(v, int):
            for new in (v + 1, v - 1):
                self.add("number", f"{text} -> {new}", start, end, str(new), node.lineno)
        elif isinstance(v, float):
            news = [v + 1.0] + ([0.0] if v != 0.0 else [])
            for new in (n for n in news if n != v):  # 1e150 + 1 is 1e150: no change
                self.add("number", f"{text} -> {new!r}", start, end, repr(new), node.lineno)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        new = _SWAPS.get(node.attr)
        if new is not None and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy", "math"):
            _, end = self.span(node)
            self.add(
                "swap",
                f"{node.value.id}.{node.attr} -> {node.value.id}.{new}",
                end - len(node.attr),
                end,
                new,
                node.end_lineno,
            )
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        if isinstance(f, ast.Name) and f.id in _BUILTIN_SWAPS:
            start, end = self.span(f)
            self.add("swap", f"{f.id} -> {_BUILTIN_SWAPS[f.id]}", start, end, _BUILTIN_SWAPS[f.id], f.lineno)
        self.generic_visit(node)


def generate(source: str, path: str) -> list[Mutant]:
    r"""Return every mutant of ``source`` (a module's text, at ``path``), in source order.

    Docstrings, messages (f-strings and other strings), imports, annotations and ``__all__`` are
    not mutated. Each returned mutant compiles.

    Examples
    --------
    >>> src = "def f(x):\n    '''Doc.'''\n    if not x < 2:\n        raise ValueError(f'x={x}')\n"
    >>> for m in generate(src, "toy.py"):
    ...     print(m.key)
    toy.py::f::not: not x -> x @ if not x < 2:
    toy.py::f::compare: < -> <= @ if not x < 2:
    toy.py::f::number: 2 -> 3 @ if not x < 2:
    toy.py::f::number: 2 -> 1 @ if not x < 2:
    toy.py::f::delete: raise ValueError(f'x={x}') -> pass @ raise ValueError(f'x={x}')
    """
    gen = _Generator(source, path)
    gen.visit(ast.parse(source))
    seen: dict[tuple[str, ...], int] = {}
    out = []
    for found in sorted(gen.found, key=lambda d: (d["start"], d["end"])):
        m = Mutant(**found)
        ident = (m.qualname, m.op, m.change, m.context)
        m = dataclasses.replace(m, occurrence=seen.get(ident, 0))
        seen[ident] = m.occurrence + 1
        try:
            compile(apply(source, m), path, "exec")
        except SyntaxError:
            continue
        out.append(m)
    return out


def apply(source: str, mutant: Mutant) -> str:
    """Return ``source`` with ``mutant`` applied; every other line stays where it was."""
    return source[: mutant.start] + mutant.new + source[mutant.end :]
