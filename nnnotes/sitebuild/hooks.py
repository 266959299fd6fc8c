"""MkDocs hooks of the nnnotes site (``hooks:`` in ``mkdocs.yml``).

* Math: every formula (``$...$``, ``$$...$$``, written on a page or printed by an executed block)
  is typeset by KaTeX during the build; a formula KaTeX rejects is an error naming the page.
* Checks: each page's derivations and claims are attributed to it; a failed check, or an executed
  block that raised, is an error naming the page (and the block's ``id``).
* Generated pages: the verification report and the errata list are built after every other page,
  so that they can list what the other pages recorded.
* Assets: KaTeX's stylesheet and ``woff2`` fonts are copied into the site; nothing is fetched from
  outside it.
* Determinism: build dates come from ``SOURCE_DATE_EPOCH`` (the last commit's time by default).
* Cache: executed blocks are served from `nnnotes.sitebuild.cache` when nothing they depend on
  changed (``NNNOTES_CACHE=on|off|verify|skip``), and typeset formulas are kept by their TeX.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import subprocess
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from nnnotes.check import verification
from nnnotes.check.record import BuildRecord, current_record, recording
from nnnotes.sitebuild import a11y, cache, catalog, meta, prose, takeaway
from nnnotes.sitebuild.katex import KatexError, KatexRenderer, find_katex_dist

log = logging.getLogger("mkdocs.plugins.nnnotes")

#: Pages built after all others (they list what the others recorded).
LAST_PAGES = ("errata.md", "verification.md")

_STATE: dict[str, Any] = {"katex": None, "errata": [], "recording": ExitStack()}

_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
_ERRATUM = re.compile(
    r'<(div|details) class="admonition erratum(?: ([a-z ]+))?"( open="open")?>\s*'
    r'<(p class="admonition-title"|summary)>(.*?)</(?:p|summary)>',
    re.S,
)

#: The kinds of erratum, written after the admonition type (``!!! erratum error "..."``).
ERRATUM_KINDS = {
    "error": "the source states something false",
    "imprecision": "true, but loose or misleading",
    "omission": "the source leaves out something its own question asks",
}


class _NamePage(logging.Filter):
    """Prefix markdown-exec's warnings with the page being built, so a failing block names it."""

    def filter(self, record: logging.LogRecord) -> bool:
        page = current_record().page
        if page and not getattr(record, "_nnnotes_named", False):
            record.msg = f"docs/{page}: {record.msg}"
            record._nnnotes_named = True
        return True


_FILTER = _NamePage()


def _build_epoch(config_file: str | None) -> str:
    root = Path(config_file).parent if config_file else Path.cwd()
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def on_config(config: Any) -> Any:
    """Fix the build date, make markdown-exec's failures name their page, and set up the cache."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", _build_epoch(config.config_file_path))
    root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    cache.install(root, never=LAST_PAGES)
    takeaway.on_config(config)
    for name in (
        "mkdocs.plugins.markdown_exec._internal.formatters.base",
        "mkdocs.plugins.markdown_exec",
    ):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return config


def on_pre_build(config: Any) -> None:
    """Start a fresh record of checks (current until the build ends) and of errata."""
    _STATE["recording"].close()  # a build that failed before `on_post_build` left its record current
    _STATE["record"] = BuildRecord()
    _STATE["recording"] = ExitStack()
    _STATE["recording"].enter_context(recording(_STATE["record"]))
    _STATE["errata"] = []
    catalog.reset()
    cache.start_build()
    if _STATE["katex"] is None:
        _STATE["katex"] = KatexRenderer()
    _STATE["formulas"] = cache.formula_store(_katex_salt())
    _STATE["visual"] = a11y.VisualStore()


def _katex_salt() -> str:
    """Return what typeset formulas depend on besides their TeX: KaTeX's version and options."""
    dist = find_katex_dist()
    meta = (dist.parent / "package.json").read_bytes()
    script = (Path(__file__).with_name("katex_render.js")).read_bytes()
    return hashlib.sha256(meta + b"\0" + script).hexdigest()


