"""The engine's shape: small modules, imports within the engine, no module-level state, no chapters."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "nnnotes" / "check"
MODULES = sorted(ENGINE.glob("*.py"))
MUTABLE_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_engine_has_its_modules() -> None:
    """The walk below covers the engine (an empty glob would make every test here pass vacuously)."""
    assert {p.stem for p in MODULES} >= {"record", "verification", "derivation", "counterexample", "render"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_are_readable_in_one_sitting(path: Path) -> None:
    """No module of the engine is over about 400 lines."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_imports_stay_inside_the_engine(path: Path) -> None:
    """The engine imports no other part of the project (library, proofs, pages, site)."""
    names = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    outside = [n for n in names if n.split(".")[0] == "nnnotes" and not n.startswith("nnnotes.check")]
    assert outside == []


def _mutable(value: ast.expr) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    return isinstance(value, ast.Call) and getattr(value.func, "id", None) in MUTABLE_CALLS


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_level_mutable_state(path: Path) -> None:
    """No module binds a list, dict or set at its top level (``__all__`` aside): state lives on objects."""
    found = []
    for node in _tree(path).body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names != ["__all__"] and _mutable(value):
            found.append(f"{names} at line {node.lineno}")
    assert found == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_precision_is_never_read_or_set_globally(path: Path) -> None:
    """No code touches ``mpmath.mp.dps`` or ``mp.prec``: precision is raised with ``workdps`` only."""
    uses = [
        node.lineno
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Attribute)
        and node.attr in {"dps", "prec"}
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mp"
    ]
    assert uses == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_the_engine_knows_no_chapter(path: Path) -> None:
    """No exercise, chapter number or page name of the course appears in the engine."""
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"(?i)exercise|homework|\b6[.-]\d", text) == []
