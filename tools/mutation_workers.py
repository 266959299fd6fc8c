"""The forked children of a mutation run: the traced unmutated run, and one pytest run per mutant.

The parent (`tools.mutation.run`) imports the code and the tests' dependencies once (`preload`); each
child is a fork that swaps a mutant's code into the already imported functions (`patch`) and runs
pytest on the tests that executed the mutated statement in the traced run (`baseline`).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.mutation import Target

PYTEST_ARGS = [
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


def preload(targets: Sequence[Target], root: Path) -> None:
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


def ordering(order: Sequence[str]) -> Any:
    """Return a pytest plugin that runs the tests in the given order (the fastest first)."""
    rank = {nodeid: i for i, nodeid in enumerate(order)}

    class Order:
        def pytest_collection_modifyitems(self, items: list[Any]) -> None:
            items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))

    return Order()


def run_child(fn: Any) -> int:
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
        code = pytest.main([*PYTEST_ARGS, *target.tests], plugins=[_tracer_hooks(tracer)])
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

    return run_child(child), out


def read_baseline(pid: int, out: Path) -> dict[str, Any]:
    """Wait for a `baseline` child and return what it wrote."""
    os.waitpid(pid, 0)
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink()


def patch(module: Any, source: str, filename: str) -> None:
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
