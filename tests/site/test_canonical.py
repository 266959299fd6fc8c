"""What two prints wrote differently is written one way: baselines rounded down, link pieces joined."""

from __future__ import annotations

import io

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from nnnotes.sitebuild.canonical import floor_baselines, floor_page_baselines, join_link_pieces

#: The glyph runs that two prints placed differently (seen in three pairs of prints, under load),
#: as (one print, the other): the second is the first's baseline snapped down to a whole pixel.
SEEN_APART = [
    (
        b"/F18 12.04 Tf\n1 0 0 -1 347.6875 29.640625 Tm\n<000B> Tj",
        b"/F18 12.04 Tf\n1 0 0 -1 347.6875 29 Tm\n<000B> Tj",
    ),
    (
        b"/F18 11.4200001 Tf\n1 0 0 -1 84.015625 23.328125 Tm\n<000E> Tj",
        b"/F18 11.4200001 Tf\n1 0 0 -1 84.015625 23 Tm\n<000E> Tj",
    ),
    (
        b"/F18 6.8200002 Tf\n1 0 0 -1 528.48438 14.15625 Tm\n<000B> Tj",
        b"/F18 6.8200002 Tf\n1 0 0 -1 528.48438 14 Tm\n<000B> Tj",
    ),
]


@pytest.mark.parametrize(("one", "other"), SEEN_APART)
def test_floored_baselines_agree_where_two_prints_differed(one: bytes, other: bytes) -> None:
    """Each pair of runs two prints wrote differently is written the same once floored, as the snapped one."""
    assert one != other
    assert floor_baselines(one) == floor_baselines(other) == other


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"1 0 0 -1 3.5 -0.25 Tm", b"1 0 0 -1 3.5 -1 Tm"),  # floor, not truncation, below zero
        (b"1 0 0 -1 3.5 .5 Tm", b"1 0 0 -1 3.5 0 Tm"),  # Chromium's numbers may start with the point
        (b"1 0 0 -1 3.75 7 Tm", b"1 0 0 -1 3.75 7 Tm"),  # whole: unchanged; x is never touched
        (b"0 1 -1 0 3.5 2.5 Tm", b"0 1 -1 0 3.5 2.5 Tm"),  # a turned run is left alone
        (b"1 0 0 1 2.5 2.5 cm 2.5 0 Td", b"1 0 0 1 2.5 2.5 cm 2.5 0 Td"),  # other operators too
    ],
)
def test_floor_baselines_moves_only_upright_run_baselines(content: bytes, expected: bytes) -> None:
    """Only the y of an upright text matrix changes, to the whole number at or below it."""
    assert floor_baselines(content) == expected


def test_floor_baselines_rejects_text() -> None:
    """A str (not a decoded stream) is refused with a TypeError naming the argument."""
    with pytest.raises(TypeError, match="content"):
        floor_baselines("1 0 0 -1 3.5 2.5 Tm")  # type: ignore[arg-type]


def test_a_page_of_a_writer_is_floored_and_written() -> None:
    """A writer's page whose stream has a fractional baseline is written with the floor."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=100, height=100)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 1 0 0 -1 10.5 29.640625 Tm (x) Tj ET")
    page.replace_contents(stream)
    floor_page_baselines(page)
    out = io.BytesIO()
    writer.write(out)
    data = PdfReader(out).pages[0].get_contents().get_data()
    assert b"1 0 0 -1 10.5 29 Tm" in data and b"29.64" not in data


def _link(rect: list[float], uri: str = "https://x.org/a") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            NameObject("/A"): DictionaryObject({NameObject("/URI"): TextStringObject(uri)}),
        }
    )


def _page(*annots: DictionaryObject) -> PageObject:
    page = PageObject.create_blank_page(width=600, height=800)
    page[NameObject("/Annots")] = ArrayObject(annots)
    return page


def _rects(page: PageObject) -> list[list[float]]:
    return [[float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]]


def test_three_pieces_of_a_link_are_joined_into_the_one_rectangle_of_the_other_print() -> None:
    """The pieces one print wrote (seen: split at 174.75 and 207) become the other print's rectangle."""
    one = [144.75, 702.63, 426.75, 714.63]
    page = _page(
        _link([144.75, 702.63, 174.75, 714.63]),
        _link([174.75, 702.63, 207, 714.63]),
        _link([207, 702.63, 426.75, 714.63]),
    )
    assert join_link_pieces(page) == 2
    assert _rects(page) == [one]
    whole = _page(_link(one))
    assert join_link_pieces(whole) == 0 and _rects(whole) == [one]


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (_link([174.75, 702.63, 207, 714.63], "https://x.org/b"), "another target"),
        (_link([174.75, 690.0, 207, 702.0]), "another line"),
        (_link([180.0, 702.63, 207, 714.63]), "a gap between them"),
        (_link([174.75, 701.88, 207, 716.13]), "a taller box (a formula's piece)"),
    ],
)
def test_links_are_joined_only_side_by_side_on_one_line_to_one_target(
    second: DictionaryObject, why: str
) -> None:
    """Two rectangles stay two when they do not touch on one line or lead to different places."""
    page = _page(_link([144.75, 702.63, 174.75, 714.63]), second)
    assert join_link_pieces(page) == 0, why
    assert len(page["/Annots"]) == 2


def test_pieces_in_any_order_are_joined_into_one() -> None:
    """Left, right, then the middle piece that bridges them: still one rectangle."""
    page = _page(
        _link([144.75, 702.63, 174.75, 714.63]),
        _link([207, 702.63, 426.75, 714.63]),
        _link([174.75, 702.63, 207, 714.63]),
    )
    assert join_link_pieces(page) == 2
    assert _rects(page) == [[144.75, 702.63, 426.75, 714.63]]


def test_join_link_pieces_rejects_bad_arguments() -> None:
    """Not a page, or a negative tolerance: an error naming the argument."""
    with pytest.raises(TypeError, match="page"):
        join_link_pieces({"/Annots": []})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tolerance"):
        join_link_pieces(_page(), tolerance=-1.0)
