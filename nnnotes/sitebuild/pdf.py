"""One PDF of the whole built site: Chromium prints each page, pypdf assembles them.

Every page of the nav, in the nav's order, is opened from a local server in Debian's Chromium
(driven by playwright, the browser of the tests) in the light palette, with print styles
(``docs/stylesheets/print.css``, Material's own: no header, navigation or search), every
``<details>`` opened, and every formula, table or code block wider than the column scaled down to
fit it, so nothing is cut at the right edge. ``page.pdf`` prints it; figures are inline SVG and
stay vectors. Transitions and animations are turned off first, so no state half-way through one
is printed. pypdf then puts a title page and a table of contents in front, stamps page numbers in
the footers, adds one bookmark per part and per page, turns links to the local server into links to
the published site when ``NNNOTES_SITE_URL`` is set (and drops them when it is not), and writes
what Chromium wrote either way one way (`baselines`: every glyph run's baseline written on its
line's whole pixel; `canonical`: a link's rectangles that lie side by side joined, each page's
resources named in order of first use, with unused ones dropped, instead of after Skia's object
numbers), and dates the file ``SOURCE_DATE_EPOCH``. ``tests/site/test_pdf.py`` prints twice under
load and asserts the same bytes, or a third print that matches one of the two (Chromium, rarely).
Requests outside the machine are blocked and counted::

    python -m nnnotes.sitebuild.pdf site site/downloads/nnnotes.pdf
"""

from __future__ import annotations

import asyncio
import functools
import html
import http.server
import io
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, TextStringObject

from nnnotes.sitebuild import minisite
from nnnotes.sitebuild.baselines import snap_page_baselines
from nnnotes.sitebuild.canonical import join_link_pieces, rename_page_resources

__all__ = ["Book", "Entry", "build", "nav_entries", "pdf_date", "page_url"]

#: Debian's chromium, as in the browser tests; another build can be named in NNNOTES_CHROMIUM.
CHROMIUM = os.environ.get("NNNOTES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: URLs that leave the machine (http and https to any host but the local server's).
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1(?:[:/]|$))")
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}
#: The column width in CSS pixels of A4 (210 mm) less the side margins (96 px per inch).
COLUMN_PX = round((210 - 30) / 25.4 * 96)

#: Run in each page before printing: open every <details>, then scale down whatever is wider than
#: its column. Returns how many elements were scaled and how many still overflow (must be 0).
PREPARE_JS = """() => {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    const wide = (el) => el.scrollWidth > el.clientWidth + 1;
    const boxes = Array.from(document.querySelectorAll(
        "article div.arithmatex, article .md-typeset__scrollwrap, article pre, article svg"));
    let scaled = 0;
    for (const el of boxes) {
        if (wide(el)) {
            el.style.zoom = (el.clientWidth / el.scrollWidth).toFixed(4);
            scaled += 1;
        }
    }
    // what would be cut: a box that still scrolls, or anything reaching past the page's right edge
    const edge = document.documentElement.clientWidth + 1;
    const past = Array.from(document.querySelectorAll("article *"))
        .filter((el) => (el.children.length === 0 || el.tagName === "svg") && !el.parentElement.closest("svg")
                        && el.getBoundingClientRect().right > edge);
    const still = boxes.filter(wide).length + past.length;
    const closed = document.querySelectorAll("details:not([open])").length;
    return {scaled, overflow: still, closed, title: document.querySelector("article h1")?.textContent ?? ""};
}"""


#: Wait until the page is still: Material's script has wrapped the tables, every font in use has
#: loaded, and two frames were drawn. A print taken earlier (on a busy machine) may lay out
#: differently, and two builds would differ. Returns what is still not so after 5 s (the fonts
#: loading and the tables unwrapped), which `main` reports as a failure.
SETTLE_JS = """async () => {
    const unwrapped = () => Array.from(document.querySelectorAll("article table:not([class])"))
        .filter((t) => !t.closest(".md-typeset__scrollwrap")).length;
    for (let i = 0; i < 200 && unwrapped() > 0; i++) await new Promise((r) => setTimeout(r, 25));
    void document.body.offsetHeight;  // lay out now, so that every font the text needs is asked for
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    await document.fonts.ready;
    return {loading: Array.from(document.fonts).filter((f) => f.status === "loading").length,
            unwrapped: unwrapped()};
}"""


