"""What the site's plugin does to each page, as functions of the page and of the build's objects.

The plugin (`nnnotes.sitebuild.plugin.NnnotesPlugin`) calls these; the pages' executed blocks call
`url_for`, which reads the page URLs of the build that is running (`nnnotes.sitebuild.state`).

* Math: every formula (``$...$``, ``$$...$$``, written on a page or printed by an executed block)
  is typeset by KaTeX during the build (`typeset`); a formula KaTeX rejects is an error naming
  the page.
* Errata: ``!!! erratum <kind> "..."`` boxes get an anchor and a kind label (`name_errata`).
* Prose: a chapter types no number that code could print (`check_typed_numbers`).
* Assets: KaTeX's stylesheet and ``woff2`` fonts are copied into the site (`copy_katex_assets`).
* Determinism: build dates come from ``SOURCE_DATE_EPOCH`` (`build_epoch`: the last commit's time).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nnnotes.check import verification
from nnnotes.sitebuild import a11y, cache, prose, state
from nnnotes.sitebuild.katex import KatexError, KatexRenderer, find_katex_dist
from nnnotes.sitebuild.store import StringStore

__all__ = [
    "CHECKED_PAGES",
    "NUMBER_CHECKED_PAGES",
    "ERRATUM_KINDS",
    "LAST_PAGES",
    "build_epoch",
    "check_typed_numbers",
    "front_matter_lines",
    "copy_katex_assets",
    "katex_salt",
    "name_errata",
    "typeset",
    "url_for",
]

log = logging.getLogger("mkdocs.plugins.nnnotes")

#: Pages built after all others (they list what the others recorded).
LAST_PAGES = ("errata.md", "verification.md")
#: The chapters: their prose formulas are checked (`nnnotes.sitebuild.prosemath`), as are the notation page's.
CHECKED_PAGES = ("exercise-",)
#: Pages whose prose may type no number that is not on their ``literals:`` list: the chapters and
#: the hand-written pages around them (the other pages print what the build found).
NUMBER_CHECKED_PAGES = (*CHECKED_PAGES, "index.md", "about.md", "notation.md")
#: The kinds of erratum, written after the admonition type (``!!! erratum error "..."``).
ERRATUM_KINDS = {
    "error": "the source states something false",
    "imprecision": "true, but loose or misleading",
    "omission": "the source leaves out something its own question asks",
}

_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
_ERRATUM = re.compile(
    r'<(div|details) class="admonition erratum(?: ([a-z ]+))?"( open="open")?>\s*'
    r'<(p class="admonition-title"|summary)>(.*?)</(?:p|summary)>',
    re.S,
)


def url_for(src: str, anchor: str = "", *, base: str = "../") -> str:
    """Return the URL of page ``src`` (a path under ``docs/``) as seen from a top-level page.

    Executed blocks print Markdown that MkDocs does not rewrite, so links between pages are
    given as URLs; ``base`` climbs from the linking page to the site root. Only during a build.
    """
    cache.depends_on("urls")
    urls = state.current().urls
    if src not in urls:
        raise KeyError(f"no page {src!r} in this build")
    return f"{base}{urls[src]}" + (f"#{anchor}" if anchor else "")


def build_epoch(config_file: str | None) -> str:
    """Return the time of the last commit of the project (``"0"`` outside a git checkout)."""
    root = Path(config_file).parent if config_file else Path.cwd()
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def katex_salt() -> str:
    """Return what typeset formulas depend on besides their TeX: KaTeX's version and options."""
    dist = find_katex_dist()
    meta = (dist.parent / "package.json").read_bytes()
    script = (Path(__file__).with_name("katex_render.js")).read_bytes()
    return hashlib.sha256(meta + b"\0" + script).hexdigest()


def check_typed_numbers(markdown: str, page: Any) -> None:
    """Log an error (which fails the strict build) for each number typed by hand and not listed."""
    src = page.file.src_uri
    literals = page.meta.get("literals") or {}
    if not isinstance(literals, dict) or not all(isinstance(v, str) and v.strip() for v in literals.values()):
        log.error("docs/%s: `literals:` must map each literal to its reason, got %r", src, literals)
        return
    allowed = {str(k) for k in literals}
    offset = front_matter_lines(page.file.abs_src_path)
    seen = set()
    for n in prose.typed_numbers(markdown):
        seen.add(n.text)
        if n.text not in allowed:
            log.error(
                "docs/%s:%d: number typed by hand in prose: %r; print it from code with a "
                "{{ placeholder }} (nnnotes.experiments.prose_values), or add it to the page's `literals:` "
                "with its reason (exercise number, value set by the question, citation)",
                src,
                n.line + offset,
                n.text,
            )
    for lit in sorted(allowed - seen):
        log.error("docs/%s: literal %r is listed in `literals:` but not used on the page", src, lit)


