"""A run's baseline is written on its line whether or not Chromium snapped it there (`baselines`)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject

from nnnotes.sitebuild.baselines import REACH, snap_baselines, snap_page_baselines

#: Excerpts of two prints of one page that differed in one run, as Chromium wrote them (after
#: the resources were renamed): (most prints, the odd print).
SEEN_IN_CONTEXT = {
    # the home page, 1st page: KaTeX_Main runs 0.80 px above the line of the runs of the other
    # fonts (461); the odd print put the second of them on it. The zero-width space between (a
    # 1-unit font, at 460) is not read as the line.
    "home": (
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 166.828125 461 Tm\n<003E> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F5 1 Tf\n"
        b"1 0 0 -1 194.57813 460 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 197.3125 460.20313 Tm\n<0056> Tj\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 230.21875 460.20313 Tm\n<000B> Tj\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 236.625 460.20313 Tm\n<00F5> Tj\nET\n",
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 166.828125 461 Tm\n<003E> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F5 1 Tf\n"
        b"1 0 0 -1 194.57813 460 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 197.3125 460.20313 Tm\n<0056> Tj\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 230.21875 461 Tm\n<000B> Tj\nET\n"
        b"BT\n/F5 16.4500008 Tf\n1 0 0 -1 236.625 460.20313 Tm\n<00F5> Tj\nET\n",
    ),
    # the API reference of batch norm, 1st page: a KaTeX_Main run 1/4 px above its line (288)
    "reference": (
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 117.78125 288 Tm\n<003F> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F7 1 Tf\n"
        b"1 0 0 -1 136.953125 288 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F7 16.4500008 Tf\n1 0 0 -1 136.953125 287.75 Tm\n<000F> Tj\nET\n"
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 160.71875 288 Tm\n<0060> Tj\nET\n",
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 117.78125 288 Tm\n<003F> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F7 1 Tf\n"
        b"1 0 0 -1 136.953125 288 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F7 16.4500008 Tf\n1 0 0 -1 136.953125 288 Tm\n<000F> Tj\nET\n"
        b"BT\n/F6 16.4500008 Tf\n1 0 0 -1 160.71875 288 Tm\n<0060> Tj\nET\n",
    ),
    # exercise 6.1, 4th page: the first run of an aligned formula's second row, 0.39 px above the row
    "6.1": (
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 177.23438 31 Tm\n<000C> Tj\nET\n"
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 114.28125 61.609375 Tm\n<0017> Tj\nET\n"
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 130.640625 62 Tm\n<0014> Tj\nET\n",
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 177.23438 31 Tm\n<000C> Tj\nET\n"
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 114.28125 62 Tm\n<0017> Tj\nET\n"
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 130.640625 62 Tm\n<0014> Tj\nET\n",
    ),
    # exercise 6.1, 7th page: a run 0.19 px below a zero-width space (1-unit font), 0.81 px above its line
    "6.1 again": (
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 500.90625 5866 Tm\n<003E> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F4 1 Tf\n"
        b"1 0 0 -1 527.01563 5865 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F4 15.4799995 Tf\n1 0 0 -1 531.3125 5865.1875 Tm\n<0020> Tj\nET\n"
        b"BT\n/F3 10.8400002 Tf\n1 0 0 -1 511.98438 5870 Tm\n<0032> Tj\nET\n",
        b"BT\n/F3 15.4799995 Tf\n1 0 0 -1 500.90625 5866 Tm\n<003E> Tj\nET\n"
        b"BT\n/Span<</ActualText <FEFF200B> >> BDC\n/F4 1 Tf\n"
        b"1 0 0 -1 527.01563 5865 Tm\n<0003> Tj\nEMC\nET\n"
        b"BT\n/F4 15.4799995 Tf\n1 0 0 -1 531.3125 5866 Tm\n<0020> Tj\nET\n"
        b"BT\n/F3 10.8400002 Tf\n1 0 0 -1 511.98438 5870 Tm\n<0032> Tj\nET\n",
    ),
    # exercise 6.2, 9th page: KaTeX_Main runs 0.64 px below the KaTeX_Math-Italic run of their line
    "6.2": (
        b"BT\n/F3 12.04 Tf\n1 0 0 -1 435.67188 29.640625 Tm\n<0020> Tj\nET\n"
        b"BT\n/F2 12.04 Tf\n1 0 0 -1 448.39063 29 Tm\n<002C> Tj\nET\n"
        b"BT\n/F3 12.04 Tf\n1 0 0 -1 462.125 29.640625 Tm\n<0012> Tj\nET\n",
        b"BT\n/F3 12.04 Tf\n1 0 0 -1 435.67188 29.640625 Tm\n<0020> Tj\nET\n"
        b"BT\n/F2 12.04 Tf\n1 0 0 -1 448.39063 29 Tm\n<002C> Tj\nET\n"
        b"BT\n/F3 12.04 Tf\n1 0 0 -1 462.125 29 Tm\n<0012> Tj\nET\n",
    ),
    # exercise 6.4, 10th page: a line of prose with no run on a whole pixel (8553.5); in the print
    # beside it, the run of its link (same size, another font) at 8554
    "6.4": (
        b"BT\n/F8 12.8000002 Tf\n1 0 0 -1 29 8553.5 Tm\n<0044> Tj\nET\n"
        b"BT\n/F15 12.8000002 Tf\n1 0 0 -1 43.796875 8553.5 Tm\n<0036> Tj\nET\n"
        b"BT\n/F8 12.8000002 Tf\n1 0 0 -1 124.828125 8553.5 Tm\n<001B> Tj\nET\n",
        b"BT\n/F8 12.8000002 Tf\n1 0 0 -1 29 8553.5 Tm\n<0044> Tj\nET\n"
        b"BT\n/F15 12.8000002 Tf\n1 0 0 -1 43.796875 8554 Tm\n<0036> Tj\nET\n"
        b"BT\n/F8 12.8000002 Tf\n1 0 0 -1 124.828125 8553.5 Tm\n<001B> Tj\nET\n",
    ),
}

#: Single runs two earlier prints wrote differently (no neighbour kept): (one print, the other).
#: (A fourth, ``29.640625`` written ``29``, stood on the 6.2 line at ``29`` above: the neighbour
#: rule writes it; alone it would be split, `test_without_its_neighbours_a_pair_is_split`.)
SEEN_ALONE = [
    (b"1 0 0 -1 84.015625 23.328125 Tm", b"1 0 0 -1 84.015625 23 Tm"),
    (b"1 0 0 -1 528.48438 14.15625 Tm", b"1 0 0 -1 528.48438 14 Tm"),
    (b"1 0 0 -1 84.015625 4925.875 Tm", b"1 0 0 -1 84.015625 4926 Tm"),
]


def _runs(*ys: float) -> bytes:
    """Upright runs at x = 1, 2, ... with the baselines ``ys`` (whole ones written as integers)."""
    return b" ".join(
        b"1 0 0 -1 %d %s Tm" % (x, str(y).removesuffix(".0").encode()) for x, y in enumerate(ys, 1)
    )


@pytest.mark.parametrize("chapter", sorted(SEEN_IN_CONTEXT))
def test_the_pairs_seen_in_context_are_written_once(chapter: str) -> None:
    """Both prints of each pair are written alike, every run on its line's whole pixel."""
    usual, odd = SEEN_IN_CONTEXT[chapter]
    assert usual != odd
    # the other runs of the line too (6.2, the home page)
    on_lines = odd.replace(b" 29.640625 Tm", b" 29 Tm").replace(b" 460.20313 Tm", b" 461 Tm")
    on_lines = on_lines.replace(b" 8553.5 Tm", b" 8554 Tm")
    assert snap_baselines(usual) == snap_baselines(odd) == on_lines


