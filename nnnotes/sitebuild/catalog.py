r"""What the build learns about its pages for the pages that list them: titles and errata.

The site's plugin owns one `Catalog` per build: it calls `Catalog.add_page` for every rendered page
and `Catalog.add_errata` with its HTML; the errata page, the verification report and the home page
(rendered last) read it through the functions of this module (`title`, `errata`, ...), which ask
the build that is running (`nnnotes.sitebuild.state`). An erratum is
read from the HTML the chapter produced: its title (what is true), the first sentence of its body
(what the source claimed, in the chapters' convention "The source says ...") and the checks it
names, in every form the chapters use: a check's name in inline code, a link to a check
(``[claim `6-3-p2-exact`][check-6-3-p2-exact]``, whatever the link's text) or a result's number
("Derivation 6.2.4", resolved by the errata page once every chapter is numbered). An erratum that
names no check keeps what it rests on instead: the phrases by which it points at results shown
near it in the chapter ("the table above") and the works it cites.

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
>>> html = html.replace('<code>demo-claim</code>', '<autoref identifier="check-x">Claim 6.9.1</autoref>, '
...                     'as the table above shows, and <autoref identifier="ref-a2000">A (2000)</autoref>')
>>> e, = c.add_errata("e.md", html)
>>> e.cites, e.pointers, e.works
(('x', 'Claim 6.9.1'), ('table above',), ('A (2000)',))
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
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“$*`\[])")
#: Abbreviations after which a full stop does not end a sentence ("Santurkar et al. (2018)").
ABBREVIATIONS = (
    "et al.", "e.g.", "i.e.", "cf.", "vs.", "resp.", "approx.", "etc.", "Sec.", "Secs.", "Fig.", "Figs.",
    "Eq.", "Eqs.", "Ref.", "Refs.", "Ch.", "Thm.", "No.", "p.", "pp.",
)  # fmt: skip
#: Inline math, inline code and links (inline or reference style) of Markdown, in which no sentence ends.
_SPANS = re.compile(r"\$[^$]*\$|`[^`]*`|\[([^\]]*)\](?:\([^)\s]*\)|\[[^\]\s]*\])")
_LINK = re.compile(r"<(a|autoref)\b([^>]*)>(.*?)</\1>", re.S)
#: A result's number, as the chapters show it ("Derivation 6.2.4", "Claim 6.3.4").
NUMBERED = re.compile(r"\b(?:Derivation|Claim) \d+\.\d+\.\d+\b")
_RESULT = r"(?:checks?|derivations?|tables?|experiments?|runs?|figures?|proofs?|claims?)"
#: How an erratum points at results shown near it without naming them: "the table above",
#: "derivation and exact check above", "the experiment of part (d)", "part 5 shows", "(tested)".
_POINTER = re.compile(
    rf"\b{_RESULT}(?:(?:,| and| or) (?:\w+ ){{0,2}}?{_RESULT})* (?:above|below|of part \(?\w+\)?)"
    r"|\bpart \(?\w+\)? shows\b|\(tested\)"
)


@dataclass(frozen=True)
class Erratum:
    """One erratum as the chapters wrote it (Markdown fields, links removed)."""

    page: str
    anchor: str
    kind: str
    title: str
    claimed: str
    #: The checks it names: names (from inline code or a link's ``check-`` target) and numbers.
    cites: tuple[str, ...]
    #: The phrases by which it points at results near it without naming them ("the table above").
    pointers: tuple[str, ...] = ()
    #: The works it cites (the text of its links to the references).
    works: tuple[str, ...] = ()


def to_markdown(fragment: str, *, links: bool = False) -> str:
    r"""Return an HTML fragment of prose as Markdown: math back to ``$...$``, links to their text.

    With ``links``, a link stays a Markdown link, ``[text][identifier]`` for autorefs and
    ``[text](href)`` otherwise, so that `first_sentence` can keep it whole. A ``<`` in a formula
    is text, not the start of a tag.

    Examples
    --------
    >>> to_markdown('then <span class="arithmatex">\\(0 &lt; t\\)</span>. The <a href="#c">check</a>.')
    'then $0 < t$. The check.'
    >>> to_markdown('<autoref identifier="ref-s">S et al. (2018)</autoref>', links=True)
    '[S et al. (2018)][ref-s]'
    """
    kept: list[str] = []

    def keep(markdown: str) -> str:
        kept.append(markdown)
        return f"\ue000{len(kept) - 1}\ue001"

    def link(m: re.Match[str]) -> str:
        target = re.search(r'\b(identifier|href)="([^"]*)"', m.group(2))
        if not links or target is None:
            return m.group(3)
        ref = html.unescape(target.group(2))
        return f"[{m.group(3)}][{ref}]" if target.group(1) == "identifier" else f"[{m.group(3)}]({ref})"

    text = _MATH.sub(lambda m: keep("$" + " ".join(html.unescape(m.group(1)).split()) + "$"), fragment)
    text = re.sub(r"</?code>", "`", text)
    text = re.sub(r"</?em>", "*", text)
    text = re.sub(r"</?strong>", "**", text)
    text = _LINK.sub(link, text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\s+", " ", html.unescape(text)).strip()
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], text)


def link_text(markdown: str) -> str:
    """Return ``markdown`` with each link replaced by its text (math and code are left alone).

    Examples
    --------
    >>> link_text("[Santurkar et al. (2018)][ref-s], $[0, 1)$ and [x](#y).")
    'Santurkar et al. (2018), $[0, 1)$ and x.'
    """
    return _SPANS.sub(lambda m: m.group(0) if m.group(1) is None else m.group(1), markdown)


def _grounds(body_md: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return what an erratum's body (Markdown, links kept) rests on: checks, pointers, works.

    The checks are the names in inline code and the targets of links to checks (``check-``
    removed), and the results' numbers ("Claim 6.3.4") written in plain text; a name that is no
    check is dropped by the errata page, which knows the checks. The pointers are the phrases that
    point at unnamed results near the erratum; the works are the texts of the links to references.
    """
    cites: list[str] = []
    works: list[str] = []
    for m in re.finditer(r"\$[^$]*\$|\[((?:[^\]`]|`[^`]*`)*)\]\[([^\]\s]*)\]|`([^`]+)`", body_md):
        text, target, code = m.groups()
        if target is None and code is None:
            continue  # math
        if code is not None:
            cites.append(code)
        elif target.startswith("check-"):
            cites.append(target.removeprefix("check-"))
        elif target.startswith("ref-"):
            works.append(link_text(text))
    plain = link_text(re.sub(r"\$[^$]*\$|`[^`]*`", "x", body_md))
    cites += NUMBERED.findall(plain)
    pointers = [m.group(0) for m in _POINTER.finditer(plain)]
    return tuple(dict.fromkeys(cites)), tuple(dict.fromkeys(pointers)), tuple(dict.fromkeys(works))


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
    """Return the first sentence of a Markdown paragraph.

    A sentence ends at a full stop (or ``!``, ``?``) followed by a space and what can start a
    sentence; never inside inline math, inline code or a link, nor after an abbreviation
    (`ABBREVIATIONS`).

    Examples
    --------
    >>> first_sentence("Those of [Santurkar et al. (2018)][ref-s]. It also says so, e.g. Here.")
    'Those of [Santurkar et al. (2018)][ref-s].'
    >>> first_sentence("Then $0 < t. X = 1$. The middle.")
    'Then $0 < t. X = 1$.'
    """

    def mask(m: re.Match[str]) -> str:
        span = m.group(0)
        return span[0] + "x" * (len(span) - 2) + span[-1]

    masked = _SPANS.sub(mask, paragraph_md)
    for m in _SENTENCE_END.finditer(masked):
        before = masked[: m.start()]
        abbreviation = next((a for a in ABBREVIATIONS if before.endswith(a)), None)
        if abbreviation is None or before[: -len(abbreviation)][-1:].isalnum():
            return paragraph_md[: m.start()].strip()
    return paragraph_md.strip()


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
            body_md = to_markdown(body, links=True)
            para_md = link_text(first_sentence(to_markdown(para.group(1), links=True))) if para else ""
            found.append(self.add_erratum(Erratum(src, anchor, kind, heading, para_md, *_grounds(body_md))))
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
