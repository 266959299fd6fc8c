"""The notebook of each chapter: linked from the page, the page's blocks in order, runs and agrees.

Each notebook is run top to bottom in a fresh kernel (nbclient); what each code cell prints must
equal its saved output, which is what the same block printed on the page during the build.
"""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from nnnotes.sitebuild import notebooks, numbering, pdf, takeaway
from nnnotes.sitebuild.minisite import project_config

CHAPTERS = [src for _, src in takeaway.chapters(project_config()["nav"])]
#: An executed python block of a chapter, as the author wrote it (indented or not).
FENCE = re.compile(r'^[ \t]*(`{3,})python[^\n]*\bexec="1"[^\n]*\n(.*?)^[ \t]*\1[ \t]*$', re.S | re.M)


def _notebook(site: Path, src: str) -> nbformat.NotebookNode:
    return nbformat.read(site / notebooks.notebook_path(src), as_version=4)


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def test_a_notebook_per_chapter() -> None:
    """The chapters are the nav's section of that name, and there are several."""
    assert len(CHAPTERS) >= 7 and all(src.endswith(".md") for src in CHAPTERS)


@pytest.mark.parametrize("src", CHAPTERS)
def test_the_chapter_page_links_its_notebook(built_site: Path, src: str) -> None:
    """The chapter's page links its notebook, and the link resolves to the file."""
    folder = built_site / pdf.page_url(src)
    page = (folder / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]+\.ipynb)"', page)
    assert len(hrefs) == 1
    assert (folder / hrefs[0]).resolve() == (built_site / notebooks.notebook_path(src)).resolve()


@pytest.mark.parametrize("src", CHAPTERS)
def test_cells_are_the_pages_blocks_and_prose(built_site: Path, src: str) -> None:
    """One code cell per executed block, same code, same order; the first cell says how to install."""
    nb = _notebook(built_site, src)
    page = (ROOT / "docs" / src).read_text(encoding="utf-8")
    blocks = [textwrap.dedent(code).strip() for _, code in FENCE.findall(page)]
    assert [c.source.strip() for c in nb.cells if c.cell_type == "code"] == blocks
    assert nb.cells[0].cell_type == "markdown" and "pip install" in nb.cells[0].source
    assert any(c.cell_type == "markdown" and c.source.startswith("# ") for c in nb.cells)


@pytest.mark.parametrize("src", CHAPTERS)
def test_the_notebook_file_is_reproducible(built_site: Path, src: str) -> None:
    """Regenerating the notebook from the chapter and its saved outputs gives the same bytes."""
    path = built_site / notebooks.notebook_path(src)
    nb = _notebook(built_site, src)
    codes = [c for c in nb.cells if c.cell_type == "code"]
    outputs = [(c.id.rsplit("-", 1)[0], c.source, _stdout(c)) for c in codes]
    again = notebooks.chapter_notebook(
        notebooks.page_markdown(ROOT / "docs" / src),
        outputs,
        title=re.sub(r"^\*\*(.*?)\*\*.*", r"\1", nb.cells[0].source, flags=re.S),
        page_url=nb.metadata["nnnotes"]["page"],
        site_url=re.search(
            r"\]\((.*?)" + re.escape(nb.metadata["nnnotes"]["page"]) + r"\)", nb.cells[0].source
        ).group(1),
        repo_url=(re.search(r"git\+(\S+?)\"", nb.cells[0].source) or [None, ""])[1],
        resolve=_anchors_of(built_site).get,
    )
    assert nbformat.writes(again) + "\n" == path.read_text(encoding="utf-8")


def _anchors_of(site: Path) -> dict[str, str]:
    """Each id found on exactly one page of the built site, with that page's URL and the anchor.

    An independent way to place a cross-reference: from the HTML the build wrote, not from the
    build's mkdocs-autorefs; a chapter and its parts by `nnnotes.sitebuild.numbering.parts`.
    """
    pages: dict[str, list[str]] = {}
    aliases: dict[str, str] = {}
    for html in sorted(site.rglob("index.html")):
        url = html.parent.relative_to(site).as_posix() + "/"
        text = html.read_text(encoding="utf-8")
        for anchor in set(re.findall(r'\bid="([^"]+)"', text)):
            pages.setdefault(anchor, []).append(url)
        # a chapter and its parts are also known by their names (exercise-6-5, exercise-6-5-b)
        aliases |= {name: f"{url}#{a}" for name, a in numbering.parts(text, url.rstrip("/") + ".md").items()}
    return {a: f"{urls[0]}#{a}" for a, urls in pages.items() if len(urls) == 1} | aliases


@pytest.mark.parametrize("src", CHAPTERS)
def test_the_prose_cells_render_in_jupyter(built_site: Path, src: str) -> None:
    """No site-only syntax is left in the prose, and every link to the site reaches its target.

    No ``/// details`` line, box option or closing ``///``; no cross-reference ``[text][id]`` left
    unresolved; each link into the published site names a built page and, with an anchor, an
    element of that page.
    """
    nb = _notebook(built_site, src)
    site_url = re.search(
        r"\]\((\S*?)" + re.escape(nb.metadata["nnnotes"]["page"]) + r"\)", nb.cells[0].source
    )[1]
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert not re.findall(r"^[ \t>]*(?:///.*|    type: .*)$", prose, re.M)
    assert not notebooks._XREF.findall(prose)
    links = re.findall(r"\]\(" + re.escape(site_url) + r"([^)\s]*)\)", prose)
    written = notebooks._XREF.findall((ROOT / "docs" / src).read_text(encoding="utf-8"))
    assert len(links) >= len(written), links  # each cross-reference of the chapter, now a link
    for link in links:
        path, _, anchor = link.partition("#")
        page = built_site / path / "index.html"
        assert page.is_file(), link
        assert not anchor or f'id="{anchor}"' in page.read_text(encoding="utf-8"), link


@pytest.mark.parametrize("src", CHAPTERS)
def test_the_notebook_runs_and_prints_what_the_page_printed(
    built_site: Path, src: str, tmp_path: Path
) -> None:
    """Run in a fresh kernel (in an empty folder), every cell prints exactly its saved output."""
    nb = _notebook(built_site, src)
    saved = [_stdout(c) for c in nb.cells if c.cell_type == "code"]
    assert any(saved) or not saved  # the outputs were saved (some blocks only set up)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    t0 = time.perf_counter()
    client = NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    print(f"{src}: {len(saved)} code cells ran in {time.perf_counter() - t0:.1f} s")
    cells = [c for c in nb.cells if c.cell_type == "code"]
    others = [[o.output_type for o in c.outputs if o.output_type != "stream"] for c in cells]
    assert others == [[]] * len(cells)
    assert [_stdout(c) for c in cells] == saved