@pytest.mark.parametrize(
    ("usual", "odd", "floored"),
    [
        (b"1 0 0 -1 347.6875 29.640625 Tm", b"1 0 0 -1 347.6875 29 Tm", b"30"),  # 6.2
        (b"1 0 0 -1 230.21875 460.20313 Tm", b"1 0 0 -1 230.21875 461 Tm", b"460"),  # the home page
    ],
)
def test_without_its_neighbours_a_pair_is_split(usual: bytes, odd: bytes, floored: bytes) -> None:
    """Why the neighbours are read: alone, a run falls back to floor(y + 1/2), a pixel off its twin."""
    assert snap_baselines(usual) == usual.replace(usual.split()[5], floored)
    assert snap_baselines(odd) == odd


@pytest.mark.parametrize(("one", "other"), SEEN_ALONE)
def test_the_runs_seen_alone_are_written_once(one: bytes, other: bytes) -> None:
    """Without a neighbour, ``floor(y + 1/2)`` writes each of the older pairs as its snapped run."""
    assert one != other
    assert snap_baselines(one) == snap_baselines(other) == other


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # no neighbour on a whole pixel: floor(y + 1/2), the nearest pixel, half up
        (b"1 0 0 -1 3.5 -0.75 Tm", b"1 0 0 -1 3.5 -1 Tm"),  # floor(-0.25), not truncation
        (b"1 0 0 -1 3.5 19.5 Tm", b"1 0 0 -1 3.5 20 Tm"),  # half a px above: the edge, onto it
        (b"1 0 0 -1 3.5 19.484375 Tm", b"1 0 0 -1 3.5 19 Tm"),  # 33/64 above: the pixel above
        (b"1 0 0 -1 3.5 .25 Tm", b"1 0 0 -1 3.5 0 Tm"),  # Chromium's numbers may start with the point
        # a neighbour on a whole pixel less than 1 px away: its pixel, whichever side
        (b"1 0 0 -1 1 7 Tm 1 0 0 -1 2 7.75 Tm", b"1 0 0 -1 1 7 Tm 1 0 0 -1 2 7 Tm"),
        (b"1 0 0 -1 1 6.25 Tm 1 0 0 -1 2 7 Tm", b"1 0 0 -1 1 7 Tm 1 0 0 -1 2 7 Tm"),
        # a whole pixel 1 px away or more is another line: floor(y + 1/2)
        (b"1 0 0 -1 1 8 Tm 1 0 0 -1 2 6.25 Tm", b"1 0 0 -1 1 8 Tm 1 0 0 -1 2 6 Tm"),
        # the nearest in drawing order wins, fractional runs between are skipped
        (_runs(5, 5.5, 5.5, 5.5, 6, 6), _runs(5, 5, 5, 6, 6, 6)),
        # two at one distance in drawing order: the nearer in y; equally near: the lower
        (_runs(5, 5.75, 6), _runs(5, 6, 6)),
        (_runs(6, 5.5, 5), _runs(6, 5, 5)),
        # only a run of the same font size is read as the line (not the 1-unit zero-width space)
        (
            b"/F 9 Tf 1 0 0 -1 1 6 Tm /F 1 Tf 1 0 0 -1 2 5 Tm /F 9 Tf 1 0 0 -1 3 5.25 Tm",
            b"/F 9 Tf 1 0 0 -1 1 6 Tm /F 1 Tf 1 0 0 -1 2 5 Tm /F 9 Tf 1 0 0 -1 3 6 Tm",
        ),
        # left alone: whole y, x, a turned run, other operators, a matrix that only ends like one
        (b"1 0 0 -1 3.75 7 Tm", b"1 0 0 -1 3.75 7 Tm"),
        (b"0 1 -1 0 3.5 2.5 Tm", b"0 1 -1 0 3.5 2.5 Tm"),
        (b"1 0 0 1 2.5 2.5 cm 2.5 0 Td", b"1 0 0 1 2.5 2.5 cm 2.5 0 Td"),
        (b"11 0 0 -1 3.5 2.5 Tm", b"11 0 0 -1 3.5 2.5 Tm"),
    ],
)
def test_snap_baselines_cases_worked_by_hand(content: bytes, expected: bytes) -> None:
    """Only the y of an upright text matrix changes, as worked out by hand for each case."""
    assert snap_baselines(content) == expected


