"""What Chromium writes differently in two prints of the same page, written one way.

Two prints of the whole site under load differed in three ways, each rarely, never in what a
reader sees: a glyph run's baseline on its line in one print and a fraction of a pixel off it in
the other (`nnnotes.sitebuild.baselines`); a link around an inline formula given one rectangle
in one print and three side by side in the other (`join_link_pieces`); and, with a busy loop
beside the prints, resource names shifted (``/X103`` against ``/X101`` on every later page of
one chapter: Chromium's PDF backend, Skia, names a resource after its object number, and one
print numbered two more objects, never used), which `rename_page_resources` writes in order of
first use.
"""

from __future__ import annotations

import re

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, RectangleObject, StreamObject

from nnnotes.arrays import real_number

__all__ = [
    "join_link_pieces",
    "rename_page_resources",
    "rename_resources",
    "tokens",
]


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


#: The operators that name a resource, the category it is in, and which operand is the name.
NAMING = {
    b"Do": ("/XObject", 0),
    b"Tf": ("/Font", 0),
    b"gs": ("/ExtGState", 0),
    b"sh": ("/Shading", 0),
    b"cs": ("/ColorSpace", 0),
    b"CS": ("/ColorSpace", 0),
    b"scn": ("/Pattern", -1),
    b"SCN": ("/Pattern", -1),
    b"BDC": ("/Properties", 1),
    b"DP": ("/Properties", 1),
}
#: The new names' stems: ``/X0``, ``/X1``, ... for XObjects, in order of first use.
STEMS = {
    "/XObject": "X",
    "/Font": "F",
    "/ExtGState": "G",
    "/Shading": "Sh",
    "/ColorSpace": "C",
    "/Pattern": "P",
    "/Properties": "M",
}
_DELIMITERS = rb"\s/\[\]()<>{}%"
_TOKEN = re.compile(
    rb"(?P<space>\s+|%[^\r\n]*)|(?P<open>\()|(?P<hex><(?!<)[^>]*>)|(?P<name>/[^" + _DELIMITERS + rb"]*)"
    rb"|(?P<punct><<|>>|[\[\]{}])|(?P<word>[^" + _DELIMITERS + rb"]+)"
)


def tokens(content: bytes) -> list[tuple[str, int, int]]:
    """Split a content stream into its tokens, as (kind, start, end).

    The kind is one of ``name``, ``string``, ``hex``, ``punct`` or ``word`` (a number or an
    operator); spaces and comments are left out.

    Raises
    ------
    TypeError
        If ``content`` is not bytes.
    ValueError
        If ``content`` holds an inline image (``BI ... ID ... EI``: its data is not tokens;
        Chromium never writes one) or a string that never ends.

    Examples
    --------
    >>> data = b"/F4 12 Tf (a) Tj"
    >>> [(kind, data[i:j]) for kind, i, j in tokens(data)]
    [('name', b'/F4'), ('word', b'12'), ('word', b'Tf'), ('string', b'(a)'), ('word', b'Tj')]
    """
    if not isinstance(content, bytes):
        raise TypeError(f"content: expected bytes, got {type(content).__name__}")
    out: list[tuple[str, int, int]] = []
    at = 0
    while at < len(content):
        m = _TOKEN.match(content, at)
        if m is None:
            raise ValueError(f"content: cannot read the stream at byte {at}: {content[at : at + 20]!r}")
        kind = m.lastgroup or ""
        end = m.end()
        if kind == "open":  # a literal string: balanced parentheses, backslash escapes
            depth, end = 1, at + 1
            while depth:
                if end >= len(content):
                    raise ValueError(f"content: the string at byte {at} never ends")
                c = content[end]
                end += 2 if c == 0x5C else 1
                depth += (c == 0x28) - (c == 0x29)
            kind = "string"
        if kind == "word" and content[at:end] == b"ID":
            raise ValueError(f"content: an inline image at byte {at}; its resources cannot be renamed")
        if kind != "space":
            out.append((kind, at, end))
        at = end
    return out


