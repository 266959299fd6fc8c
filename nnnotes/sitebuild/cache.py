"""A cache for the site's executed blocks, so that a rebuild re-runs only what changed.

markdown-exec runs every ``python exec="1"`` block on every build. This module wraps the function
that runs a block (``_run_python`` of markdown-exec's python formatter) and keeps, per block, the
text the block printed and the checks it recorded (`nnnotes.check.verification`), in files under
``.cache/blocks/`` next to ``mkdocs.yml``.

The key of a block covers everything its printed text can depend on:

* its code and its options (``id``, ``session``, ``returncode``, any other fence option);
* the page it is on, and the code of the blocks that ran before it in the same ``session=``
  during this build (their variables are its inputs);
* the *environment*: a hash of every ``.py`` file of the ``nnnotes`` package, and the versions of
  Python and of the libraries that compute or print (`LIBRARIES`). This is coarse on purpose: an
  edit anywhere in the package re-runs every block, because which module a block really depends on
  (through session variables, registries, module state) cannot be known for certain;
* for a block that printed links between pages (`depends_on` ``"urls"``), the site's page URLs.

A hit returns exactly the text the block printed when it ran, and re-records its checks on the page
being built, so the verification report stays complete. A block whose session has cached blocks
before it that were not executed in this build first replays them (their output is discarded), so
its session variables exist. Blocks that read what other pages recorded (the errata list, the
verification report: pages in ``never``, or blocks that call `volatile`) always run, and so does a
block given the fence option ``cache="off"`` (for output that may differ between runs, such as a
measured time). A block that raises is never cached.

The mode comes from the environment variable ``NNNOTES_CACHE``:

``on`` (default)
    use and fill the cache;
``off``
    markdown-exec exactly as upstream: every block runs, nothing is read or written;
``verify``
    every block runs; where an entry exists, its text and checks must equal the fresh ones, else
    the build fails naming the block (``make test`` and CI build in this mode);
``skip``
    no block runs; each prints nothing (used by ``make bench`` to measure the floor of a build).

A corrupt or truncated entry is ignored with a warning and rewritten; entries are written to a
temporary file and renamed, so builds running at the same time never see half an entry.
``NNNOTES_CACHE_DIR`` moves the cache folder.

Typeset formulas are kept too (modes ``on`` and ``skip``): KaTeX's HTML for a TeX string depends only
on that string and on KaTeX, so `StringStore` keeps it in ``.cache/katex.json``, salted with KaTeX's
version and options; a warm build then starts no ``node`` at all.

Limitations: a block's only effects must be what it prints and the checks it records (a file it
wrote, or a hook's registry it filled, would be missing after a hit); and it must not depend on
process-wide state that another block changed (a global random seed, a registry filled by an
earlier block outside its session). ``verify`` mode detects the second kind when an entry exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from nnnotes.check import verification
from nnnotes.check.record import current_record

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
    "package_fingerprint",
    "volatile",
]

#: Values of ``NNNOTES_CACHE``.
MODES = ("on", "off", "verify", "skip")
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
#: Version of the entry layout; bumping it invalidates every entry.
FORMAT = 1
#: Entries unused for this long (seconds) are deleted at the end of a build.
MAX_AGE = 14 * 24 * 3600.0
#: The folder of entries is kept under this size, least recently used first out.
MAX_BYTES = 256 * 2**20

#: Warnings about the cache itself (a corrupt entry): shown, but not counted by ``--strict``,
#: because a damaged cache is repaired and must not fail a build.
warn_log = logging.getLogger("nnnotes.cache")
#: Messages that belong to the build (a verify mismatch is an error of the build).
build_log = logging.getLogger("mkdocs.plugins.nnnotes.cache")


class CacheMismatchError(Exception):
    """In ``verify`` mode, a block printed or recorded something else than its cached entry."""


# ---------------------------------------------------------------- keys
def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def package_fingerprint(folder: Path | None = None) -> str:
    """Return a hash of the path and content of every ``.py`` file under ``folder``.

    ``folder`` defaults to the imported ``nnnotes`` package. Any edit of the package's code (a
    function, a constant, a new module) changes it; files other than ``.py`` do not.
    """
    if folder is None:
        import nnnotes

        folder = Path(nnnotes.__file__).parent
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        data = path.read_bytes()
        h.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Return the installed version of each distribution (``"absent"`` if missing) and Python's."""
    out = {"python": sys.version, "machine": platform.machine()}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def environment_fingerprint(package: str | None = None, versions: dict[str, str] | None = None) -> str:
    """Combine a package fingerprint and library versions (defaults: the installed ones)."""
    package = package_fingerprint() if package is None else package
    versions = library_versions() if versions is None else versions
    return _sha(json.dumps({"format": FORMAT, "package": package, "versions": versions}, sort_keys=True))


