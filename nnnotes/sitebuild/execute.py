r"""Run the pages' ``python exec="1"`` blocks: a SuperFences custom fence of our own.

markdown-exec runs a block through functions and session dictionaries that are private to it.
This module runs blocks itself and uses only markdown-exec's public API: `markdown_exec.validator`
reads the fence's options (``exec``, ``session``, ``id``, ``html``, ``source``, ``result``, ...),
and `markdown_exec.base_format` turns what a block printed into HTML with the page's Markdown
configuration, given the run function. The run function is `Sessions.run` (or the block cache
wrapped around it, `nnnotes.sitebuild.cache.CachedRunner`).

A session is a dictionary of globals per page and ``session=`` name: blocks of one session on one
page share their variables; a block without a session gets fresh globals. A block that raises is
an error of the build naming the page and the block's ``id`` (logged on MkDocs' logger, so
``--strict`` fails), and its traceback is shown on the page.

Examples
--------
>>> s = Sessions()
>>> s.run("x = 6 * 7", session="demo")
''
>>> s.run("print(x)", session="demo")
'42\n'
>>> s.run("print(x)")
Traceback (most recent call last):
...
markdown_exec...ExecutionError: ...NameError: name 'x' is not defined...

A claim or a derivation printed as it is would show its repr; the block fails instead:

>>> s.run("from nnnotes.check import claim_exact; print(claim_exact('demo', 'one is one', 1, 1))")
Traceback (most recent call last):
...
markdown_exec...ExecutionError: ...TypeError: print() was given a Check, ...print its .markdown()...

A warning of the compiler fails the block too, such as an invalid escape in a plain string: TeX
in a claim's text written ``"\log"`` instead of ``"\\log"`` (or a raw string), which Python
warns is deprecated and which a later Python will refuse:

>>> s.run('print("$\\log 2$")')
Traceback (most recent call last):
...
markdown_exec...ExecutionError: ...SyntaxError: invalid escape sequence '\l'...
"""

from __future__ import annotations

import linecache
import logging
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from io import StringIO
from types import ModuleType
from typing import Any

from markdown_exec import ExecutionError, base_format, code_block, validator

from nnnotes.sitebuild import records

__all__ = ["Fence", "Sessions", "validator"]

log = logging.getLogger("mkdocs.plugins.nnnotes")


class _Printer:
    """A ``print`` that writes into a buffer (the block's output).

    An object with a ``markdown()`` method (a claim's `nnnotes.check.Check`, a
    `nnnotes.check.Derivation`) is refused: printed as it is, it would put its repr on the page.
    """

    def __init__(self, buffer: StringIO) -> None:
        self.buffer = buffer

    def __call__(self, *texts: Any, sep: str = " ", end: str = "\n", **_: Any) -> None:
        for t in texts:
            if callable(getattr(t, "markdown", None)):
                raise TypeError(
                    f"print() was given a {type(t).__name__}, which would print its repr on the page: "
                    "print its .markdown()"
                )
        self.buffer.write(sep.join(str(t) for t in texts) + end)


class Sessions:
    """The globals of each session, by page and session name, and the function that runs a block."""

    def __init__(self) -> None:
        self.globals: dict[tuple[str | None, str], dict[str, Any]] = {}
        self.count = 0

    def reset(self) -> None:
        """Forget every session (each build starts from empty sessions)."""
        self.globals = {}
        self.count = 0

    def run(
        self,
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: Any,
    ) -> str:
        """Run ``code`` in its session's globals; return what it printed.

        Raises `markdown_exec.ExecutionError` (with the formatted traceback) if the code raises.
        """
        page = records.current_page()
        g = self.globals.setdefault((page, session), {}) if session else {}
        self.count += 1
        label = id or (f"{session} n{self.count}" if session else f"n{self.count}")
        filename = f"<code block: {page}: {label}>"
        # dataclasses and pickle look a class's module up in sys.modules
        name = re.sub(r"[^a-zA-Z\d]+", "_", filename).strip("_")
        g["__name__"] = name
        sys.modules[name] = ModuleType(name)
        buffer = StringIO()
        g["print"] = _Printer(buffer)
        lines = code.splitlines(keepends=True)
        linecache.cache[filename] = (len(code), None, lines, filename)
        try:
            with warnings.catch_warnings():
                # a compiler warning is an error of the block: an invalid escape such as "\l" in
                # a plain string (DeprecationWarning on Python 3.11, SyntaxWarning from 3.12) is
                # deprecated, and a later Python refuses it
                warnings.simplefilter("error", SyntaxWarning)
                warnings.simplefilter("error", DeprecationWarning)
                compiled = compile(code, filename, "exec")
            exec(compiled, g)
        except Exception as exc:
            trace = "".join(traceback.format_exception(exc))
            where = f"block {id!r}" if id else f"a block ({label})"
            log.error("docs/%s: %s raised %s: %s", page, where, type(exc).__name__, exc)
            raise ExecutionError(code_block("python", trace)) from exc
        return buffer.getvalue()


class Fence:
    """The SuperFences custom fence for ``python exec="1"`` blocks, running them with ``run``.

    ``validator`` is markdown-exec's (a block without ``exec`` is left to the highlighter).
    """

    def __init__(self, run: Callable[..., str]) -> None:
        self.run = run

    def format(
        self,
        source: str,
        language: str,
        css_class: str,
        options: dict[str, Any],
        md: Any,
        classes: list[str] | None = None,
        id_value: str = "",
        attrs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> str:
        """Run the block and return its HTML (SuperFences' formatter signature)."""
        return base_format(language=language, run=self.run, code=source, md=md, **options)

    def config(self, name: str = "python") -> dict[str, Any]:
        """Return the entry of ``custom_fences`` in the configuration of ``pymdownx.superfences``."""
        return {"name": name, "class": name, "validator": validator, "format": self.format}