#: Added to each page before anything is opened or measured: a transition or animation caught
#: half-way (a ``<details>`` marker turning, a fade) would print a state that depends on timing.
STILL_CSS = "*, *::before, *::after { transition: none !important; animation: none !important; }"


@dataclass(frozen=True)
class Entry:
    """A page of the nav: its title there (may be empty), its source, the section it is in."""

    title: str
    src: str
    part: str = ""


@dataclass
class Book:
    """What `build` made: the pages' titles and first pages (0-based), and what printing saw."""

    path: Path
    pages: int
    entries: list[tuple[Entry, str, int]] = field(default_factory=list)  # (entry, title, first page)
    scaled: int = 0
    overflow: dict[str, int] = field(default_factory=dict)
    closed: dict[str, int] = field(default_factory=dict)
    loading: dict[str, int] = field(default_factory=dict)  # fonts still loading when printed
    unwrapped: dict[str, int] = field(default_factory=dict)  # tables Material had not wrapped then
    raw: dict[str, bytes] = field(default_factory=dict, repr=False)  # Chromium's print of each page
    blocked: list[str] = field(default_factory=list)
    seconds: float = 0.0


def nav_entries(nav: list[Any], part: str = "") -> list[Entry]:
    """Flatten a MkDocs nav into its pages, in order, each with its section's title.

    Examples
    --------
    >>> nav_entries([{"Home": "index.md"}, {"Chapters": [{"6.1": "a.md"}, "b.md"]}])
    [Entry(title='Home', src='index.md', part=''), Entry(title='6.1', src='a.md', part='Chapters'), \
Entry(title='', src='b.md', part='Chapters')]
    """
    out: list[Entry] = []
    for item in nav:
        if isinstance(item, str):
            out.append(Entry("", item, part))
            continue
        for title, value in item.items():
            if isinstance(value, list):
                out += nav_entries(value, title)
            else:
                out.append(Entry(title, value, part))
    return out


def page_url(src: str) -> str:
    """Return the URL (relative to the site) of page ``src`` with directory URLs.

    Examples
    --------
    >>> [page_url(s) for s in ("index.md", "exercise-6-1.md", "reference/index.md", "reference/mlp.md")]
    ['', 'exercise-6-1/', 'reference/', 'reference/mlp/']
    """
    stem = src.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else stem + "/"


