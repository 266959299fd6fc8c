"""Which derivations a project publishes: module-level factories marked with `published`.

There is no registry to fill: `published` marks a function of no arguments that returns a
`nnnotes.check.derivation.Derivation`, and `published_derivations` imports the modules of a package
and collects the marked functions from their namespaces. So the list is a function of the code
alone, the same in every process and every build, and nothing a build does can add to it or remove
from it (a doctest that marks a function of its own leaves no trace).

The tests build every published derivation and check that each is true and that perturbing any of
its steps (a constant changed, a sign flipped, a term dropped) makes it fail.

Examples
--------
>>> import sympy
>>> from nnnotes.check import Derivation
>>> @published
... def doc_square() -> Derivation:
...     x = sympy.Symbol("x", real=True)
...     return Derivation((x + 1)**2, name="doc-square").step(x**2 + 2*x + 1, "expand")
>>> is_published(doc_square), doc_square().verify().steps[0].method
(True, 'symbolic')
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nnnotes.check.derivation import Derivation

__all__ = ["is_published", "published", "published_derivations"]

_MARK = "published_derivation"


def published(factory: Callable[[], Derivation]) -> Callable[[], Derivation]:
    """Mark ``factory``, a module-level function of no arguments returning a `Derivation`, as published.

    Raises
    ------
    TypeError
        If ``factory`` is not a function defined at the top level of a module (a nested function
        could not be found again by `published_derivations`).
    """
    qualname = getattr(factory, "__qualname__", None)
    if not callable(factory) or not isinstance(qualname, str):
        raise TypeError(f"factory must be a function, got {type(factory).__name__}")
    if "." in qualname:
        raise TypeError(f"factory must be defined at the top level of a module, got {qualname!r}")
    setattr(factory, _MARK, True)
    return factory


def is_published(obj: object) -> bool:
    """Tell whether ``obj`` was marked with `published`."""
    return getattr(obj, _MARK, False) is True


def published_derivations(
    package: str = "nnnotes", *, skip: Iterable[str] = ("sitebuild",)
) -> dict[str, Callable[[], Derivation]]:
    """Import every module of ``package`` and return its published factories by qualified name.

    Parameters
    ----------
    package : str
        The package to walk (its subpackages too).
    skip : iterable of str
        Names of subpackages not to import (say, a site build that needs other dependencies).

    Examples
    --------
    >>> factories = published_derivations("nnnotes.check")
    >>> factories  # the engine publishes nothing itself
    {}
    """
    skipped = {f"{package}.{name}" for name in skip}
    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), f"{package}."):
        if not any(info.name == s or info.name.startswith(s + ".") for s in skipped):
            modules.append(importlib.import_module(info.name))
    found: dict[str, Callable[[], Derivation]] = {}
    for module in modules:
        for value in vars(module).values():
            if is_published(value) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{value.__qualname__}"] = value
    return found
