r"""What the build learns about its pages for the pages that list them: titles and errata.

The site's plugin owns one `Catalog` per build: it calls `Catalog.add_page` for every rendered page
and `Catalog.add_errata` with its HTML; the errata page, the verification report and the home page
(rendered last) read it through the functions of this module (`title`, `errata`, ...), which ask
the build that is running (`nnnotes.sitebuild.state`). An erratum is
read from the HTML the chapter produced: its title (what is true), the first sentence of its body
(what the source claimed, in the chapters' convention "The source says ...") and the names, in
inline code, of the checks it cites.

Examples
--------
>>> c = Catalog()
>>> c.add_page("e.md", "6.9 Demo")
>>> html = ('<div class="admonition erratum error" id="erratum-x" data-kind="error">\n'
...         '<p class="admonition-title"><span class="erratum-kind">error</span> Erratum: '
...         '<span class="arithmatex">\\(1 &lt; 2\\)</span></p>\n<p>The source says '
...         '<em>the opposite</em>. It is wrong (claim <code>demo-claim</code>).</p>\n</div>')
>>> e, = c.add_errata("e.md", html)
>>> e.title, e.claimed, e.cites
('$1 < 2$', 'The source says *the opposite*.', ('demo-claim',))
>>> c.title("e.md")
'6.9 Demo'
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from nnnotes.sitebuild import state

__all__ = [
    "Catalog",
    "Erratum",
    "add_errata",
    "add_erratum",
    "add_links",
    "add_page",
    "errata",
    "title",
    "used_by",
]

_HEAD = re.compile(
    r'<(div|details) class="admonition erratum ?(\w*)" id="(erratum-[^"]+)" data-kind="\w*"[^>]*>\s*'
    r"<(?:p class=\"admonition-title\"|summary)>(.*?)</(?:p|summary)>",
    re.S,
)
_MATH = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_KIND_LABEL = re.compile(r'<span class="erratum-kind">[^<]*</span>\s*')
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“$*])")


@dataclass(frozen=True)
class Erratum:
    """One erratum as the chapters wrote it (Markdown fields, links removed)."""

    page: str
    anchor: str
    kind: str
    title: str
    claimed: str
    cites: tuple[str, ...]


def to_markdown(fragment: str) -> str:
    """Return an HTML fragment of prose as Markdown: math back to ``$...$``, links to their text."""
    text = _MATH.sub(lambda m: "$" + html.unescape(m.group(1)).strip() + "$", fragment)
    text = re.sub(r"</?code>", "`", text)
    text = re.sub(r"</?em>", "*", text)
    text = re.sub(r"</?strong>", "**", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def _body(text: str, tag: str, start: int) -> str:
    """Return the HTML from ``start`` to the close of the ``tag`` element open before it."""
    depth, pos = 1, start
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>")
    for m in pattern.finditer(text, start):
        depth += -1 if m.group(1) else 1
        pos = m.start()
        if depth == 0:
            return text[start:pos]
    return text[start:]


def first_sentence(paragraph_md: str) -> str:
    """Return the first sentence of a Markdown paragraph (a full stop outside math and code)."""
    masked = re.sub(r"\$[^$]*\$|`[^`]*`", lambda m: "x" * len(m.group(0)), paragraph_md)
    m = _SENTENCE_END.search(masked)
    return paragraph_md[: m.start()].strip() if m else paragraph_md.strip()


def reference_page(module: str) -> str:
    """Return the API reference page of ``nnnotes.<module>`` (the layout of ``docs/reference/``).

    Examples
    --------
    >>> reference_page("softmax"), reference_page("proofs.sigmoid"), reference_page("check.derivation")
    ('reference/softmax.md', 'reference/proofs/sigmoid.md', 'reference/derivation.md')
    >>> reference_page("figures.saddles"), reference_page("experiments.speed")
    ('reference/figures.md', 'reference/experiments/speed.md')
    """
    head, _, rest = module.partition(".")
    if head in ("proofs", "experiments") and rest:
        return f"reference/{head}/{rest.split('.')[0]}.md"
    if head == "check" and rest:
        return f"reference/{rest.split('.')[0]}.md"
    return f"reference/{head}.md"


class Catalog:
    """The pages and errata of one build (owned by the site's plugin)."""

    def __init__(self) -> None:
        self.titles: dict[str, str] = {}
        self.errata: dict[str, Erratum] = {}
        self.links: dict[str, dict[str, None]] = {}

    def add_links(self, src: str, markdown: str) -> None:
        """Record which API reference pages page ``src`` uses (see `used_by`).

        A page uses a reference page when it links to it, or when one of its executed blocks
        imports the module that page documents (``from nnnotes.softmax import ...``, ``from nnnotes
        import softmax``): the Code boxes link those names to the reference.
        """
        targets = re.findall(r"\]\((reference/[\w/-]+\.md)", markdown)
        targets += [reference_page(m) for m in re.findall(r"\bfrom nnnotes\.([\w.]+) import", markdown)]
        for package, names in re.findall(r"\bfrom nnnotes((?:\.\w+)*) import ([\w, ()]+)", markdown):
            for m in names.strip("()").split(","):
                if m.strip() and (package in ("", ".proofs", ".experiments")):
                    targets.append(reference_page(f"{package.lstrip('.')}.{m.split()[0]}".lstrip(".")))
        for target in targets:
            self.links.setdefault(target, {})[src] = None

    def used_by(self, target: str) -> list[str]:
        """Return the titles of the pages rendered so far that link to ``target``, in order."""
        return [self.title(src) for src in self.links.get(target, {}) if src in self.titles]

    def add_page(self, src: str, page_title: str | None) -> None:
        """Record the title of page ``src`` (its navigation title)."""
        self.titles[src] = page_title or src

    def title(self, src: str) -> str:
        """Return the title of page ``src`` as the navigation shows it."""
        if src not in self.titles:
            raise KeyError(f"no page {src!r} was rendered before the pages that list it")
        return self.titles[src]

    def add_errata(self, src: str, page_html: str) -> list[Erratum]:
        """Record and return the errata of page ``src`` found in its rendered HTML."""
        found = []
        for m in _HEAD.finditer(page_html):
            tag, kind, anchor, head = m.groups()
            body = _body(page_html, tag, m.end())
            para = re.search(r"<p>(.*?)</p>", body, re.S)
            heading = to_markdown(_KIND_LABEL.sub("", head))
            heading = re.sub(r"^Erratum:\s*", "", heading, flags=re.I)
            cites = tuple(dict.fromkeys(html.unescape(c) for c in re.findall(r"<code>([^<]+)</code>", body)))
            para_md = first_sentence(to_markdown(para.group(1))) if para else ""
            found.append(self.add_erratum(Erratum(src, anchor, kind, heading, para_md, cites)))
        return found

    def add_erratum(self, e: Erratum) -> Erratum:
        """Record ``e`` (replacing an erratum with the same anchor) and return it."""
        self.errata[e.anchor] = e
        return e

    def all_errata(self) -> list[Erratum]:
        """Return every erratum recorded in this build, in the order of the pages."""
        return list(self.errata.values())


def _current() -> Catalog:
    return state.current().catalog


def add_links(src: str, markdown: str) -> None:
    """Record, in the running build, which API reference pages page ``src`` uses."""
    _current().add_links(src, markdown)


def used_by(target: str) -> list[str]:
    """Return the titles of the pages of the running build rendered so far that link to ``target``."""
    return _current().used_by(target)


def add_page(src: str, page_title: str | None) -> None:
    """Record the title of page ``src`` in the running build."""
    _current().add_page(src, page_title)


def title(src: str) -> str:
    """Return the title of page ``src`` in the running build, as the navigation shows it."""
    return _current().title(src)


def add_errata(src: str, page_html: str) -> list[Erratum]:
    """Record, in the running build, and return the errata of page ``src`` found in its HTML."""
    return _current().add_errata(src, page_html)


def add_erratum(e: Erratum) -> Erratum:
    """Record ``e`` in the running build and return it."""
    return _current().add_erratum(e)


def errata() -> list[Erratum]:
    """Return every erratum recorded in the running build, in the order of the pages."""
    return _current().all_errata()
