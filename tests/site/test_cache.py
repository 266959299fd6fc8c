"""The block cache serves unchanged blocks and re-runs exactly the changed ones.

What it stores and serves: hits on an unchanged page, the blocks an edit re-runs, the checks a hit
restores, whole entries under racing writers, pruning, and the store of typeset formulas.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from nnnotes.check.record import current_record
from nnnotes.sitebuild import store as store_mod
from nnnotes.sitebuild.cache import BlockCache, Entry, StringStore
from tests import cache_site
from tests.cache_site import Site, edited, entry_files

site = cache_site.site


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


def test_prune_drops_unused_and_excess_entries(site: Site) -> None:
    """Entries unused for long go, a hit counts as a use, and the folder is kept under its size cap."""
    store = site.runner.cache
    files = entry_files(store.folder)
    old = time.time() - store_mod.MAX_AGE - 60
    for p in files:
        os.utime(p, (old, old))
    site.build(edited("b", "print('B')"))  # a1, a2, c1 are hits (used again); old b is not
    assert store.prune() == 1
    assert not any('"output": "b\\n"' in p.read_text() for p in entry_files(store.folder))
    assert len(entry_files(store.folder)) == 4
    for age, p in enumerate(entry_files(store.folder)):
        os.utime(p, (time.time() - 10 * age, time.time() - 10 * age))
    newest = entry_files(store.folder)[0]
    assert store.prune(max_bytes=newest.stat().st_size) == 3
    assert entry_files(store.folder) == [newest]


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
