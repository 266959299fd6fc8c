"""What two prints wrote differently is written one way: link pieces joined, resources renamed."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from nnnotes.sitebuild.canonical import (
    join_link_pieces,
    rename_page_resources,
    rename_resources,
    tokens,
)


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


def _pdf(*objects: bytes) -> bytes:
    """A PDF file of the given objects (numbered from 1; the first is the catalog), with its xref."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, head: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (head, len(data), data)


FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 10 10]"


def _one_page(content: bytes, resources: bytes, *more: bytes) -> bytes:
    """A one-page PDF: catalog 1, pages 2, page 3, its content 4, then ``more`` (objects 5, 6, ...)."""
    return _pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R /Resources %s >>" % resources,
        _stream(content),
        *more,
    )


def _renamed(data: bytes) -> bytes:
    """The file ``data`` with its pages' resources renamed, written as `pdf` writes the book."""
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        rename_page_resources(page)
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pixels(data: bytes) -> bytes:
    doc = pypdfium2.PdfDocument(data)
    try:
        return doc[0].render(scale=2).to_pil().convert("RGB").tobytes()
    finally:
        doc.close()


RED, GREEN, BLUE = (_stream(b"%s rg 0 0 10 10 re f" % c, FORM) for c in (b"1 0 0", b"0 1 0", b"0 0 1"))
DRAW = b"q /%s Do Q q 1 0 0 1 20 20 cm /%s Do Q q 1 0 0 1 40 0 cm /%s Do Q"


def test_two_numberings_of_the_same_objects_are_written_the_same() -> None:
    """As seen: one print names its forms /X103 and /X105, the other /X101 and /X103; one way once renamed.

    The second print also holds an unused entry (its extra numbered object): it is dropped.
    """
    one = _one_page(
        DRAW % (b"X103", b"X105", b"X103"), b"<< /XObject << /X103 5 0 R /X105 6 0 R >> >>", RED, GREEN
    )
    other = _one_page(
        DRAW % (b"X101", b"X103", b"X101"),
        b"<< /XObject << /X101 5 0 R /X103 6 0 R /X99 7 0 R >> >>",
        RED,
        GREEN,
        BLUE,
    )
    assert one != other
    assert _renamed(one) == _renamed(other)
    page = PdfReader(io.BytesIO(_renamed(one))).pages[0]
    assert page.get_contents().get_data() == DRAW % (b"X0", b"X1", b"X0")
    assert sorted(page["/Resources"]["/XObject"]) == ["/X0", "/X1"]


def test_renaming_changes_no_pixel() -> None:
    """PDFium draws the page the same before and after (a wrong mapping would swap the colours)."""
    one = _one_page(DRAW % (b"X9", b"X2", b"X9"), b"<< /XObject << /X2 5 0 R /X9 6 0 R >> >>", RED, GREEN)
    assert _pixels(_renamed(one)) == _pixels(one)
    swapped = _one_page(DRAW % (b"X2", b"X9", b"X2"), b"<< /XObject << /X2 5 0 R /X9 6 0 R >> >>", RED, GREEN)
    assert _pixels(swapped) != _pixels(one)  # the comparison can fail


def test_forms_inside_forms_and_soft_masks_are_renamed() -> None:
    """A form's own resources, and the form of a graphics state's soft mask, get names in order of use."""
    outer = _stream(
        b"/G12 gs /X40 Do", FORM + b" /Resources << /XObject << /X40 5 0 R >> /ExtGState << /G12 8 0 R >> >>"
    )
    data = _one_page(
        b"/X77 Do",
        b"<< /XObject << /X77 6 0 R >> >>",
        RED,
        outer,
        GREEN,
        b"<< /SMask << /S /Luminosity /G 9 0 R >> >>",
        _stream(b"/X3 Do", FORM + b" /Resources << /XObject << /X3 7 0 R >> >>"),
    )
    page = PdfReader(io.BytesIO(_renamed(data))).pages[0]
    assert page.get_contents().get_data() == b"/X0 Do"
    form = page["/Resources"]["/XObject"]["/X0"]
    assert form.get_data() == b"/G0 gs /X0 Do"
    assert (
        form["/Resources"]["/XObject"]["/X0"].get_data() == RED.split(b"stream\n")[1].split(b"\nendstream")[0]
    )
    mask = form["/Resources"]["/ExtGState"]["/G0"]["/SMask"]["/G"]
    assert mask.get_data() == b"/X0 Do"
    assert _pixels(_renamed(data)) == _pixels(data)


