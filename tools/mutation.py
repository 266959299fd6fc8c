r"""Mutation testing of the numeric core: every wrong line of a module should fail one of its tests.

A *mutant* is the module with one small change (``<`` for ``<=``, ``np.any`` for ``np.all``, a
constant off by one, a ``raise`` removed, ...). It is *killed* if the module's own tests
(``tests/library/test_<module>.py``) or its doctests fail on it, and *survives* otherwise. A surviving
mutant is either a missing test or an *equivalent* mutant (one that computes the same thing); the
equivalent ones are listed, with a reason each, in ``tests/mutation-equivalents.toml``, keyed by
`Mutant.key` (function, change and the source line; no line number), and left out of the score.

Why a driver of our own rather than mutmut 3 or cosmic-ray: mutmut 3 mutates only inside functions
(not module constants such as ``softmax._BLOCK``), names its mutants by a per-function counter that
shifts with every edit of the function (so a reviewed list of equivalents would go stale at each
edit), and chooses the tests itself from a run of the whole suite; cosmic-ray starts a fresh
interpreter per mutant, about 3 s of importing sympy, numpy and pytest each time. This driver is
one file on Python's `ast`: it imports everything once, then *forks* a child per mutant (both cores
busy), swaps the mutated code into the already imported functions (``__code__``), runs with ``-x``
only the tests that executed the mutated statement in an unmutated, traced run (fastest first), and
keys each mutant by its text, so a reviewed equivalent stays reviewed when other lines move.

Usage (from the project root)::

    python -m tools.mutation                     # every mutant of every numeric module
    python -m tools.mutation --sample 30         # a fixed sample per module (the run `make test` does)
    python -m tools.mutation softmax --show-all  # one module, with every mutant's fate

Examples
--------
>>> src = "def f(x):\n    return x + 1\n"
>>> [(m.op, m.change) for m in generate(src, "toy.py")]
[('binop', '+ -> -'), ('number', '1 -> 2'), ('number', '1 -> 0')]
>>> print(apply(src, generate(src, "toy.py")[0]), end="")
def f(x):
    return x - 1
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import gc
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: The library's numeric modules: numpy functions with tests of their own (``tests/library/test_<name>.py``,
#: and ``test_<name>_*.py`` when a module's tests are split).
MODULES = ("activations", "softmax", "losses", "batchnorm", "optim")
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.toml"
THRESHOLD = 95.0
#: The sample `make test` runs: this many mutants per module, drawn with this seed.
SAMPLE_SIZE = 30
SAMPLE_SEED = 18

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


# ------------------------------------------------------------------------------------ equivalents


def load_equivalents(path: Path) -> dict[str, str]:
    """Return ``{key: reason}`` from the reviewed TOML file (``[[equivalent]]`` tables).

    Raises
    ------
    ValueError
        If an entry lacks a key or a reason, or a key appears twice.
    """
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for i, entry in enumerate(data.get("equivalent", [])):
        key, reason = entry.get("key"), entry.get("reason")
        if not isinstance(key, str) or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: entry {i + 1} needs a key and a non-empty reason")
        if key in out:
            raise ValueError(f"{path}: key listed twice: {key}")
        out[key] = reason
    return out


# ------------------------------------------------------------------------------------ running


@dataclasses.dataclass
class Target:
    """A module to mutate, its import name and its tests (paths relative to the project root)."""

    path: str
    module: str
    tests: tuple[str, ...]


def default_target(name: str, root: Path = ROOT) -> Target:
    """Return the `Target` of ``nnnotes/<name>.py``: its test files and its doctests.

    The test files are ``tests/library/test_<name>.py`` and, if the tests are split,
    ``tests/library/test_<name>_*.py``.

    Examples
    --------
    >>> default_target("optim").tests  # doctest: +NORMALIZE_WHITESPACE
    ('tests/library/test_optim.py', 'tests/library/test_optim_failures.py',
     'tests/library/test_optim_steps.py', 'nnnotes/optim.py')
    """
    library = root / "tests" / "library"
    files = [library / f"test_{name}.py", *sorted(library.glob(f"test_{name}_*.py"))]
    tests = tuple(f.relative_to(root).as_posix() for f in files if f.exists())
    return Target(f"nnnotes/{name}.py", f"nnnotes.{name}", (*tests, f"nnnotes/{name}.py"))


_PYTEST_ARGS = [
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:randomly",
    "--no-header",
    "--assert=plain",
    "--doctest-modules",
]


def _quiet() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def _hypothesis_profile() -> None:
    """Make property tests deterministic and fast to fail: fixed seed, no database, no shrinking."""
    try:
        from hypothesis import Phase, settings
    except ImportError:
        return
    settings.register_profile(
        "mutation",
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        print_blob=False,
    )
    settings.load_profile("mutation")


class _Tracer:
    """A pytest plugin recording, per test, the lines of one file it executed, and its duration."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current: set[int] | None = None
        self.lines: dict[str, list[int]] = {}
        self.durations: dict[str, float] = {}
        self.failed: list[str] = []

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line" and self.current is not None:
            self.current.add(frame.f_lineno)
        return self._local

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == self.filename:
            if self.current is not None:
                self.current.add(frame.f_lineno)
            return self._local
        return None


