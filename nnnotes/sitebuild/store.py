"""Where the block cache keeps its entries, and the store of typeset formulas.

`BlockCache` keeps one JSON file per key under ``.cache/blocks/``, written to a temporary file and
renamed, so builds running at the same time never see half an entry; a damaged entry is ignored
with a warning (a miss). `StringStore` keeps KaTeX's HTML for each formula in one JSON file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "MAX_AGE", "MAX_BYTES", "BlockCache", "Entry", "StringStore", "sha"]

#: Version of the entry layout; bumping it invalidates every entry (2: entries name their modules).
FORMAT = 2
#: Entries unused for this long (seconds) are deleted at the end of a build.
MAX_AGE = 14 * 24 * 3600.0
#: The folder of entries is kept under this size, least recently used first out.
MAX_BYTES = 256 * 2**20

#: Warnings about the cache itself (a corrupt entry): shown, but not counted by ``--strict``,
#: because a damaged cache is repaired and must not fail a build.
warn_log = logging.getLogger("nnnotes.cache")


def sha(text: str) -> str:
    """Return the SHA-256 of ``text`` (UTF-8) in hexadecimal."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Entry:
    """What a block left: its printed text, its checks (without page), what it depends on."""

    output: str
    records: list[dict[str, Any]] = field(default_factory=list)
    deps: dict[str, str] = field(default_factory=dict)
    #: The package modules the block's session imported, each with the hash of its source.
    modules: dict[str, str] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """Return the entry as plain JSON data."""
        return {"output": self.output, "records": self.records, "deps": self.deps, "modules": self.modules}


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
            if data.get("sha256") != sha(json.dumps(body, sort_keys=True)):
                raise ValueError("checksum mismatch")
            entry = Entry(
                str(body["output"]), list(body["records"]), dict(body["deps"]), dict(body["modules"])
            )
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
            {"format": FORMAT, "key": key, "sha256": sha(json.dumps(body, sort_keys=True)), "entry": body},
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
    dropped. A file made with another ``salt`` is ignored silently, a damaged one with a warning.
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
            ok = data["sha256"] == sha(json.dumps(items, sort_keys=True))
        except (KeyError, TypeError):
            ok = False
        if not ok:
            warn_log.warning("nnnotes cache: ignoring corrupt %s (bad checksum)", self.path)
            return {}
        return dict(items) if data.get("salt") == self.salt else {}

    @staticmethod
    def key(*parts: str) -> str:
        """Return the key of a tuple of strings."""
        return sha("\0".join(parts))

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
                "sha256": sha(json.dumps(items, sort_keys=True)),
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
