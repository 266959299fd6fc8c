"""The package's import graph: layers import one way, and the README's picture is the code's."""

from __future__ import annotations

import re
from pathlib import Path

from tools import import_graph

ROOT = Path(__file__).resolve().parents[2]


def test_imports_run_one_way() -> None:
    """No module imports a layer above its own (site, presentation, experiments, proofs, check, library)."""
    assert import_graph.violations() == []


def test_the_rule_can_fail(tmp_path: Path) -> None:
    """A library module that imports the checking engine is reported (the check is not vacuous)."""
    pkg = tmp_path / "nnnotes"
    (pkg / "check").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "check" / "__init__.py").write_text("")
    (pkg / "check" / "derivation.py").write_text("import numpy\n")
    (pkg / "softmax.py").write_text("def f():\n    from nnnotes.check import derivation\n")
    (pkg / "proofs").mkdir()
    (pkg / "proofs" / "__init__.py").write_text("")
    (pkg / "proofs" / "sigmoid.py").write_text(
        "from ..check.derivation import x\nfrom nnnotes import softmax\n"
    )
    bad = import_graph.violations(pkg)
    assert len(bad) == 1
    assert bad[0].startswith("nnnotes.softmax (library) imports nnnotes.check.derivation (check)")
    assert ("nnnotes.proofs.sigmoid", "nnnotes.check.derivation") in import_graph.edges(pkg)
    assert ("nnnotes.proofs.sigmoid", "nnnotes.softmax") in import_graph.edges(pkg)


def test_readme_shows_the_current_graph() -> None:
    """The README's picture is exactly `python -m tools.import_graph` (regenerate it when this fails)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n.*?```", readme, re.S)
    assert blocks, "README.md has no mermaid import graph"
    assert import_graph.mermaid() in blocks, (
        "README's import graph is stale: run `python -m tools.import_graph`"
    )


#: The most lines a Python module may have (the aim is about 400: one sitting's reading).
MAX_LINES = 430


def long_modules(root: Path, folders: tuple[str, ...] = ("nnnotes", "tools", "tests")) -> dict[str, int]:
    """The Python modules under ``root``'s ``folders`` that are over `MAX_LINES` lines, with their length."""
    return {
        str(p.relative_to(root)): n
        for folder in folders
        for p in sorted((root / folder).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }


def test_no_module_is_long() -> None:
    """No Python module of the package, the tools or the tests is over 430 lines (the aim is about 400)."""
    assert long_modules(ROOT) == {}


def test_a_long_module_is_caught(tmp_path: Path) -> None:
    """A test module one line over the limit is reported, with its length; one at the limit is not."""
    (tmp_path / "tests" / "site").mkdir(parents=True)
    (tmp_path / "tests" / "site" / "test_long.py").write_text("x = 1\n" * 431, encoding="utf-8")
    (tmp_path / "tests" / "test_limit.py").write_text("x = 1\n" * 430, encoding="utf-8")
    (tmp_path / "nnnotes").mkdir()
    (tmp_path / "tools").mkdir()
    assert long_modules(tmp_path) == {"tests/site/test_long.py": 431}