# ---------------------------------------------------------------- storage
@dataclass
class Entry:
    """What a block left: its printed text, its checks (without page), its dynamic dependencies."""

    output: str
    records: list[dict[str, Any]] = field(default_factory=list)
    deps: dict[str, str] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """Return the entry as plain JSON data."""
        return {"output": self.output, "records": self.records, "deps": self.deps}


class BlockCache:
    """Entries on disk, one JSON file per key, written atomically and checked when read."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        """Return the file of ``key``."""
        return self.folder / key[:2] / f"{key}.json"

    def load(self, key: str) -> Entry | None:
        """Return the entry of ``key``, or ``None`` if absent or damaged (with a warning)."""
        path = self.path(key)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            warn_log.warning("nnnotes cache: cannot read %s (%s); the block runs again", path, exc)
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            body = data["entry"]
            if data.get("format") != FORMAT or data.get("key") != key:
                raise ValueError("entry of another key or format")
            if data.get("sha256") != _sha(json.dumps(body, sort_keys=True)):
                raise ValueError("checksum mismatch")
            entry = Entry(str(body["output"]), list(body["records"]), dict(body["deps"]))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            warn_log.warning("nnnotes cache: ignoring corrupt entry %s (%s); the block runs again", path, exc)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # the time of last use, for `prune`
        return entry

    def prune(self, max_age: float = MAX_AGE, max_bytes: int = MAX_BYTES) -> int:
        """Delete old entries; return how many files were deleted.

        Entries unused for ``max_age`` seconds go, then the least recently used ones until the
        folder holds at most ``max_bytes``. Every package edit makes a new generation of entries, so
        without this the folder would only grow; a deleted entry is only a miss. Temporary files
        left by a write that crashed more than an hour ago go too.
        """
        now = time.time()
        files = []
        for path in self.folder.glob("??/*"):
            with contextlib.suppress(OSError):
                st = path.stat()
                files.append((st.st_mtime, st.st_size, path))
        files.sort(reverse=True)  # most recently used first
        kept, deleted = 0, 0
        for mtime, size, path in files:
            if path.suffix == ".json":
                drop = now - mtime > max_age or kept + size > max_bytes
            else:  # a temporary file: another build may be writing it right now
                drop = now - mtime > 3600
            if drop:
                with contextlib.suppress(OSError):
                    path.unlink()
                    deleted += 1
            elif path.suffix == ".json":
                kept += size
        return deleted

    def store(self, key: str, entry: Entry) -> None:
        """Write the entry of ``key``: to a temporary file, then renamed over the old one."""
        body = entry.payload()
        text = json.dumps(
            {"format": FORMAT, "key": key, "sha256": _sha(json.dumps(body, sort_keys=True)), "entry": body},
            sort_keys=True,
        )
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


class StringStore:
    """A persistent map of strings in one JSON file, for results that are pure functions of a key.

    Used for typeset formulas: the HTML KaTeX gives for a TeX string depends only on that string,
    the display flag, and KaTeX (its version and options, the ``salt``). The file is read once per
    build and written once at its end (if anything was added), atomically; it then keeps what this
    build used, plus what other builds added meanwhile, so formulas no page has any more are
    dropped. A damaged or foreign file is ignored with a warning.
    """

    def __init__(self, path: Path, salt: str) -> None:
        self.path, self.salt = Path(path), salt
        self.items: dict[str, str] = self._read()
        self.added: dict[str, str] = {}
        self.used: set[str] = set()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            warn_log.warning("nnnotes cache: ignoring corrupt %s (%s)", self.path, exc)
            return {}
        try:
            items = data["items"]
            ok = data["sha256"] == _sha(json.dumps(items, sort_keys=True))
        except (KeyError, TypeError):
            ok = False
        if not ok:
            warn_log.warning("nnnotes cache: ignoring corrupt %s (bad checksum)", self.path)
            return {}
        return dict(items) if data.get("salt") == self.salt else {}

    @staticmethod
    def key(*parts: str) -> str:
        """Return the key of a tuple of strings."""
        return _sha("\0".join(parts))

    def get(self, key: str) -> str | None:
        """Return the stored string of ``key``, or ``None``."""
        value = self.items.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def put(self, key: str, value: str) -> None:
        """Remember ``value`` for ``key`` (written by `save`)."""
        self.items[key] = self.added[key] = value
        self.used.add(key)

    def save(self) -> None:
        """Write the file if anything was added: merged with its current content, then renamed."""
        if not self.added:
            return
        on_disk = self._read()
        others = {k: v for k, v in on_disk.items() if k not in self.items}
        items = {**others, **{k: self.items[k] for k in self.used}}
        text = json.dumps(
            {
                "format": FORMAT,
                "salt": self.salt,
                "sha256": _sha(json.dumps(items, sort_keys=True)),
                "items": items,
            },
            sort_keys=True,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            warn_log.warning("nnnotes cache: cannot write %s (%s)", self.path, exc)
        self.added = {}


# ---------------------------------------------------------------- dynamic dependencies
_RUN: dict[str, Any] = {"deps": None, "volatile": None, "context": {}}


def set_context(name: str, value: str) -> None:
    """Declare the current value of a build-wide input ``name`` (e.g. the page URLs)."""
    _RUN["context"][name] = value


def depends_on(name: str) -> None:
    """Say that the running block's output depends on the build-wide input ``name``.

    Its entry then only serves builds where that input has the same value.
    """
    if _RUN["deps"] is not None:
        _RUN["deps"][name] = _RUN["context"].get(name, "")


def volatile(reason: str) -> None:
    """Say that the running block reads what other pages recorded: never cache it."""
    if _RUN["deps"] is not None:
        _RUN["volatile"] = reason


# ---------------------------------------------------------------- the wrapped run function
def _record_fields(rec: verification.CheckRecord) -> dict[str, Any]:
    d = asdict(rec)
    d.pop("page")
    return d


def _signature(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Return what must agree between a cached and a fresh run (times may differ)."""
    keys = ("kind", "name", "statement", "method", "detail", "ok")
    return [tuple(r.get(k) for k in keys) for r in records]