def front_matter_lines(path: str | None) -> int:
    """Return how many lines the YAML front matter of the source file takes (MkDocs strips it)."""
    if not path:
        return 0
    text = Path(path).read_text(encoding="utf-8")
    full, body = text.splitlines(), None
    if full and full[0].strip() == "---":
        for k, line in enumerate(full[1:], start=2):
            if line.strip() == "---":
                body = k
                break
    if body is None:
        return 0
    # MkDocs also drops the blank lines after the front matter
    while body < len(full) and not full[body].strip():
        body += 1
    return body


def typeset(
    html_text: str, page: str, renderer: KatexRenderer, store: StringStore | None, visual: a11y.VisualStore
) -> str:
    """Replace every arithmatex formula by KaTeX's HTML (kept in ``store`` by its TeX)."""

    def sub(display: bool) -> Callable[[re.Match[str]], str]:
        def repl(m: re.Match[str]) -> str:
            tex = html.unescape(m.group(1)).strip()
            key = StringStore.key(tex, str(display))
            out = store.get(key) if store is not None else None
            if out is None:
                try:
                    out = renderer.render(tex, display)
                except KatexError as exc:
                    log.error("docs/%s: formula cannot be typeset: %s", page, exc)
                    return m.group(0)
                if store is not None:
                    store.put(key, out)
            out = a11y.hide_visual(out, visual)
            if display:
                # a wide formula scrolls sideways: keyboard users must be able to focus it to scroll
                return f'<div class="arithmatex" {a11y.FORMULA_ATTRS}>{out}</div>'
            return f'<span class="arithmatex">{out}</span>'

        return repl

    html_text = _BLOCK.sub(sub(True), html_text)
    return _INLINE.sub(sub(False), html_text)


def name_errata(html_text: str, page: Any, found: list[tuple[str, str, str, str]]) -> str:
    """Give each erratum box of the page an anchor and its kind; append ``(page, anchor, title, kind)``."""
    src = page.file.src_uri

    def name_erratum(m: re.Match[str]) -> str:
        title = re.sub(r"<[^>]+>", "", m.group(5)).strip()
        kinds = (m.group(2) or "").split()
        kind = kinds[0] if len(kinds) == 1 else ""
        if kind not in ERRATUM_KINDS:
            log.error(
                "docs/%s: erratum %r must have exactly one kind among %s "
                '(write `!!! erratum <kind> "..."`), got %r',
                src,
                title,
                ", ".join(ERRATUM_KINDS),
                m.group(2) or "",
            )
        # "Erratum: x" is anchored as erratum-x, not erratum-erratum-x
        anchor = "erratum-" + verification.slug(re.sub(r"^erratum\s*:\s*", "", title, flags=re.I))
        found.append((src, anchor, title, kind))
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(anchor)
        tag, opened, head = m.group(1), m.group(3) or "", m.group(4)
        close = head.split()[0]
        label = f'<span class="erratum-kind">{kind}</span> ' if kind else ""
        return (
            f'<{tag} class="admonition erratum {kind}" id="{anchor}" data-kind="{kind}"{opened}>\n'
            f"<{head}>{label}{m.group(5)}</{close}>"
        )

    return _ERRATUM.sub(name_erratum, html_text)


def copy_katex_assets(site_dir: str) -> None:
    """Copy KaTeX's stylesheet (``woff2`` fonts only) into the site."""
    dist = find_katex_dist()
    out = Path(site_dir) / "assets" / "katex"
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    # keep only the woff2 source of each @font-face: every browser the site supports reads it
    css = re.sub(r",\s*url\(fonts/[^)]+\.woff\) format\(\"woff\"\)", "", css)
    css = re.sub(r",\s*url\(fonts/[^)]+\.ttf\) format\(\"truetype\"\)", "", css)
    (out / "katex.min.css").write_text(css, encoding="utf-8")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, out / "fonts" / font.name)
