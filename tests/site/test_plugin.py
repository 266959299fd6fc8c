"""The site build is a MkDocs plugin, found through its entry point, with no module-level state."""

from __future__ import annotations

import ast
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from mkdocs.plugins import BasePlugin

from nnnotes.sitebuild import minisite
from nnnotes.sitebuild.minisite import ROOT
from nnnotes.sitebuild.plugin import NnnotesPlugin

SITEBUILD = ROOT / "nnnotes" / "sitebuild"
#: Calls that make a mutable container.
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque", "bytearray"}
#: Methods that change a container in place.
MUTATORS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "sort",
    "reverse",
}


def _constant(name: str) -> bool:
    """A public upper-case name (``KINDS``) or ``__all__`` is a constant; ``_STATE`` is not."""
    return name == "__all__" or (name.isupper() and not name.startswith("_"))


def module_state(source: str) -> list[str]:
    """Return the module-level mutable state of a module's source.

    A module-level name bound to a mutable container (a dict, list or set display or
    comprehension, or a call that makes one) is state unless it is a public CONSTANT (upper case)
    that the module never changes; a ``global`` statement, or a module-level name whose items are assigned or
    mutated anywhere in the module, is state too.
    """
    tree = ast.parse(source)
    names: dict[str, int] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        value = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        mutable = isinstance(
            value, ast.Dict | ast.List | ast.Set | ast.DictComp | ast.ListComp | ast.SetComp
        ) or (
            isinstance(value, ast.Call)
            and (getattr(value.func, "id", None) or getattr(value.func, "attr", None)) in MUTABLE_CALLS
        )
        for t in targets:
            if isinstance(t, ast.Name) and mutable:
                names[t.id] = node.lineno
    found = [
        f"line {line}: {name} (a mutable container)" for name, line in names.items() if not _constant(name)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
        target = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            target = node.value
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS
        ):
            target = node.func.value
        if isinstance(target, ast.Name) and target.id in names and _constant(target.id):
            found.append(f"line {node.lineno}: {target.id} is changed")
    return found


def test_no_module_level_mutable_state_in_the_site_build() -> None:
    """Every module of nnnotes/sitebuild keeps its state on objects, none in module globals."""
    offenders = {
        path.name: module_state(path.read_text(encoding="utf-8")) for path in sorted(SITEBUILD.glob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("_STATE = {'a': 1}", True),
        ("_STATE: dict[str, int] = {}", True),
        ("cache = dict()", True),
        ("from collections import defaultdict\n_S = defaultdict(list)", True),
        ("LABELS: dict[str, str] = {}\ndef f(k, v):\n    LABELS[k] = v", True),
        ("SEEN = set()\ndef f(x):\n    SEEN.add(x)", True),
        ("def f():\n    global X\n    X = 1", True),
        ("KINDS = {'error': 'false'}\ndef f(k):\n    return KINDS[k]", False),
        ("MODES = ('on', 'off')", False),
        ("def f():\n    d = {}\n    d['a'] = 1", False),
    ],
)
def test_the_state_scan_can_fail(source: str, flagged: bool) -> None:
    """The scan flags state (containers that are, or may be, changed) and leaves constants alone."""
    assert bool(module_state(source)) is flagged


def test_the_plugin_is_registered_by_its_entry_point() -> None:
    """The ``nnnotes`` entry point of ``mkdocs.plugins`` loads the plugin class (``pip install -e .``)."""
    found = [e for e in entry_points(group="mkdocs.plugins") if e.name == "nnnotes"]
    assert len(found) == 1
    cls = found[0].load()
    assert cls is NnnotesPlugin and issubclass(cls, BasePlugin)


def test_mkdocs_yml_uses_the_plugin_and_no_hooks() -> None:
    """The configuration names the plugin; no hooks file, no markdown-exec plugin (its fence is ours)."""
    cfg = minisite.project_config()
    names = [p if isinstance(p, str) else next(iter(p)) for p in cfg["plugins"]]
    assert "nnnotes" in names and "markdown-exec" not in names
    assert "hooks" not in cfg


def test_two_plugin_objects_share_no_state() -> None:
    """Two plugin objects (two builds) own separate sessions, catalogs and errata."""
    a, b = NnnotesPlugin(), NnnotesPlugin()
    assert a.sessions is not b.sessions and a.catalog is not b.catalog and a.errata is not b.errata
    a.errata.append(("p.md", "erratum-x", "x", "error"))
    assert b.errata == []


def test_minisite_builds_a_chapter_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m nnnotes.sitebuild.minisite docs/<chapter>.md`` builds (the bibliography is linked)."""
    monkeypatch.setenv("NNNOTES_PREVIEW", str(tmp_path))
    monkeypatch.setenv("NNNOTES_CACHE_DIR", str(tmp_path / "cache"))
    status = minisite.main([str(ROOT / "docs" / "exercise-6-6.md")])
    assert status == 0
    assert (tmp_path / "site" / "exercise-6-6" / "index.html").is_file()
    assert (tmp_path / "src" / "docs" / "references.bib").exists()


def test_every_build_reads_the_files_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The module-level caches of files are emptied as a build starts (``mkdocs serve`` builds again)."""
    from types import SimpleNamespace

    from nnnotes.sitebuild import plugin, provenance, student
    from nnnotes.sitebuild.cache import BlockCache, CachedRunner

    page = tmp_path / "docs" / "reference" / "a.md"
    page.parent.mkdir(parents=True)
    page.write_text("::: nnnotes.mlp\n", encoding="utf-8")
    assert student.documented_modules(str(tmp_path / "docs")) == {"nnnotes.mlp"}
    provenance.last_changed(str(page))
    page.write_text("::: nnnotes.losses\n", encoding="utf-8")
    p = NnnotesPlugin()
    p.runner = CachedRunner(p.sessions.run, BlockCache(tmp_path / "cache"), mode="off")
    monkeypatch.setattr(plugin, "KatexRenderer", lambda: None)
    p.on_pre_build(SimpleNamespace())
    p.on_build_error(RuntimeError("test over"))
    assert [cached.cache_info().currsize for cached in plugin.FILE_CACHES] == [0, 0, 0]
    assert student.documented_modules(str(tmp_path / "docs")) == {"nnnotes.losses"}
