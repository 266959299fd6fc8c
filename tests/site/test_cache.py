"""The block cache serves unchanged blocks, re-runs exactly the changed ones, and survives damage."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_exec import ExecutionError

from nnnotes.check.record import current_record
from nnnotes.sitebuild import cache
from nnnotes.sitebuild import store as store_mod
from nnnotes.sitebuild.cache import BlockCache, CachedRunner, Entry, StringStore
from nnnotes.sitebuild.execute import Sessions
from nnnotes.sitebuild.imports import ModuleIndex

VERSIONS = {"python": "3.11.7", "numpy": "2.0.0", "sympy": "1.13.0"}
PAGE = "p.md"

#: A page: (id, session, code). Blocks a1 and a2 share a session; a2 uses a1's variable.
BLOCKS = [
    ("a1", "cache-s", "x = 2\nprint(x)"),
    ("a2", "cache-s", "y = x * 3\nprint(y)"),
    ("b", "", "print('b')"),
    ("c1", "cache-t", "z = 5\nprint(z)"),
]


class Site:
    """Builds of one page through a `CachedRunner`, recording which blocks actually executed."""

    def __init__(
        self, folder: Path, mode: str = "on", never: tuple[str, ...] = (), index: ModuleIndex | None = None
    ) -> None:
        self.executed: list[str] = []
        self.environment = cache.environment_fingerprint(VERSIONS)
        self.sessions = Sessions()

        def run(code: str, **kwargs: Any) -> str:
            self.executed.append(kwargs["id"])
            return self.sessions.run(code, **kwargs)

        self.runner = CachedRunner(
            run, BlockCache(folder), mode=mode, environment=self.environment, never=never, index=index
        )

    def build(
        self,
        blocks: list[tuple[str, str, str]] = BLOCKS,
        page: str = PAGE,
        environment: str | None = None,
        index: ModuleIndex | None = None,
    ) -> dict[str, str]:
        """Run every block of the page in order, as a fresh build does; return outputs by id."""
        self.executed = []
        current_record().clear()
        self.sessions.reset()
        self.runner.start_build(environment or self.environment, index)
        with current_record().on_page(page):
            return {i: self.runner(code, session=s, id=i) for i, s, code in blocks}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A fresh cache folder and a site that has been built once (every entry stored)."""
    s = Site(tmp_path / "cache")
    s.build()
    yield s
    current_record().clear()


def edited(block_id: str, code: str) -> list[tuple[str, str, str]]:
    """Return the page with the code of one block replaced."""
    return [(i, s, code if i == block_id else c) for i, s, c in BLOCKS]


def test_first_build_runs_and_second_build_hits_everything(site: Site) -> None:
    """A rebuild of an unchanged page executes nothing and prints exactly what a fresh run did."""
    fresh = Site(site.runner.cache.folder.parent / "other").build()
    again = site.build()
    assert site.executed == []
    assert again == fresh == {"a1": "2\n", "a2": "6\n", "b": "b\n", "c1": "5\n"}
    assert site.runner.stats["hits"] == 4


@pytest.mark.parametrize(
    ("block", "code", "executed", "outputs"),
    [
        # the later block of a session: its earlier block is replayed (for x), not re-printed
        ("a2", "y = x * 4\nprint(y)", ["a1", "a2"], {"a2": "8\n"}),
        # an earlier block of a session: it and every later block of its session re-run
        ("a1", "x = 10\nprint(x)", ["a1", "a2"], {"a1": "10\n", "a2": "30\n"}),
        ("b", "print('B')", ["b"], {"b": "B\n"}),
        ("c1", "z = 6\nprint(z)", ["c1"], {"c1": "6\n"}),
    ],
)
def test_editing_a_block_reruns_exactly_the_affected_blocks(
    site: Site, block: str, code: str, executed: list[str], outputs: dict[str, str]
) -> None:
    """Editing a block re-runs it and the later blocks of its session; the others are hits."""
    out = site.build(edited(block, code))
    assert site.executed == executed
    assert out == {"a1": "2\n", "a2": "6\n", "b": "b\n", "c1": "5\n"} | outputs
    replayed = 1 if block == "a2" else 0
    assert site.runner.stats["replayed"] == replayed
    assert site.runner.stats["misses"] == len(executed) - replayed


def test_an_edit_in_one_session_leaves_the_earlier_blocks_cached(site: Site) -> None:
    """After an edit of a2, the old and the new versions of the page are both served from cache."""
    site.build(edited("a2", "y = x * 4\nprint(y)"))
    site.build(edited("a2", "y = x * 4\nprint(y)"))
    assert site.executed == []
    site.build()
    assert site.executed == []


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


