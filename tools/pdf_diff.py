"""Where two PDFs of the same pages differ, page by page, and of what kind.

Made to find what Chromium wrote differently in two prints of the site (`nnnotes.sitebuild.pdf`).
Each page's decoded content stream is split into tokens (`canonical.tokens`); where the two
streams differ, the pairs of differing tokens are classified:

- ``names``: only resource names differ (``/X103 Do`` against ``/X101 Do``);
- ``baselines``: only the y of upright text matrices (``1 0 0 -1 x y Tm``) differ;
- ``other``: anything else (the first differing operators are shown).

Resource dictionaries (their names per category) and link rectangles are compared too. When the
bytes differ and no page does, `object_differences` walks both files' objects side by side from
the trailer and names the first objects that differ (a font program, an image, an object's
number, the order of a dictionary's keys), so "bytes differ" never stands alone.
``python -m tools.pdf_diff A.pdf B.pdf`` prints one line per difference and exits 1
when there is any.

Examples
--------
>>> stream_difference(b"q /X103 Do Q", b"q /X101 Do Q")
('names', '/X103 Do | /X101 Do')
>>> stream_difference(b"BT 1 0 0 -1 5 29.5 Tm ET", b"BT 1 0 0 -1 5 29 Tm ET")
('baselines', '1 0 0 -1 5 29.5 Tm | 1 0 0 -1 5 29 Tm')
>>> stream_difference(b"1 0 0 RG", b"1 0 0 RG")
"""

from __future__ import annotations

import sys
from pathlib import Path

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from nnnotes.sitebuild.canonical import STEMS, tokens

__all__ = ["compare", "object_differences", "page_difference", "stream_difference"]


def _operations(content: bytes) -> list[list[bytes]]:
    """Split the stream into operations: each its operands, then its operator."""
    ops: list[list[bytes]] = [[]]
    for kind, i, j in tokens(content):
        ops[-1].append(content[i:j])
        if kind == "word" and not _number(content[i:j]) and content[i:j] not in (b"true", b"false", b"null"):
            ops.append([])
    return ops[:-1] if not ops[-1] else ops


def _number(word: bytes) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def stream_difference(a: bytes, b: bytes) -> tuple[str, str] | None:
    """Classify how content stream ``a`` differs from ``b``: (kind, first differing operations).

    Returns None when they are the same operations; kind is ``names``, ``baselines`` or
    ``other`` (see the module's docstring).
    """
    oa, ob = _operations(a), _operations(b)
    if oa == ob:
        return None
    kinds = set()
    first = None
    for x, y in zip(oa, ob, strict=False):
        if x == y:
            continue
        first = first or (x, y)
        if len(x) != len(y) or x[-1] != y[-1]:
            kinds.add("other")
        elif all(u == v or (u[:1] == v[:1] == b"/") for u, v in zip(x, y, strict=True)):
            kinds.add("names")
        elif x[-1] == b"Tm" and x[:4] == y[:4] == [b"1", b"0", b"0", b"-1"] and x[4] == y[4]:
            kinds.add("baselines")
        else:
            kinds.add("other")
    if len(oa) != len(ob):
        kinds.add("other")
        k = min(len(oa), len(ob))
        first = first or ((oa + [[b"(end)"]])[k], (ob + [[b"(end)"]])[k])
    kind = kinds.pop() if len(kinds) == 1 else "other"
    return kind, " ".join(t.decode("latin-1") for t in first[0]) + " | " + " ".join(
        t.decode("latin-1") for t in first[1]
    )


def _names(page: PageObject) -> dict[str, list[str]]:
    held = page.get("/Resources")
    held = held.get_object() if held is not None else {}
    return {c: sorted(held[c].get_object()) for c in STEMS if c in held}


def _rects(page: PageObject) -> list[list[float]]:
    return [[round(float(v), 2) for v in a.get_object().get("/Rect", [])] for a in page.get("/Annots") or []]


def page_difference(a: PageObject, b: PageObject) -> list[str]:
    """How page ``a`` differs from page ``b``: one line per kind (content, resources, links)."""
    out = []
    sa, sb = (p.get_contents() for p in (a, b))
    found = stream_difference(
        sa.get_data() if sa is not None else b"", sb.get_data() if sb is not None else b""
    )
    if found:
        out.append(f"content {found[0]}: {found[1]}")
    if _names(a) != _names(b):
        out.append(f"resources: {_names(a)} | {_names(b)}")
    if _rects(a) != _rects(b):
        out.append(f"links: {len(_rects(a))} rectangles | {len(_rects(b))}")
    return out


def _show(data: bytes, at: int) -> str:
    return repr(data[max(0, at - 30) : at + 30])