def on_files(files: Any, config: Any) -> Any:
    """Move the generated report pages to the end, so they are rendered after every other page."""
    _STATE["urls"] = {f.src_uri: f.url for f in files.documentation_pages()}
    urls = "\n".join(f"{k} {v}" for k, v in sorted(_STATE["urls"].items()))
    cache.set_context("urls", hashlib.sha256(urls.encode()).hexdigest())
    # the home page prints the counts and errata found on the others (its blocks may still be cached)
    for src in ("index.md", *LAST_PAGES):
        f = files.get_file_from_path(src)
        if f is not None:
            files.remove(f)
            files.append(f)
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Attribute the checks made while this page renders to it; check and fill in its prose numbers."""
    _STATE["record"].page = page.file.src_uri
    _STATE["before"] = _STATE["record"].mark()
    catalog.add_links(page.file.src_uri, markdown)
    if page.file.src_uri.startswith(CHECKED_PAGES):
        _check_typed_numbers(markdown, page)
    if "{{" in markdown:
        from nnnotes.prose_values import VALUES

        try:
            markdown = prose.render_placeholders(markdown, VALUES, page=f"docs/{page.file.src_uri}")
        except prose.PlaceholderError as exc:
            raise PluginError(str(exc)) from exc
    # the notebook gets the prose as the reader sees it: numbers filled in
    takeaway.on_page_markdown(markdown, page)
    return markdown


#: Pages whose prose may type no number that is not on their ``literals:`` list.
CHECKED_PAGES = ("exercise-",)


def _check_typed_numbers(markdown: str, page: Any) -> None:
    """Log an error (which fails the strict build) for each number typed by hand and not listed."""
    src = page.file.src_uri
    literals = page.meta.get("literals") or {}
    if not isinstance(literals, dict) or not all(isinstance(v, str) and v.strip() for v in literals.values()):
        log.error("docs/%s: `literals:` must map each literal to its reason, got %r", src, literals)
        return
    allowed = {str(k) for k in literals}
    offset = _front_matter_lines(page.file.abs_src_path)
    seen = set()
    for n in prose.typed_numbers(markdown):
        seen.add(n.text)
        if n.text not in allowed:
            log.error(
                "docs/%s:%d: number typed by hand in prose: %r; print it from code with a "
                "{{ placeholder }} (nnnotes.prose_values), or add it to the page's `literals:` "
                "with its reason (exercise number, value set by the question, citation)",
                src,
                n.line + offset,
                n.text,
            )
    for lit in sorted(allowed - seen):
        log.error("docs/%s: literal %r is listed in `literals:` but not used on the page", src, lit)


def _front_matter_lines(path: str | None) -> int:
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


def _typeset(html_text: str, page: str) -> str:
    renderer: KatexRenderer = _STATE["katex"]
    store: cache.StringStore | None = _STATE.get("formulas")

    def sub(display: bool) -> Any:
        def repl(m: re.Match[str]) -> str:
            tex = html.unescape(m.group(1)).strip()
            key = cache.StringStore.key(tex, str(display))
            out = store.get(key) if store is not None else None
            if out is None:
                try:
                    out = renderer.render(tex, display)
                except KatexError as exc:
                    log.error("docs/%s: formula cannot be typeset: %s", page, exc)
                    return m.group(0)
                if store is not None:
                    store.put(key, out)
            out = a11y.hide_visual(out, _STATE["visual"])
            if display:
                # a wide formula scrolls sideways: keyboard users must be able to focus it to scroll
                return f'<div class="arithmatex" {a11y.FORMULA_ATTRS}>{out}</div>'
            return f'<span class="arithmatex">{out}</span>'

        return repl

    html_text = _BLOCK.sub(sub(True), html_text)
    return _INLINE.sub(sub(False), html_text)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Typeset math, collect errata, and fail loudly on any check that failed on this page."""
    src = page.file.src_uri
    for rec in _STATE["record"].since(_STATE.get("before", 0)):
        if not rec.ok:
            log.error("docs/%s: check %r failed: %s", src, rec.name, rec.detail)

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
        anchor = "erratum-" + verification.slug(title)
        _STATE["errata"].append((src, anchor, title, kind))
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.add(anchor)
        tag, opened, head = m.group(1), m.group(3) or "", m.group(4)
        close = head.split()[0]
        label = f'<span class="erratum-kind">{kind}</span> ' if kind else ""
        return (
            f'<{tag} class="admonition erratum {kind}" id="{anchor}" data-kind="{kind}"{opened}>\n'
            f"<{head}>{label}{m.group(5)}</{close}>"
        )

    html_text = _ERRATUM.sub(name_erratum, html_text)
    catalog.add_page(src, page.title)
    catalog.add_errata(src, html_text)
    page.meta.setdefault("description", meta.description(html_text))
    page.meta.setdefault("title", meta.html_title(src, page.title, html_text, used_by=catalog.used_by(src)))
    # Checks printed by executed blocks carry ids (check-...) that MkDocs' anchor validation cannot
    # see (block output is stashed HTML): register them so pages may link to a check.
    # markdown-exec prefixes the ids in a block's output with the block's id; a check keeps the
    # plain id `check-<name>` that the verification report links to.
    html_text = re.sub(r'\bid="[^"\s]*?-(check-[^"\s]+)"', r'id="\1"', html_text)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(re.findall(r'\bid="(check-[^"]+)"', html_text))
    _STATE["record"].page = None
    html_text = takeaway.on_page_content(html_text, page, config)
    return _typeset(a11y.label_tables(html_text), src)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Put back the formulas' HTML copies, left out of the content while search indexed it."""
    return a11y.restore_visual(output, _STATE["visual"])


