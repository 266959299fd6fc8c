"""An offline copy of the site, which works when opened from disk (``file://``), and its zip.

``make offline`` builds the site with Material's ``offline`` plugin (``NNNOTES_OFFLINE=true``; it
turns off directory URLs, so links lead to ``.html`` files, and inlines the search index in a
script). The plugin would load the ``iframe-worker`` shim, which lets the search worker run from
disk, from a CDN; `configure` names a copy inside the site instead, which `copy_shim` takes from
the npm package (``node_modules/iframe-worker``, pinned in ``package.json``). The copy then makes
no request outside itself. `configure` also turns off Material's instant navigation, as Material's
guide to offline builds asks: opened from ``file://``, its bundle ends the ``document$`` observable
without a value, so the scripts that wait for it (the student edition's ``fold.js``, the filter
of the checks) never ran, and every answer stayed open with no switch. `zip_folder` packs the
copy with sorted entries dated ``SOURCE_DATE_EPOCH``, so two builds give the same bytes::

    python -m nnnotes.sitebuild.offline site-offline site/downloads/nnnotes-offline.zip
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["SHIM", "configure", "copy_shim", "enabled", "find_shim", "zip_folder"]

ROOT = Path(__file__).resolve().parents[2]
#: Where the shim is served in the offline copy (`configure` puts it in place of the CDN copy
#: that the offline plugin, before ours in ``mkdocs.yml``, adds to ``extra.polyfills``).
SHIM = "assets/javascripts/iframe-worker-shim.js"
#: The folder the zip's entries are in.
TOP = "nnnotes"


#: The spellings of ``NNNOTES_OFFLINE`` that ``!ENV`` in ``mkdocs.yml`` reads as a YAML boolean
#: (YAML 1.1, as PyYAML resolves them): the offline plugin's ``enabled`` takes only a boolean.
TRUE = frozenset(f(w) for w in ("true", "yes", "on") for f in (str.lower, str.title, str.upper))
FALSE = frozenset(f(w) for w in ("false", "no", "off") for f in (str.lower, str.title, str.upper))


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this build is the offline copy (``NNNOTES_OFFLINE`` is a YAML true).

    The variable is read from ``environ`` (by default the process's environment) as ``!ENV`` in
    ``mkdocs.yml`` reads it; unset, it is false.

    Raises
    ------
    ValueError
        If the variable is set to anything but a YAML boolean (``1`` or an empty value, say):
        mkdocs would then refuse it, or turn the offline plugin on by its default.

    Examples
    --------
    >>> enabled({"NNNOTES_OFFLINE": "true"}), enabled({"NNNOTES_OFFLINE": "off"}), enabled({})
    (True, False, False)
    >>> enabled({"NNNOTES_OFFLINE": "1"})
    Traceback (most recent call last):
    ...
    ValueError: NNNOTES_OFFLINE: expected true or false (YAML's true/yes/on, false/no/off), got '1'
    """
    environ = os.environ if environ is None else environ
    value = environ.get("NNNOTES_OFFLINE")
    if value is None or value in FALSE:
        return False
    if value in TRUE:
        return True
    raise ValueError(
        f"NNNOTES_OFFLINE: expected true or false (YAML's true/yes/on, false/no/off), got {value!r}"
    )


def configure(config: Any) -> None:
    """Load the worker shim from `SHIM` in place of any outside copy; turn instant navigation off."""
    polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
    config.extra["polyfills"] = [*polyfills, SHIM]
    features = config.theme["features"]
    features[:] = [f for f in features if not str(f).startswith("navigation.instant")]


def find_shim(root: Path = ROOT) -> Path:
    """Return the shim of the npm package ``iframe-worker`` (``make install`` installs it)."""
    path = Path(root) / "node_modules" / "iframe-worker" / "shim" / "index.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make install` (npm ci) first")
    return path


def copy_shim(site_dir: Path) -> Path:
    """Copy the shim into the built site at `SHIM`; return the copy."""
    out = Path(site_dir) / SHIM
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(find_shim(), out)
    return out


def zip_folder(folder: Path, out: Path, epoch: int | None = None) -> Path:
    """Zip every file under ``folder`` into ``out`` (under `TOP`), reproducibly.

    Entries are sorted, dated ``epoch`` (default ``SOURCE_DATE_EPOCH``; no earlier than 1980,
    the first date a zip can hold) and given mode 0644.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "b.txt").write_text("b"); (d / "a").mkdir(); (d / "a" / "c.txt").write_text("c")
    1
    1
    >>> z = zip_folder(d, d.parent / (d.name + ".zip"), epoch=1700000000)
    >>> [(i.filename, i.date_time) for i in zipfile.ZipFile(z).infolist()]
    [('nnnotes/a/c.txt', (2023, 11, 14, 22, 13, 20)), ('nnnotes/b.txt', (2023, 11, 14, 22, 13, 20))]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder: {folder} is not a folder")
    if epoch is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.relative_to(folder).as_posix()
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in files:
            info = zipfile.ZipInfo(f"{TOP}/{path.relative_to(folder).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the building machine
            z.writestr(info, path.read_bytes())
    return out


def main(argv: list[str]) -> int:
    """``python -m nnnotes.sitebuild.offline FOLDER ZIP``: zip a built offline copy."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder, out = Path(argv[0]), Path(argv[1])
    t0 = time.perf_counter()
    zip_folder(folder, out)
    print(f"offline copy: {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
