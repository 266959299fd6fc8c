"""Where two PDFs of the same pages differ, page by page, and of what kind.

Made to find what Chromium wrote differently in two prints of the site (`nnnotes.sitebuild.pdf`).
Each page's decoded content stream is split into tokens (`canonical.tokens`); where the two
streams differ, the pairs of differing tokens are classified:

- ``names``: only resource names differ (``/X103 Do`` against ``/X101 Do``);
- ``baselines``: only the y of upright text matrices (``1 0 0 -1 x y Tm``) differ;
- ``other``: anything else (the first differing operators are shown).

Resource dictionaries (their names per category), link rectangles and the file's bytes are
compared too. ``python -m tools.pdf_diff A.pdf B.pdf`` prints one line per difference and exits 1
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

from nnnotes.sitebuild.canonical import STEMS, tokens

__all__ = ["compare", "page_difference", "stream_difference"]


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


def compare(a: Path, b: Path) -> list[str]:
    """Every difference between the PDFs ``a`` and ``b``: ``page N: ...`` lines (1-based), then bytes."""
    ra, rb = PdfReader(a), PdfReader(b)
    out = []
    if len(ra.pages) != len(rb.pages):
        out.append(f"pages: {len(ra.pages)} | {len(rb.pages)}")
    for n, (pa, pb) in enumerate(zip(ra.pages, rb.pages, strict=False), start=1):
        out += [f"page {n}: {line}" for line in page_difference(pa, pb)]
    if Path(a).read_bytes() != Path(b).read_bytes():
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
