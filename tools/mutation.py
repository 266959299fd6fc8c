r"""Mutation testing of the numeric core: every wrong line of a module should fail one of its tests.

A *mutant* is the module with one small change (``<`` for ``<=``, ``np.any`` for ``np.all``, a
constant off by one, a ``raise`` removed, ...). It is *killed* if the module's own tests
(``tests/library/test_<module>.py`` and ``test_<module>_*.py``) or its doctests fail on it, and
*survives* otherwise. A surviving
mutant is either a missing test or an *equivalent* mutant (one that computes the same thing); the
equivalent ones are listed, with a reason each, in ``tests/mutation-equivalents.toml``, keyed by
`Mutant.key` (function, change and the source line; no line number), and left out of the score.

Why a driver of our own rather than mutmut 3 or cosmic-ray: mutmut 3 mutates only inside functions
(not module constants such as ``softmax._BLOCK``), names its mutants by a per-function counter that
shifts with every edit of the function (so a reviewed list of equivalents would go stale at each
edit), and chooses the tests itself from a run of the whole suite; cosmic-ray starts a fresh
interpreter per mutant, about 3 s of importing sympy, numpy and pytest each time. This driver is
built on Python's `ast` (`tools.mutants` makes the mutants, `tools.mutation_workers` runs the forked
children, this module schedules and reports): it imports everything once, then *forks* a child per
mutant (both cores busy), swaps the mutated code into the already imported functions
(``__code__``), runs with ``-x`` only the tests that executed the mutated statement in an
unmutated, traced run (fastest first), and keys each mutant by its text, so a reviewed equivalent
stays reviewed when other lines move.

Usage (from the project root)::

    python -m tools.mutation                     # every mutant of every numeric module
    python -m tools.mutation --sample 20         # a fixed sample per module (the run `make test` does)
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
import dataclasses
import json
import os
import random
import signal
import sys
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.mutants import Mutant, apply, generate
from tools.mutation_workers import PYTEST_ARGS, baseline, ordering, patch, preload, read_baseline, run_child

ROOT = Path(__file__).resolve().parents[1]

#: The library's numeric modules: numpy functions with tests of their own (``tests/library/test_<name>.py``,
#: and ``test_<name>_*.py`` when a module's tests are split).
MODULES = tuple(
    "activations softmax expsums losses batchnorm batchnorm_layer batchnorm_jacobian optim arrays mlp "
    "quadratic curvature deepnets tanhnet relu_network reparam linear linear_autoencoder symmetry "
    "rank_correlation".split()
)
#: Modules tested through another's tests as well as their own: `expsums` is the sum behind softmax.
TESTED_WITH = {"expsums": ("softmax",)}
EQUIVALENTS = ROOT / "tests" / "mutation-equivalents.toml"
THRESHOLD = 95.0
#: The sample `make test` runs: this many mutants per module, drawn with this seed.
SAMPLE_SIZE = 20
SAMPLE_SEED = 18

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
    ``tests/library/test_<name>_*.py``; then those of the modules `TESTED_WITH` names for it.

    Examples
    --------
    >>> default_target("optim").tests  # doctest: +NORMALIZE_WHITESPACE
    ('tests/library/test_optim.py', 'tests/library/test_optim_claims.py',
     'tests/library/test_optim_failures.py', 'tests/library/test_optim_steps.py', 'nnnotes/optim.py')
    >>> default_target("expsums").tests  # doctest: +NORMALIZE_WHITESPACE
    ('tests/library/test_expsums.py', 'tests/library/test_softmax.py',
     'tests/library/test_softmax_claims.py', 'nnnotes/expsums.py')
    """
    library = root / "tests" / "library"
    files = []
    for owner in (name, *TESTED_WITH.get(name, ())):
        files += [library / f"test_{owner}.py", *sorted(library.glob(f"test_{owner}_*.py"))]
    tests = tuple(f.relative_to(root).as_posix() for f in files if f.exists())
    return Target(f"nnnotes/{name}.py", f"nnnotes.{name}", (*tests, f"nnnotes/{name}.py"))


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
    preload(targets, root)
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
                    patch(modules[t.path], apply(sources[t.path], m), filename)
                except Exception:
                    return 1
                return int(pytest.main([*PYTEST_ARGS, "-x", *tests], plugins=[ordering(tests)]))

            pid = run_child(child)
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
