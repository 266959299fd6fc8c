"""The block cache's runner: serves a block from its entry, or runs it and stores what it left.

See `nnnotes.sitebuild.cache` for what a key covers and the modes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

from nnnotes.sitebuild import records
from nnnotes.sitebuild.imports import ModuleIndex, flow, loaded_modules
from nnnotes.sitebuild.replay import Names, needed
from nnnotes.sitebuild.store import BlockCache, Entry, sha, warn_log

__all__ = ["MODES", "PACKAGE", "CacheMismatchError", "CachedRunner", "depends_on", "volatile"]

#: Values of ``NNNOTES_CACHE``.
MODES = ("on", "off", "verify", "skip")
#: The package whose modules the blocks import.
PACKAGE = "nnnotes"

#: Messages that belong to the build (a verify mismatch is an error of the build).
build_log = logging.getLogger("mkdocs.plugins.nnnotes.cache")


class CacheMismatchError(Exception):
    """In ``verify`` mode, a block printed or recorded something else than its cached entry."""


# ---------------------------------------------------------------- what a running block declares
@dataclass
class _BlockRun:
    context: dict[str, str]
    deps: dict[str, str] = field(default_factory=dict)
    volatile: str | None = None


_RUNNING: ContextVar[_BlockRun | None] = ContextVar("nnnotes_running_block", default=None)


def depends_on(name: str) -> None:
    """Say that the running block's output depends on the build-wide input ``name``.

    Its entry then only serves builds where that input has the same value.
    """
    run = _RUNNING.get()
    if run is not None:
        run.deps[name] = run.context.get(name, "")


def volatile(reason: str) -> None:
    """Say that the running block reads what other pages recorded: never cache it."""
    run = _RUNNING.get()
    if run is not None:
        run.volatile = reason


# ---------------------------------------------------------------- the runner
def _record_fields(rec: records.CheckRecord) -> dict[str, Any]:
    d = asdict(rec)
    d.pop("page")
    return d


def _signature(recs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Return what must agree between a cached and a fresh run (times may differ)."""
    keys = ("kind", "name", "statement", "method", "detail", "ok")
    return [tuple(r.get(k) for k in keys) for r in recs]


@dataclass
class _Session:
    history: list[str] = field(default_factory=list)
    #: What each block of `history` binds and reads (`replay.Names`).
    names_of: list[Names] = field(default_factory=list)
    #: Blocks served from the cache and not run yet: ``(position in history, code, options)``.
    pending: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    #: Session variable -> the package modules its value may depend on (`imports.flow`).
    names: dict[str, set[str]] = field(default_factory=dict)
    #: Session variables bound by an import.
    imported: set[str] = field(default_factory=set)


_OFF = ("0", "no", "off", "false")


