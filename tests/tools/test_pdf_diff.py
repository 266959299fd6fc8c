"""Where two PDFs differ: page, kind (names, baselines, other) and the first differing operators."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject

from tools import pdf_diff


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (b"q /X103 Do Q", b"q /X101 Do Q", ("names", "/X103 Do | /X101 Do")),
        (b"/F5 12 Tf /X3 Do", b"/F7 12 Tf /X3 Do", ("names", "/F5 12 Tf | /F7 12 Tf")),
        (
            b"BT 1 0 0 -1 84.015625 4926 Tm <000E> Tj ET",
            b"BT 1 0 0 -1 84.015625 4925 Tm <000E> Tj ET",
            ("baselines", "1 0 0 -1 84.015625 4926 Tm | 1 0 0 -1 84.015625 4925 Tm"),
        ),
        (
            b"BT 1 0 0 -1 84 29 Tm ET",
            b"BT 1 0 0 -1 85 29 Tm ET",
            ("other", "1 0 0 -1 84 29 Tm | 1 0 0 -1 85 29 Tm"),
        ),
        (b"/X1 Do 1 0 0 RG", b"/X2 Do 0 0 1 RG", ("other", "/X1 Do | /X2 Do")),  # names and a colour
        (b"q Q", b"q Q q Q", ("other", "(end) | q")),  # one more operation
        (b"q  /X1   Do\nQ", b"q /X1 Do Q", None),  # only spacing: the same operations
    ],
)
def test_stream_differences_are_classified(a: bytes, b: bytes, expected: tuple[str, str] | None) -> None:
    """Each pair of streams is classified by what its differing operations differ in."""
    assert pdf_diff.stream_difference(a, b) == expected


def _file(path: Path, *contents: bytes) -> Path:
    writer = PdfWriter()
    for content in contents:
        page = writer.add_blank_page(width=100, height=100)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page.replace_contents(stream)
    writer.write(path)
    return path


def test_compare_names_the_page_and_the_operators(tmp_path: Path) -> None:
    """Two files that differ on their second page only: that page, its kind and operators, and the bytes."""
    a = _file(tmp_path / "a.pdf", b"0 0 m", b"BT 1 0 0 -1 5 29.5 Tm ET")
    b = _file(tmp_path / "b.pdf", b"0 0 m", b"BT 1 0 0 -1 5 29 Tm ET")
    assert pdf_diff.compare(a, b) == [
        "page 2: content baselines: 1 0 0 -1 5 29.5 Tm | 1 0 0 -1 5 29 Tm",
        "bytes differ",
    ]
    assert pdf_diff.main([str(a), str(b)]) == 1


def test_the_same_file_twice_has_no_difference(tmp_path: Path) -> None:
    """Two writes of the same pages are the same bytes: nothing to report, exit status 0."""
    a = _file(tmp_path / "a.pdf", b"0 0 m", b"/X1 Do")
    b = _file(tmp_path / "b.pdf", b"0 0 m", b"/X1 Do")
    assert pdf_diff.compare(a, b) == []
    assert pdf_diff.main([str(a), str(b)]) == 0
    assert pdf_diff.main([]) == 2


def _titled(path: Path, *metadata: tuple[str, str]) -> Path:
    """A blank page with ``metadata`` written in the order given."""
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata(dict(metadata))
    writer.write(path)
    return path


def test_compare_names_the_objects_when_no_page_differs(tmp_path: Path) -> None:
    """The same pages with another title, then with a dictionary's keys in another order: each is named."""
    a = _titled(tmp_path / "a.pdf", ("/Author", "x"), ("/Title", "one"))
    b = _titled(tmp_path / "b.pdf", ("/Author", "x"), ("/Title", "two"))
    c = _titled(tmp_path / "c.pdf", ("/Title", "one"), ("/Author", "x"))
    assert pdf_diff.compare(a, b) == ["object /Info/Title: 'one' | 'two'", "bytes differ"]
    found = pdf_diff.compare(a, c)
    assert found[0].startswith("object /Info: key order ") and found[-1] == "bytes differ"
    assert pdf_diff.object_differences(PdfReader(a), PdfReader(a)) == []
    # the same objects, other bytes (a comment after the end): where the bytes first differ
    end = a.read_bytes()
    (tmp_path / "d.pdf").write_bytes(end + b"%x\n")
    assert pdf_diff.compare(a, tmp_path / "d.pdf") == [
        f"file from byte {len(end)}: {end[-30:]!r} | {end[-30:] + b'%x' + bytes([10])!r}",
        "bytes differ",
    ]
