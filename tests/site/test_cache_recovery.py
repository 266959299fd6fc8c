"""The block cache survives damage: corrupt or wrong entries, an unwritable folder, stale code.

Damaged entries are reported and rebuilt, failing blocks are never stored, verify mode flags a
wrong entry, the modes are checked, a stale ``mkdocs serve`` process builds uncached, and a whole
MkDocs build recovers from a damaged cache.
"""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_exec import ExecutionError

from nnnotes.sitebuild import cache
from nnnotes.sitebuild.cache import BlockCache, Entry
from tests import cache_site
from tests.cache_site import Site, entry_files

site = cache_site.site


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
    files = entry_files(site.runner.cache.folder)
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
    assert entry_files(tmp_path) == []


def test_verify_mode_runs_everything_and_flags_a_wrong_entry(site: Site, tmp_path: Path) -> None:
    """In verify mode every block runs; an entry that disagrees is reported, then replaced."""
    folder = site.runner.cache.folder
    checker = Site(folder, mode="verify")
    checker.build()
    assert checker.executed == ["a1", "a2", "b", "c1"]
    assert checker.runner.mismatches == [] and checker.runner.stats["verified"] == 4
    # a well-formed but wrong entry: what an incomplete key would produce
    key = next(p.stem for p in entry_files(folder) if '"output": "b\\n"' in p.read_text())
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
    entries = entry_files(folder)
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