class CachedRunner:
    """A run function (``run(code, returncode=..., session=..., id=..., **extra) -> str``) with a cache.

    Parameters
    ----------
    run : callable
        The function that really runs a block (`nnnotes.sitebuild.execute.Sessions.run`).
    cache : BlockCache
        Where entries live.
    mode : {"on", "off", "verify", "skip"}
        See the module's documentation.
    environment : str
        `environment_fingerprint` of this build.
    never : iterable of str
        Pages whose blocks always run (they list what other pages recorded).
    index : ModuleIndex, optional
        The package's modules on disk; without it, entries do not track modules.

    Examples
    --------
    A run function that counts its calls shows what is served from the cache:

    >>> import shutil, tempfile
    >>> from pathlib import Path
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
        index: ModuleIndex | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.run, self.cache, self.mode = run, cache, mode
        self.environment = environment
        self.never = set(never)
        self.index = index
        #: Build-wide inputs a block may depend on (`depends_on`), by name: their current values.
        self.context: dict[str, str] = {}
        self.start_build()

    def start_build(self, environment: str | None = None, index: ModuleIndex | None = None) -> None:
        """Forget the sessions and counts of the previous build."""
        if environment is not None:
            self.environment = environment
        if index is not None:
            self.index = index
        self.sessions: dict[tuple[str | None, str], _Session] = {}
        self.stats = {"hits": 0, "misses": 0, "uncached": 0, "replayed": 0, "verified": 0}
        #: Seconds each block that ran took, by ``(page, id)`` (for the benchmark).
        self.seconds: dict[tuple[str | None, str | None], float] = {}
        #: What each block printed in this build, in order, by page: ``(id, code, output)``
        #: (the notebooks of `nnnotes.sitebuild.notebooks` carry the page's outputs).
        self.outputs: dict[str | None, list[tuple[str | None, str, str]]] = {}
        #: The pages and ids of the blocks that executed in this build (not served from the cache).
        self.executed: list[tuple[str | None, str | None]] = []
        self.mismatches: list[str] = []

    def block_outputs(self, page: str | None) -> list[tuple[str | None, str, str]]:
        """Return ``(id, code, output)`` of every block of ``page`` run or served in this build."""
        return list(self.outputs.get(page, []))

    def key(self, code: str, page: str | None, session: str | None, options: dict[str, Any]) -> str:
        """Return the key of a block given what ran before it in its session."""
        history = self.sessions[(page, session)].history if session else []
        return sha(
            json.dumps(
                {
                    "environment": self.environment,
                    "page": page,
                    "session": session or None,
                    "history": [sha(c) for c in history],
                    "code": code,
                    "options": options,
                },
                sort_keys=True,
                default=str,
            )
        )

    def _modules(self, code: str, extra: set[str], state_: _Session | None) -> dict[str, str]:
        """Return the package modules a block depends on, with their source hashes.

        Those its statements import, and those behind the session variables it reads
        (`imports.flow`); ``extra`` (modules the block loaded at run time, or an entry's recorded
        modules on a hit) counts for the whole block and for every variable it binds.
        """
        if self.index is None:
            return {}
        names = state_.names if state_ is not None else {}
        imported = state_.imported if state_ is not None else set()
        # only what the code does not explain counts for the whole block (an importlib import)
        explained = flow(code, {k: set(v) for k, v in names.items()}, self.index, imported=set(imported))
        unexplained = self.index.closure(extra) - explained
        found = flow(code, names, self.index, unexplained, imported)
        return self.index.hashes_of(found)

    def _execute(
        self, code: str, kwargs: dict[str, Any]
    ) -> tuple[str, list[dict[str, Any]], _BlockRun, set[str]]:
        """Run a block; return its text, new checks, what it declared, the package modules it loaded."""
        mark = records.mark()
        run = _BlockRun(self.context)
        package = self.index.package if self.index is not None else PACKAGE
        before = loaded_modules(package)
        token = _RUNNING.set(run)
        try:
            output = self.run(code, **kwargs)
        finally:
            _RUNNING.reset(token)
        recs = [_record_fields(r) for r in records.since(mark)]
        try:
            json.dumps(recs)
        except TypeError:
            run.volatile = run.volatile or "its checks carry data that cannot be stored"
        return output, recs, run, loaded_modules(package) - before

    def _replay(self, state_: _Session, code: str) -> None:
        """Run the served blocks of the session that ``code`` needs (`replay.needed`), discarding output.

        The others stay pending: a later block may need them.
        """
        chosen = set(needed(state_.names_of, Names.of(code), [i for i, _, _ in state_.pending]))
        mark = records.mark()
        todo = [p for p in state_.pending if p[0] in chosen]
        state_.pending = [p for p in state_.pending if p[0] not in chosen]
        try:
            for _, block, kwargs in todo:
                self.run(block, **kwargs)
                self.stats["replayed"] += 1
        finally:
            records.discard_since(mark)  # their checks were already re-recorded from the cache

    def _hit(self, entry: Entry) -> bool:
        """Return whether the inputs the entry depends on (build-wide, package modules) are unchanged."""
        if not all(self.context.get(name, "") == value for name, value in entry.deps.items()):
            return False
        return self.index is None or self.index.unchanged(entry.modules)

    def __call__(
        self,
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: Any,
    ) -> str:
        """Return what the block prints, from the cache or by running it."""
        output = self._call(code, returncode, session, id, **extra)
        self.outputs.setdefault(records.current_page(), []).append((id, code, output))
        return output

    def _call(
        self,
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: Any,
    ) -> str:
        kwargs: dict[str, Any] = {"returncode": returncode, "session": session, "id": id, **extra}
        if self.mode == "off":
            return self.run(code, **kwargs)
        if self.mode == "skip":
            return ""
        page = records.current_page()
        state_ = self.sessions.setdefault((page, session), _Session()) if session else None
        options = {k: v for k, v in sorted(kwargs.items()) if k != "session"}
        cacheable = page not in self.never and str(extra.get("cache", "")).lower() not in _OFF
        key = self.key(code, page, session, options)
        try:
            if self.mode == "on" and cacheable:
                entry = self.cache.load(key)
                if entry is not None and self._hit(entry):
                    records.add(records.CheckRecord(**fields, page=page) for fields in entry.records)
                    if state_ is not None:
                        state_.pending.append((len(state_.history), code, kwargs))
                        self._modules(code, set(entry.modules), state_)
                    self.stats["hits"] += 1
                    return entry.output
            if state_ is not None and state_.pending:
                self._replay(state_, code)
            t0 = time.perf_counter()
            self.executed.append((page, id))
            output, recs, run, loaded = self._execute(code, kwargs)
            self.seconds[(page, id)] = time.perf_counter() - t0
        finally:
            if state_ is not None:
                state_.history.append(code)
                state_.names_of.append(Names.of(code))
        modules = self._modules(code, loaded, state_)
        if not cacheable or run.volatile:
            self.stats["uncached"] += 1
            return output
        self.stats["misses"] += 1
        fresh = Entry(output, recs, dict(run.deps), modules)
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
                f"libraries, and the package modules it imported): first difference at character {i}: "
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

    def finish_build(self) -> None:
        """End a build: log the summary, prune old entries; in verify mode, fail on any mismatch."""
        build_log.info(self.summary())
        if self.mode in ("on", "verify"):
            self.cache.prune()
        if self.mismatches:
            raise CacheMismatchError(
                f"{len(self.mismatches)} block(s) disagree with their cache entry:\n"
                + "\n".join(self.mismatches)
            )
