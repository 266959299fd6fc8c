"""The site build as a MkDocs plugin: ``plugins: [..., nnnotes]`` in ``mkdocs.yml``.

Registered through the entry point ``mkdocs.plugins`` (``pyproject.toml``). The state of a build
is on the plugin object: the block runner and its cache (`nnnotes.sitebuild.cache`), the page
URLs, the errata found, the catalog of pages (`nnnotes.sitebuild.catalog`), the numbers of results
(`nnnotes.sitebuild.numbering`), KaTeX and its store of typeset formulas. The pages' blocks reach
it through `nnnotes.sitebuild.state` while the build runs. Only three read-only caches are
module-level (`FILE_CACHES`: the entries of the bibliography, each page's date of last commit, the
modules that the API reference documents), and every build starts by emptying them.

What it does, in the order of MkDocs' events:

* ``on_config``: fixes the build date (``SOURCE_DATE_EPOCH``), registers the custom fence that
  runs ``python exec="1"`` blocks (`nnnotes.sitebuild.execute`) with the block cache around it;
* ``on_pre_build``: a fresh record of checks, sessions, errata and catalog; `FILE_CACHES` emptied;
* ``on_files``: the report pages (and the home page) are rendered after every other page;
* ``on_page_markdown``: checks are attributed to the page; prose numbers are checked and filled in;
  the formulas of the prose are read and checked (`nnnotes.sitebuild.prosemath`), and the page
  ends with what stands behind them (the verification page with a table of every page's counts);
  mpmath's precision starts at its default on every page (a page that sets it cannot leak into the
  next); the References and Code boxes of the student edition;
* ``on_page_content``: failed checks are errors naming the page; errata are named; formulas are
  typeset; results are numbered;
* ``on_post_page``: formulas' HTML copies restored, references to results relabelled;
* ``on_post_build``: KaTeX's assets, notebooks, page sources; the cache's summary (and, in verify
  mode, its mismatches, which fail the build).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from markdown_exec import MarkdownConverter, markdown_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from nnnotes.check import BuildRecord, recording
from nnnotes.sitebuild import (
    a11y,
    citations,
    hooks,
    meta,
    numbering,
    prose,
    prosemath,
    prosemath_report,
    provenance,
    state,
    student,
    takeaway,
)
from nnnotes.sitebuild.cache import (
    BlockCache,
    CachedRunner,
    CacheMismatchError,
    cache_folder,
    environment_fingerprint,
    mode_from_env,
    package_fingerprint,
)
from nnnotes.sitebuild.catalog import Catalog
from nnnotes.sitebuild.execute import Fence, Sessions
from nnnotes.sitebuild.imports import ModuleIndex
from nnnotes.sitebuild.katex import KatexRenderer
from nnnotes.sitebuild.store import StringStore

__all__ = ["FILE_CACHES", "LOADED_PACKAGE", "NnnotesPlugin"]

log = logging.getLogger("mkdocs.plugins.nnnotes")

#: The package's source as this process loaded it (``mkdocs serve`` keeps the modules it imported:
#: if the source changes under it, blocks would run old code, so such a build does not use the cache).
LOADED_PACKAGE = package_fingerprint()
#: The module-level caches (``functools.cache``) of what a build reads from files and from git,
#: emptied as every build starts (``mkdocs serve`` builds again after an edit, in one process).
FILE_CACHES = (citations.entries, provenance.last_changed, student.documented_modules)


class NnnotesPlugin(BasePlugin):
    """The nnnotes site build (see the module's documentation)."""

    def __init__(self) -> None:
        self.sessions = Sessions()
        self.runner: CachedRunner | None = None
        self.katex: KatexRenderer | None = None
        self.formulas: StringStore | None = None
        #: Checked prose formulas of unchanged pages (the page, its list, the package and its versions).
        self.prose_store: StringStore | None = None
        self.visual = a11y.VisualStore()
        self.catalog = Catalog()
        self.errata: list[tuple[str, str, str, str]] = []
        self.urls: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.formula_counts: dict[str, dict[str, int]] = {}
        self.page_start = 0
        #: The checks made during the build (current for the checking engine while it runs).
        self.record = BuildRecord()
        #: The take-away formats' part of the build (chapters' Markdown for their notebooks).
        self.takeaway = takeaway.TakeAway()
        self._active = ExitStack()

    # ------------------------------------------------------------ configuration
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Fix the build date, register the fence that runs blocks, set up the block cache."""
        os.environ.setdefault("SOURCE_DATE_EPOCH", hooks.build_epoch(config.config_file_path))
        if "pymdownx.superfences" not in config.markdown_extensions:
            raise PluginError("the nnnotes plugin needs the pymdownx.superfences Markdown extension")
        root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            mode = mode_from_env()
        except ValueError as exc:
            raise PluginError(str(exc)) from exc
        self.runner = CachedRunner(
            self.sessions.run, BlockCache(cache_folder(root)), mode=mode, never=hooks.LAST_PAGES
        )
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
        fences.append(Fence(self.runner).config("python"))
        # the output of a block is Markdown rendered with the page's extensions (markdown-exec's API)
        markdown_config.save(config.markdown_extensions, config.mdx_configs)
        self.takeaway = takeaway.TakeAway()
        self.takeaway.on_config(config)
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Start a fresh build: record, sessions, errata, catalog, numbers; check the cache's code."""
        self._active.close()  # a build that failed before its end left its state current
        for cached in FILE_CACHES:
            cached.cache_clear()
        self.record = BuildRecord()
        self._active.enter_context(recording(self.record))
        self._active.callback(state.deactivate, state.activate(self))
        self.sessions.reset()
        self.catalog, self.errata, self.labels, self.urls = Catalog(), [], {}, {}
        self.formula_counts = {}
        # ids markdown-exec gives to the headings in block output count from here
        MarkdownConverter.counter = 0
        runner = self.runner
        assert runner is not None, "on_config runs first"
        if runner.mode not in ("off", "skip") and package_fingerprint() != LOADED_PACKAGE:
            log.warning(
                "nnnotes cache: the nnnotes package changed since this process started, but blocks "
                "still run the code loaded then; restart `mkdocs serve` (this build does not use the cache)"
            )
            runner.mode = "off"
        # which modules each block imported (read from the package's code: about 0.2 s of CPU)
        tracked = runner.mode in ("on", "verify")
        index = ModuleIndex(Path(sys.modules["nnnotes"].__file__).parent, "nnnotes") if tracked else None
        runner.start_build(environment_fingerprint(), index)
        if self.katex is None:
            self.katex = KatexRenderer()
        self.formulas = self.prose_store = None
        if runner.mode in ("on", "skip"):
            self.formulas = StringStore(runner.cache.folder.parent / "katex.json", hooks.katex_salt())
            # a page whose Markdown, list and placeholders' values are unchanged is not read again
            # while the checker's code is unchanged; `make test` and CI build in verify mode, where
            # every page's formulas are checked
            salt = StringStore.key(prosemath.checker_fingerprint(), environment_fingerprint())
            self.prose_store = StringStore(runner.cache.folder.parent / "prose-formulas.json", salt)
        self.visual = a11y.VisualStore()

    def on_files(self, files: Any, config: MkDocsConfig) -> Any:
        """Move the generated report pages to the end, so they are rendered after every other page."""
        self.urls = {f.src_uri: f.url for f in files.documentation_pages()}
        urls = "\n".join(f"{k} {v}" for k, v in sorted(self.urls.items()))
        assert self.runner is not None
        self.runner.context["urls"] = StringStore.key(urls)
        # the home page prints the counts and errata found on the others (its blocks may still be cached)
        for src in ("index.md", *hooks.LAST_PAGES):
            f = files.get_file_from_path(src)
            if f is not None:
                files.remove(f)
                files.append(f)
        return files

    # ------------------------------------------------------------ pages
    def on_page_markdown(self, markdown: str, page: Any, config: MkDocsConfig, files: Any) -> str:
        """Attribute checks to the page; check and fill in its prose numbers; start at default precision."""
        src = page.file.src_uri
        _default_precision()
        self.record.page = src
        self.page_start = self.record.mark()
        self.catalog.add_links(src, markdown)
        if src.startswith(hooks.NUMBER_CHECKED_PAGES):
            hooks.check_typed_numbers(markdown, page)
        summary = ""
        if src.startswith(hooks.CHECKED_PAGES) or src == "notation.md":
            summary = self.check_formulas(markdown, page)
        elif src == "verification.md" and self.formula_counts:  # built after every chapter
            summary = (
                "## Formulas in the chapters' prose\n\nEach chapter also reads the formulas of its prose "
                "and questions and checks their claims (`nnnotes.check.texmath`); each ends with its "
                "counts and the formulas it lists with their reasons.\n\n"
                + prosemath_report.counts_table(dict(sorted(self.formula_counts.items())))
            )
        if "{{" in markdown:
            from nnnotes.experiments.prose_values import prose_values

            try:
                markdown = prose.render_placeholders(markdown, prose_values(), page=f"docs/{src}")
            except prose.PlaceholderError as exc:
                raise PluginError(str(exc)) from exc
        # the notebook gets the prose as the reader sees it: numbers filled in
        self.takeaway.on_page_markdown(markdown, page)
        if summary:  # after the notebook's copy: the summary describes the page's build
            markdown = markdown.rstrip("\n") + "\n\n" + summary + "\n"
        markdown = citations.on_page_markdown(markdown, page, config, files)
        return student.on_page_markdown(markdown, page, config, files)

    def check_formulas(self, markdown: str, page: Any) -> str:
        """Check the formulas of the page's prose (`nnnotes.sitebuild.prosemath`); return the summary."""
        from nnnotes.experiments.prose_values import prose_values

        src = page.file.src_uri
        listed = page.meta.get("formulas") or {}

        def entry(v: Any) -> bool:
            return (isinstance(v, str) and bool(v.strip())) or (isinstance(v, list) and all(map(entry, v)))

        if not isinstance(listed, dict) or not all(map(entry, listed.values())):
            log.error("docs/%s: `formulas:` must map each formula to what checks it, got %r", src, listed)
            return ""
        # the key holds the page with its placeholders' values filled in (they are cached), so an
        # edit of a module that no value of the page comes from keeps the page's entry
        values = prose_values()
        try:
            key = StringStore.key(
                src,
                prose.render_placeholders(markdown, values, page=f"docs/{src}"),
                prose.render_placeholders(
                    json.dumps(listed, sort_keys=True), values, page=f"docs/{src}", math=True
                ),
            )
        except prose.PlaceholderError as exc:  # the same error as the page's own placeholders'
            raise PluginError(str(exc)) from exc
        stored = self.prose_store.get(key) if self.prose_store is not None else None
        if stored is not None:
            counts, summary = json.loads(stored)
            self.formula_counts[src] = counts
            return str(summary)
        found = prosemath.check_page(
            markdown,
            listed,
            values,
            page=f"docs/{src}",
            first_line=hooks.front_matter_lines(page.file.abs_src_path),
        )
        for error in found.errors:
            log.error("%s", error)
        if not (found.read or found.listed or found.refuted or found.definitions):
            return ""
        self.formula_counts[src] = found.counts()
        summary = prosemath_report.summary_markdown(found)
        if self.prose_store is not None and not found.errors:  # a failure is never stored
            self.prose_store.put(key, json.dumps([found.counts(), summary]))
        return summary

    def on_page_content(self, html_text: str, page: Any, config: MkDocsConfig, files: Any) -> str:
        """Fail on the page's failed checks; name errata; typeset math; number results."""
        src = page.file.src_uri
        for rec in self.record.since(self.page_start):
            if not rec.ok:
                log.error("docs/%s: check %r failed: %s", src, rec.name, rec.detail)
        html_text = hooks.name_errata(html_text, page, self.errata)
        self.catalog.add_page(src, page.title)
        self.catalog.add_errata(src, html_text)
        page.meta.setdefault("description", meta.description(html_text))
        used_by = self.catalog.used_by(src)
        page.meta.setdefault("title", meta.html_title(src, page.title, html_text, used_by=used_by))
        # Checks printed by executed blocks carry ids (check-...) that MkDocs' anchor validation cannot
        # see (block output is stashed HTML): register them so pages may link to a check.
        # markdown-exec prefixes the ids in a block's output with the block's id; a check keeps the
        # plain id `check-<name>` that the verification report links to.
        html_text = re.sub(r'\bid="[^"\s]*?-(check-[^"\s]+)"', r'id="\1"', html_text)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids.update(re.findall(r'\bid="(check-[^"]+)"', html_text))
        self.record.page = None
        _default_precision()
        html_text = self.takeaway.on_page_content(html_text, page, config)
        assert self.katex is not None
        html_text = hooks.typeset(a11y.label_tables(html_text), src, self.katex, self.formulas, self.visual)
        html_text = citations.on_page_content(html_text, page, config, files)
        html_text = student.on_page_content(html_text, page, config, files)
        html_text = a11y.frame_figures(numbering.on_page_content(html_text, page, config, self.labels))
        return provenance.on_page_content(html_text, page, config, files)

    def on_post_page(self, output: str, page: Any, config: MkDocsConfig) -> str:
        """Put back the formulas' HTML copies (left out while search indexed); relabel references."""
        return numbering.relabel(a11y.restore_visual(output, self.visual), self.labels)

    # ------------------------------------------------------------ the end
    def on_post_build(self, config: MkDocsConfig) -> None:
        """KaTeX's assets, notebooks, page sources; stop node; the cache's summary and verdict."""
        try:
            self.takeaway.on_post_build(config)
            hooks.copy_katex_assets(config.site_dir)
            provenance.on_post_build(config)
            if self.katex is not None:
                self.katex.close()
                self.katex = None
            for store in (self.formulas, self.prose_store):
                if store is not None:
                    store.save()
            assert self.runner is not None
            try:
                self.runner.finish_build()
            except CacheMismatchError as exc:
                raise PluginError(str(exc)) from exc
        finally:
            self._end()

    def on_build_error(self, error: Exception) -> None:
        """Stop node and leave the build (its state is not current any more)."""
        if self.katex is not None:
            self.katex.close()
            self.katex = None
        self._end()

    def _end(self) -> None:
        markdown_config.reset()
        self._active.close()

    # ------------------------------------------------------------ for the benchmark and tools
    def block_seconds(self) -> dict[tuple[str | None, str | None], float]:
        """Return the seconds each block that ran in the last build took, by ``(page, id)``."""
        return dict(self.runner.seconds) if self.runner is not None else {}

    def executed_blocks(self) -> list[tuple[str | None, str | None]]:
        """Return ``(page, id)`` of every block that executed (was not served from the cache)."""
        return list(self.runner.executed) if self.runner is not None else []


def _default_precision() -> None:
    """Put mpmath's working precision back to its default (if a block has loaded mpmath)."""
    mpmath = sys.modules.get("mpmath")
    if mpmath is not None:
        mpmath.mp.default()
