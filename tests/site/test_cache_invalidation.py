"""What invalidates a cached block: an edited package module, a library upgrade, the page.

A module edit re-runs only the blocks that imported it (directly, through other modules, or at run
time), a library or Python upgrade re-runs every block, and summary pages, volatile blocks,
``cache="off"`` blocks and blocks that printed URLs of moved pages are never served stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from nnnotes.check.record import current_record
from nnnotes.sitebuild import cache
from nnnotes.sitebuild.imports import ModuleIndex, imports_of
from tests import cache_site
from tests.cache_site import PAGE, VERSIONS, Site, entry_files

site = cache_site.site


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throw-away package ``h4pkg`` on ``sys.path``.

    ``top`` imports ``mid`` (in a function), ``mid`` imports ``low``; ``other`` imports nothing.
    """
    import sys

    root = tmp_path / "src"
    pkg = root / "h4pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "top.py").write_text("def f():\n    from h4pkg.mid import g\n    return g() + 1\n")
    (pkg / "mid.py").write_text("from h4pkg import low\n\ndef g():\n    return low.VALUE\n")
    (pkg / "low.py").write_text("VALUE = 1\n")
    (pkg / "other.py").write_text("VALUE = 7\n")
    monkeypatch.syspath_prepend(str(root))
    yield pkg
    for name in [n for n in sys.modules if n == "h4pkg" or n.startswith("h4pkg.")]:
        del sys.modules[name]


#: Blocks that import the throw-away package: t1, t2 through ``top`` (so ``mid`` and ``low`` too).
PKG_BLOCKS = [
    ("t1", "pkg-s", "from h4pkg import top\nprint(top.f())"),
    ("t2", "pkg-s", "print(top.f() * 10)"),
    ("o", "", "from h4pkg.other import VALUE\nprint(VALUE)"),
    ("n", "", "print('no import')"),
]


@pytest.mark.parametrize(
    ("module", "executed"),
    [
        # low is imported by mid, which top imports inside a function: the session t1, t2 re-runs
        ("low.py", ["t1", "t2"]),
        ("mid.py", ["t1", "t2"]),
        ("top.py", ["t1", "t2"]),
        ("other.py", ["o"]),
        # the package's __init__ runs for every import of it
        ("__init__.py", ["t1", "t2", "o"]),
    ],
)
def test_module_edit_reruns_only_the_blocks_that_imported_it(
    tmp_path: Path, package: Path, module: str, executed: list[str]
) -> None:
    """Editing one module re-runs the sessions that imported it, directly or through other modules."""
    s = Site(tmp_path / "cache", index=ModuleIndex(package, "h4pkg"))
    first = s.build(PKG_BLOCKS, index=ModuleIndex(package, "h4pkg"))
    assert first == {"t1": "2\n", "t2": "20\n", "o": "7\n", "n": "no import\n"}
    s.build(PKG_BLOCKS, index=ModuleIndex(package, "h4pkg"))
    assert s.executed == []
    path = package / module
    path.write_text(path.read_text() + "\n# edited\n")
    s.build(PKG_BLOCKS, index=ModuleIndex(package, "h4pkg"))
    assert s.executed == executed


def test_module_edit_serves_the_new_output(tmp_path: Path, package: Path) -> None:
    """After an edit that changes a result, the block prints the new value, never the stale one."""
    import importlib
    import sys

    s = Site(tmp_path / "cache", index=ModuleIndex(package, "h4pkg"))
    assert s.build(PKG_BLOCKS, index=ModuleIndex(package, "h4pkg"))["t2"] == "20\n"
    (package / "low.py").write_text("VALUE = 4\n")
    importlib.reload(sys.modules["h4pkg.low"])
    out = s.build(PKG_BLOCKS, index=ModuleIndex(package, "h4pkg"))
    assert (out["t1"], out["t2"], out["o"]) == ("5\n", "50\n", "7\n")
    assert s.executed == ["t1", "t2"]


#: One session that imports everything in its first block, as the chapters do.
ONE_SESSION = [
    ("s1", "one", "from h4pkg import top, other\nrows = [other.VALUE]"),
    ("s2", "one", "print(top.f())"),
    ("s3", "one", "print(other.VALUE + 1)"),
    ("s4", "one", "rows.append(top.f())"),
    ("s5", "one", "print(rows)"),
    ("s6", "one", "print(len('no package'))"),
]


@pytest.mark.parametrize(
    ("module", "executed"),
    [
        # s1 imports top; s2 uses it; s4 changes rows with it, so s5 (which prints rows) depends on it
        ("low.py", ["s1", "s2", "s4", "s5"]),
        # rows was made from other in s1, so s4 and s5 (rows) depend on other too; s2 and s6 do not
        ("other.py", ["s1", "s3", "s4", "s5"]),
    ],
)
def test_in_one_session_only_the_blocks_that_use_a_module_rerun(
    tmp_path: Path, package: Path, module: str, executed: list[str]
) -> None:
    """Blocks of a session depend on the modules behind the variables they read, not on every import."""
    s = Site(tmp_path / "cache", index=ModuleIndex(package, "h4pkg"))
    first = s.build(ONE_SESSION, index=ModuleIndex(package, "h4pkg"))
    path = package / module
    path.write_text(path.read_text() + "\n# edited\n")
    again = s.build(ONE_SESSION, index=ModuleIndex(package, "h4pkg"))
    # (blocks served from the cache before a block that runs are replayed for the session's variables)
    assert [block for _, block in s.runner.executed] == executed
    assert again == first == {"s1": "", "s2": "2\n", "s3": "8\n", "s4": "", "s5": "[7, 2]\n", "s6": "10\n"}


