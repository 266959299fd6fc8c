"""What Chromium writes differently in two prints of the same page, written one way.

Two prints of the whole site under load differed in two ways, each rarely, never in what a
reader sees: a glyph run's baseline (``1 0 0 -1 x y Tm``, in CSS pixels) snapped to a whole
pixel in one print and left at a multiple of 1/64 in the other (three pairs seen, all in KaTeX
formulas of chapter 6.2), and a link around an inline formula given one rectangle in one print
and three side by side in the other. `floor_baselines` and `join_link_pieces` write both one way.
Under heavier load Chromium varied in ways these do not cover (resource names shifted by two, a
baseline snapped up in one print and down in the other), so two prints are not always the same bytes.
"""

from __future__ import annotations

import math
import re

from pypdf import PageObject
from pypdf.generic import ArrayObject, NameObject, RectangleObject

from nnnotes.arrays import real_number

__all__ = ["TEXT_MATRIX", "floor_baselines", "floor_page_baselines", "join_link_pieces"]

#: A glyph run's text matrix as Chromium writes it (upright, y down), with a fractional y.
TEXT_MATRIX = re.compile(rb"(1 0 0 -1 \S+ )(-?\d*\.\d+)( Tm)")


def floor_baselines(content: bytes) -> bytes:
    """Round down the baseline (y) of every upright glyph run in a page's content stream.

    Chromium lays a run of text out at a baseline a multiple of 1/64 CSS pixel and usually snaps
    it to a whole pixel; rarely, and only under load, a run that one print placed at
    ``y = 29.640625`` was snapped to ``29`` in another, so two prints of the same page differed in
    those bytes. Every difference seen between two prints (three, on two pages) was of this kind,
    and in each the snapped value was the floor of the other, so writing the floor everywhere
    makes the two the same. A run moves up by less than one CSS pixel (0.27 mm on paper), onto the
    whole pixel its neighbours on the line already stand on; x and every other operator are kept.

    Parameters
    ----------
    content : bytes
        A decoded PDF content stream.

    Returns
    -------
    bytes
        The same stream with each ``1 0 0 -1 x y Tm`` whose ``y`` is fractional written with
        ``floor(y)``.

    Examples
    --------
    >>> floor_baselines(b"BT 1 0 0 -1 347.6875 29.640625 Tm <000B> Tj ET")
    b'BT 1 0 0 -1 347.6875 29 Tm <000B> Tj ET'
    >>> floor_baselines(b"1 0 0 -1 3.5 -0.25 Tm 1 0 0 -1 3.5 29 Tm 0 1 -1 0 3.5 2.5 Tm")
    b'1 0 0 -1 3.5 -1 Tm 1 0 0 -1 3.5 29 Tm 0 1 -1 0 3.5 2.5 Tm'
    """
    if not isinstance(content, bytes):
        raise TypeError(f"content: expected bytes, got {type(content).__name__}")
    return TEXT_MATRIX.sub(lambda m: m[1] + b"%d" % math.floor(float(m[2])) + m[3], content)


def floor_page_baselines(page: PageObject) -> None:
    """Apply `floor_baselines` to the content stream of ``page``, a page of a ``PdfWriter``."""
    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    floored = floor_baselines(data)
    if floored != data:
        contents.set_data(floored)
        page.replace_contents(contents)


def _target(annot: dict) -> object:
    action = annot.get("/A")
    if action is not None:
        action = action.get_object()
        return ("uri", str(action.get("/URI", "")), str(action.get("/D", "")))
    return ("dest", str(annot.get("/Dest", "")))


def join_link_pieces(page: PageObject, tolerance: float = 0.01) -> int:
    """Join the link rectangles of ``page`` that lie side by side on one line and lead to one place.

    Chromium gave a link around an inline formula one rectangle ``[144.75, 702.63, 426.75,
    714.63]`` in one print and three (split at 174.75 and 207) in another. Joined, both are the
    one rectangle. Each joined link keeps the place of its first piece in ``/Annots``.

    Parameters
    ----------
    page : PageObject
        A page read by ``PdfReader``, before it is added to a writer (the pieces dropped are
        then never written).
    tolerance : float
        How far apart (PDF points) two edges may be and still touch.

    Returns
    -------
    int
        How many pieces were joined into others.

    Raises
    ------
    TypeError
        If ``page`` is not a ``PageObject``.
    ValueError
        If ``tolerance`` is negative or not finite.

    Examples
    --------
    >>> from pypdf.generic import ArrayObject, DictionaryObject, FloatObject
    >>> def link(x0, x1):
    ...     rect = ArrayObject(FloatObject(v) for v in (x0, 702.63, x1, 714.63))
    ...     return DictionaryObject({NameObject("/Subtype"): NameObject("/Link"), NameObject("/Rect"): rect})
    >>> page = PageObject.create_blank_page(width=600, height=800)
    >>> pieces = [link(144.75, 174.75), link(174.75, 207), link(207, 426.75)]
    >>> page[NameObject("/Annots")] = ArrayObject(pieces)
    >>> join_link_pieces(page)
    2
    >>> [float(v) for v in page["/Annots"][0]["/Rect"]]
    [144.75, 702.63, 426.75, 714.63]
    """
    if not isinstance(page, PageObject):
        raise TypeError(f"page: expected a pypdf PageObject, got {type(page).__name__}")
    tolerance = real_number(tolerance, "tolerance", low=0.0)
    total = 0
    while joined := _join_once(page, tolerance):  # again: a piece may bridge two joined ones
        total += joined
    return total


def _join_once(page: PageObject, tolerance: float) -> int:
    refs = list(page.get("/Annots") or [])
    links = [r.get_object() for r in refs]
    kept: list[int] = []
    joined = 0
    for i, annot in enumerate(links):
        if annot.get("/Subtype") != "/Link" or "/Rect" not in annot:
            kept.append(i)
            continue
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
        for j in kept:
            other = links[j]
            if other.get("/Subtype") != "/Link" or "/Rect" not in other or _target(other) != _target(annot):
                continue
            u0, v0, u1, v1 = (float(v) for v in other["/Rect"])
            same_line = abs(v0 - y0) <= tolerance and abs(v1 - y1) <= tolerance
            if same_line and (abs(u1 - x0) <= tolerance or abs(x1 - u0) <= tolerance):
                other[NameObject("/Rect")] = RectangleObject([min(u0, x0), v0, max(u1, x1), v1])
                joined += 1
                break
        else:
            kept.append(i)
    if joined:
        page[NameObject("/Annots")] = ArrayObject(refs[i] for i in kept)
    return joined
