"""Before a block re-runs, the cache replays only the served blocks it needs, or all when unsure."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nnnotes.check.record import current_record
from nnnotes.sitebuild.cache import BlockCache, CachedRunner
from nnnotes.sitebuild.execute import Sessions
from nnnotes.sitebuild.replay import Names, needed

PAGE = "replay.md"


class Page:
    """Builds of one page of one session through a `CachedRunner`; counts every execution."""

    def __init__(self, folder: Path, mode: str = "on") -> None:
        self.executed: list[str] = []
        self.sessions = Sessions()

        def run(code: str, **kwargs: Any) -> str:
            self.executed.append(kwargs["id"])
            return self.sessions.run(code, **kwargs)

        self.runner = CachedRunner(run, BlockCache(folder), mode=mode, environment="replay-test")

    def build(self, blocks: dict[str, str]) -> dict[str, str]:
        """Run the blocks (id -> code) in order in one session, as a fresh build does."""
        self.executed = []
        current_record().clear()
        self.sessions.reset()
        self.runner.start_build()
        with current_record().on_page(PAGE):
            return {i: self.runner(code, session="s", id=i) for i, code in blocks.items()}


@pytest.fixture
def shared_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throw-away importable module whose attributes blocks may change."""
    (tmp_path / "h7shared.py").write_text(
        "FLAG = 'initial'\n\n\ndef set_flag():\n    global FLAG\n    FLAG = 'set'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "h7shared"
    sys.modules.pop("h7shared", None)


def rebuild(folder: Path, blocks: dict[str, str], edits: dict[str, str]) -> tuple[Page, dict[str, str]]:
    """Build ``blocks`` once (filling the cache), then again with ``edits``; return the page and outputs."""
    page = Page(folder)
    page.build(blocks)
    out = page.build({**blocks, **edits})
    return page, out


def test_a_rerunning_block_replays_only_the_block_it_reads(tmp_path: Path) -> None:
    """Only the served block that binds the variable the edited block reads runs again."""
    blocks = {"a": "a = 1", "b": "b = 2\nprint(b)", "c": "c = [3]", "d": "print(b)"}
    page, out = rebuild(tmp_path, blocks, {"d": "print(b * 10)"})
    assert page.executed == ["b", "d"]
    assert out == {"a": "", "b": "2\n", "c": "", "d": "20\n"}
    assert page.runner.stats["replayed"] == 1


def test_dependencies_are_followed_transitively(tmp_path: Path) -> None:
    """A block read through another one (``y = x + 1``) replays too, in page order."""
    blocks = {"x": "x = 4", "z": "z = 0", "y": "y = x + 1", "p": "print(y)"}
    page, out = rebuild(tmp_path, blocks, {"p": "print(y * 2)"})
    assert page.executed == ["x", "y", "p"]
    assert out["p"] == "10\n"


def test_a_skipped_block_still_replays_for_a_later_block(tmp_path: Path) -> None:
    """A served block left out for one re-run is replayed when a later re-running block needs it."""
    blocks = {"a": "a = 1", "b": "b = 2", "pa": "print(a)", "pb": "print(b)"}
    page, out = rebuild(tmp_path, blocks, {"pa": "print(a + 100)", "pb": "print(b + 100)"})
    assert page.executed == ["a", "pa", "b", "pb"]
    assert (out["pa"], out["pb"]) == ("101\n", "102\n")


def test_a_block_that_changes_a_name_an_earlier_block_read_replays_it_first(tmp_path: Path) -> None:
    """``y = x`` must replay before ``x`` is rebound: replayed later it would see the new ``x``."""
    blocks = {"x": "x = 1", "y": "y = x", "rebind": "x = 5", "p": "print(y, x)"}
    page, out = rebuild(tmp_path, blocks, {"rebind": "x = 6", "p": "print(y, x, 0)"})
    assert page.executed == ["x", "y", "rebind", "p"]
    assert out["p"] == "1 6 0\n"


def test_a_block_that_mutates_an_earlier_object_through_an_alias_replays(tmp_path: Path) -> None:
    """``alias.append`` changes ``rows``: the block printing ``rows`` needs every block that touched it."""
    blocks = {
        "rows": "rows = [1]",
        "alias": "alias = rows",
        "append": "alias.append(2)",
        "other": "n = 7",
        "print": "print(rows)",
    }
    page, out = rebuild(tmp_path, blocks, {"print": "print(sorted(rows, reverse=True))"})
    assert page.executed == ["rows", "alias", "append", "print"]
    assert out["print"] == "[2, 1]\n"


@pytest.mark.parametrize(
    ("changer", "reader"),
    [
        # attribute mutation of a shared object (an imported module): every served block replays
        ("h7shared.FLAG = 'changed'", "print(h7shared.FLAG)"),
        # a call made for its side effect on an imported module
        ("h7shared.set_flag()", "print(h7shared.FLAG)"),
        # the global random generator is state that no name shows
        ("np.random.seed(3)", "print(round(float(np.random.rand()), 6))"),
        # exec binds names the analysis cannot see
        ("exec('hidden = 42')", "print(hidden)"),
    ],
)
def test_a_block_the_analysis_cannot_read_makes_every_served_block_replay(
    tmp_path: Path, shared_module: str, changer: str, reader: str
) -> None:
    """Unknown effects: every earlier served block replays in order, and the output is the fresh one."""
    blocks = {
        "imports": f"import numpy as np\nimport {shared_module}",
        "changer": changer,
        "unrelated": "u = 1",
        "reader": reader,
    }
    page = Page(tmp_path / "cache")
    first = page.build(blocks)
    fresh = Page(tmp_path / "off").build({**blocks, "reader": reader + "\nprint('edited')"})
    sys.modules.pop(shared_module, None)  # the module as a new build process would import it
    again = page.build({**blocks, "reader": reader + "\nprint('edited')"})
    assert page.executed == ["imports", "changer", "unrelated", "reader"]
    assert again["reader"] == first["reader"] + "edited\n" == fresh["reader"]


@pytest.mark.parametrize(
    "code",
    [
        "from math import *",
        "exec('x = 1')",
        "eval('x')",
        "g = globals()",
        "def f():\n    global x\n    x = 1",
        "import mpmath\nmpmath.mp.dps = 50",
        "import numpy as np\nnp.random.seed(0)",
        "import numpy as np\nv = np.random.rand(3)",
        "import numpy\nnumpy = 3",
        "x = (",
    ],
)
def test_what_hides_its_effects_is_opaque(code: str) -> None:
    """Each of these makes the analysis give up (every served block then replays)."""
    assert Names.of(code).opaque
    assert needed([Names.of("a = 1"), Names.of("b = 2")], Names.of(code), [0, 1]) == [0, 1]


@pytest.mark.parametrize(
    "code",
    ["import numpy as np\nrng = np.random.default_rng(6)\nprint(rng.normal())", "rows.append(1)", "print(x)"],
)
def test_ordinary_blocks_are_read(code: str) -> None:
    """A seeded generator, a method call on a session variable and a print are understood."""
    assert not Names.of(code).opaque


def test_verify_mode_runs_every_block(tmp_path: Path) -> None:
    """In verify mode (CI) nothing is served, so every block runs, in order, and none is replayed."""
    blocks = {"a": "a = 1", "b": "b = 2", "p": "print(b)"}
    Page(tmp_path).build(blocks)
    page = Page(tmp_path, mode="verify")
    page.build(blocks)
    assert page.executed == ["a", "b", "p"] and page.runner.stats["replayed"] == 0
