"""A Jupyter notebook per chapter, generated from the chapter's Markdown while the site builds.

Prose becomes Markdown cells: admonitions become block quotes, ``/// details`` boxes a bold title,
and links to other pages and cross-references (``[text][identifier]``, placed by the build's
mkdocs-autorefs) point at the published site. Each executed block (```` ```python exec="1" ````)
becomes a code cell, in order, holding the code markdown-exec ran and, as its output, the text
that block printed on the page (`nnnotes.sitebuild.cache.block_outputs`). In the notebook a
chapter's blocks share one kernel; on the page only the blocks of one ``session=`` share their
variables, and a block without one runs in fresh globals. The first cell says how to install the
package. Cell ids are derived from the blocks' ``id=``, and the JSON is written with sorted keys, so
two builds give identical files.

The notebooks are written to ``notebooks/<page>.ipynb`` in the built site; the tests run each one
in a fresh kernel and compare its outputs with the page's.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

__all__ = ["FOLDER", "Block", "chapter_notebook", "notebook_path", "split_blocks", "write"]

#: Folder of the notebooks in the built site.
FOLDER = "notebooks"

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})python(?P<opts>[^\n]*?\bexec=\"(?:1|on|true)\"[^\n]*)\n"
    r"(?P<code>.*?)^(?P=indent)(?P=ticks)[ \t]*$\n?",
    re.S | re.M,
)
_OPTION = re.compile(r'(\w+)="([^"]*)"')
_ADMONITION = re.compile(
    r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<kind>[\w-]+)(?:[^"\n]*"(?P<title>[^"]*)")?'
)
_LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)(?P<path>[^)#\s]+\.md)(?P<anchor>#[^)\s]*)?\)")
#: A cross-reference of mkdocs-autorefs: ``[text][identifier]`` (the text within one paragraph).
_XREF = re.compile(r"\[(?P<text>(?:[^\[\]\n]|\n(?![ \t>]*\n))+)\]\[(?P<id>[^\[\]\s]+)\]")
#: A ``/// details | Title`` box of pymdownx.blocks, its option lines, and its closing ``///``.
_DETAILS = re.compile(r"^[ \t]*/// details \| (?P<title>.+)\n(?:[ \t]{4}\w+: .*\n)*", re.M)
_CLOSE = re.compile(r"^[ \t]*///[ \t]*\n", re.M)

#: Where an identifier's anchor lives, as a site-relative URL (``exercise-6-3/#check-6-3-a``).
Resolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Block:
    """An executed block of a page: its code as markdown-exec runs it and its fence options."""

    code: str
    options: dict[str, str]


def split_blocks(markdown: str) -> list[str | Block]:
    r"""Split a page into prose (``str``) and executed python blocks (`Block`), in order.

    Examples
    --------
    >>> page = 'Text.\n\n```python exec="1" id="a"\nprint(1)\n```\n\nMore.\n'
    >>> split_blocks(page)
    ['Text.\n\n', Block(code='print(1)\n', options={'exec': '1', 'id': 'a'}), '\nMore.\n']
    """
    parts: list[str | Block] = []
    pos = 0
    for m in _FENCE.finditer(markdown):
        parts.append(markdown[pos : m.start()])
        indent = m.group("indent")
        code = "".join(line.removeprefix(indent) for line in m.group("code").splitlines(keepends=True))
        parts.append(Block(code, dict(_OPTION.findall(m.group("opts")))))
        pos = m.end()
    parts.append(markdown[pos:])
    return [p for p in parts if not isinstance(p, str) or p.strip()]


def _prose(text: str, page_url: str, site_url: str, resolve: Resolver | None = None) -> str:
    r"""Markdown of the site turned into Markdown that Jupyter renders.

    A cross-reference becomes a link to the published page; one that ``resolve`` cannot place
    (or something else written like one) is left as it is.

    Examples
    --------
    >>> md = "/// details | Answer\n    type: answer\n\nSee [claim 1][check-1] and [B (2020)][ref-b].\n///\n"
    >>> print(_prose(md, "p/", "https://s/", {"check-1": "p/#check-1"}.get))
    **Answer**
    <BLANKLINE>
    See [claim 1](https://s/p/#check-1) and [B (2020)][ref-b].
    """

    def link(m: re.Match[str]) -> str:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), m.group("path")))
        url = path.removesuffix(".md")
        url = "" if url == "index" else url.removesuffix("/index") + "/"
        return f"]({site_url}{url}{m.group('anchor') or ''})"

    out: list[str] = []
    quote: int | None = None  # indentation of the admonition being turned into a block quote
    for line in text.splitlines():
        m = _ADMONITION.match(line)
        if m:
            quote = len(m.group("indent"))
            title = m.group("title") or m.group("kind").capitalize()
            out.append(" " * quote + f"> **{title}**")
            out.append(" " * quote + ">")
            continue
        if quote is not None:
            if line.strip() and len(line) - len(line.lstrip()) <= quote:
                quote = None
            else:
                out.append(" " * quote + "> " + line[quote + 4 :])
                continue
        out.append(line)

    def xref(m: re.Match[str]) -> str:
        url = resolve(m.group("id")) if resolve else None
        return f"[{m.group('text')}]({site_url}{url})" if url is not None else m.group(0)

    text = _LINK.sub(link, "\n".join(out) + "\n")
    text = _CLOSE.sub("", _DETAILS.sub(lambda m: f"\n**{m.group('title').strip()}**\n", text))
    return _XREF.sub(xref, text).strip() + "\n"


def _install_cell(title: str, page_url: str, site_url: str, repo_url: str) -> str:
    where = f'`pip install "nnnotes @ git+{repo_url}"`, or ' if repo_url else ""
    return (
        f"**{title}**: a notebook generated from the chapter "
        f"[{page_url}]({site_url}{page_url}) of nnnotes.\n\n"
        f"To run it, install the `nnnotes` package from its repository: {where}"
        "in a clone of the repository, `pip install -e .`; then run the cells from the top. "
        "Each code cell's saved output is what the same code printed on the published page.\n"
    )


def page_markdown(path: Path) -> str:
    """Return a chapter's Markdown as the build hands it to `chapter_notebook`.

    The front matter is removed (as MkDocs does) and the ``{{ ... }}`` placeholders are filled in
    (as `nnnotes.sitebuild.prose` does during the build), so the notebook's prose shows numbers.
    """
    from mkdocs.utils.meta import get_data

    from nnnotes.experiments.prose_values import prose_values
    from nnnotes.sitebuild import prose

    text, _ = get_data(path.read_text(encoding="utf-8"))
    if "{{" not in text:
        return text
    return prose.render_placeholders(text, prose_values(), page=f"docs/{path.name}")


def chapter_notebook(
    markdown: str,
    outputs: list[tuple[str | None, str, str]],
    *,
    title: str,
    page_url: str,
    site_url: str = "",
    repo_url: str = "",
    resolve: Resolver | None = None,
) -> nbformat.NotebookNode:
    """Return the notebook of one chapter.

    Parameters
    ----------
    markdown : str
        The chapter's Markdown, as MkDocs read it.
    outputs : list of (id, code, output)
        What each executed block printed while the page was built, in order (see
        `nnnotes.sitebuild.cache.block_outputs`); its codes must be the page's blocks.
    title : str
        The chapter's title.
    page_url : str
        The page's URL relative to the site (``exercise-6-1/``).
    site_url, repo_url : str
        The published site and the package's repository (links in the cells).
    resolve : callable, optional
        Site-relative URL of a cross-reference's identifier, or None (then the text stays, unlinked).

    Raises
    ------
    ValueError
        If ``outputs`` does not list the page's executed blocks in order.
    """
    parts = split_blocks(markdown)
    blocks = [p for p in parts if isinstance(p, Block)]
    if [b.code.strip() for b in blocks] != [code.strip() for _, code, _ in outputs]:
        raise ValueError(
            f"outputs: the {len(outputs)} blocks run for {page_url!r} are not the page's "
            f"{len(blocks)} executed blocks in order"
        )
    cells = [new_markdown_cell(_install_cell(title, page_url, site_url, repo_url), id="install")]
    runs = iter(outputs)
    for part in parts:
        n = len(cells)
        if isinstance(part, Block):
            block_id, code, output = next(runs)
            cell = new_code_cell(code.rstrip("\n"), id=_cell_id(block_id, n), execution_count=None)
            if output:
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
            cells.append(cell)
        else:
            cells.append(new_markdown_cell(_prose(part, page_url, site_url, resolve), id=f"prose-{n}"))
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "nnnotes": {"page": page_url},
    }
    nbformat.validate(nb)
    return nb


def _cell_id(block_id: str | None, n: int) -> str:
    """Return a valid, unique, stable cell id (nbformat: 1 to 64 of ``[a-zA-Z0-9-_]``)."""
    base = re.sub(r"[^a-zA-Z0-9_-]", "-", block_id or "block")[:50]
    return f"{base}-{n}"


def notebook_path(src_uri: str) -> str:
    """Return the path of a page's notebook in the built site.

    Examples
    --------
    >>> notebook_path("exercise-6-1.md")
    'notebooks/exercise-6-1.ipynb'
    """
    return f"{FOLDER}/{src_uri.removesuffix('.md').replace('/', '-')}.ipynb"


def write(nb: nbformat.NotebookNode, site_dir: Path, src_uri: str) -> Path:
    """Write ``nb`` as the notebook of page ``src_uri`` into the built site; return its path."""
    path = Path(site_dir) / notebook_path(src_uri)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return path
