"""The record of a build: every check made, on an object, never in a module global.

A `BuildRecord` holds the `CheckRecord` of every derivation and claim made while it is the
*current record*, and the page being built. Which record is current is kept in a
`contextvars.ContextVar`, so two builds (two threads, two asyncio tasks, two nested
`recording` blocks) never mix their records. A script, a doctest or a test that never asks for a
record gets one made for its context on first use, so checks just work outside a build.

The API, in full:

``BuildRecord()``
    ``records`` (a copy, ``list[CheckRecord]``, in the order added);
    ``add(rec) -> CheckRecord`` (a record with no page gets the current page; the stored record is
    returned); ``page`` (the current page, ``str`` or ``None``, assignable);
    ``with rec.on_page(page):`` (the current page inside the block, restored after);
    ``for_page(page) -> list[CheckRecord]``; ``replace_page(page, records)`` (drop the page's records,
    put these in their place: what a block cache uses to replay a page);
    ``mark() -> int`` and ``since(mark) -> list[CheckRecord]`` (the records added by one block);
    ``discard_since(mark) -> list[CheckRecord]`` (drop them, e.g. after replaying blocks whose
    checks were already restored); ``clear()``; ``len(rec)``.
``current_record() -> BuildRecord``
    The current record of this context (made on first use if none is set).
``with recording(record=None) as rec:``
    Make ``rec`` (a new `BuildRecord` if ``record`` is ``None``) the current record inside the
    block; the previous one is current again after it.

Examples
--------
>>> from nnnotes.check import claim_exact
>>> with recording() as rec, rec.on_page("demo.md"):
...     _ = claim_exact("demo-record", "$1 + 1 = 2$", 1 + 1, 2)
>>> [(r.name, r.page) for r in rec.records]
[('demo-record', 'demo.md')]
>>> rec is current_record()
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["BuildRecord", "CheckRecord", "current_record", "recording", "slug"]


def slug(name: str) -> str:
    """Return a lower-case, dash-separated form of ``name`` usable as an HTML id.

    Examples
    --------
    >>> slug("Cauchy-Schwarz (case 2b)")
    'cauchy-schwarz-case-2b'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass(frozen=True)
class CheckRecord:
    """One check made during the build.

    Attributes
    ----------
    kind : str
        ``"derivation"`` or ``"claim"``.
    name : str
        The check's name, unique on its page.
    statement : str
        What was checked, as Markdown (math in ``$...$``).
    method : str
        ``"symbolic"`` (proved by sympy), ``"numeric"`` (evaluated, not proved), or
        ``"exact"`` (exact rational or integer arithmetic).
    detail : str
        How, in a few words (the strategies or tolerances used).
    seconds : float
        Time the check took.
    ok : bool
        Whether it held.
    page : str or None
        Source path of the page that made it (``None`` outside a build).
    scope : str or None
        For a derivation, what it covers (`nnnotes.check.derivation.Derivation.covers`).
    extra : dict
        Further facts for the report (a derivation's domain, its counts of proved steps).
    """

    kind: str
    name: str
    statement: str
    method: str
    detail: str
    seconds: float
    ok: bool
    page: str | None = None
    scope: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def anchor(self) -> str:
        """HTML id of the place on its page where the check is shown."""
        return f"check-{slug(self.name)}"


def _check_mark(mark: object) -> int:
    if not isinstance(mark, int) or isinstance(mark, bool) or mark < 0:
        raise TypeError(f"mark must be a value returned by BuildRecord.mark(), got {mark!r}")
    return mark