@dataclass
class _Session:
    history: list[str] = field(default_factory=list)
    pending: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class CachedRunner:
    """A drop-in for markdown-exec's ``_run_python`` that serves blocks from a `BlockCache`.

    Parameters
    ----------
    run : callable
        The original ``run(code, returncode=..., session=..., id=..., **extra) -> str``.
    cache : BlockCache
        Where entries live.
    mode : {"on", "off", "verify", "skip"}
        See the module's documentation.
    environment : str
        `environment_fingerprint` of this build.
    never : iterable of str
        Pages whose blocks always run (they list what other pages recorded).
    session_globals : dict, optional
        markdown-exec's per-session globals; a session is emptied when first seen in a build, so a
        rebuild in the same process (``mkdocs serve``) starts from the state a fresh build has.

    Examples
    --------
    A run function that counts its calls shows what is served from the cache:

    >>> import shutil, tempfile
    >>> calls = []
    >>> def run(code, **options):
    ...     calls.append(code)
    ...     return "output of " + code
    >>> folder = Path(tempfile.mkdtemp())
    >>> runner = CachedRunner(run, BlockCache(folder), environment="libraries-v1")
    >>> runner("print(1)", id="a") == runner("print(1)", id="a"), len(calls)
    (True, 1)
    >>> runner.start_build(environment="libraries-v2")  # e.g. numpy was upgraded
    >>> _ = runner("print(1)", id="a"); len(calls)
    2
    >>> shutil.rmtree(folder)
    """

    def __init__(
        self,
        run: Callable[..., str],
        cache: BlockCache,
        *,
        mode: str = "on",
        environment: str = "",
        never: Iterable[str] = (),
        session_globals: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.run, self.cache, self.mode = run, cache, mode
        self.environment = environment
        self.never = set(never)
        self.session_globals = session_globals
        self.start_build()

    def start_build(self, environment: str | None = None) -> None:
        """Forget the sessions and counts of the previous build."""
        if environment is not None:
            self.environment = environment
        self.sessions: dict[str, _Session] = {}
        self.stats = {"hits": 0, "misses": 0, "uncached": 0, "replayed": 0, "verified": 0}
        #: Seconds each block that ran took, by ``(page, id)`` (for the benchmark).
        self.seconds: dict[tuple[str | None, str | None], float] = {}
        #: What each block printed in this build, in order, by page: ``(id, code, output)``
        #: (the notebooks of `nnnotes.sitebuild.notebooks` carry the page's outputs).
        self.outputs: dict[str | None, list[tuple[str | None, str, str]]] = {}
        self.mismatches: list[str] = []

    def key(self, code: str, page: str | None, session: str | None, options: dict[str, Any]) -> str:
        """Return the key of a block given what ran before it in its session."""
        history = self.sessions[session].history if session else []
        return _sha(
            json.dumps(
                {
                    "environment": self.environment,
                    "page": page,
                    "session": session or None,
                    "history": [_sha(c) for c in history],
                    "code": code,
                    "options": options,
                },
                sort_keys=True,
                default=str,
            )
        )

    def _execute(
        self, code: str, kwargs: dict[str, Any]
    ) -> tuple[str, list[dict[str, Any]], dict[str, str], str | None]:
        """Run a block; return its text, new checks, dependencies, and why it is volatile."""
        record = current_record()
        before = record.mark()
        _RUN["deps"], _RUN["volatile"] = {}, None
        try:
            output = self.run(code, **kwargs)
            deps, why = dict(_RUN["deps"]), _RUN["volatile"]
        finally:
            _RUN["deps"], _RUN["volatile"] = None, None
        records = [_record_fields(r) for r in record.since(before)]
        try:
            json.dumps(records)
        except TypeError:
            why = why or "its checks carry data that cannot be stored"
        return output, records, deps, why

    def _replay(self, state: _Session) -> None:
        """Run the session's cached blocks that did not run in this build, discarding their output."""
        record = current_record()
        before = record.mark()
        pending, state.pending = state.pending, []
        try:
            for code, kwargs in pending:
                self.run(code, **kwargs)
                self.stats["replayed"] += 1
        finally:
            # their checks were already re-recorded from the cache
            record.discard_since(before)

    def _hit(self, entry: Entry) -> bool:
        """Return whether the build-wide inputs the entry depends on are unchanged."""
        ctx = _RUN["context"]
        return all(ctx.get(name, "") == value for name, value in entry.deps.items())

    def __call__(
        self,
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: str,
    ) -> str:
        """Return what the block prints, from the cache or by running it."""
        output = self._call(code, returncode, session, id, **extra)
        self.outputs.setdefault(current_record().page, []).append((id, code, output))
        return output

    def _call(
        self,
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: str,
    ) -> str:
        kwargs: dict[str, Any] = {"returncode": returncode, "session": session, "id": id, **extra}
        if self.mode == "off":
            return self.run(code, **kwargs)
        if self.mode == "skip":
            return ""
        page = current_record().page
        state = None
        if session:
            if session not in self.sessions:
                self.sessions[session] = _Session()
                if self.session_globals is not None:
                    self.session_globals.pop(session, None)
            state = self.sessions[session]
        options = {k: v for k, v in sorted(kwargs.items()) if k != "session"}
        cacheable = page not in self.never and str(extra.get("cache", "")).lower() not in {
            "0",
            "no",
            "off",
            "false",
        }
        key = self.key(code, page, session, options)
        try:
            if self.mode == "on" and cacheable:
                entry = self.cache.load(key)
                if entry is not None and self._hit(entry):
                    for fields in entry.records:
                        current_record().add(verification.CheckRecord(**fields, page=page))
                    if state is not None:
                        state.pending.append((code, kwargs))
                    self.stats["hits"] += 1
                    return entry.output
            if state is not None and state.pending:
                self._replay(state)
            t0 = time.perf_counter()
            output, records, deps, why = self._execute(code, kwargs)
            self.seconds[(page, id)] = time.perf_counter() - t0
        finally:
            if state is not None:
                state.history.append(code)
        if not cacheable or why:
            self.stats["uncached"] += 1
            return output
        self.stats["misses"] += 1
        fresh = Entry(output, records, deps)
        if self.mode == "verify":
            old = self.cache.load(key)
            if old is not None and self._hit(old):
                self.stats["verified"] += 1
                self._compare(old, fresh, page, id)
        try:
            self.cache.store(key, fresh)
        except OSError as exc:
            warn_log.warning("nnnotes cache: cannot write %s (%s)", self.cache.path(key), exc)
        return output

    def _compare(self, old: Entry, new: Entry, page: str | None, block: str | None) -> None:
        where = f"docs/{page}: block {block!r}" if block else f"docs/{page}: a block"
        if old.output != new.output:
            a, b = old.output, new.output
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            msg = (
                f"{where} printed something else than its cache entry (key covers code, session, "
                f"package and libraries): first difference at character {i}: "
                f"cached {a[i : i + 60]!r}, fresh {b[i : i + 60]!r}"
            )
        elif _signature(old.records) != _signature(new.records):
            msg = f"{where} recorded other checks than its cache entry"
        else:
            return
        self.mismatches.append(msg)
        build_log.error("nnnotes cache (verify): %s", msg)

    def summary(self) -> str:
        """Return a one-line account of this build's use of the cache."""
        s = self.stats
        return (
            f"nnnotes cache ({self.mode}): {s['hits']} hits, {s['misses']} ran and stored, "
            f"{s['uncached']} not cacheable, {s['replayed']} replayed for their session, "
            f"{s['verified']} compared with their entry"
        )


# ---------------------------------------------------------------- wiring into markdown-exec
_INSTALLED: dict[str, Any] = {"runner": None, "loaded": None}


def mode_from_env() -> str:
    """Return the mode named by ``NNNOTES_CACHE`` (default ``on``); reject unknown values."""
    mode = os.environ.get("NNNOTES_CACHE", "on").strip().lower() or "on"
    if mode not in MODES:
        raise ValueError(f"NNNOTES_CACHE must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


def install(config_dir: Path, never: Iterable[str] = ()) -> CachedRunner:
    """Put a `CachedRunner` in place of markdown-exec's python run function (once per process).

    Called from the site's ``on_config`` hook; the cache folder is ``config_dir/.cache/blocks``
    unless ``NNNOTES_CACHE_DIR`` names another.
    """
    from markdown_exec._internal.formatters import python as mx_python

    mode = mode_from_env()
    folder = Path(os.environ.get("NNNOTES_CACHE_DIR") or Path(config_dir) / ".cache" / "blocks")
    runner = _INSTALLED["runner"]
    if runner is None:
        original = getattr(mx_python, "_run_python", None)
        if original is None or not hasattr(mx_python, "_sessions_globals"):
            raise RuntimeError(
                "markdown-exec's python formatter changed (no _run_python); "
                "set NNNOTES_CACHE=off or update nnnotes/sitebuild/cache.py"
            )
        # the package as this process loaded it; see start_build
        _INSTALLED["loaded"] = package_fingerprint()
        runner = CachedRunner(
            original,
            BlockCache(folder),
            mode=mode,
            never=never,
            session_globals=mx_python._sessions_globals,
        )
        mx_python._run_python = runner
        # pycon blocks run python code too (they imported the function by name)
        from markdown_exec._internal.formatters import pycon as mx_pycon

        if getattr(mx_pycon, "_run_python", None) is original:
            mx_pycon._run_python = runner
        _INSTALLED["runner"] = runner
    runner.mode, runner.cache, runner.never = mode, BlockCache(folder), set(never)
    return runner


def start_build() -> None:
    """Begin a build: fingerprint the environment; refuse to cache code this process has not loaded.

    ``mkdocs serve`` keeps the package it imported at start; if its source changed since, blocks
    would run old code, so this build neither reads nor writes the cache (and says so).
    """
    runner: CachedRunner | None = _INSTALLED["runner"]
    if runner is None or runner.mode in ("off", "skip"):
        return
    package = package_fingerprint()
    if package != _INSTALLED["loaded"]:
        build_log.warning(
            "nnnotes cache: the nnnotes package changed since this process started, but blocks "
            "still run the code loaded then; restart `mkdocs serve` (this build does not use the cache)"
        )
        runner.mode = "off"
    runner.start_build(environment_fingerprint(package))


def formula_store(salt: str) -> StringStore | None:
    """Return the store of typeset formulas, next to the block cache.

    ``None`` in the modes ``off`` and ``verify``, which typeset every formula afresh.
    """
    runner: CachedRunner | None = _INSTALLED["runner"]
    if runner is None or runner.mode not in ("on", "skip"):
        return None
    return StringStore(runner.cache.folder.parent / "katex.json", salt)


def block_outputs(page: str) -> list[tuple[str | None, str, str]]:
    """Return ``(id, code, output)`` of every block of ``page`` that was run or served in this build."""
    runner: CachedRunner | None = _INSTALLED["runner"]
    return list(runner.outputs.get(page, [])) if runner is not None else []


def finish_build() -> None:
    """End a build: log the cache's summary; in verify mode, fail if any block disagreed."""
    runner: CachedRunner | None = _INSTALLED["runner"]
    if runner is None:
        return
    build_log.info(runner.summary())
    if runner.mode in ("on", "verify"):
        runner.cache.prune()
    if runner.mismatches:
        raise CacheMismatchError(
            f"{len(runner.mismatches)} block(s) disagree with their cache entry:\n"
            + "\n".join(runner.mismatches)
        )
