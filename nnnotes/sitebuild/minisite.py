"""Build a small site from chosen pages with the project's configuration and plugins.

Used by the tests (a throw-away page that must fail the build) and by authors, to build one chapter
without the others::

    .venv/bin/python -m nnnotes.sitebuild.minisite docs/exercise-6-1.md

builds that page (and a stub home page) into the folder ``site`` of ``$NNNOTES_PREVIEW`` (by
default ``nnnotes-preview`` in the temporary folder: ``/tmp/nnnotes-preview/site`` unless
``TMPDIR`` names another), its sources into the folder ``src`` beside it, and prints MkDocs'
messages. Links to pages not built (the References page, the API reference, other chapters) are
only reported; any other warning or error fails, as in the strict build of the whole site: the exit
status is 1 then.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "SHARED", "build", "project_config", "write_config"]

#: Files and folders of ``docs/`` that a mini site links to (they are not pages).
SHARED = ("stylesheets", "references.bib")


def project_config() -> dict[str, Any]:
    """Return the project's ``mkdocs.yml`` as a dict (YAML tags are dropped)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def write_config(folder: Path, pages: dict[str, str], *, relax_links: bool = False) -> Path:
    """Write ``pages`` (name to Markdown) and a matching ``mkdocs.yml`` into ``folder``.

    The configuration is the project's, with absolute paths, and a navigation of just these pages.
    With ``relax_links``, links to pages that are not built are reported but do not fail it.
    Return the path of the configuration file.
    """
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    # what the pages' build reads besides the pages: stylesheets, the bibliography of the citations
    for name in SHARED:
        extra = ROOT / "docs" / name
        if extra.exists() and not (docs / name).exists():
            (docs / name).symlink_to(extra)
    cfg = project_config()
    cfg["docs_dir"] = str(docs)
    cfg["nav"] = list(pages)
    if cfg["theme"].get("custom_dir"):
        cfg["theme"]["custom_dir"] = str(ROOT / cfg["theme"]["custom_dir"])
    for plugin in cfg["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            plugin["mkdocstrings"]["handlers"]["python"]["paths"] = [str(ROOT)]
        if isinstance(plugin, dict) and "offline" in plugin:
            # its `enabled: !ENV [...]` was dropped, and the plugin's default is on
            plugin["offline"]["enabled"] = False
    if relax_links:
        cfg["validation"] = {k: "info" for k in cfg.get("validation", {})}
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return config


#: A message about a link to a page that a mini site does not build (reported, not failing).
ELSEWHERE = re.compile(r"mkdocs_autorefs: .*Could not find cross-reference target")


def build(
    config: Path, site_dir: Path, *, timeout: float = 900, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` (or not) for ``config`` into ``site_dir``; never raises on failure."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    flag = "--strict" if strict else "--no-strict"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", flag, "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def main(argv: list[str]) -> int:
    """Build the given pages (paths under ``docs/``) with the home page; return MkDocs' status."""
    if not argv:
        print(__doc__)
        return 2
    pages = {"index.md": "# Preview\n\nOnly the pages named on the command line are built.\n"}
    for arg in argv:
        path = Path(arg)
        rel = path.resolve().relative_to(ROOT / "docs")
        pages[rel.as_posix()] = path.read_text(encoding="utf-8")
    out = Path(os.environ.get("NNNOTES_PREVIEW", Path(tempfile.gettempdir()) / "nnnotes-preview"))
    config = write_config(out / "src", pages, relax_links=True)
    proc = build(config, out / "site", strict=False)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    failing = [
        line
        for line in proc.stderr.splitlines()
        if line.startswith(("WARNING", "ERROR")) and not ELSEWHERE.search(line)
    ]
    status = proc.returncode or (1 if failing else 0)
    elsewhere = sum(1 for line in proc.stderr.splitlines() if ELSEWHERE.search(line))
    print(
        f"site: {out / 'site'} (exit {status}; {len(failing)} warnings or errors, "
        f"{elsewhere} links to pages not built)"
    )
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