def _first(x: bytes, y: bytes) -> int:
    """Where ``x`` and ``y`` first differ (the shorter one's length when one begins the other)."""
    return next((i for i, (u, v) in enumerate(zip(x, y, strict=False)) if u != v), min(len(x), len(y)))


def object_differences(a: PdfReader, b: PdfReader, limit: int = 10) -> list[str]:
    """Return the first ``limit`` differences between the objects of ``a`` and ``b``, walked side by side.

    The walk starts at each trailer and follows every dictionary, array and reference in the
    same order in both; each line names the path from the trailer (``/Root/Pages/Kids[3]/...``)
    and what differs: the type, the keys or their order, a stream's decoded data (with the bytes
    around the first difference), a value, or an object's number. (Two streams that decode to
    the same data but are encoded differently are not told apart: pypdf's encoded bytes are not
    public; `compare` then shows where the files' bytes first differ.)

    Examples
    --------
    >>> import io
    >>> from pypdf import PdfWriter
    >>> def reader(number, value):
    ...     w = PdfWriter()
    ...     w.add_blank_page(width=number, height=100)
    ...     w.add_metadata({"/Title": value})
    ...     buffer = io.BytesIO()
    ...     w.write(buffer)
    ...     return PdfReader(buffer)
    >>> object_differences(reader(100, "a"), reader(100, "a"))
    []
    >>> object_differences(reader(100, "a"), reader(90, "b"))
    ['/Root/Pages/Kids[0]/MediaBox[2]: 100 | 90', "/Info/Title: 'a' | 'b'"]
    """
    out: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(x: object, y: object, path: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(x, IndirectObject) or isinstance(y, IndirectObject):
            nx, ny = (getattr(v, "idnum", None) for v in (x, y))
            if nx is None or ny is None:
                out.append(f"{path}: reference {nx} | {ny}")
                return
            if nx != ny:
                out.append(f"{path}: object number {nx} | {ny}")
            if (nx, ny) in seen:
                return
            seen.add((nx, ny))
            x, y = x.get_object(), y.get_object()
        if type(x) is not type(y):
            out.append(f"{path}: {type(x).__name__} | {type(y).__name__}")
        elif isinstance(x, DictionaryObject):
            if set(x) != set(y):
                out.append(f"{path}: keys {sorted(set(x) - set(y))} | {sorted(set(y) - set(x))}")
            elif list(x) != list(y):
                out.append(f"{path}: key order {list(x)} | {list(y)}")
            if isinstance(x, StreamObject):
                dx, dy = x.get_data(), y.get_data()
                if dx != dy:
                    at = _first(dx, dy)
                    shown = f"{_show(dx, at)} | {_show(dy, at)}"
                    out.append(f"{path}: stream {len(dx)} | {len(dy)} bytes, from byte {at}: {shown}")
            for key in [k for k in x if k in y]:
                walk(x.raw_get(key), y.raw_get(key), f"{path}/{key[1:]}")
        elif isinstance(x, ArrayObject):
            if len(x) != len(y):
                out.append(f"{path}: {len(x)} items | {len(y)}")
            for i, (u, v) in enumerate(zip(x, y, strict=False)):
                walk(u, v, f"{path}[{i}]")
        elif x != y:
            out.append(f"{path}: {x!r} | {y!r}")

    walk(a.trailer, b.trailer, "")
    return out[:limit]


def compare(a: Path, b: Path) -> list[str]:
    """Every difference between the PDFs ``a`` and ``b``: ``page N: ...`` lines (1-based), then bytes.

    When the bytes differ and no page does, the first `object_differences` come before ``bytes
    differ`` (or, when the objects agree too, where the bytes first differ).
    """
    ra, rb = PdfReader(a), PdfReader(b)
    out = []
    if len(ra.pages) != len(rb.pages):
        out.append(f"pages: {len(ra.pages)} | {len(rb.pages)}")
    for n, (pa, pb) in enumerate(zip(ra.pages, rb.pages, strict=False), start=1):
        out += [f"page {n}: {line}" for line in page_difference(pa, pb)]
    da, db = Path(a).read_bytes(), Path(b).read_bytes()
    if da != db:
        if not out:
            found = object_differences(ra, rb)
            at = _first(da, db)
            out += [f"object {line}" for line in found] or [
                f"file from byte {at}: {_show(da, at)} | {_show(db, at)}"
            ]
        out.append("bytes differ")
    return out


def main(argv: list[str]) -> int:
    """``python -m tools.pdf_diff A.pdf B.pdf``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    lines = compare(Path(argv[0]), Path(argv[1]))
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
