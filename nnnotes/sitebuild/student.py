"""The student edition of a chapter: folded Answer, Why and Code boxes, and a switch to unfold them.

A chapter part reads: the question, a folded **Answer** (``/// details | Answer``), a folded
**Why** (the reasoning and checks) and its errata. This module adds, at build time:

- around each run of errata (``!!! erratum`` boxes), a folded **Errata** box: an erratum's title
  states what is true, so shown at once it would give the answer away before a first try;

- after every executed block (```` ```python exec="1" ````), a folded **Code** box with the block's
  source and links to the API reference of the package functions it imports (through autorefs, so
  a link to a function that is not documented fails the strict build);
- on each chapter, the switch that unfolds or folds every box (``docs/javascripts/fold.js``);
- ``open`` on every box in the HTML, so that without JavaScript, and in print, everything shows:
  ``docs/javascripts/fold-early.js``, loaded in the head (``theme/main.html``), folds each box as
  the page is parsed, before the first paint, and ``fold.js`` takes over once the page has loaded.

The chapter's Markdown keeps its executed fences as they are; only the built page changes.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from functools import cache
from pathlib import Path

from nnnotes.sitebuild.numbering import BLOCK_MARK

#: Pages that get the student edition.
CHAPTERS = ("exercise-",)

#: Boxes that the switch folds and unfolds (the ``type:`` of a ``/// details`` block).
BOXES = ("answer", "why", "code", "errata")

#: A run of errata at the left margin: each a ``!!! erratum`` line, then its indented or blank lines.
_ERRATA_RUN = re.compile(r"^!!! erratum\b.*\n(?:!!! erratum\b.*\n|[ \t]+\S.*\n|[ \t]*\n)*", re.M)

_FENCE = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>`{3,})python (?P<opts>[^\n]*\bexec="(?:1|true|on)"[^\n]*)\n'
    r"(?P<body>.*?)\n(?P=indent)(?P=fence)[ \t]*$",
    re.M | re.S,
)

SWITCH = (
    '<p class="nn-fold-bar"><button type="button" class="nn-fold-switch md-button md-button--primary" hidden '
    'aria-pressed="false">Unfold all answers</button></p>'
)


@cache
def documented_modules(docs_dir: str) -> frozenset[str]:
    """Return the modules rendered by mkdocstrings (``::: module``) on the API reference pages.

    The pages of ``docs/reference/`` and of its folders (``proofs/``, ``experiments/``) count.
    """
    found = set()
    for path in sorted(Path(docs_dir, "reference").rglob("*.md")):
        found.update(re.findall(r"^:::\s+(\S+)", path.read_text(encoding="utf-8"), re.M))
    return frozenset(found)


def called_names(source: str) -> list[str]:
    r"""Return the ``nnnotes`` names a block imports, as written (``nnnotes.mlp.forward``), in order.

    Examples
    --------
    >>> called_names("import sympy; from nnnotes import forward; from nnnotes.mlp import layer_rows as lr")
    ['nnnotes.forward', 'nnnotes.mlp.layer_rows']
    """
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nnnotes":
            names += [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return list(dict.fromkeys(names))


def canonical(name: str) -> str | None:
    """Return where function or class ``name`` is defined (``nnnotes.forward`` -> ``nnnotes.mlp.forward``).

    None for anything else (constants and modules have no entry of their own in the reference).
    """
    module, _, attr = name.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None
    if inspect.isfunction(obj) or inspect.isclass(obj):
        return f"{obj.__module__}.{obj.__qualname__}"
    return None


def api_links(source: str, docs_dir: str) -> str:
    """Return a Markdown line linking each package function the block imports to its reference."""
    documented = documented_modules(docs_dir)
    links = []
    for name in called_names(source):
        target = canonical(name)
        short = name.rpartition(".")[2]
        if target and target.rpartition(".")[0] in documented and not short.startswith("_"):
            links.append(f"[`{short}`][{target}]")
        else:
            links.append(f"`{name}`")
    return "Calls " + ", ".join(links) + "." if links else ""


def add_code_boxes(markdown: str, docs_dir: str) -> str:
    """Follow every executed block with a folded Code box holding its source (same indentation)."""

    def box(m: re.Match[str]) -> str:
        indent, body = m.group("indent"), m.group("body")
        lines = [
            "/// details | Code",
            "    type: code",
            "",
            "```python",
            *[line.removeprefix(indent) for line in body.split("\n")],
            "```",
            "",
        ]
        links = api_links("\n".join(line.removeprefix(indent) for line in body.split("\n")), docs_dir)
        if links:
            lines += [links, ""]
        lines.append("///")
        block_id = re.search(r'\bid="([^"]+)"', m.group("opts"))
        mark = indent + BLOCK_MARK.format(id=block_id.group(1) if block_id else "") + "\n\n"
        return mark + m.group(0) + "\n\n" + "\n".join((indent + line) if line else "" for line in lines)

    return _FENCE.sub(box, markdown)


def fold_errata(markdown: str) -> str:
    r"""Put each run of errata in a folded Errata box, titled with their number.

    Examples
    --------
    >>> lines = ["Text.", "", '!!! erratum error "E1"', "    Body.", "", '!!! erratum imprecision "E2"']
    >>> page = "\n".join([*lines, "    B.", "", "## Next", ""])
    >>> print(fold_errata(page))
    Text.
    <BLANKLINE>
    /// details | Errata on the source's answer (2)
        type: errata
    <BLANKLINE>
    !!! erratum error "E1"
        Body.
    <BLANKLINE>
    !!! erratum imprecision "E2"
        B.
    ///
    <BLANKLINE>
    ## Next
    <BLANKLINE>
    """

    def box(m: re.Match[str]) -> str:
        run = m.group(0).rstrip("\n")
        n = len(re.findall(r"^!!! erratum\b", run, re.M))
        title = "Erratum on the source's answer" if n == 1 else f"Errata on the source's answer ({n})"
        return f"/// details | {title}\n    type: errata\n\n{run}\n///\n\n"

    return _ERRATA_RUN.sub(box, markdown)


_BOX_OPEN = re.compile(r'<details class="({})">'.format("|".join(BOXES)))


def open_boxes(html_text: str) -> str:
    """Emit every box open; the script folds them when it runs."""
    return _BOX_OPEN.sub(r'<details class="\1" open>', html_text)


def add_switch(html_text: str) -> str:
    """Put the fold switch under the page's title, if the page has boxes."""
    if not re.search(r'<details class="(?:{})"'.format("|".join(BOXES)), html_text):
        return html_text
    head = re.search(r"</h1>", html_text)
    if head is None:
        return SWITCH + html_text
    return html_text[: head.end()] + "\n" + SWITCH + html_text[head.end() :]


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Add the Code boxes and fold the errata on chapter pages."""
    if not page.file.src_uri.startswith(CHAPTERS):
        return markdown
    return fold_errata(add_code_boxes(markdown, config["docs_dir"]))


def on_page_content(html_text: str, page, config, files) -> str:
    """Open every box in the HTML and add the switch on chapter pages; open the home page's boxes.

    The home page has no switch: its boxes (errata and a figure that give answers away) are folded
    by the script as a chapter's are, and follow the reader's choice made on a chapter.
    """
    if page.file.src_uri == "index.md":
        return open_boxes(html_text)
    if not page.file.src_uri.startswith(CHAPTERS):
        return html_text
    return add_switch(open_boxes(html_text))
