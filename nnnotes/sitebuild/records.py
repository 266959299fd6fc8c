"""The site build's few points of contact with the checking engine's record of a build.

The plugin holds one `nnnotes.check.BuildRecord` per build and makes it the current record while
the build runs (`nnnotes.check.recording`); the block cache reads and restores checks through
these functions, which act on the current record.

Examples
--------
>>> from nnnotes.check import BuildRecord, claim_exact, recording
>>> with recording(BuildRecord()), on_page("demo.md"):
...     m = mark()
...     _ = claim_exact("demo-mark", "$1 + 1 = 2$", 1 + 1, 2)
...     made = [(r.name, r.page) for r in since(m)]
...     discard_since(m)
...     left = since(m)
>>> made, left
([('demo-mark', 'demo.md')], [])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from nnnotes.check.record import CheckRecord, current_record

__all__ = ["CheckRecord", "add", "current_page", "discard_since", "mark", "on_page", "set_page", "since"]


def current_page() -> str | None:
    """Return the page being built (its path under ``docs/``), or ``None``."""
    return current_record().page


def set_page(page: str | None) -> None:
    """Attribute the checks made from now on to ``page``."""
    current_record().page = page


@contextmanager
def on_page(page: str | None) -> Iterator[None]:
    """Attribute the checks made inside the ``with`` block to ``page``."""
    with current_record().on_page(page):
        yield


def mark() -> int:
    """Return a mark of the record's current end (for `since` and `discard_since`)."""
    return current_record().mark()


def since(m: int) -> list[CheckRecord]:
    """Return the checks recorded after mark ``m``."""
    return current_record().since(m)


def discard_since(m: int) -> None:
    """Drop the checks recorded after mark ``m`` (a replayed block's checks, already restored)."""
    current_record().discard_since(m)


def add(records: Iterable[CheckRecord]) -> None:
    """Append ``records`` to the current record."""
    rec = current_record()
    for r in records:
        rec.add(r)