def test_a_neighbour_beyond_reach_is_not_read() -> None:
    """A run REACH runs away is read as the line; one run further is not (fallback floor(y + 1/2))."""
    far = b" ".join([b"1 0 0 -1 0 6 Tm", *[b"1 0 0 -1 0 40.5 Tm"] * (REACH - 1), b"1 0 0 -1 0 5.25 Tm"])
    assert snap_baselines(far).endswith(b"1 0 0 -1 0 6 Tm")
    further = b" ".join([b"1 0 0 -1 0 6 Tm", *[b"1 0 0 -1 0 40.5 Tm"] * REACH, b"1 0 0 -1 0 5.25 Tm"])
    assert snap_baselines(further).endswith(b"1 0 0 -1 0 5 Tm")


def test_snap_baselines_rejects_text() -> None:
    """A str (not a decoded stream) is refused with a TypeError naming the argument."""
    with pytest.raises(TypeError, match="content"):
        snap_baselines("1 0 0 -1 3.5 2.5 Tm")  # type: ignore[arg-type]


def test_a_page_of_a_writer_is_snapped_and_written() -> None:
    """A writer's page whose stream has a run off its line is written with the run on it."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=100, height=100)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 1 0 0 -1 10.5 61.609375 Tm (x) Tj 1 0 0 -1 20.5 62 Tm (y) Tj ET")
    page.replace_contents(stream)
    snap_page_baselines(page)
    out = io.BytesIO()
    writer.write(out)
    data = PdfReader(out).pages[0].get_contents().get_data()
    assert b"1 0 0 -1 10.5 62 Tm" in data and b"61.6" not in data
