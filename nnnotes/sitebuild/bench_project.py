"""The copied project the build benchmark (`nnnotes.sitebuild.bench`) builds, times and edits.

`copy_project` copies what a build reads into a temporary folder; `timed_build` builds it in a fresh
process and returns wall-clock and CPU seconds; `edit_function` and `one_module_to_edit` make the
package edits whose rebuilds are measured.
"""

from __future__ import annotations

import ast
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = [
    "COSTLY_MODULE",
    "ONE_MODULE",
    "ROOT",
    "Times",
    "build_env",
    "chapter_to_edit",
    "children_cpu",
    "copy_project",
    "edit_function",
    "one_module_to_edit",
    "timed_build",
]

ROOT = Path(__file__).resolve().parents[2]
#: The function edited for the one-module rebuild: the module that issue 16's baseline (3.69x the
#: floor) edited, ``critical_points.py``, now in the experiments layer; only chapter 6.7 imports it.
#: It must still qualify (`one_module_to_edit` fails loudly otherwise: a silent substitute would
#: measure another edit under the same name, as happened once after the move of #16).
ONE_MODULE = ("nnnotes/experiments/critical_points.py", "linear_autoencoder_critical_points")
#: A second, costlier edit reported beside it: batch normalization, which only blocks of chapter 6.4
#: depend on (as the block cache counts: its worked examples and its networks trained with and
#: without it; the README gives how many ran again).
COSTLY_MODULE = ("nnnotes/batchnorm.py", "batch_statistics")


def copy_project(dest: Path) -> Path:
    """Copy what a build reads (package, pages, configuration) into ``dest``; link node_modules."""
    for name in ("nnnotes", "docs"):
        shutil.copytree(
            ROOT / name,
            dest / name,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def build_env(project: Path, mode: str) -> dict[str, str]:
    """Return the environment of a build of the copied project with ``NNNOTES_CACHE=mode``."""
    env = dict(os.environ)
    env.update(
        NNNOTES_CACHE=mode,
        NNNOTES_CACHE_DIR=str(project / ".cache" / "blocks"),
        PYTHONPATH=str(project),
        PYTHONDONTWRITEBYTECODE="1",
        NO_MKDOCS_2_WARNING="1",
        SOURCE_DATE_EPOCH=env.get("SOURCE_DATE_EPOCH", "1700000000"),
    )
    return env


Times = tuple[float, float]
"""Wall-clock seconds, and CPU seconds (user + system, child processes such as node included)."""


def children_cpu() -> float:
    """Return the CPU seconds (user + system) of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_build(
    project: Path, mode: str, warned: set[str] | None = None, ran: list[str] | None = None
) -> Times:
    """Build the copied site in a fresh process; return its wall and CPU times.

    The build is not strict: a warning from a page being written must not stop the
    measurement (``make build`` is where warnings fail). A crash does stop it. Warnings are
    printed once per mode (the modes in ``warned`` are not printed again); the cache's summary
    line is appended to ``ran``.
    """
    t0, c0 = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--no-strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(project / "site"),
        ],
        cwd=project,
        env=build_env(project, mode),
        capture_output=True,
        text=True,
    )
    times = (time.perf_counter() - t0, children_cpu() - c0)
    if proc.returncode != 0:
        raise RuntimeError(f"build ({mode}) failed:\n{proc.stdout}\n{proc.stderr}")
    warnings = [line for line in proc.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    if ran is not None:
        ran += [
            line.split("nnnotes cache ", 1)[1]
            for line in proc.stderr.splitlines()
            if "nnnotes cache (" in line
        ]
    if warned is None:
        warned = set()
    if warnings and mode not in warned:
        warned.add(mode)
        print(
            f"  note: the {mode} build reports {len(warnings)} warnings (timed all the same), "
            f"first: {warnings[0][:160]}",
            flush=True,
        )
    return times


def edit_function(path: Path, function: str, n: int) -> None:
    """Add a harmless statement at the top of ``function``'s body (after its docstring)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    node = next(
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.name == function
    )
    body = node.body[1] if ast.get_docstring(node) and len(node.body) > 1 else node.body[0]
    lines = text.splitlines(keepends=True)
    indent = " " * body.col_offset
    lines.insert(body.lineno - 1, f"{indent}_bench_edit = {n}  # made by nnnotes.sitebuild.bench\n")
    path.write_text("".join(lines), encoding="utf-8")


def one_module_to_edit(project: Path, target: tuple[str, str] = ONE_MODULE) -> tuple[str, str]:
    """Return ``target`` (`ONE_MODULE`) after checking that only one page's blocks load its module.

    The modules a page loads are those its blocks import and what those import in turn
    (`nnnotes.sitebuild.imports.ModuleIndex`), as the block cache counts them.

    Raises
    ------
    RuntimeError
        If ``target``'s module is loaded by no page or by several, or lacks its function.
    """
    import re

    from nnnotes.sitebuild.imports import ModuleIndex, imports_of

    index = ModuleIndex(project / "nnnotes", "nnnotes")
    fence = re.compile(r'^```python [^\n]*exec="1"[^\n]*\n(.*?)^```', re.S | re.M)
    users: dict[str, int] = {}
    for page in sorted((project / "docs").rglob("*.md")):
        code = "\n".join(fence.findall(page.read_text(encoding="utf-8")))
        for name in index.closure(imports_of(code, "nnnotes")):
            users[name] = users.get(name, 0) + 1
    candidates = []
    for name, count in sorted(users.items()):
        path = Path(*name.split(".")).with_suffix(".py")
        if count != 1 or not (project / path).is_file() or name.startswith("nnnotes.sitebuild"):
            continue
        tree = ast.parse((project / path).read_text(encoding="utf-8"))
        functions = [
            f.name for f in tree.body if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")
        ]
        if functions:
            candidates.append((path.as_posix(), functions))
    if not any(path == target[0] and target[1] in functions for path, functions in candidates):
        raise RuntimeError(
            f"{target[0]} (function {target[1]}) is not a module that the blocks of exactly one "
            "page load; name another. Candidates: " + ", ".join(path for path, _ in candidates)
        )
    return target


def chapter_to_edit(project: Path) -> Path:
    """Return the chapter page with the most executed blocks (the costliest to rebuild without a cache)."""
    pages = sorted((project / "docs").glob("exercise-*.md"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('exec="1"'), p.name))