def test_hit_restores_the_checks_on_the_current_page(tmp_path: Path) -> None:
    """Claims made by a block are re-recorded, with their page, when the block comes from cache."""
    code = (
        "from nnnotes.check import claim\n"
        "print(claim('cache-test-claim', '$1 = 1$', True, detail='identity', method='exact')"
        ".markdown())"
    )
    s = Site(tmp_path)
    first = s.build([("k", "", code)], page="q.md")
    ran = current_record().records
    second = s.build([("k", "", code)], page="q.md")
    assert s.executed == [] and first == second
    restored = current_record().records
    assert [r.page for r in restored] == ["q.md"]
    assert restored == ran


def test_replay_does_not_duplicate_checks(tmp_path: Path) -> None:
    """A replayed block's checks are not recorded twice (the cache already restored them)."""
    one = "from nnnotes.check import claim\nc = claim('cache-replay', '$0 = 0$', True, detail='d')\nprint(1)"
    blocks = [("r1", "cache-r", one), ("r2", "cache-r", "print(c.ok)")]
    s = Site(tmp_path)
    s.build(blocks)
    out = s.build([blocks[0], ("r2", "cache-r", "print(not c.ok)")])
    assert s.executed == ["r1", "r2"] and out["r2"] == "False\n"
    assert [r.name for r in current_record().records] == ["cache-replay"]


