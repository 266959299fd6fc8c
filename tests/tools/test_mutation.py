"""The mutation-testing driver (tools/mutation.py): which mutants it makes, how it keys and scores them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.mutation import (
    MODULES,
    ROOT,
    Result,
    apply,
    default_target,
    generate,
    load_equivalents,
    summarize,
    table,
)

SOURCE = textwrap.dedent('''\
    """Module docstring: not mutated."""
    import numpy as np

    __all__ = ["f"]
    LIMIT = 3


    def f(x: float, y: float = 2.0) -> float:
        """Docstring: not mutated."""
        if not x < LIMIT and y >= 0:
            raise ValueError(f"x={x} too big")
        x += 1
        return np.all(-x * y) or max(x, y)
''')


def _changes(source: str) -> list[tuple[str, str]]:
    return [(m.op, m.change) for m in generate(source, "toy.py")]


def test_each_operator_gives_its_mutants() -> None:
    """Constants, comparisons, boolean and arithmetic operators, negation, swaps and deletions."""
    assert _changes(SOURCE) == [
        ("number", "3 -> 4"),
        ("number", "3 -> 2"),
        ("number", "2.0 -> 3.0"),
        ("number", "2.0 -> 0.0"),
        ("not", "not x -> x"),
        ("compare", "< -> <="),
        ("boolop", "and -> or"),
        ("compare", ">= -> >"),
        ("number", "0 -> 1"),
        ("number", "0 -> -1"),
        ("delete", 'raise ValueError(f"x={x} too big") -> pass'),
        ("delete", "x += 1 -> pass"),
        ("augop", "+= -> -="),
        ("number", "1 -> 2"),
        ("number", "1 -> 0"),
        ("swap", "np.all -> np.any"),
        ("neg", "-x -> x"),
        ("binop", "* -> /"),
        ("boolop", "or -> and"),
        ("swap", "max -> min"),
    ]


def test_docstrings_messages_imports_annotations_and_all_are_not_mutated() -> None:
    """Nothing in a docstring, an f-string message, an import, an annotation or __all__ changes."""
    for m in generate(SOURCE, "toy.py"):
        changed = SOURCE[m.start : m.end]
        assert "Docstring" not in changed and "too big" not in changed[1:] or m.op == "delete"
        assert m.line not in (1, 2, 4)
    assert all(m.line != 8 or m.change.startswith("2.0") for m in generate(SOURCE, "toy.py"))


def test_every_mutant_compiles_and_keeps_every_line_in_place() -> None:
    """A mutant changes one place; the line count and the other lines stay, so tracebacks match."""
    lines = SOURCE.splitlines()
    for m in generate(SOURCE, "toy.py"):
        new = apply(SOURCE, m).splitlines()
        assert len(new) == len(lines)
        compile(apply(SOURCE, m), "toy.py", "exec")
        assert [i for i, (a, b) in enumerate(zip(lines, new, strict=True)) if a != b] == [m.line - 1]


def test_multi_line_statement_deletion_keeps_the_lines() -> None:
    """Deleting a raise over three lines leaves 'pass' and two blank lines."""
    src = "def f(x):\n    if x:\n        raise ValueError(\n            'no'\n        )\n    return x\n"
    (m,) = [m for m in generate(src, "toy.py") if m.op == "delete"]
    assert apply(src, m) == "def f(x):\n    if x:\n        pass\n\n\n    return x\n"


def test_keys_survive_edits_elsewhere() -> None:
    """Lines added above a function change the line numbers, not the keys."""
    before = generate(SOURCE, "toy.py")
    after = generate("# a comment\n\n" + SOURCE.replace("LIMIT = 3", "LIMIT = 3\nOTHER = 7"), "toy.py")
    assert {m.key for m in before} <= {m.key for m in after}
    assert [m.line for m in before][-1] + 3 == [m.line for m in after][-1]


def test_repeated_changes_on_one_line_are_numbered() -> None:
    """Two identical changes in one line get distinct keys (#1 for the second)."""
    keys = [m.key for m in generate("def f(a):\n    return a[1] + a[1]\n", "toy.py") if "1 -> 2" in m.key]
    assert keys == [
        "toy.py::f::number: 1 -> 2 @ return a[1] + a[1]",
        "toy.py::f::number: 1 -> 2 @ return a[1] + a[1] #1",
    ]


def test_functions_methods_and_import_time_code_are_told_apart() -> None:
    """A change in a function body runs when called; defaults and class bodies run at import."""
    src = "class A:\n    k = 1\n\n    def m(self, d=5):\n        return d\n"
    found = {(m.qualname, m.change): m.runtime for m in generate(src, "toy.py")}
    assert found == {
        ("A", "1 -> 2"): False,
        ("A", "1 -> 0"): False,
        ("A", "5 -> 6"): False,
        ("A", "5 -> 4"): False,
    }


def test_equivalents_file_is_validated(tmp_path: Path) -> None:
    """Each entry needs a key and a reason; a key may appear once."""
    f = tmp_path / "eq.toml"
    f.write_text('[[equivalent]]\nkey = "a"\nreason = "same value"\n')
    assert load_equivalents(f) == {"a": "same value"}
    f.write_text('[[equivalent]]\nkey = "a"\nreason = ""\n')
    with pytest.raises(ValueError, match="needs a key and a non-empty reason"):
        load_equivalents(f)
    f.write_text('[[equivalent]]\nkey = "a"\nreason = "x"\n[[equivalent]]\nkey = "a"\nreason = "y"\n')
    with pytest.raises(ValueError, match="key listed twice"):
        load_equivalents(f)
    assert load_equivalents(tmp_path / "missing.toml") == {}


def test_the_project_equivalents_file_is_valid() -> None:
    """The reviewed file parses, and each of its keys names a numeric module's mutant."""
    equivalents = load_equivalents(ROOT / "tests" / "mutation-equivalents.toml")
    keys = {
        m.key
        for name in MODULES
        for m in generate((ROOT / "nnnotes" / f"{name}.py").read_text(encoding="utf-8"), f"nnnotes/{name}.py")
    }
    assert equivalents and set(equivalents) <= keys


def test_score_leaves_out_equivalents_and_counts_uncovered_as_survivors() -> None:
    """Score = killed / (killed + survived + uncovered): 2 of 4 here, 50 %."""
    ms = generate("x = 1\ny = 2\nz = 3\n", "toy.py")
    res = [
        Result(ms[0], "killed"),
        Result(ms[1], "killed"),
        Result(ms[2], "survived"),
        Result(ms[3], "uncovered"),
        Result(ms[4], "equivalent"),
    ]
    (row,) = summarize({"toy.py": res})
    assert row == {
        "module": "toy.py",
        "generated": 5,
        "killed": 2,
        "survived": 2,
        "equivalent": 1,
        "errors": 0,
        "score": 50.0,
    }
    assert table([row]).splitlines()[-1] == "| **all** | 5 | 2 | 2 | 1 | 0 | 50.0 % |"


TOY = '''\
"""A toy module."""


def clip(x, lo=0.0):
    """Return max(x, lo).

    >>> clip(-1.0)
    0.0
    """
    if x < lo:
        return lo
    return x
'''
TOY_TEST = """\
from toy import clip


def test_clip():
    assert clip(2.0) == 2.0
"""


def _run_toy(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TOY_TEST)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.mutation",
            "--root",
            str(tmp_path),
            "-j",
            "2",
            "--target",
            "toy.py",
            "toy",
            "test_toy.py",
            "toy.py",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_end_to_end_on_a_toy_module(tmp_path: Path) -> None:
    """Tests and doctests kill lo = 1.0; x <= lo survives (equal values): listed, below threshold."""
    proc = _run_toy(tmp_path, "--equivalents", str(tmp_path / "none.toml"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "| `toy.py` | 2 | 1 | 1 | 0 | 0 | 50.0 % |" in proc.stdout
    assert "toy.py:10: [survived] compare: < -> <=" in proc.stdout
    assert "Below the 95 % threshold: toy.py" in proc.stdout


def test_end_to_end_with_the_equivalent_recorded(tmp_path: Path) -> None:
    """Recording x <= lo as equivalent (clip(lo) is lo either way) gives 100 % and exit 0."""
    eq = tmp_path / "eq.toml"
    eq.write_text(
        '[[equivalent]]\nkey = "toy.py::clip::compare: < -> <= @ if x < lo:"\n'
        'reason = "at x == lo both branches return the same value"\n'
    )
    proc = _run_toy(tmp_path, "--equivalents", str(eq))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| `toy.py` | 2 | 1 | 0 | 1 | 0 | 100.0 % |" in proc.stdout


def test_end_to_end_stale_equivalent_fails(tmp_path: Path) -> None:
    """An equivalents entry that names no mutant any more fails the run, so the file stays reviewed."""
    eq = tmp_path / "eq.toml"
    eq.write_text('[[equivalent]]\nkey = "toy.py::clip::compare: < -> <= @ if x < low:"\nreason = "r"\n')
    proc = _run_toy(tmp_path, "--equivalents", str(eq))
    assert proc.returncode == 1
    assert "Stale entries" in proc.stdout


def test_default_target_finds_split_test_files(tmp_path: Path) -> None:
    """A module's tests are test_<name>.py plus any test_<name>_*.py, then its doctests; no others."""
    library = tmp_path / "tests" / "library"
    library.mkdir(parents=True)
    for name in ("test_toy.py", "test_toy_steps.py", "test_toy_a.py", "test_toys.py", "test_other.py"):
        (library / name).write_text("")
    target = default_target("toy", tmp_path)
    assert (target.path, target.module) == ("nnnotes/toy.py", "nnnotes.toy")
    assert target.tests == (
        "tests/library/test_toy.py",
        "tests/library/test_toy_a.py",
        "tests/library/test_toy_steps.py",
        "nnnotes/toy.py",
    )
    (library / "test_toy.py").unlink()
    assert default_target("toy", tmp_path).tests[0] == "tests/library/test_toy_a.py"


def test_every_library_module_is_mutated() -> None:
    """MODULES is the library layer of the import graph: a new library module cannot escape the tool.

    The package's ``__init__``, which only re-exports, is left aside.
    """
    from tools.import_graph import layer_of, modules

    library = {name.removeprefix("nnnotes.") for name in modules() if layer_of(name) == "library"}
    assert set(MODULES) == library - {"nnnotes"}