@pytest.mark.parametrize(
    ("content", "held", "expected"),
    [
        (b"/F9 12 Tf (/F9 12 Tf) Tj", {"/Font": {"/F9": 1}}, b"/F0 12 Tf (/F9 12 Tf) Tj"),  # not in a string
        (
            b"/Pattern cs /P7 scn",
            {"/Pattern": {"/P7": 1}},
            b"/Pattern cs /P0 scn",
        ),  # a colour space's own name
        (
            b"0.5 0.2 0.1 /P7 scn",
            {"/Pattern": {"/P7": 1}},
            b"0.5 0.2 0.1 /P0 scn",
        ),  # the name is the last operand
        (b"/Span <</MCID 3>> BDC EMC", {"/Properties": {"/Span": 1}}, b"/Span <</MCID 3>> BDC EMC"),  # a tag
        (b"/Span /M5 BDC EMC", {"/Properties": {"/M5": 1}}, b"/Span /M0 BDC EMC"),
        (
            b"/X1 Do /X1 Tf",
            {"/XObject": {"/X1": 1}},
            b"/X0 Do /X1 Tf",
        ),  # a font of that name is another thing
        (b"(a\\) /X1 Do) Tj /X1 Do", {"/XObject": {"/X1": 1}}, b"(a\\) /X1 Do) Tj /X0 Do"),  # escaped paren
    ],
)
def test_only_names_an_operator_uses_as_a_resource_are_renamed(
    content: bytes, held: dict, expected: bytes
) -> None:
    """Strings, tags, colour space names and another category's names are left as they are."""
    assert rename_resources(content, held)[0] == expected


def test_a_name_that_would_clash_is_refused() -> None:
    """A stream that uses /X0 for something its resources lack cannot take /X0 for a resource."""
    with pytest.raises(ValueError, match="/X0"):
        rename_resources(b"/X7 Do /X0 Do", {"/XObject": {"/X7": 1}})


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"BI /W 1 /H 1 ID \x00 EI", "inline image"), (b"(never ends", "never ends"), (b"a ) b", "cannot read")],
)
def test_tokens_refuse_what_they_cannot_read(content: bytes, match: str) -> None:
    """An inline image, an unterminated string or a stray parenthesis: a ValueError naming the content."""
    with pytest.raises(ValueError, match=f"content: .*{match}"):
        tokens(content)


def test_rename_page_resources_rejects_what_is_not_a_page() -> None:
    """A dictionary is not a page: a TypeError naming the argument."""
    with pytest.raises(TypeError, match="page"):
        rename_page_resources({})  # type: ignore[arg-type]


def test_contents_in_pieces_are_renamed_in_a_writer_and_refused_outside() -> None:
    """A page whose contents are two streams: renamed once in a writer (as one stream), refused before."""
    data = _pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents [4 0 R 5 0 R]"
        b" /Resources << /XObject << /X8 6 0 R /X9 7 0 R >> >> >>",
        _stream(b"q /X9 Do Q"),
        _stream(b"q 1 0 0 1 20 20 cm /X8 Do Q"),
        RED,
        GREEN,
    )
    with pytest.raises(ValueError, match="page: .*array"):
        rename_page_resources(PdfReader(io.BytesIO(data)).pages[0])
    writer = PdfWriter()
    page = writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    rename_page_resources(page)
    out = io.BytesIO()
    writer.write(out)
    renamed = PdfReader(out).pages[0]
    assert renamed.get_contents().get_data().split() == b"q /X0 Do Q q 1 0 0 1 20 20 cm /X1 Do Q".split()
    assert _pixels(out.getvalue()) == _pixels(data)