def test_a_module_loaded_at_run_time_counts(tmp_path: Path, package: Path) -> None:
    """A module a block loads through importlib (invisible in its code) is recorded too."""
    code = "import importlib\nprint(importlib.import_module('h4pkg.' + 'other').VALUE)"
    s = Site(tmp_path / "cache", index=ModuleIndex(package, "h4pkg"))
    s.build([("dyn", "", code)], index=ModuleIndex(package, "h4pkg"))
    (package / "other.py").write_text("VALUE = 8\n")
    s.build([("dyn", "", code)], index=ModuleIndex(package, "h4pkg"))
    assert s.executed == ["dyn"]


def test_default_fingerprint_is_the_imported_packages() -> None:
    """Without a folder, the fingerprint is that of the imported nnnotes package's source."""
    import nnnotes

    root = Path(nnnotes.__file__).parent
    assert cache.package_fingerprint() == cache.package_fingerprint(root)
    assert len(cache.package_fingerprint()) == 64


@pytest.mark.parametrize("library", ["numpy", "python"])
def test_library_upgrade_reruns_every_block(site: Site, library: str) -> None:
    """A different version of a library (or of Python) invalidates every block."""
    upgraded = VERSIONS | {library: VERSIONS[library] + ".post1"}
    site.build(environment=cache.environment_fingerprint(upgraded))
    assert site.executed == ["a1", "a2", "b", "c1"]


def test_library_versions_lists_python_and_the_libraries() -> None:
    """Every library of the key is looked up; an uninstalled one is marked absent, not skipped."""
    versions = cache.library_versions([*cache.LIBRARIES, "no-such-distribution-nnnotes"])
    assert set(cache.LIBRARIES) <= set(versions)
    assert versions["python"].startswith("3.")
    assert versions["no-such-distribution-nnnotes"] == "absent"
    assert versions["sympy"] != "absent"


def test_numpy_path_is_part_of_the_key() -> None:
    """The CPU path of numpy is in every key: an entry made with its AVX2 loops is not served with AVX-512.

    The first ``NPY_DISABLE_CPU_FEATURES`` feature numpy found here is turned off in a fresh
    interpreter; its path must differ (without any feature found, there is nothing to turn off).
    """
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    found = simd.get("found", [])
    here = cache.library_versions()
    assert here["numpy path"] == cache.numpy_path() and str(found) in here["numpy path"]
    if not found:
        pytest.skip("numpy finds no feature beyond its baseline here: there is no other path to take")
    code = "from nnnotes.sitebuild import cache; print(cache.numpy_path())"
    other = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(found)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert other != here["numpy path"] and other.startswith("baseline ")
    variants = [here | {"numpy path": other}, here]
    assert cache.environment_fingerprint(variants[0]) != cache.environment_fingerprint(variants[1])


def test_never_pages_and_volatile_blocks_always_run(tmp_path: Path) -> None:
    """Blocks on summary pages, or that read other pages' records, are not cached."""
    s = Site(tmp_path, never=("errata.md",))
    vol = "from nnnotes.sitebuild import cache\ncache.volatile('reads the build')\nprint(1)"
    for _ in range(2):
        s.build([("e", "", "print(1)")], page="errata.md")
        assert s.executed == ["e"]
        s.build([("v", "", vol)])
        assert s.executed == ["v"]
    assert entry_files(tmp_path) == []


def test_fence_option_cache_off_always_runs(tmp_path: Path) -> None:
    """A block marked ``cache="off"`` (say, one printing a measured time) runs on every build."""
    s = Site(tmp_path)
    for _ in range(2):
        s.build([("o", "", "print(2)")])
        with current_record().on_page(PAGE):
            assert s.runner("print(3)", session="", id="t", cache="off") == "3\n"
    assert s.executed == ["t"]  # the last build: o was a hit, t ran
    assert len(entry_files(tmp_path)) == 1


def test_url_dependency_invalidates_when_pages_move(tmp_path: Path) -> None:
    """A block that printed page URLs is served only while the site's URLs are the same."""
    s = Site(tmp_path)
    code = "from nnnotes.sitebuild import cache\ncache.depends_on('urls')\nprint('link')"
    s.runner.context["urls"] = "layout-1"
    s.build([("u", "", code)])
    s.build([("u", "", code)])
    assert s.executed == []
    s.runner.context["urls"] = "layout-2"
    s.build([("u", "", code)])
    assert s.executed == ["u"]


def test_imports_are_found_in_every_kind_of_statement_body() -> None:
    """An import nested in a function, class, try/except/else/finally, with, loop or match arm counts.

    The reader walks statement bodies only (an import is a statement); expressions, such as a
    lambda or a call to ``__import__``, hold none. ``if TYPE_CHECKING:`` bodies never run.
    """
    code = """
def f():
    import pkg.a
class K:
    from pkg import b
try:
    import pkg.c
except ImportError:
    import pkg.d
else:
    import pkg.e
finally:
    import pkg.f
with open("x") as h:
    import pkg.g
for i in range(2):
    pass
else:
    import pkg.h
while False:
    import pkg.i
match 1:
    case 1:
        import pkg.j
if TYPE_CHECKING:
    import pkg.k
else:
    import pkg.l
g = lambda: __import__("pkg.m")
"""
    found = imports_of(code, "pkg")
    assert found == {f"pkg.{m}" for m in "acdefghijl"} | {"pkg", "pkg.b"}