def url_for(src: str, anchor: str = "", *, base: str = "../") -> str:
    """Return the URL of page ``src`` (a path under ``docs/``) as seen from a top-level page.

    Executed blocks print Markdown that MkDocs does not rewrite, so links between pages are
    given as URLs; ``base`` climbs from the linking page to the site root.
    """
    cache.depends_on("urls")
    urls = _STATE.get("urls") or {}
    if src not in urls:
        raise KeyError(f"no page {src!r} in this build")
    return f"{base}{urls[src]}" + (f"#{anchor}" if anchor else "")


def errata() -> list[tuple[str, str, str, str]]:
    """Return the errata found so far in this build: (page, anchor, title, kind) tuples."""
    cache.volatile("it lists the errata of other pages")
    return list(_STATE["errata"])


def errata_markdown() -> str:
    """Return the list of errata of the site as Markdown: counts by kind, then grouped by kind and page."""
    items = errata()
    if not items:
        return "No errata were found on the chapter pages."
    counts = {k: sum(1 for it in items if it[3] == k) for k in ERRATUM_KINDS}
    lines = [
        f"The chapters record **{len(items)} errata** in the source's answers.",
        "",
        "| kind | meaning | errata |",
        "|---|---|---:|",
    ]
    lines += [f"| {k} | {ERRATUM_KINDS[k]} | {counts[k]} |" for k in ERRATUM_KINDS]
    for kind in ERRATUM_KINDS:
        group = [it for it in items if it[3] == kind]
        if not group:
            continue
        lines += ["", f"## {kind.capitalize()} ({len(group)})", ""]
        page = None
        for src, anchor, title, _ in group:
            if src != page:
                lines += ["", f"### [{src.removesuffix('.md')}]({url_for(src)})", ""]
                page = src
            lines.append(f"- [{title}]({url_for(src, anchor)})")
    return "\n".join(lines)


def on_post_build(config: Any) -> None:
    """Copy KaTeX's stylesheet (``woff2`` fonts only) into the site, stop node, report the cache."""
    takeaway.on_post_build(config)
    dist = find_katex_dist()
    out = Path(config.site_dir) / "assets" / "katex"
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    # keep only the woff2 source of each @font-face: every browser the site supports reads it
    css = re.sub(r",\s*url\(fonts/[^)]+\.woff\) format\(\"woff\"\)", "", css)
    css = re.sub(r",\s*url\(fonts/[^)]+\.ttf\) format\(\"truetype\"\)", "", css)
    (out / "katex.min.css").write_text(css, encoding="utf-8")
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copyfile(font, out / "fonts" / font.name)
    if _STATE["katex"] is not None:
        _STATE["katex"].close()
    if _STATE.get("formulas") is not None:
        _STATE["formulas"].save()
    try:
        cache.finish_build()
    except cache.CacheMismatchError as exc:
        raise PluginError(str(exc)) from exc
    finally:
        _STATE["recording"].close()