def rename_resources(content: bytes, resources: dict) -> tuple[bytes, dict[str, dict[str, str]]]:
    """Name the resources a content stream uses in order of first use, per category.

    Chromium's PDF backend (Skia) names a resource after its object number (``/X101``), and two
    prints of one chapter numbered their objects differently under load (two more objects in
    one print, none of them used): every later page named its XObjects ``/X103`` in one print
    and ``/X101`` in the other, the same objects. Renamed in order of first use (``/X0``,
    ``/X1``, ...), both are written one way. Only names an operator uses as a resource (``Do``,
    ``Tf``, ``gs``, ``sh``, ``cs``/``CS``, ``scn``/``SCN``, ``BDC``/``DP``) and that its
    category holds are renamed, each everywhere it is used, so what is drawn is unchanged.

    Parameters
    ----------
    content : bytes
        A decoded content stream.
    resources : dict
        Its resource dictionary (``/XObject``, ``/Font``, ... each a dict of names).

    Returns
    -------
    bytes, dict
        The stream with the new names, and per category the old name of each new one, in order.

    Raises
    ------
    ValueError
        If a new name is already used by the stream for something its resources do not hold.

    Examples
    --------
    >>> held = {"/XObject": {"/X12": 1, "/X103": 2, "/X5": 3}}
    >>> rename_resources(b"/X103 Do /F7 9 Tf /X12 Do /X103 Do", held)
    (b'/X0 Do /F7 9 Tf /X1 Do /X0 Do', {'/XObject': {'/X0': '/X103', '/X1': '/X12'}})
    """
    found = tokens(content)
    new: dict[str, dict[str, str]] = {}
    old_to_new: dict[tuple[str, bytes], bytes] = {}
    spans: list[tuple[int, int, bytes]] = []
    kept: set[tuple[str, bytes]] = set()
    operands: list[tuple[str, int, int]] = []
    for kind, i, j in found:
        if kind != "word" or content[i:j] not in NAMING and not _OPERATOR.fullmatch(content[i:j]):
            operands.append((kind, i, j))
            continue
        naming = NAMING.get(content[i:j])
        if naming is not None and operands:
            category, which = naming
            held = resources.get(category) or {}
            try:
                kind_n, a, b = operands[which]
            except IndexError:
                kind_n = ""
            if kind_n == "name":
                name = content[a:b]
                if name.decode("latin-1") in held:
                    key = (category, name)
                    if key not in old_to_new:
                        names = new.setdefault(category, {})
                        old_to_new[key] = f"/{STEMS[category]}{len(names)}".encode()
                        names[old_to_new[key].decode()] = name.decode("latin-1")
                    spans.append((a, b, old_to_new[key]))
                else:
                    kept.add((category, name))
        operands = []
    clash = [n for c, n in kept if n.decode("latin-1") in new.get(c, {})]
    if clash:
        raise ValueError(
            f"content: uses {clash[0]!r}, not a resource, and a resource would be given that name"
        )
    out, at = [], 0
    for a, b, name in spans:
        out += [content[at:a], name]
        at = b
    out.append(content[at:])
    return b"".join(out), new


#: A word that is an operator, not a number (``true``, ``false`` and ``null`` are operands).
_OPERATOR = re.compile(rb"(?![+-]?(\d+\.?\d*|\.\d+)$)(?!true$|false$|null$)[A-Za-z'\"*0-9]+")


def rename_page_resources(page: PageObject) -> None:
    """Apply `rename_resources` to ``page`` and to all it draws.

    Every form XObject and tiling pattern the page draws, and the soft mask of each graphics
    state it sets, is renamed the same way, recursively: each gets a resource dictionary holding
    only what its stream uses, under the new names. Rename a page read by ``PdfReader`` before
    it is added to a writer: the entries dropped (objects no content uses) are then never
    copied, so they take no object number in the file written.

    Parameters
    ----------
    page : PageObject
        A page whose ``/Contents`` is one stream (as Chromium writes), or a writer's page.

    Raises
    ------
    TypeError
        If ``page`` is not a ``PageObject``.
    ValueError
        If ``page`` is not in a writer and its contents are an array of streams (a token may
        straddle two of them, so they are not renamed one by one).
    """
    if not isinstance(page, PageObject):
        raise TypeError(f"page: expected a pypdf PageObject, got {type(page).__name__}")
    if "/Contents" not in page:
        return
    stream = page["/Contents"].get_object()
    in_writer = isinstance(getattr(page.indirect_reference, "pdf", None), PdfWriter)
    if not isinstance(stream, StreamObject) and not in_writer:
        raise ValueError("page: its contents are an array of streams; add it to a writer first")
    data = stream.get_data() if isinstance(stream, StreamObject) else page.get_contents().get_data()
    renamed, resources = _renamed(data, page.get("/Resources"), set())
    if renamed != data:
        if isinstance(stream, StreamObject):
            stream.set_data(renamed)
        else:
            contents = page.get_contents()
            contents.set_data(renamed)
            page.replace_contents(contents)
    page[NameObject("/Resources")] = resources


def _renamed(data: bytes, resources: object, seen: set[int]) -> tuple[bytes, DictionaryObject]:
    held = resources.get_object() if resources is not None else DictionaryObject()
    categories = {c: held[c].get_object() for c in STEMS if c in held}
    renamed, names = rename_resources(data, categories)
    out = DictionaryObject({NameObject(k): v for k, v in held.items() if k not in STEMS})
    for category, mapping in names.items():
        old = categories[category]
        out[NameObject(category)] = DictionaryObject(
            {NameObject(n): old.raw_get(o) for n, o in mapping.items()}
        )
        for o in mapping.values():
            inner = old[o].get_object()
            if category == "/ExtGState":
                mask = inner.get("/SMask")
                inner = mask.get_object().get("/G") if isinstance(mask, DictionaryObject) else None
                inner = inner.get_object() if inner is not None else None
            if isinstance(inner, StreamObject):
                _rename_stream(inner, seen)
    return renamed, out


def _rename_stream(stream: StreamObject, seen: set[int]) -> None:
    """Rename the resources of a form XObject or tiling pattern in place (once: it may be shared)."""
    if id(stream) in seen or "/Resources" not in stream:
        return
    seen.add(id(stream))
    data = stream.get_data()
    renamed, resources = _renamed(data, stream.raw_get("/Resources"), seen)
    if renamed != data:
        stream.set_data(renamed)
    stream[NameObject("/Resources")] = resources
