"""How a page is made ready for printing (`nnnotes.sitebuild.pdf`), on small pages of its own.

Every ``<details>`` is opened and what is wider than the column is scaled to fit; no transition or
animation is caught half-way; requests that leave the machine are routed and blocked. The book
printed from the whole site is judged in ``test_pdf.py``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest

from nnnotes.sitebuild import pdf


@pytest.mark.browser
def test_prepare_opens_details_and_fits_wide_boxes(tmp_path: Path) -> None:
    """On a page with a folded answer and a too-wide formula, printing shows both, nothing cut.

    The chapters fold their answers in such boxes; this small page shows the opening and the
    scaling on one box of each kind.
    """
    import asyncio

    from playwright.async_api import async_playwright

    body = (
        '<article class="md-typeset"><details><summary>Answer</summary><p>folded-answer-text</p>'
        '</details><div class="arithmatex" style="overflow-x:auto">'
        f'<span style="display:inline-block;white-space:nowrap">{"wide " * 400}end-of-formula</span>'
        "</div></article>"
    )

    async def run() -> tuple[dict, bytes]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=pdf.CHROMIUM, args=pdf.CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": pdf.COLUMN_PX, "height": 800})
            await page.emulate_media(media="print")
            await page.set_content(f"<!doctype html><html><body>{body}</body></html>")
            seen = await page.evaluate(pdf.PREPARE_JS)
            data = await page.pdf(format="A4", margin=pdf.MARGIN)
            await browser.close()
            return seen, data

    seen, data = asyncio.run(run())
    assert (seen["scaled"], seen["overflow"], seen["closed"]) == (1, 0, 0)
    (tmp_path / "p.pdf").write_bytes(data)
    doc = pypdfium2.PdfDocument(tmp_path / "p.pdf")
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    assert "folded-answer-text" in text and "end-of-formula" in text


@pytest.mark.parametrize(
    ("url", "outside"),
    [
        ("http://127.0.0.1:8123/exercise-6-1/", False),
        ("http://127.0.0.1", False),
        ("https://cdn.example.net/npm/katex.css", True),
        ("http://127.0.0.1.example.org/", True),
        ("http://localhost:8000/", True),
        ("data:font/woff2;base64,AAAA", False),
    ],
)
def test_requests_that_leave_the_machine_are_routed(url: str, outside: bool) -> None:
    """The print routes (and blocks) every http(s) request not for the local server, only those."""
    assert bool(pdf.OUTSIDE.match(url)) is outside


@pytest.mark.browser
def test_no_transition_is_printed_half_way() -> None:
    """With `pdf.STILL_CSS` a style change shows its end at once; without it, a 60 s fade is caught early.

    A print taken while a transition or animation runs would depend on the machine's speed.
    """
    import asyncio

    from playwright.async_api import async_playwright

    page_html = (
        "<!doctype html><html><head><style>.x { opacity: 1; transition: opacity 60s linear; }"
        " .x.on { opacity: 0.2; } .y { animation: spin 60s linear; }"
        " @keyframes spin { from { transform: rotate(0deg); } to { transform: rotate(90deg); } }"
        '</style></head><body><p class="x">fading</p><p class="y">turning</p></body></html>'
    )
    seen = """async () => {
        const x = document.querySelector(".x");
        void getComputedStyle(x).opacity;
        x.classList.add("on");
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return [getComputedStyle(x).opacity, document.getAnimations().length];
    }"""

    async def run(still: bool) -> list:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=pdf.CHROMIUM, args=pdf.CHROMIUM_ARGS)
            page = await browser.new_page()
            await page.set_content(page_html)
            if still:
                await page.add_style_tag(content=pdf.STILL_CSS)
            out = await page.evaluate(seen)
            await browser.close()
            return out

    assert asyncio.run(run(still=True)) == ["0.2", 0]
    opacity, running = asyncio.run(run(still=False))
    assert float(opacity) > 0.9 and running == 2  # the comparison can fail


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("https://example.org/nn/", ["https://example.org/nn/exercise-6-1/#x", "https://doi.org/10.1/a"]),
        ("", ["https://doi.org/10.1/a"]),
    ],
)
def test_links_to_the_local_server_lead_to_the_published_site_or_are_dropped(
    published: str, expected: list[str]
) -> None:
    """A link to the printing server is pointed at the published site; unknown, it is dropped."""
    from pypdf import PdfWriter
    from pypdf.annotations import Link

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_annotation(0, Link(rect=(0, 0, 10, 10), url="http://127.0.0.1:8123/exercise-6-1/#x"))
    writer.add_annotation(0, Link(rect=(0, 20, 10, 30), url="https://doi.org/10.1/a"))
    pdf._relink(writer, "http://127.0.0.1:8123/", published)
    uris = [str(a.get_object()["/A"]["/URI"]) for a in writer.pages[0]["/Annots"]]
    assert uris == expected
    written = io.BytesIO()
    writer.write(written)
    assert b"8123" not in written.getvalue()  # nor is a dropped link written: two prints' ports differ
