"""Benchmarks besides the site build (``make bench`` runs them too): derivations, kernels, take-away.

See `nnnotes.sitebuild.bench` for the options; these report the time of every published derivation,
the speed of the activation and softmax kernels against numpy, and the PDF and offline copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nnnotes.sitebuild.bench_project import ROOT, build_env, copy_project, timed_build

__all__ = [
    "REUSED_MEMORY",
    "derivation_times",
    "kernel_rows",
    "report_derivations",
    "report_kernels",
    "report_speed",
    "report_takeaway",
    "timings_markdown",
]


def derivation_times() -> tuple[list[tuple[str, float, str]], float, float]:
    """Build and verify every published derivation; return (name, seconds, method) rows, total, import."""
    t0 = time.perf_counter()
    from nnnotes.check.derivation import published_derivations

    factories = published_derivations()
    imported = time.perf_counter() - t0
    rows = []
    for name, factory in sorted(factories.items()):
        t = time.perf_counter()
        d = factory().verify()
        methods = sorted({s.method or "?" for s in d.steps})
        rows.append((name, time.perf_counter() - t, "+".join(methods)))
    return rows, sum(r[1] for r in rows), imported


def report_derivations() -> None:
    """Print the time of every published derivation (built and verified) and the total."""
    proc = subprocess.run(
        [sys.executable, "-m", "nnnotes.sitebuild.bench", "--derivation-driver"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"derivation benchmark failed:\n{proc.stdout}\n{proc.stderr}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    rows, total, imported = data["rows"], data["total"], data["import"]
    print(f"\nDerivations: {len(rows)} published, each built and verified once (fresh process)\n")
    print("| derivation | ms | steps checked |")
    print("|---|---:|---|")
    for name, seconds, methods in sorted(rows, key=lambda r: -r[1]):
        print(f"| {name} | {seconds * 1000:.0f} | {methods} |")
    verdict = "met" if total <= 3.0 else "NOT met"
    print(
        f"\nTotal: {total:.2f} s for {len(rows)} derivations (goal <= 3 s: {verdict}); "
        f"importing the package to find them: {imported:.2f} s."
    )


def report_speed() -> None:
    """Print the speed of the activation and softmax functions against the obvious numpy code."""
    from nnnotes.experiments.speed import compare_with_numpy
    from nnnotes.render import rows_to_markdown

    print("\nActivations and softmax on a 1000 x 1000 float64 array (median of 5 x 5 calls)\n")
    header = ["function", "nnnotes (ms)", "numpy formula (ms)", "ratio"]
    print(rows_to_markdown(header, compare_with_numpy()))


def report_takeaway() -> None:
    """Print the time of the PDF (and its page count) and of the offline copy (issue 15)."""
    from nnnotes.sitebuild import offline, pdf

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        timed_build(project, "on")
        book = pdf.build(project / "site", project / "nnnotes.pdf")
        print(
            f"\nPDF of the site: {book.pages} pages, {book.path.stat().st_size / 1e6:.1f} MB, "
            f"printed and assembled in {book.seconds:.1f} s"
        )
        env = build_env(project, "on") | {"NNNOTES_OFFLINE": "true"}
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--no-strict", "-d", str(project / "offline")],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        out = offline.zip_folder(project / "offline", project / "offline.zip")
        print(
            f"Offline copy: built (cache warm) and zipped in {time.perf_counter() - t0:.1f} s, "
            f"{out.stat().st_size / 1e6:.1f} MB"
        )


#: glibc's tunables that keep freed memory for reuse: a large temporary then comes from the heap,
#: as in a long-running process, instead of fresh pages that fault on first touch.
REUSED_MEMORY = {"MALLOC_MMAP_THRESHOLD_": str(2**30), "MALLOC_TRIM_THRESHOLD_": str(2**30)}


def kernel_rows(env: dict[str, str] | None = None) -> list[Any]:
    """Run `kernel_timings` in a fresh process (with ``env`` added); return its rows."""
    from nnnotes.experiments.speed import Timing

    proc = subprocess.run(
        [sys.executable, "-m", "nnnotes.sitebuild.bench", "--kernels-driver"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"kernel benchmark failed:\n{proc.stdout}\n{proc.stderr}")
    return [Timing(*row) for row in json.loads(proc.stdout.strip().splitlines()[-1])]


def report_kernels() -> None:
    """Print the kernels against the numpy formulas and scipy in two memory regimes (fresh processes).

    In a fresh process each large temporary of a numpy formula is new memory whose pages fault on
    first touch, which can cost more than the arithmetic; a long-running process (a training loop)
    reuses freed memory. The two regimes give different ratios, so both are shown.
    """
    fresh, reused = kernel_rows(), kernel_rows(REUSED_MEMORY)
    print("\nKernels against the numpy formula (1e6 elements) and scipy.special (10 elements), each")
    print("in a fresh process: memory fresh (every large temporary faults its pages in) and reused")
    print(f"(glibc keeps freed memory: {', '.join(f'{k}={v}' for k, v in REUSED_MEMORY.items())})\n")
    from nnnotes.render import rows_to_markdown

    header = ["function", "elements", "against", "ours, fresh (µs)", "theirs, fresh (µs)", "ratio, fresh"]
    header += ["ours, reused (µs)", "theirs, reused (µs)", "ratio, reused"]
    rows = [
        [
            a.function,
            a.size,
            a.reference,
            a.ours_us,
            a.reference_us,
            a.ratio,
            b.ours_us,
            b.reference_us,
            b.ratio,
        ]
        for a, b in zip(fresh, reused, strict=True)
    ]
    print(rows_to_markdown(header, rows, digits=3))


def timings_markdown(rows: tuple[Any, ...] | None = None) -> str:
    """Return the table of `kernel_timings` (computed now unless ``rows`` are given) as Markdown.

    Examples
    --------
    >>> from nnnotes.experiments.speed import Timing
    >>> print(timings_markdown((Timing("relu", 10, "numpy formula", 2.0, 4.0),)))
    | function | elements | against | nnnotes (µs) | reference (µs) | ratio |
    |:---|---:|:---|---:|---:|---:|
    | relu | 10 | numpy formula | 2 | 4 | 0.5 |
    """
    from nnnotes.experiments.speed import kernel_timings
    from nnnotes.render import rows_to_markdown

    rows = kernel_timings() if rows is None else rows
    return rows_to_markdown(
        ["function", "elements", "against", "nnnotes (µs)", "reference (µs)", "ratio"],
        [[r.function, r.size, r.reference, r.ours_us, r.reference_us, r.ratio] for r in rows],
        digits=3,
    )
