"""A glyph run's baseline written one way, whether or not Chromium snapped it onto its line.

In a formula, KaTeX places glyphs of different fonts on one line; Chromium writes most runs of
such a line at a whole CSS pixel and some runs (KaTeX_Main's, beside KaTeX_Math's) a fraction
of a pixel off it, at a multiple of 1/64. Rarely, and so far only under load, one print snaps
such a run onto its line and the other does not. Seen in the raw prints (168 whole-site prints,
158 of them in pairs side by side, and 576 prints of single chapters; all but 4 of the 744 beside
busy loops; each page compared after `canonical.rename_page_resources`):

- 6.2: ``29.640625`` in most prints, ``29`` in one; the neighbouring run of the other font is at
  ``29`` (the run lay 0.64 px below its line);
- 6.1: ``61.609375`` in most prints, ``62`` in one; the next run is at ``62`` (0.39 px above);
- 6.1 again: ``5865.1875`` in most prints, ``5866`` in one: the run of its size two runs before
  is at ``5866``; the run just before, at ``5865``, is a zero-width space Chromium writes in a
  1-unit font (``/F4 1 Tf``), not part of the line;
- the home page: ``460.20313`` in every print but one, which wrote one of five such runs at
  ``461``, the line of the runs of the other fonts (they lay 0.80 px above it; ``floor(y + 1/4)``
  gives 460);
- the API reference of batch norm: ``287.75`` in every print but one, ``288`` (its line) in that one;
- earlier pairs: ``23.328125``/``23`` (6.2, seen again in a later print), ``14.15625``/``14``,
  ``4925.875``/``4926``;
- 6.4, a line of prose with no run on a whole pixel: every run at ``8553.5`` in one print; in the
  other, printed beside it, its link's run (same size, another font) at ``8554``.

So the snapped value is the line's, which can lie on either side of the fractional one: no rule
on ``y`` alone (such as ``floor(y + 1/4)``, used first, which fails on the 6.1 pair and the home
page's) can send both to one pixel. `snap_baselines` writes a fractional baseline as the
whole-pixel baseline of the nearest run in drawing order of the same font size that lies less
than a pixel from it (its line), and, where no such run is within `REACH` runs, as the nearest
whole pixel, half up: ``floor(y + 1/2)``, which agrees with every snapped twin seen without a
whole-pixel neighbour (``floor(y + 1/4)``, used before, split the 6.4 pair; the run at
``29.640625`` written ``29`` stood on the 6.2 line at ``29``, which the neighbour rule reads). A
run moves by at most half a CSS pixel where it has no such neighbour, and less than one (0.27 mm on
paper) onto the baseline its neighbours stand on; x and every other operator are kept.
"""

from __future__ import annotations

import bisect
import math
import re

from pypdf import PageObject

__all__ = ["FONT", "LIFT", "REACH", "TEXT_MATRIX", "snap_baselines", "snap_page_baselines"]

#: Where a run has no neighbour on a whole pixel: how far above a pixel (CSS px) it may lie and
#: still be written on it (``floor(y + LIFT)``: the nearest pixel, half up).
LIFT = 0.5
#: How many runs before and after a run (in drawing order) are searched for its line.
REACH = 8
#: A glyph run's text matrix as Chromium writes it (upright, y down): ``1 0 0 -1 x y Tm``.
TEXT_MATRIX = re.compile(rb"(?<![\w.+-])1 0 0 -1 (-?\d*\.?\d+) (-?\d*\.?\d+) Tm(?![\w.])")
#: A font and size as Chromium sets them before its runs: ``/F3 15.4799995 Tf`` (the size is read).
FONT = re.compile(rb"/\S+ (\d*\.?\d+) Tf(?![\w.])")


def _line(ys: list[float], sizes: list[bytes], k: int) -> int | None:
    """Return run ``k``'s line: the nearest run of its size on a whole pixel less than 1 px away, or None."""
    y = ys[k]
    for d in range(1, REACH + 1):
        near = [
            ys[j] for j in (k - d, k + d) if 0 <= j < len(ys) and sizes[j] == sizes[k] and ys[j].is_integer()
        ]
        near = [v for v in near if abs(v - y) < 1]
        if near:  # nearest in y first; two at one distance in y (y - a = b - y) take the lower
            return int(min(near, key=lambda v: (abs(v - y), v)))
    return None


def snap_baselines(content: bytes) -> bytes:
    """Write the baseline (y) of every upright glyph run on a whole pixel: its line's.

    Parameters
    ----------
    content : bytes
        A decoded PDF content stream.

    Returns
    -------
    bytes
        The same stream with each ``1 0 0 -1 x y Tm`` whose ``y`` is fractional written with the
        ``y`` of the nearest run in drawing order (at most `REACH` runs away) drawn at the same
        font size that stands on a whole pixel less than 1 px from it, or else with
        ``floor(y + 1/2)``.

    Examples
    --------
    The 6.1 pair: the first run off its line (0.39 px above) in one print, on it in the other:

    >>> one = b"1 0 0 -1 114.28125 61.609375 Tm 1 0 0 -1 130.640625 62 Tm"
    >>> snap_baselines(one)
    b'1 0 0 -1 114.28125 62 Tm 1 0 0 -1 130.640625 62 Tm'

    With no neighbour on a whole pixel within 1 px, ``floor(y + 1/2)``:

    >>> snap_baselines(b"1 0 0 -1 3.5 19.375 Tm 1 0 0 -1 3.5 -0.5 Tm 0 1 -1 0 3.5 2.5 Tm")
    b'1 0 0 -1 3.5 19 Tm 1 0 0 -1 3.5 0 Tm 0 1 -1 0 3.5 2.5 Tm'
    """
    if not isinstance(content, bytes):
        raise TypeError(f"content: expected bytes, got {type(content).__name__}")
    runs = list(TEXT_MATRIX.finditer(content))
    ys = [float(m[2]) for m in runs]
    fonts = list(FONT.finditer(content))
    starts = [f.start() for f in fonts]
    sizes = []  # the size of the font each run is drawn in: the last one set before it
    for m in runs:
        i = bisect.bisect(starts, m.start())
        sizes.append(fonts[i - 1][1] if i else b"")
    pieces, last = [], 0
    for k, m in enumerate(runs):
        if ys[k].is_integer():
            continue
        line = _line(ys, sizes, k)
        pieces += [content[last : m.start(2)], b"%d" % (math.floor(ys[k] + LIFT) if line is None else line)]
        last = m.end(2)
    return b"".join([*pieces, content[last:]])


def snap_page_baselines(page: PageObject) -> None:
    """Apply `snap_baselines` to the content stream of ``page``, a page of a ``PdfWriter``."""
    contents = page.get_contents()
    if contents is None:
        return
    data = contents.get_data()
    snapped = snap_baselines(data)
    if snapped != data:
        contents.set_data(snapped)
        page.replace_contents(contents)
