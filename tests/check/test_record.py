"""The record of a build lives on a `BuildRecord`, made current per context, never in a module global."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from nnnotes.check import Derivation, claim, claim_exact
from nnnotes.check.record import BuildRecord, CheckRecord, current_record, recording


def _rec(name: str, page: str | None = None) -> CheckRecord:
    return CheckRecord("claim", name, f"statement of {name}", "exact", "d", 0.0, True, page=page)


def _names(recs: list[CheckRecord]) -> list[str]:
    return [r.name for r in recs]


def test_nested_recordings_do_not_mix(record: BuildRecord) -> None:
    """Checks made in an inner `recording` go to it only; the outer record is current again after."""
    claim_exact("before", "$1 = 1$", 1, 1)
    with recording() as inner:
        assert current_record() is inner
        claim_exact("inside", "$2 = 2$", 2, 2)
        with recording() as innermost:
            claim_exact("deepest", "$3 = 3$", 3, 3)
        claim_exact("inside-again", "$4 = 4$", 4, 4)
    claim_exact("after", "$5 = 5$", 5, 5)
    assert current_record() is record
    assert _names(record.records) == ["before", "after"]
    assert _names(inner.records) == ["inside", "inside-again"]
    assert _names(innermost.records) == ["deepest"]


def test_recording_restores_the_previous_record_when_the_block_raises(record: BuildRecord) -> None:
    """A failed claim inside `recording` is recorded there, and the outer record is current again."""
    with pytest.raises(Exception, match="is false"), recording() as inner:
        claim("false-one", "$1 = 2$", False, detail="d")
    assert current_record() is record
    assert [(r.name, r.ok) for r in inner.records] == [("false-one", False)]
    assert record.records == []


def test_recording_uses_a_given_record_and_rejects_anything_else() -> None:
    """`recording(rec)` makes that very object current; a non-record is a TypeError naming the argument."""
    rec = BuildRecord()
    with recording(rec) as got:
        assert got is rec and current_record() is rec
    with pytest.raises(TypeError, match="record must be a BuildRecord"), recording([]):  # type: ignore[arg-type]
        pass


def test_a_thread_gets_its_own_record(record: BuildRecord) -> None:
    """A new thread starts with no current record: it makes its own, and the two never mix."""
    seen: dict[str, object] = {}

    def work() -> None:
        rec = current_record()
        with rec.on_page("thread.md"):
            claim_exact("in-thread", "$1 = 1$", 1, 1)
        seen["record"], seen["names"] = rec, _names(rec.records)

    with record.on_page("main.md"):
        claim_exact("in-main", "$1 = 1$", 1, 1)
        t = threading.Thread(target=work)
        t.start()
        t.join()
    assert seen["record"] is not record and seen["names"] == ["in-thread"]
    assert [(r.name, r.page) for r in record.records] == [("in-main", "main.md")]


def test_asyncio_tasks_record_separately() -> None:
    """Two tasks, each under its own `recording`, interleave their checks without mixing them."""

    async def page(name: str, gate: asyncio.Event, other: asyncio.Event) -> list[str]:
        with recording() as rec, rec.on_page(f"{name}.md"):
            claim_exact(f"{name}-1", "$1 = 1$", 1, 1)
            other.set()
            await gate.wait()  # the other task records while this one is suspended
            claim_exact(f"{name}-2", "$2 = 2$", 2, 2)
            return [f"{r.page}:{r.name}" for r in rec.records]

    async def main() -> tuple[list[str], list[str], BuildRecord]:
        a_go, b_go = asyncio.Event(), asyncio.Event()
        results = await asyncio.gather(page("a", a_go, b_go), page("b", b_go, a_go))
        return results[0], results[1], current_record()

    with recording() as outer:
        a, b, after = asyncio.run(main())
    assert a == ["a.md:a-1", "a.md:a-2"] and b == ["b.md:b-1", "b.md:b-2"]
    # each task ran in a copy of the caller's context: its `recording` never reached the caller's
    assert outer.records == [] and after is outer


def test_current_record_is_made_once_per_context() -> None:
    """Outside any `recording`, a context gets one record on first use and keeps it."""

    def first_use() -> tuple[bool, int]:
        rec = current_record()
        claim_exact("lazy", "$1 = 1$", 1, 1)
        return current_record() is rec, len(rec)

    assert contextvars.Context().run(first_use) == (True, 1)


def test_on_page_attributes_and_restores(record: BuildRecord) -> None:
    """Records added inside `on_page` get that page, nested pages restore, and an explicit page is kept."""
    with record.on_page("a.md"):
        claim_exact("on-a", "$1 = 1$", 1, 1)
        with record.on_page("b.md"):
            claim_exact("on-b", "$1 = 1$", 1, 1)
            record.add(_rec("explicit", page="c.md"))
        assert record.page == "a.md"
    assert record.page is None
    claim_exact("nowhere", "$1 = 1$", 1, 1)
    assert [(r.name, r.page) for r in record.records] == [
        ("on-a", "a.md"),
        ("on-b", "b.md"),
        ("explicit", "c.md"),
        ("nowhere", None),
    ]
    assert _names(record.for_page("b.md")) == ["on-b"]
    assert _names(record.for_page(None)) == ["nowhere"]


def test_a_failed_derivation_names_the_page(record: BuildRecord) -> None:
    """A false derivation step is recorded on the current page and its error names that page."""
    import sympy

    x = sympy.Symbol("x", real=True)
    with record.on_page("algebra.md"), pytest.raises(Exception, match=r"\(page algebra\.md\)"):
        Derivation((x + 1) ** 2, name="bad-square").step(x**2 + 1, "forget the cross term").verify()
    assert [(r.name, r.page, r.ok) for r in record.records] == [("bad-square", "algebra.md", False)]


def test_replace_page_keeps_the_place_and_the_other_pages() -> None:
    """A page's records are swapped in place: other pages' records keep their order around them."""
    rec = BuildRecord()
    for name, page in [("a1", "a.md"), ("b1", "b.md"), ("a2", "a.md"), ("c1", "c.md")]:
        rec.add(_rec(name, page))
    rec.replace_page("a.md", [_rec("x1"), _rec("x2", page="elsewhere.md")])
    assert [(r.name, r.page) for r in rec.records] == [
        ("x1", "a.md"),
        ("x2", "a.md"),
        ("b1", "b.md"),
        ("c1", "c.md"),
    ]
    rec.replace_page("new.md", [_rec("n1")])
    assert [(r.name, r.page) for r in rec.records][-1] == ("n1", "new.md")
    rec.replace_page("b.md", [])
    assert _names(rec.records) == ["x1", "x2", "c1", "n1"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.replace_page(None, []), "page must be a string"),
        (lambda r: r.replace_page("a.md", [object()]), "records must be CheckRecord objects, got a object"),
        (lambda r: r.add("not a record"), "rec must be a CheckRecord"),
        (lambda r: r.since(-1), "mark must be a value returned by BuildRecord.mark"),
        (lambda r: r.discard_since("0"), "mark must be a value returned by BuildRecord.mark"),
    ],
)
def test_bad_arguments_are_type_errors(call, message: str) -> None:
    """Wrong arguments fail loudly, naming the argument."""
    with pytest.raises(TypeError, match=message):
        call(BuildRecord())


def test_on_page_rejects_a_non_string() -> None:
    """A page is a source path or None."""
    with pytest.raises(TypeError, match="page must be a string or None"), BuildRecord().on_page(3):  # type: ignore[arg-type]
        pass


def test_mark_since_and_discard_since() -> None:
    """A mark takes the records one block added, even when another page was replaced meanwhile."""
    rec = BuildRecord()
    rec.add(_rec("old", "a.md"))
    m = rec.mark()
    rec.add(_rec("new-1", "b.md"))
    rec.replace_page("a.md", [_rec("old-again")])  # added after the mark as well
    rec.add(_rec("new-2", "b.md"))
    assert _names(rec.since(m)) == ["old-again", "new-1", "new-2"]
    assert _names(rec.since(rec.mark())) == []
    assert _names(rec.discard_since(m)) == ["old-again", "new-1", "new-2"]
    assert rec.records == [] and len(rec) == 0  # "old" was replaced, then its replacement discarded


def test_records_is_a_copy_and_clear_empties() -> None:
    """Changing the returned list does not change the record; `clear` forgets every check but not the page."""
    rec = BuildRecord()
    rec.page = "p.md"
    rec.add(_rec("one"))
    rec.records.clear()
    assert len(rec) == 1 and "1 checks" in repr(rec)
    rec.clear()
    assert rec.records == [] and rec.page == "p.md"