def _tracer_hooks(tracer: _Tracer) -> Any:
    import pytest

    class Hooks:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Iterator[None]:
            lines: set[int] = set()
            tracer.current = lines
            sys.settrace(tracer._global)
            yield
            sys.settrace(None)
            tracer.current = None
            tracer.lines[item.nodeid] = sorted(lines)

        def pytest_runtest_logreport(self, report: Any) -> None:
            if report.failed:
                tracer.failed.append(report.nodeid)
            tracer.durations[report.nodeid] = tracer.durations.get(report.nodeid, 0.0) + report.duration

    return Hooks()


def _preload(targets: Sequence[Target], root: Path) -> None:
    """Import here, once, what every child would otherwise import again.

    That is pytest's plugins and the modules that the test files (and the ``conftest.py`` files
    above them) import at their top. Then freeze the garbage collector's view of them: pytest
    collects garbage when it ends, and a forked child walking the parent's whole heap (sympy's
    included) costs more than its tests.
    """
    import importlib
    import importlib.metadata

    files: set[Path] = set()
    for t in targets:
        for test in t.tests:
            path = (root / test).resolve()
            files.add(path)
            files.update(
                c for c in (d / "conftest.py" for d in path.parents if root in d.parents) if c.exists()
            )
    names = {ep.value.split(":")[0] for ep in importlib.metadata.entry_points(group="pytest11")}
    for path in sorted(files):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    for name in sorted(names):
        # only a head start: a module that fails here fails again, loudly, in the child's pytest run
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()


def _ordering(order: Sequence[str]) -> Any:
    rank = {nodeid: i for i, nodeid in enumerate(order)}

    class Order:
        def pytest_collection_modifyitems(self, items: list[Any]) -> None:
            items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))

    return Order()


