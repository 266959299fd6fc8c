"""The site build that is running, for the functions that executed blocks call.

The build's state lives on the plugin object (`nnnotes.sitebuild.plugin.NnnotesPlugin`). A page's
block calls plain functions (`nnnotes.sitebuild.hooks.url_for`, `nnnotes.sitebuild.catalog.title`,
...), which find that object here: the plugin makes itself the current build in ``on_pre_build``
(a `contextvars.ContextVar`, so two builds in two threads never see each other's state).

Examples
--------
>>> current()
Traceback (most recent call last):
...
RuntimeError: no nnnotes site build is running ...
>>> token = activate("a build"); current()
'a build'
>>> deactivate(token); running() is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

__all__ = ["activate", "current", "deactivate", "running", "using"]

_CURRENT: ContextVar[Any] = ContextVar("nnnotes_site_build", default=None)


def activate(build: Any) -> Token[Any]:
    """Make ``build`` the current build; return the token that `deactivate` takes."""
    return _CURRENT.set(build)


def deactivate(token: Token[Any]) -> None:
    """Make the build that was current before `activate` current again."""
    _CURRENT.reset(token)


def running() -> Any:
    """Return the current build, or ``None`` outside a build."""
    return _CURRENT.get()


def current() -> Any:
    """Return the current build; raise `RuntimeError` outside a build."""
    build = _CURRENT.get()
    if build is None:
        raise RuntimeError(
            "no nnnotes site build is running (this function is for the pages' executed blocks; "
            "build the site with `mkdocs build`)"
        )
    return build


@contextmanager
def using(build: Any) -> Iterator[Any]:
    """Make ``build`` the current build inside the ``with`` block (tests, scripts); yield it."""
    token = activate(build)
    try:
        yield build
    finally:
        deactivate(token)
