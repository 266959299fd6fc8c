"""The computed numbers that chapters quote in their prose, by name.

A chapter writes ``{{ name }}`` (or ``{{ name:format }}``) where it quotes one of these numbers; the
site build (`nnnotes.sitebuild.prose`) replaces the placeholder by the value, with its source as a
tooltip. Each entry is a function of no arguments returning the value, marked with `value` and the
source that names the package function (or claim) the value comes from. The package functions are
tested; an entry that computes more than it reads (a ratio, a logarithm) is tested only to evaluate,
and its page shows the check behind the number where there is one. The entries live in the modules
of `ENTRY_MODULES` (by topic: every ``quoted_*.py`` of this package); `prose_values` collects them.
Nothing is registered at import: the collection is read from the modules' top-level names, so it
depends only on the code.

Examples
--------
>>> value, source = prose_values()["float64_underflow_exponent"]()
>>> value, source
(-1075, 'float64: half the smallest subnormal, 2^-1074 (math.ulp(0.0))')
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["ENTRY_MODULES", "defaults", "entry_modules", "prose_values", "value"]


def entry_modules(folder: Path, package: str) -> tuple[str, ...]:
    """Return the modules ``quoted_*.py`` of ``folder``, the package ``package``, sorted by name.

    Examples
    --------
    >>> entry_modules(Path(__file__).parent, "nnnotes.experiments")[0]
    'nnnotes.experiments.quoted_networks'
    """
    return tuple(f"{package}.{f.stem}" for f in sorted(folder.glob("quoted_*.py")))


#: The modules that hold the entries, by topic: every ``quoted_*.py`` of this package.
ENTRY_MODULES = entry_modules(Path(__file__).parent, __package__ or "nnnotes.experiments")

_MARK = "__nnnotes_prose_value__"


def value(name: str, source: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Mark the decorated function (no arguments) as the computed number ``name``, from ``source``.

    The function is returned as it is (other entries may call it); `prose_values` pairs its
    value, computed once, with the source.

    Examples
    --------
    >>> @value("demo_two", "doctest")
    ... def _two() -> int:
    ...     return 1 + 1
    >>> _two()
    2
    >>> entries([_two])["demo_two"]()
    (2, 'doctest')
    """

    def mark(f: Callable[[], Any]) -> Callable[[], Any]:
        setattr(f, _MARK, (name, source))
        return f

    return mark


def default_of(func: Callable[..., Any], param: str) -> Any:
    """Return the default of ``func``'s parameter ``param``: the value a page's block uses."""
    return inspect.signature(func).parameters[param].default


def defaults(rows: Iterable[tuple[str, str, str]]) -> tuple[Callable[[], tuple[Any, str]], ...]:
    """Return one entry per ``(name, "module.function", param)``: the default of that parameter."""
    out = []
    for name, qualname, param in rows:
        module, func = qualname.rsplit(".", 1)

        def get(module: str = module, func: str = func, param: str = param) -> Any:
            return default_of(getattr(importlib.import_module(module), func), param)

        out.append(value(name, f"{qualname}({param}=...), the default the page's block runs with")(get))
    return tuple(out)


def _entry(f: Callable[[], Any], source: str) -> Callable[[], tuple[Any, str]]:
    cached = functools.cache(f)
    return lambda: (cached(), source)


def entries(objects: Iterable[Any]) -> dict[str, Callable[[], tuple[Any, str]]]:
    """Return the marked functions among ``objects`` (tuples are opened) as entries, by name.

    An entry is a function of no arguments returning ``(value, source)``; the value is computed once.

    Raises
    ------
    ValueError
        If two functions are marked with the same name.
    """
    found: dict[str, Callable[[], tuple[Any, str]]] = {}
    seen: dict[str, Callable[[], Any]] = {}
    for obj in objects:
        for f in obj if isinstance(obj, tuple) else (obj,):
            mark = getattr(f, _MARK, None)
            if not (isinstance(mark, tuple) and callable(f)):
                continue
            name, source = mark
            if name in seen and seen[name] is not f:
                raise ValueError(f"computed value {name!r} is defined twice")
            if name not in seen:
                seen[name] = f
                found[name] = _entry(f, source)
    return found


@functools.cache
def prose_values(modules: tuple[str, ...] = ENTRY_MODULES) -> Mapping[str, Callable[[], tuple[Any, str]]]:
    """Return every computed value of ``modules`` by name (read-only)."""
    objects = [obj for m in modules for obj in vars(importlib.import_module(m)).values()]
    return MappingProxyType(dict(sorted(entries(objects).items())))