def _entry_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
        pytest.param(lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), id="garbage"),
        pytest.param(
            lambda p: p.write_text(p.read_text().replace('"output": "b\\n"', '"output": "evil\\n"')),
            id="edited-output",
        ),
    ],
)
def test_corrupt_entry_is_ignored_with_a_warning_and_rebuilt(
    site: Site, damage: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    """A damaged entry is reported, its block runs again, and the entry is rewritten whole."""
    files = _entry_files(site.runner.cache.folder)
    target = next(p for p in files if '"output": "b\\n"' in p.read_text())
    damage(target)
    with caplog.at_level(logging.WARNING, logger="nnnotes.cache"):
        out = site.build()
    assert out["b"] == "b\n"
    assert site.executed == ["b"]
    assert any("corrupt entry" in r.getMessage() for r in caplog.records)
    site.build()
    assert site.executed == []


def test_unwritable_cache_only_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """If entries cannot be written (the folder is a file), blocks still run and print."""
    (tmp_path / "cache").write_text("not a folder")
    s = Site(tmp_path / "cache")
    with caplog.at_level(logging.WARNING, logger="nnnotes.cache"):
        assert s.build()["a2"] == "6\n"
    assert sum("cannot write" in r.getMessage() for r in caplog.records) == 4


def test_failing_block_is_never_cached(tmp_path: Path) -> None:
    """A block that raises leaves no entry, so the next build runs it (and fails) again."""
    s = Site(tmp_path)
    for _ in range(2):
        with pytest.raises(ExecutionError):
            s.build([("bad", "", "raise ValueError('no')")])
        assert s.executed == ["bad"]
    assert _entry_files(tmp_path) == []


def test_never_pages_and_volatile_blocks_always_run(tmp_path: Path) -> None:
    """Blocks on summary pages, or that read other pages' records, are not cached."""
    s = Site(tmp_path, never=("errata.md",))
    vol = "from nnnotes.sitebuild import cache\ncache.volatile('reads the build')\nprint(1)"
    for _ in range(2):
        s.build([("e", "", "print(1)")], page="errata.md")
        assert s.executed == ["e"]
        s.build([("v", "", vol)])
        assert s.executed == ["v"]
    assert _entry_files(tmp_path) == []


def test_fence_option_cache_off_always_runs(tmp_path: Path) -> None:
    """A block marked ``cache="off"`` (say, one printing a measured time) runs on every build."""
    s = Site(tmp_path)
    for _ in range(2):
        s.build([("o", "", "print(2)")])
        with current_record().on_page(PAGE):
            assert s.runner("print(3)", session="", id="t", cache="off") == "3\n"
    assert s.executed == ["t"]  # the last build: o was a hit, t ran
    assert len(_entry_files(tmp_path)) == 1


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


def test_verify_mode_runs_everything_and_flags_a_wrong_entry(site: Site, tmp_path: Path) -> None:
    """In verify mode every block runs; an entry that disagrees is reported, then replaced."""
    folder = site.runner.cache.folder
    checker = Site(folder, mode="verify")
    checker.build()
    assert checker.executed == ["a1", "a2", "b", "c1"]
    assert checker.runner.mismatches == [] and checker.runner.stats["verified"] == 4
    # a well-formed but wrong entry: what an incomplete key would produce
    key = next(p.stem for p in _entry_files(folder) if '"output": "b\\n"' in p.read_text())
    BlockCache(folder).store(key, Entry("stale\n"))
    checker.build()
    assert len(checker.runner.mismatches) == 1
    assert "block 'b'" in checker.runner.mismatches[0] and "'stale" in checker.runner.mismatches[0]
    checker.build()
    assert checker.runner.mismatches == []


@pytest.mark.parametrize("mode", ["off", "skip"])
def test_off_and_skip_modes_leave_the_cache_alone(tmp_path: Path, mode: str) -> None:
    """``off`` runs every block as upstream does; ``skip`` runs none and prints nothing."""
    s = Site(tmp_path / "c", mode=mode)
    out = s.build()
    assert not (tmp_path / "c").exists()
    if mode == "off":
        assert s.executed == ["a1", "a2", "b", "c1"] and out["a2"] == "6\n"
    else:
        assert s.executed == [] and set(out.values()) == {""}


def test_unknown_mode_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in NNNOTES_CACHE is an error naming the allowed values, not a silent default."""
    monkeypatch.setenv("NNNOTES_CACHE", "verfy")
    with pytest.raises(ValueError, match="NNNOTES_CACHE must be one of on, off, verify, skip"):
        cache.mode_from_env()


def test_concurrent_writers_never_expose_a_partial_entry(tmp_path: Path) -> None:
    """Writers racing on one key always leave a whole entry that a reader can load."""
    store = BlockCache(tmp_path)
    key = "ab" * 32
    bad: list[Any] = []

    def write(n: int) -> None:
        for k in range(30):
            store.store(key, Entry(f"{n}-{k}\n" * 2000))

    def read() -> None:
        for _ in range(60):
            e = store.load(key)
            if e is not None and len(e.output.splitlines()) != 2000:
                bad.append(e)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=read))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bad == []
    assert store.load(key) is not None
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{key}.json"]


def test_stale_process_does_not_use_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """If the package changed since the process loaded it (mkdocs serve), the build is uncached."""
    from types import SimpleNamespace

    from nnnotes.sitebuild import plugin

    p = plugin.NnnotesPlugin()
    p.runner = Site(tmp_path).runner
    monkeypatch.setattr(plugin, "LOADED_PACKAGE", "not-what-is-on-disk")
    monkeypatch.setattr(plugin, "KatexRenderer", lambda: None)
    with caplog.at_level(logging.WARNING):
        p.on_pre_build(SimpleNamespace())
    p.on_build_error(RuntimeError("test over"))
    assert p.runner.mode == "off"
    assert any("restart `mkdocs serve`" in r.getMessage() for r in caplog.records)


def test_prune_drops_unused_and_excess_entries(site: Site) -> None:
    """Entries unused for long go, a hit counts as a use, and the folder is kept under its size cap."""
    store = site.runner.cache
    files = _entry_files(store.folder)
    old = time.time() - store_mod.MAX_AGE - 60
    for p in files:
        os.utime(p, (old, old))
    site.build(edited("b", "print('B')"))  # a1, a2, c1 are hits (used again); old b is not
    assert store.prune() == 1
    assert not any('"output": "b\\n"' in p.read_text() for p in _entry_files(store.folder))
    assert len(_entry_files(store.folder)) == 4
    for age, p in enumerate(_entry_files(store.folder)):
        os.utime(p, (time.time() - 10 * age, time.time() - 10 * age))
    newest = _entry_files(store.folder)[0]
    assert store.prune(max_bytes=newest.stat().st_size) == 3
    assert _entry_files(store.folder) == [newest]


def test_formula_store_round_trip_and_merge(tmp_path: Path) -> None:
    """Stored strings come back in the next build; two builds' additions are merged, not lost."""
    path = tmp_path / "katex.json"
    first, second = StringStore(path, "katex-1"), StringStore(path, "katex-1")
    first.put(StringStore.key("x^2", "False"), "<x2>")
    second.put(StringStore.key("y", "True"), "<y>")
    first.save()
    second.save()
    again = StringStore(path, "katex-1")
    assert again.get(StringStore.key("x^2", "False")) == "<x2>"
    assert again.get(StringStore.key("y", "True")) == "<y>"
    assert again.get(StringStore.key("x^2", "True")) is None


def test_formula_store_drops_formulas_no_longer_used(tmp_path: Path) -> None:
    """A build that adds a formula rewrites the store with only the formulas it used."""
    path = tmp_path / "katex.json"
    first = StringStore(path, "s")
    first.put("gone", "<gone>")
    first.put("kept", "<kept>")
    first.save()
    second = StringStore(path, "s")
    assert second.get("kept") == "<kept>"
    second.put("new", "<new>")
    second.save()
    third = StringStore(path, "s")
    assert (third.get("gone"), third.get("kept"), third.get("new")) == (None, "<kept>", "<new>")


def test_formula_store_forgets_on_a_new_katex(tmp_path: Path) -> None:
    """Another KaTeX version or option set (the salt) starts from an empty store."""
    path = tmp_path / "katex.json"
    old = StringStore(path, "katex-1")
    old.put("k", "<old>")
    old.save()
    assert StringStore(path, "katex-2").get("k") is None


@pytest.mark.parametrize("text", ["", "{", '{"items": {"k": "<evil>"}, "sha256": "0", "salt": "s"}'])
def test_formula_store_ignores_a_damaged_file(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A truncated or edited store is ignored with a warning, and rewritten whole."""
    path = tmp_path / "katex.json"
    path.write_text(text)
    with caplog.at_level(logging.WARNING, logger="nnnotes.cache"):
        store = StringStore(path, "s")
    assert store.get("k") is None
    assert any("ignoring corrupt" in r.getMessage() for r in caplog.records)
    store.put("k", "<good>")
    store.save()
    assert StringStore(path, "s").get("k") == "<good>"


# ---------------------------------------------------------------- through MkDocs
SITE_PAGE = """# Cached

Prose math $e^{i\\pi} + 1 = 0$ is typeset once and then kept by its TeX.

```python exec="1" id="cache-one" session="cache-mini"
from nnnotes.check import claim
c = claim("cache-mini-claim", "$2 + 2 = 4$", 2 + 2 == 4, detail="integer sum", method="exact")
```

```python exec="1" id="cache-two" session="cache-mini"
print(c.markdown())
```
"""

REPORT = """# Verification report

```python exec="1" id="verification-report"
from nnnotes.sitebuild.hooks import url_for
from nnnotes.check.verification import report_markdown

print(report_markdown(url_for))
```
"""


def test_mkdocs_builds_from_the_cache_and_recovers_from_damage(
    mini_site: Callable[[dict[str, str]], subprocess.CompletedProcess[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through MkDocs: a rebuild hits and renders the same pages and the same report.

    Then, in verify mode, a truncated entry is reported and rewritten, and a wrong entry fails the
    build with a message naming the block.
    """
    monkeypatch.setenv("NNNOTES_CACHE", "on")
    pages = {"index.md": SITE_PAGE, "verification.md": REPORT}
    html = {}
    for n in range(2):
        proc = mini_site(pages)
        assert proc.returncode == 0, proc.stderr
        assert f"{2 * n} hits, {2 - 2 * n} ran and stored, 1 not cacheable" in proc.stderr
        html[n] = {p: (tmp_path / "site" / p).read_text() for p in ["index.html", "verification/index.html"]}
    assert html[0] == html[1]
    assert (tmp_path / ".cache" / "katex.json").is_file()
    assert html[1]["index.html"].count('class="katex"') == 2  # prose and block output
    assert "cache-mini-claim" in html[1]["verification/index.html"]
    assert 'id="check-cache-mini-claim"' in html[1]["index.html"]

    folder = tmp_path / ".cache" / "blocks"
    entries = _entry_files(folder)
    assert len(entries) == 2
    printed = next(p for p in entries if "check-cache-mini-claim" in p.read_text())
    silent = next(p for p in entries if p != printed)
    silent.write_text(silent.read_text()[:50])
    data = json.loads(printed.read_text())
    BlockCache(folder).store(printed.stem, Entry("wrong\n", data["entry"]["records"]))
    monkeypatch.setenv("NNNOTES_CACHE", "verify")
    proc = mini_site(pages)
    assert proc.returncode != 0
    assert "ignoring corrupt entry" in proc.stderr
    assert BlockCache(folder).load(silent.stem) is not None
    assert "block 'cache-two' printed something else than its cache entry" in proc.stderr
