"""A page of four blocks built through the block cache, for the cache's tests.

`Site` runs one page's blocks through a `CachedRunner` and records which ones really executed; the
`site` fixture is a fresh cache folder with that page built once. Test modules take the fixture by
assigning it (``site = cache_site.site``), so that pytest finds it there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nnnotes.check.record import current_record
from nnnotes.sitebuild import cache
from nnnotes.sitebuild.cache import BlockCache, CachedRunner
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


def entry_files(folder: Path) -> list[Path]:
    """The cache's entry files under ``folder``, sorted."""
    return sorted(folder.rglob("*.json"))
