"""The site build's few points of contact with the checking engine's record of a build.

Everything the block cache and the plugin ask of `nnnotes.check.verification` goes through these
functions, so that moving the record onto an object (a ``BuildRecord``) changes this module only.

Examples
--------
>>> from nnnotes.check import claim_exact
>>> start()
>>> with on_page("demo.md"):
...     m = mark()
...     _ = claim_exact("demo-mark", "$1 + 1 = 2$", 1 + 1, 2)
>>> [(r.name, r.page) for r in since(m)]
[('demo-mark', 'demo.md')]
>>> discard_since(m); since(m)
[]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from nnnotes.check import verification
from nnnotes.check.verification import CheckRecord

__all__ = [
    "CheckRecord",
    "add",
    "current_page",
    "discard_since",
    "mark",
    "on_page",
    "set_page",
    "since",
    "start",
]


def start() -> None:
    """Begin a build's record: no check, no page."""
    verification.reset()
    verification.set_page(None)


def current_page() -> str | None:
    """Return the page being built (its path under ``docs/``), or ``None``."""
    return verification.current_page()


def set_page(page: str | None) -> None:
    """Attribute the checks made from now on to ``page``."""
    verification.set_page(page)


@contextmanager
def on_page(page: str | None) -> Iterator[None]:
    """Attribute the checks made inside the ``with`` block to ``page``."""
    with verification.on_page(page):
        yield


def mark() -> int:
    """Return a mark of the record's current end (for `since` and `discard_since`)."""
    return len(verification.records())


def since(m: int) -> list[CheckRecord]:
    """Return the checks recorded after mark ``m``."""
    return verification.records()[m:]


def discard_since(m: int) -> None:
    """Drop the checks recorded after mark ``m`` (a replayed block's checks, already restored)."""
    kept = verification.records()[:m]
    page = verification.current_page()
    verification.reset()
    for rec in kept:
        verification.add_record(rec)
    verification.set_page(page)


def add(records: Iterable[CheckRecord]) -> None:
    """Append ``records`` to the record."""
    for rec in records:
        verification.add_record(rec)


def all_records() -> list[CheckRecord]:
    """Return every check recorded so far in this build."""
    return verification.records()