class BuildRecord:
    """The checks made during one build, and the page being built.

    Examples
    --------
    A block cache takes the checks one block made, and later puts them back on the page:

    >>> from nnnotes.check import claim
    >>> rec = BuildRecord()
    >>> with recording(rec), rec.on_page("a.md"):
    ...     m = rec.mark()
    ...     _ = claim("a-one", "$1 > 0$", 1 > 0, detail="compared")
    ...     made = rec.since(m)
    >>> [r.name for r in made], rec.page
    (['a-one'], None)
    >>> rec.replace_page("a.md", made + made)
    >>> [r.name for r in rec.for_page("a.md")]
    ['a-one', 'a-one']
    """

    def __init__(self) -> None:
        # (sequence number, record): marks count additions, so they survive `replace_page`
        self._entries: list[tuple[int, CheckRecord]] = []
        self._added = 0
        self.page: str | None = None

    def __repr__(self) -> str:
        return f"<BuildRecord: {len(self._entries)} checks, page={self.page!r}>"

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def records(self) -> list[CheckRecord]:
        """A copy of the records, in the order they were added."""
        return [r for _, r in self._entries]

    def add(self, rec: CheckRecord) -> CheckRecord:
        """Append ``rec`` (given the current page if it has none) and return what was stored."""
        if not isinstance(rec, CheckRecord):
            raise TypeError(f"rec must be a CheckRecord, got {type(rec).__name__}")
        if rec.page is None and self.page is not None:
            rec = replace(rec, page=self.page)
        self._entries.append((self._added, rec))
        self._added += 1
        return rec

    @contextmanager
    def on_page(self, page: str | None) -> Iterator[BuildRecord]:
        """Attribute the records added inside the ``with`` block to ``page``."""
        if page is not None and not isinstance(page, str):
            raise TypeError(f"page must be a string or None, got {type(page).__name__}")
        previous, self.page = self.page, page
        try:
            yield self
        finally:
            self.page = previous

    def for_page(self, page: str | None) -> list[CheckRecord]:
        """Return the records made on ``page``, in order."""
        return [r for _, r in self._entries if r.page == page]

    def replace_page(self, page: str, records: Iterable[CheckRecord]) -> None:
        """Drop the records of ``page`` and put ``records`` (attributed to ``page``) in their place.

        The new records take the position of the page's first old record, or go at the end if the
        page had none.
        """
        if not isinstance(page, str):
            raise TypeError(f"page must be a string, got {type(page).__name__}")
        given = list(records)
        bad = next((r for r in given if not isinstance(r, CheckRecord)), None)
        if bad is not None:
            raise TypeError(f"records must be CheckRecord objects, got a {type(bad).__name__}")
        new = [replace(r, page=page) for r in given]
        kept = [e for e in self._entries if e[1].page != page]
        # every entry before the page's first one is kept, so its index is also its place in `kept`
        at = next((i for i, (_, r) in enumerate(self._entries) if r.page == page), len(kept))
        fresh = [(self._added + i, r) for i, r in enumerate(new)]
        self._added += len(new)
        self._entries = kept[:at] + fresh + kept[at:]

    def mark(self) -> int:
        """Return a mark; `since` gives the records added after it."""
        return self._added

    def since(self, mark: int) -> list[CheckRecord]:
        """Return the records added after ``mark`` (and still held), in order."""
        m = _check_mark(mark)
        return [r for n, r in self._entries if n >= m]

    def discard_since(self, mark: int) -> list[CheckRecord]:
        """Drop the records added after ``mark`` and return them."""
        m = _check_mark(mark)
        gone = [r for n, r in self._entries if n >= m]
        self._entries = [e for e in self._entries if e[0] < m]
        return gone

    def clear(self) -> None:
        """Forget every record (the page being built is kept)."""
        self._entries.clear()


_CURRENT: ContextVar[BuildRecord] = ContextVar("nnnotes_build_record")


def current_record() -> BuildRecord:
    """Return the current `BuildRecord` of this context, making one if none is set.

    Examples
    --------
    >>> with recording() as rec:
    ...     current_record() is rec
    True
    """
    try:
        return _CURRENT.get()
    except LookupError:
        rec = BuildRecord()
        _CURRENT.set(rec)
        return rec


@contextmanager
def recording(record: BuildRecord | None = None) -> Iterator[BuildRecord]:
    """Make ``record`` (a new one if ``None``) the current record inside the ``with`` block.

    Examples
    --------
    >>> from nnnotes.check import claim
    >>> with recording() as outer:
    ...     with recording() as inner:
    ...         _ = claim("inner-check", "$0 = 0$", True, detail="d")
    ...     len(outer), len(inner)
    (0, 1)
    """
    if record is None:
        record = BuildRecord()
    elif not isinstance(record, BuildRecord):
        raise TypeError(f"record must be a BuildRecord or None, got {type(record).__name__}")
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)
