"""A cache for the site's executed blocks, so that a rebuild re-runs only what changed.

Every ``python exec="1"`` block would run on every build. `CachedRunner` wraps the function that
runs a block (`nnnotes.sitebuild.execute.Sessions.run`) and keeps, per block, the text the block
printed and the checks it recorded (`nnnotes.check.verification`), in files under
``.cache/blocks/`` next to ``mkdocs.yml`` (`nnnotes.sitebuild.store`). The site's plugin
(`nnnotes.sitebuild.plugin`) owns the runner; nothing here is module state.

The key of a block covers everything its printed text can depend on:

* its code and the fence options markdown-exec hands to the run function: ``id``, ``session``,
  ``returncode``, and each option it does not read itself (such as ``cache``). The options it
  applies itself are not in the key: ``html``, ``source``, ``result``, ``tabs``, ``idprefix`` and
  ``updatetoc`` only shape the HTML made from the printed text, and ``workdir`` and ``width``,
  which could change that text, are used by no page;
* the page it is on, and the code of the blocks that ran before it in the same ``session=``
  during this build (their variables are its inputs);
* the *environment*: the versions of Python and of the libraries that compute or print
  (`LIBRARIES`), and numpy's path on this CPU with the C library: numpy's ``exp``, ``tanh``, ...
  differ in their last bits between its AVX-512 and AVX2 loops and the C library's functions (which
  it calls without AVX2), so an entry made on one CPU is not served on another (`numpy_path`);
* for a block that printed links between pages (`depends_on` ``"urls"``), the site's page URLs.

And an entry serves only while the package modules the block depends on keep the source they had
when it ran: those it imports, those behind the session variables it reads, and what those import
(`nnnotes.sitebuild.imports.flow`). Editing one module re-runs only the blocks that use it.

A hit returns exactly the text the block printed when it ran, and re-records its checks on the page
being built, so the verification report stays complete. A block that runs while its session has
blocks before it that were served and not executed in this build first replays those of them it
needs (`nnnotes.sitebuild.replay.needed`; their output is discarded), so the session variables it
uses exist. Blocks that read what other pages recorded (the errata list, the verification report:
pages in ``never``, or blocks that call `volatile`) always run, and so does a block given the fence
option ``cache="off"`` (for output that may differ between runs, such as a measured time). A block
that raises is never cached.

The mode comes from the environment variable ``NNNOTES_CACHE``:

``on`` (default)
    use and fill the cache;
``off``
    every block runs, nothing is read or written;
``verify``
    every block runs; where an entry exists, its text and checks must equal the fresh ones, else
    the build fails naming the block (``make test`` and CI build in this mode);
``skip``
    no block runs; each prints nothing (used by ``make bench`` to measure the floor of a build).

A corrupt or truncated entry is ignored with a warning and rewritten. ``NNNOTES_CACHE_DIR`` moves
the cache folder. Typeset formulas are kept too (modes ``on`` and ``skip``,
`nnnotes.sitebuild.store.StringStore`); a warm build then starts no ``node`` at all.

Limitations: a block's only effects must be what it prints and the checks it records (a file it
wrote, or a hook's registry it filled, would be missing after a hit); and it must not depend on
process-wide state that another block changed (a global random seed, a registry filled by an
earlier block outside its session), nor import a package module in a way the code does not show
(``importlib``) when an earlier page already loaded it. ``verify`` mode detects these when an entry
exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from nnnotes.sitebuild import state
from nnnotes.sitebuild.runner import MODES, CachedRunner, CacheMismatchError, depends_on, volatile
from nnnotes.sitebuild.store import FORMAT, BlockCache, Entry, StringStore, sha

__all__ = [
    "LIBRARIES",
    "MODES",
    "BlockCache",
    "CacheMismatchError",
    "CachedRunner",
    "Entry",
    "StringStore",
    "block_outputs",
    "depends_on",
    "environment_fingerprint",
    "library_versions",
    "mode_from_env",
    "numpy_path",
    "package_fingerprint",
    "volatile",
]

#: Distributions whose versions are part of every key.
LIBRARIES = (
    "numpy",
    "sympy",
    "mpmath",
    "matplotlib",
    "markdown-exec",
    "markdown",
    "mkdocs",
    "pymdown-extensions",
)


# ---------------------------------------------------------------- keys
def package_folder() -> Path:
    """Return the folder of the imported ``nnnotes`` package."""
    import nnnotes

    return Path(nnnotes.__file__).parent


def package_fingerprint(folder: Path | None = None) -> str:
    """Return a hash of the path and content of every ``.py`` file under ``folder``.

    ``folder`` defaults to the imported ``nnnotes`` package. Any edit of the package's code (a
    function, a constant, a new module) changes it; files other than ``.py`` do not. (The block
    cache keys entries by the modules they imported; this says whether a process runs stale code.)
    """
    folder = package_folder() if folder is None else folder
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        h.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def numpy_path() -> str:
    """Return the SIMD features numpy uses on this CPU (its baseline, then those found) and the C library.

    numpy's public ``show_config(mode="dicts")`` tells; features turned off with
    ``NPY_DISABLE_CPU_FEATURES`` are not among those found.

    Examples
    --------
    >>> numpy_path().startswith("baseline ")
    True
    """
    import numpy as np

    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    libc = " ".join(platform.libc_ver())
    return f"baseline {simd.get('baseline', [])}, found {simd.get('found', [])}, libc {libc}"


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Return the installed version of each distribution (``"absent"`` if missing), Python's, numpy's path."""
    out = {"python": sys.version, "machine": platform.machine(), "numpy path": numpy_path()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def environment_fingerprint(versions: dict[str, str] | None = None) -> str:
    """Return a hash of the library versions (default: the installed ones) and the entry format."""
    versions = library_versions() if versions is None else versions
    return sha(json.dumps({"format": FORMAT, "versions": versions}, sort_keys=True))


def block_outputs(page: str) -> list[tuple[str | None, str, str]]:
    """Return ``(id, code, output)`` of every block of ``page`` run or served in the current build."""
    return state.current().runner.block_outputs(page)


def mode_from_env() -> str:
    """Return the mode named by ``NNNOTES_CACHE`` (default ``on``); reject unknown values."""
    mode = os.environ.get("NNNOTES_CACHE", "on").strip().lower() or "on"
    if mode not in MODES:
        raise ValueError(f"NNNOTES_CACHE must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


def cache_folder(config_dir: Path) -> Path:
    """Return the folder of entries: ``NNNOTES_CACHE_DIR``, else ``config_dir/.cache/blocks``."""
    return Path(os.environ.get("NNNOTES_CACHE_DIR") or Path(config_dir) / ".cache" / "blocks")