def pdf_date(epoch: int) -> str:
    """Return the PDF date string (UTC) of a Unix time.

    Examples
    --------
    >>> pdf_date(1700000000)
    "D:20231114221320+00'00'"
    """
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serve(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _front_matter(name: str, description: str, date: str, toc: list[tuple[str, str, str]]) -> str:
    """HTML of the title page and the table of contents: rows of (part, title, page number)."""
    rows, part = [], None
    for p, title, number in toc:
        if p != part and p:
            rows.append(f'<tr class="part"><td colspan="2">{html.escape(p)}</td></tr>')
        part = p
        indent = ' class="in"' if p else ""
        rows.append(f"<tr><td{indent}>{html.escape(title)}</td><td class='n'>{number}</td></tr>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; color: #000; margin: 0; }}
.title {{ height: 250mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }}
.title h1 {{ font-size: 40pt; margin: 0 0 8mm; }} .title p {{ font-size: 14pt; max-width: 140mm; }}
h2 {{ font-size: 20pt; }} table {{ width: 100%; border-collapse: collapse; font-size: 11pt; }}
td {{ padding: 1.2mm 0; border-bottom: 0.2mm dotted #888; }} td.n {{ text-align: right; width: 15mm; }}
td.in {{ padding-left: 6mm; }} tr.part td {{ font-weight: bold; border: 0; padding-top: 4mm; }}
</style></head><body>
<div class="title"><h1>{html.escape(name)}</h1><p>{html.escape(description)}</p>
<p>Printed from the site built on {date}.</p></div>
<h2>Contents</h2><table>{"".join(rows)}</table></body></html>"""


def _numbers_html(count: int, skip: int) -> str:
    """HTML of ``count`` empty A4 pages with their number at the foot (none on the first ``skip``)."""
    pages = "".join(f'<div class="p"><span>{i + 1 if i >= skip else ""}</span></div>' for i in range(count))
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }} body {{ margin: 0; font-family: sans-serif; font-size: 9pt; color: #444; }}
.p {{ height: 297mm; position: relative; break-after: page; }}
.p span {{ position: absolute; bottom: 8mm; left: 0; right: 0; text-align: center; }}
</style></head><body>{pages}</body></html>"""


async def _print_site(
    site: Path, entries: list[Entry], config: dict[str, Any], epoch: int, book: Book
) -> PdfWriter:
    from playwright.async_api import async_playwright

    with _serve(site) as base:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context(
                color_scheme="light",
                viewport={"width": COLUMN_PX, "height": 1000},
                service_workers="block",
            )

            async def route(r: Any) -> None:
                host = urlsplit(r.request.url).hostname
                if urlsplit(r.request.url).scheme in ("http", "https") and host != "127.0.0.1":
                    book.blocked.append(r.request.url)
                    await r.abort()
                else:
                    await r.continue_()

            # only requests that leave the machine are routed (matched in the browser's driver):
            # sending every request of every page to this process for a verdict cost seconds
            await context.route(OUTSIDE, route)
            page = await context.new_page()
            await page.emulate_media(media="print", color_scheme="light")
            printed: list[tuple[Entry, str, bytes]] = []
            for entry in entries:
                await page.goto(base + page_url(entry.src), wait_until="load")
                await page.add_style_tag(content=STILL_CSS)
                await page.evaluate(SETTLE_JS)
                seen = await page.evaluate(PREPARE_JS)
                settled = await page.evaluate(SETTLE_JS)
                book.loading[entry.src], book.unwrapped[entry.src] = settled["loading"], settled["unwrapped"]
                book.scaled += seen["scaled"]
                book.overflow[entry.src] = seen["overflow"]
                book.closed[entry.src] = seen["closed"]
                data = await page.pdf(format="A4", margin=MARGIN, print_background=True)
                book.raw[entry.src] = data  # as Chromium wrote it, before `canonical`
                printed.append((entry, entry.title or seen["title"].strip(" ¶"), data))

            async def render(doc: str) -> bytes:
                await page.set_content(doc, wait_until="load")
                return await page.pdf(
                    format="A4", margin={"top": "20mm", "bottom": "20mm", "left": "20mm", "right": "20mm"}
                )

            readers = [PdfReader(io.BytesIO(d)) for _, _, d in printed]
            counts = [len(r.pages) for r in readers]
            date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
            name, description = config.get("site_name", ""), config.get("site_description", "")
            draft = [(e.part, t, "000") for e, t, _ in printed]
            front_pages = len(
                PdfReader(io.BytesIO(await render(_front_matter(name, description, date, draft)))).pages
            )
            starts, at = [], front_pages
            for n in counts:
                starts.append(at)
                at += n
            toc = [(e.part, t, str(s + 1)) for (e, t, _), s in zip(printed, starts, strict=True)]
            front = await render(_front_matter(name, description, date, toc))
            numbers = await render(_numbers_html(at, 1))
            await browser.close()

    writer = PdfWriter()
    front_reader = PdfReader(io.BytesIO(front))
    if len(front_reader.pages) != front_pages:
        raise RuntimeError("the table of contents changed length when its page numbers were filled in")
    # link pieces joined and resources renamed before a page is added: what they drop is never copied
    for p in front_reader.pages:
        rename_page_resources(p)
        writer.add_page(p)
    for (entry, title, _), reader, start in zip(printed, readers, starts, strict=True):
        for p in reader.pages:
            join_link_pieces(p)
            rename_page_resources(p)
            writer.add_page(p)
        book.entries.append((entry, title, start))
    stamps = PdfReader(io.BytesIO(numbers)).pages
    for i, p in enumerate(writer.pages):
        snap_page_baselines(p)
        rename_page_resources(stamps[i])
        p.merge_page(stamps[i])
    _relink(writer, base, config.get("site_url") or "")
    return writer


def _relink(writer: PdfWriter, local: str, published: str) -> None:
    """Point links to the local server at the published site (or drop them when it is unknown)."""
    dropped = False
    for p in writer.pages:
        refs = list(p.get("/Annots") or [])
        kept = []
        for ref in refs:
            action = ref.get_object().get("/A")
            action = action.get_object() if action is not None else {}
            uri = str(action.get("/URI", ""))
            if uri.startswith(local):
                if not published:
                    continue
                action[NameObject("/URI")] = TextStringObject(published + uri[len(local) :])
            kept.append(ref)
        if len(kept) < len(refs):
            p[NameObject("/Annots")] = ArrayObject(kept)
            dropped = True
    if dropped:  # a dropped link would still be written, with the port of this print's server
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def _outline(writer: PdfWriter, book: Book) -> None:
    writer.add_outline_item(title="Contents", page_number=1)
    parts: dict[str, Any] = {}
    for entry, title, start in book.entries:
        parent = None
        if entry.part:
            if entry.part not in parts:
                parts[entry.part] = writer.add_outline_item(title=entry.part, page_number=start)
            parent = parts[entry.part]
        writer.add_outline_item(title=title, page_number=start, parent=parent)


def build(site: Path, out: Path, *, epoch: int | None = None) -> Book:
    """Print the built ``site`` into one PDF at ``out``; return what was made.

    Raises
    ------
    FileNotFoundError
        If ``site`` has no built page of the nav.
    """
    t0 = time.perf_counter()
    site = Path(site)
    if epoch is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    config = minisite.project_config()
    config["site_url"] = os.environ.get("NNNOTES_SITE_URL", "")
    entries = nav_entries(config["nav"])
    missing = [e.src for e in entries if not (site / page_url(e.src) / "index.html").is_file()]
    if missing:
        raise FileNotFoundError(f"site: {site} has no built page for {missing[:3]} (run `make build`)")
    book = Book(Path(out), 0)
    writer = asyncio.run(_print_site(site, entries, config, epoch, book))
    _outline(writer, book)
    writer.page_mode = "/UseOutlines"
    date = pdf_date(epoch)
    writer.add_metadata(
        {
            "/Title": config.get("site_name", ""),
            "/Subject": config.get("site_description", ""),
            "/Creator": "nnnotes (Chromium, pypdf)",
            "/Producer": "pypdf",
            "/CreationDate": date,
            "/ModDate": date,
        }
    )
    book.path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    book.path.write_bytes(buffer.getvalue())
    book.pages = len(writer.pages)
    book.seconds = time.perf_counter() - t0
    return book


def main(argv: list[str]) -> int:
    """``python -m nnnotes.sitebuild.pdf SITE OUT``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    book = build(Path(argv[0]), Path(argv[1]))
    problems = [f"{src}: {n} element(s) wider than the page" for src, n in book.overflow.items() if n]
    problems += [f"{src}: {n} font(s) still loading when printed" for src, n in book.loading.items() if n]
    problems += [
        f"{src}: {n} table(s) not yet wrapped when printed" for src, n in book.unwrapped.items() if n
    ]
    problems += [f"blocked request to {u}" for u in book.blocked]
    print(
        f"PDF: {book.path} ({book.pages} pages, {book.path.stat().st_size / 1e6:.1f} MB, "
        f"{book.scaled} wide elements scaled) in {book.seconds:.1f} s"
    )
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