def _run_child(fn: Any) -> int:
    """Fork; in the child run ``fn()`` (quietly) and exit with its return value. Return the pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 99
    try:
        if not os.environ.get("MUTATION_VERBOSE"):
            _quiet()
        _hypothesis_profile()
        code = int(fn())
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 98
    finally:
        os._exit(code)


def baseline(target: Target, root: Path) -> tuple[int, Path]:
    """Start the target's tests unmutated, tracing its file; return the child's pid and its output.

    The output (read with `read_baseline` once the child has exited) is JSON:
    ``{"lines": {test: [line, ...]}, "durations": {test: seconds}, "failed": [test, ...], "exit": code}``.
    """
    import pytest

    filename = str((root / target.path).resolve())
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)

    def child() -> int:
        tracer = _Tracer(filename)
        code = pytest.main([*_PYTEST_ARGS, *target.tests], plugins=[_tracer_hooks(tracer)])
        out.write_text(
            json.dumps(
                {
                    "lines": tracer.lines,
                    "durations": tracer.durations,
                    "failed": tracer.failed,
                    "exit": int(code),
                }
            )
        )
        return 0

    return _run_child(child), out


def read_baseline(pid: int, out: Path) -> dict[str, Any]:
    """Wait for a `baseline` child and return what it wrote."""
    os.waitpid(pid, 0)
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink()


def _patch(module: Any, source: str, filename: str) -> None:
    """Execute ``source`` as ``module``'s new text and move its code into the existing functions.

    The functions keep their identity (so every ``from module import f`` elsewhere sees the mutant);
    their ``__code__`` and defaults are replaced, and module-level values (constants) rebound.
    """
    import types

    code = compile(source, filename, "exec")
    ns: dict[str, Any] = {
        "__name__": module.__name__,
        "__file__": module.__file__,
        "__package__": module.__package__,
        "__spec__": module.__spec__,
    }
    exec(code, ns)

    def functions(obj: Any, prefix: str) -> Iterator[tuple[str, Any]]:
        for name, value in vars(obj).items():
            if isinstance(value, staticmethod | classmethod):
                value = value.__func__
            elif isinstance(value, property):
                for part in ("fget", "fset", "fdel"):
                    f = getattr(value, part)
                    if f is not None:
                        yield f"{prefix}{name}.{part}", f
                continue
            if isinstance(value, types.FunctionType) and value.__code__.co_filename == filename:
                yield prefix + name, value
            elif isinstance(value, type) and value.__module__ == module.__name__ and prefix == "":
                yield from functions(value, f"{name}.")

    new = dict(functions(types.SimpleNamespace(**ns), ""))
    for name, old in functions(module, ""):
        if name in new:
            old.__code__ = new[name].__code__
            old.__defaults__ = new[name].__defaults__
            old.__kwdefaults__ = new[name].__kwdefaults__
    for name, value in ns.items():
        if name.startswith("__") or isinstance(value, types.FunctionType | type | types.ModuleType):
            continue
        old = vars(module).get(name)
        if isinstance(old, types.FunctionType | type):
            continue
        setattr(module, name, value)


@dataclasses.dataclass
class Result:
    """The fate of one mutant: killed, survived, equivalent, uncovered (survived, no test ran it), error."""

    mutant: Mutant
    status: str
    seconds: float = 0.0
    reason: str = ""


def select_tests(mutant: Mutant, base: dict[str, Any]) -> list[str]:
    """Return the tests to run against ``mutant``, fastest first.

    A change in a function body can only be seen by a test that executed its statement in the
    unmutated run; a change run at import (module level, defaults) can be seen by any test.
    """
    first, last = mutant.stmt_lines
    tests = [
        t
        for t, lines in base["lines"].items()
        if not mutant.runtime or any(first <= n <= last for n in lines)
    ]
    return sorted(tests, key=lambda t: (base["durations"].get(t, 0.0), t))


def run(
    targets: Sequence[Target],
    root: Path,
    jobs: int,
    equivalents: dict[str, str],
    sample: int | None = None,
    seed: int = SAMPLE_SEED,
    log: Any = None,
    only: set[str] | None = None,
) -> dict[str, list[Result]]:
    """Generate, run and classify the mutants of each target; return the results per module path.

    ``sample`` draws that many mutants per target with ``seed``; ``only`` keeps the mutants whose
    key it holds (to re-run a previous run's survivors).
    """
    import importlib

    import pytest

    os.chdir(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    modules = {t.path: importlib.import_module(t.module) for t in targets}
    todo: list[tuple[Target, Mutant]] = []
    results: dict[str, list[Result]] = {t.path: [] for t in targets}
    bases: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    _preload(targets, root)
    started = {t.path: baseline(t, root) for t in targets}  # the unmutated runs, all at once
    for t in targets:
        sources[t.path] = (root / t.path).read_text(encoding="utf-8")
        mutants = generate(sources[t.path], t.path)
        if sample is not None and sample < len(mutants):
            rng = random.Random(f"{seed}:{t.path}")
            keep = set(rng.sample(range(len(mutants)), sample))
            mutants = [m for i, m in enumerate(mutants) if i in keep]
        if only is not None:
            mutants = [m for m in mutants if m.key in only]
        bases[t.path] = base = read_baseline(*started[t.path])
        if base["exit"] != 0 or base["failed"]:
            raise RuntimeError(f"the tests of {t.path} fail without any mutant: {base['failed'] or base}")
        for m in mutants:
            if m.key in equivalents:
                results[t.path].append(Result(m, "equivalent", reason=equivalents[m.key]))
            elif not select_tests(m, base):
                results[t.path].append(Result(m, "uncovered"))
            else:
                todo.append((t, m))

    running: dict[int, tuple[Target, Mutant, float, float]] = {}
    queue = list(reversed(todo))
    while queue or running:
        while queue and len(running) < jobs:
            t, m = queue.pop()
            tests = select_tests(m, bases[t.path])
            budget = 30.0 + 4.0 * sum(bases[t.path]["durations"].get(x, 0.0) for x in tests)

            def child(t: Target = t, m: Mutant = m, tests: list[str] = tests) -> int:
                filename = str((root / t.path).resolve())
                try:
                    _patch(modules[t.path], apply(sources[t.path], m), filename)
                except Exception:
                    return 1
                return int(pytest.main([*_PYTEST_ARGS, "-x", *tests], plugins=[_ordering(tests)]))

            pid = _run_child(child)
            running[pid] = (t, m, time.monotonic(), budget)
        pid, status = _wait_any(running)
        if pid == 0:
            continue
        t, m, started, _ = running.pop(pid)
        seconds = time.monotonic() - started
        if status is None:
            res = Result(m, "killed", seconds, "timeout")
        else:
            fate, why = _classify(status)
            res = Result(m, fate, seconds, why)
        results[t.path].append(res)
        if log is not None:
            log(res, len(todo) - len(queue) - len(running), len(todo))
    for t in targets:
        results[t.path].sort(key=lambda r: (r.mutant.start, r.mutant.end, r.mutant.new))
    return results


def _classify(status: int) -> tuple[str, str]:
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "survived", ""
    if code in (1, 2, 3):  # tests failed, collection failed, internal error raised by the mutant
        return "killed", f"pytest exit {code}"
    return "error", f"exit {code}"


def _wait_any(running: dict[int, tuple[Any, Any, float, float]]) -> tuple[int, int | None]:
    """Reap one finished child, or kill one past its budget; ``(0, None)`` if nothing happened yet."""
    pid, status = os.waitpid(-1, os.WNOHANG)
    if pid:
        return pid, status
    now = time.monotonic()
    for pid, (_, _, started, budget) in running.items():
        if now - started > budget:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return pid, None
    time.sleep(0.02)
    return 0, None


# ------------------------------------------------------------------------------------ report


def summarize(results: dict[str, list[Result]]) -> list[dict[str, Any]]:
    r"""Return one row per module: generated, killed, survived, equivalent, errors, score (percent).

    The score is killed / (generated - equivalent - errors); a mutant no test executes survives.

    Examples
    --------
    >>> m = generate("x = 1\n", "toy.py")
    >>> rows = summarize({"toy.py": [Result(m[0], "killed"), Result(m[1], "equivalent")]})
    >>> rows[0]["score"]
    100.0
    """
    rows = []
    for path, res in results.items():
        count = {
            s: sum(r.status == s for r in res)
            for s in ("killed", "survived", "uncovered", "equivalent", "error")
        }
        judged = count["killed"] + count["survived"] + count["uncovered"]
        rows.append(
            {
                "module": path,
                "generated": len(res),
                "killed": count["killed"],
                "survived": count["survived"] + count["uncovered"],
                "equivalent": count["equivalent"],
                "errors": count["error"],
                "score": round(100.0 * count["killed"] / judged, 1) if judged else 100.0,
            }
        )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """Return the summary rows as a Markdown table, with a total row."""
    cols = ["module", "generated", "killed", "survived", "equivalent", "errors", "score"]
    total = {c: sum(r[c] for r in rows) for c in cols[1:-1]}
    judged = total["killed"] + total["survived"]
    total.update(module="**all**", score=round(100.0 * total["killed"] / judged, 1) if judged else 100.0)
    lines = [
        "| " + " | ".join(cols[:-1]) + " | score (equivalents excluded) |",
        "|" + "---|" + "---:|" * (len(cols) - 1),
    ]
    for r in [*rows, total]:
        lines.append(
            "| "
            + " | ".join(
                f"`{r[c]}`"
                if c == "module" and r is not total
                else (f"{r[c]:.1f} %" if c == "score" else str(r[c]))
                for c in cols
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run from the command line; return 0 if every module scores at least the threshold."""
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n")[0])
    parser.add_argument(
        "modules", nargs="*", default=list(MODULES), help="names under nnnotes/ (default: all)"
    )
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, help="mutants per module, a fixed random sample")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--equivalents", type=Path, default=EQUIVALENTS)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument(
        "--target",
        nargs="+",
        action="append",
        metavar=("PATH MODULE", "TEST"),
        help="a file to mutate, its module name and its tests (instead of modules)",
    )
    parser.add_argument("--keys", type=Path, help="run only the mutants this file lists (a key a line)")
    parser.add_argument("--json", type=Path, help="write the summary and the survivors here")
    parser.add_argument("--show-all", action="store_true", help="print every mutant's fate")
    args = parser.parse_args(argv)

    targets = (
        [Target(t[0], t[1], tuple(t[2:])) for t in args.target]
        if args.target
        else [default_target(m, args.root.resolve()) for m in args.modules]
    )
    equivalents = load_equivalents(args.equivalents)
    started = time.monotonic()

    def progress(res: Result, done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"  {done}/{total} mutants run, {time.monotonic() - started:.0f} s", file=sys.stderr)

    only = set(args.keys.read_text(encoding="utf-8").splitlines()) if args.keys else None
    results = run(
        targets, args.root.resolve(), args.jobs, equivalents, args.sample, args.seed, progress, only=only
    )
    elapsed = time.monotonic() - started

    rows = summarize(results)
    kind = f"a sample of {args.sample} per module (seed {args.seed})" if args.sample else "every mutant"
    print(f"Mutation testing, {kind}: {elapsed:.0f} s on {args.jobs} workers\n")
    print(table(rows))
    bad = [r for res in results.values() for r in res if r.status in ("survived", "uncovered", "error")]
    if args.show_all:
        bad = [r for res in results.values() for r in res]
    if bad:
        print("\nSurviving mutants:" if not args.show_all else "\nAll mutants:")
        for r in bad:
            m = r.mutant
            note = " (no test runs this line)" if r.status == "uncovered" else ""
            print(f"  {m.path}:{m.line}: [{r.status}] {m.op}: {m.change}{note}\n      {m.key}")
    if not args.sample and not args.keys:
        generated = {r.mutant.key for res in results.values() for r in res}
        covered = {t.path for t in targets}
        stale = [k for k in equivalents if k.split("::")[0] in covered and k not in generated]
        if stale:
            print("\nStale entries in the equivalents file (no such mutant any more):")
            for k in stale:
                print(f"  {k}")
            return 1
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "seconds": elapsed,
                    "rows": rows,
                    "survivors": [
                        dataclasses.asdict(r.mutant) | {"key": r.mutant.key, "status": r.status} for r in bad
                    ],
                },
                indent=1,
            )
        )
    low = [r["module"] for r in rows if r["score"] < args.threshold]
    if any(r["errors"] for r in rows):
        print("\nSome mutants could not be run (errors): see above.")
        return 1
    if low:
        print(f"\nBelow the {args.threshold:g} % threshold: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
