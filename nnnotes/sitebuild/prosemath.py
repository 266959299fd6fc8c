r"""The formulas of a page's prose: found, read and checked while the page is built.

A chapter states relations in its prose and questions (``$\tanh'(x) = 1 - \tanh^2(x)$``) beside the
derivations its blocks print. `prose_formulas` finds every formula that holds a relation, as the
site renders it (`nnnotes.sitebuild.prosemath_find`: arithmatex's own reading, outside code);
`check_page` reads each with `nnnotes.check.texmath` (numbers from ``{{ placeholders }}`` filled in
first) and checks its claims. Functions written on the page as ``f(t) = ...`` are definitions: the
later formulas of their section (up to the next ``## `` heading) use them.

A formula the reader cannot read (a sum over an index, a vector or matrix, words, an arrow or a
relation it does not know) must be listed in the page's front matter with what checks it instead,
or why nothing needs to::

    formulas:
      "\\sum_{j=1}^n e^{y_j}": "a sum of n terms, checked by the derivation of section 4"

The strict build fails on a false claim, on a formula neither read nor listed, and on a listed
formula that is not on the page, or that the reader reads and finds true while its entry gives only
a reason (the list holds only what it must).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy

from nnnotes.check.derivation import DerivationError
from nnnotes.check.texguard import GREEK
from nnnotes.check.texmath import (
    Chain,
    Link,
    TexReadError,
    Verdict,
    check_chain,
    domain_of,
    read_chain,
    read_expression,
)
from nnnotes.check.texread import has_relation, tokens
from nnnotes.proofs.symbolic import relu, sigma
from nnnotes.sitebuild.prose import render_placeholders
from nnnotes.sitebuild.prosemath_find import prose_lines, rendered_math

__all__ = [
    "FUNCTIONS",
    "MATRICES",
    "PageFormulas",
    "ProseFormula",
    "check_page",
    "checker_files",
    "checker_fingerprint",
    "prose_formulas",
]

#: The functions every page may write, by their TeX name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigma": sigma,
    "ReLU": lambda x: relu(x).rewrite(sympy.Max),
    "tanh": sympy.tanh,
    "cosh": sympy.cosh,
    "sinh": sympy.sinh,
    "exp": sympy.exp,
    # one argument: sympy's second one is a base, which \log(8, 2) does not show
    "log": lambda x: sympy.log(x),
    "ln": lambda x: sympy.log(x),
    "max": sympy.Max,
    "min": sympy.Min,
}

#: The letters that stand for matrices on every page (the reader refuses them: it reads numbers).
MATRICES = frozenset({"A", "I", "H", "J", "W"})
_DEFINES = re.compile(r"^\s*(\\?[a-zA-Z]+)\(([a-z](?:,\s*[a-z])*)\)\s*=(?!.*=)\s*(.+?)\s*$", re.S)


@dataclass(frozen=True)
class ProseFormula:
    """A formula of the prose: its line (1-based, in the page's Markdown) and its TeX."""

    line: int
    tex: str
    #: How many ``## `` headings come before it.
    section: int = 0


@dataclass
class PageFormulas:
    """What `check_page` found on one page."""

    #: (formula, verdicts) for each formula read; a definition or condition has no verdict.
    read: list[tuple[ProseFormula, Chain, list[Verdict]]] = field(default_factory=list)
    #: Formulas listed in the front matter (not read, numbers filled in), with the reason given there.
    listed: list[tuple[ProseFormula, str]] = field(default_factory=list)
    #: Quoted claims listed as false, and found false.
    refuted: list[tuple[ProseFormula, str]] = field(default_factory=list)
    #: ``name = ...`` whose right side is not read: a definition, nothing to check.
    definitions: list[ProseFormula] = field(default_factory=list)
    #: Messages for the strict build: each names the line and the formula.
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return how many claims were proved, evaluated, and how many formulas were assumed or listed."""
        verdicts = [v for _, _, vs in self.read for v in vs]
        kinds = [link.kind for _, c, _ in self.read for link in c.links]
        return {
            "proved": sum(v.method in ("symbolic", "exact") for v in verdicts),
            "evaluated": sum(v.method == "numeric" for v in verdicts),
            "definitions": kinds.count("definition") + len(self.definitions),
            "refuted": len(self.refuted),
            "conditions": kinds.count("condition"),
            "listed": len(self.listed),
        }


def checker_files() -> list[Path]:
    """Return the files whose code decides a page's stored formula outcome (see `checker_fingerprint`).

    Examples
    --------
    >>> sorted(p.name for p in checker_files() if p.parent.name == "sitebuild")
    ['prose.py', 'prosemath.py', 'prosemath_report.py']
    """
    package = Path(__file__).resolve().parents[1]
    return [
        *sorted((package / "check").glob("*.py")),
        package / "proofs" / "symbolic.py",
        Path(__file__).resolve(),
        package / "sitebuild" / "prose.py",
        package / "sitebuild" / "prosemath_report.py",
    ]


def checker_fingerprint() -> str:
    """Return a hash of the code that reads and checks the formulas of a page.

    The checking engine (`nnnotes.check`), the symbolic functions the pages may write
    (`nnnotes.proofs.symbolic`), this module, the placeholders' renderer (`nnnotes.sitebuild.prose`) and
    the writer of the stored summary (`nnnotes.sitebuild.prosemath_report`): a stored outcome is valid
    while none of them changes (the placeholders' values are in the key).
    """
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    files = checker_files()
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.relative_to(package).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


#: What sympy or mpmath raise on a formula they cannot evaluate (an interval in an expression,
#: an integer of more than 4300 digits): the formula is not checked, and the page must list it.
_UNCHECKABLE = (ValueError, TypeError, ArithmeticError, NotImplementedError)


def prose_formulas(markdown: str) -> list[ProseFormula]:
    r"""Return the formulas of ``markdown`` outside code that hold a relation, in order.

    Examples
    --------
    >>> [(f.line, f.tex) for f in prose_formulas("Let $x > 0$ and $y$.\n\n```\n$a = b$\n```\n$$u = 2$$")]
    [(1, 'x > 0'), (6, 'u = 2')]
    """
    heads = [k for k, line in prose_lines(markdown) if line.startswith("## ")]
    return [
        ProseFormula(line, tex, sum(1 for h in heads if h < line))
        for line, tex in rendered_math(markdown)
        if has_relation(tokens(tex))
    ]


def _define(tex: str, functions: dict[str, Callable[..., Any]]) -> bool:
    """Add ``f(t) = expr`` to ``functions`` if it defines a new function; return whether it did."""
    m = _DEFINES.match(tex)
    name = m.group(1).lstrip("\\") if m else ""
    if m and (name in GREEK or not m.group(1).startswith("\\")):  # \sin, \exp are not the page's
        # f(x) = f'(x) or f^2(x): the name is used in its own body, so this is a claim, not a definition
        m = None if re.search(rf"(?<![a-zA-Z\\]){re.escape(m.group(1))}\s*[('^]", m.group(3)) else m
    else:
        m = None
    if not m or name in FUNCTIONS:
        # a name the page defined before is defined again: prose reuses f for a new example
        return False
    if "e" in (p.strip() for p in m.group(2).split(",")):  # f(e) = e^2: the body's e reads as Euler's number
        functions[name] = _unread(m.group(1))
        raise TexReadError("a parameter named e, which the body would read as Euler's number")
    params = [sympy.Symbol(p.strip(), real=True) for p in m.group(2).split(",")]
    try:
        body = read_expression(m.group(3), functions, MATRICES)
    except TexReadError:
        # a definition the reader cannot read: later uses of the name must not read an older one
        functions[m.group(1).lstrip("\\")] = _unread(m.group(1))
        raise
    functions[m.group(1).lstrip("\\")] = sympy.Lambda(tuple(params), body)
    return True


def _unread(name: str) -> Callable[..., Any]:
    def fail(*args: Any) -> Any:
        raise TexReadError(f"{name} is defined on the page by a formula that is not read")

    return fail


def _symbols(side: Any) -> set[Any]:
    return set(getattr(side, "free_symbols", ()))


def _lone_definition(tex: str) -> bool:
    r"""Return whether ``tex`` is ``name = ...`` with a plain name on the left (the right need not be read).

    The right side holds no further relation (``n = 5 \ne 5`` is a claim, not a definition).
    """
    tex = re.sub(r"_\{([a-zA-Z0-9])\}", r"_\1", tex)  # x_{1} is x_1
    # one letter or a command (ab is a product), with a subscript of one character or braced
    m = re.match(
        r"^\s*((?:\\[a-zA-Z]+|[a-zA-Z])(?:_(?:\{[a-zA-Z0-9]+\}|[a-zA-Z0-9]))?)\s*=(?![^=]*=)\s*(.+)$", tex
    )
    if not m or has_relation(tokens(m.group(2))):
        return False
    root = m.group(1).split("_")[0]
    if root in ("e", r"\pi", r"\infty") or root.lstrip("\\") in FUNCTIONS:
        return False  # a constant or a function: its value is known, not defined here
    if root.startswith("\\") and root[1:] not in GREEK | {"ell"}:
        return False
    name = re.escape(m.group(1))
    return not re.search(rf"(?<![a-zA-Z\\]){name}(?![a-zA-Z_'])", m.group(2))


def _substitutions(spec: str, functions: Mapping[str, Callable[..., Any]]) -> dict[Any, Any]:
    out = {}
    for part in spec.split(";"):
        link = read_chain(part, functions).links[0]
        if link.relation != "=" or not isinstance(link.left, sympy.Symbol):
            raise TexReadError(f"`with` needs name = expression, got {part.strip()!r}")
        out[link.left] = link.right
    return out


def _substituted(link: Link, subs: Mapping[Any, Any]) -> Link:
    """Return ``link`` with ``subs`` made (until nothing changes: a value may name another entry).

    A definition whose name is given a meaning becomes a claim (``p_1 = 1/(1 + e^{-36})`` with
    ``p_1 = e^{o_1}/(e^{o_1} + e^{o_2})`` states a result), and so does a condition left with no symbol.
    """

    def subst(e: Any) -> Any:
        e = sympy.sympify(e)
        for _ in range(len(subs) + 1):
            e, before = e.subs(subs), e
            if e == before:
                break
        return e

    left = subst(link.left)
    right = link.right if isinstance(link.right, sympy.Set) else subst(link.right)
    kind = link.kind
    named = {side for side in (link.left, link.right) if isinstance(side, sympy.Symbol)}
    if kind == "definition" and named & set(subs):
        kind = "claim"  # the defined name has its meaning now
    elif kind == "condition" and not left.free_symbols and not getattr(right, "free_symbols", set()):
        kind = "claim"
    return Link(left, link.relation, right, kind, link.tolerance)


def _check_listed(
    chain: Chain, spec: str, functions: Mapping[str, Callable[..., Any]], name: str
) -> tuple[list[Verdict] | None, str | None, Chain]:
    """Check a listed formula as its list entry says.

    Return (verdicts, None, the chain checked) or (None, an error, the chain); verdicts are None
    for an entry that gives a reason instead of a check.
    """
    head = spec.partition(":")[0]
    words = head.split(maxsplit=1)
    if words and words[0] == "false":
        try:
            check_chain(chain, name=name)
        except DerivationError:
            return [], None, chain
        return None, "is listed as false but holds: unlist it, or correct the page", chain
    if words and words[0] in ("where", "with"):
        domains: list[dict[Any, Any]] = []
        subs: dict[Any, Any] = {}
        for clause in spec.split("|"):
            kw, _, body = clause.strip().partition(" ")
            if kw == "where":
                domains.append(domain_of(body, functions))
            elif kw == "with":
                subs.update(_substitutions(body, functions))
            else:
                raise TexReadError(f"a list entry's clause starts with `where` or `with`, got {clause!r}")
        checked = Chain(chain.tex, tuple(_substituted(x, subs) for x in chain.links))
        try:
            verdicts: list[Verdict] = []
            for domain in domains or [{}]:
                verdicts += check_chain(checked, name=name, domain=domain)
            return verdicts, None, checked
        except DerivationError as exc:
            return None, f"does not hold {spec}: {exc}", checked
    return None, None, chain


def check_page(
    markdown: str,
    listed: Mapping[str, str | list[str]],
    values: Mapping[str, Any],
    *,
    page: str,
    first_line: int = 0,
) -> PageFormulas:
    """Find, read and check the formulas of one page's Markdown (front matter removed).

    ``listed`` is the page's ``formulas:`` front matter; ``values`` the placeholders' values;
    ``first_line`` the number of lines of front matter, so that messages give the source's lines.
    """
    out = PageFormulas()
    functions = dict(FUNCTIONS)
    seen: set[str] = set()
    occurrences: dict[str, int] = {}
    section = 0
    for n, f in enumerate(prose_formulas(markdown), start=1):
        if f.section != section:  # a function defined on the page holds until the next section
            functions, section = dict(FUNCTIONS), f.section
        where = f"{page}:{f.line + first_line}"
        name = f"{page}/formula-{n}"
        tex = render_placeholders(f.tex, values, page=page, math=True) if "{{" in f.tex else f.tex
        shown = ProseFormula(f.line, tex, f.section)  # as the reader sees it, numbers filled in
        spec = listed.get(f.tex)
        if isinstance(spec, list):  # a formula written more than once: one entry per occurrence, in order
            k = occurrences[f.tex] = occurrences.get(f.tex, -1) + 1
            spec = spec[k] if k < len(spec) else None
        if spec is not None and "{{" in spec:
            spec = render_placeholders(spec, values, page=page, math=True)
        if spec is not None:
            seen.add(f.tex)
        try:
            defined = _define(tex, functions)
            chain = read_chain(tex, functions, MATRICES)
        except (TexReadError, TypeError, ValueError, SyntaxError) as exc:
            if spec is not None:
                out.listed.append((shown, spec))
            elif _lone_definition(tex):
                out.definitions.append(f)
            else:
                out.errors.append(
                    f"{where}: formula ${f.tex}$ is not read ({exc}); list it under `formulas:` in the "
                    "page's front matter with what checks it instead"
                )
            continue
        if defined:
            first = chain.links[0]
            chain = Chain(chain.tex, (Link(first.left, "=", first.right, "definition"), *chain.links[1:]))
        if spec is not None:
            try:
                verdicts, error, checked = _check_listed(chain, spec, functions, name)
            except (TexReadError, TypeError, ValueError) as exc:
                verdicts, error, checked = None, f"has a list entry that is not read ({exc})", chain
            if error is not None:
                out.errors.append(f"{where}: formula ${f.tex}$ {error}")
            elif verdicts is None:
                try:
                    check_chain(chain, name=name)
                    out.errors.append(
                        f"{where}: formula ${f.tex}$ is listed under `formulas:` but holds: unlist it"
                    )
                except DerivationError as exc:
                    if any(_symbols(side) for link in chain.links for side in (link.left, link.right)):
                        out.listed.append((shown, spec))  # a formula of symbols may hold in its context
                        continue
                    # a reason does not excuse a formula of numbers that the reader reads and finds false
                    out.errors.append(
                        f"{where}: formula ${f.tex}$ is listed with a reason but is read and does not "
                        f"hold ({exc}); give it its context (`where`, `with`) or mark it `false:`"
                    )
                except (TexReadError, *_UNCHECKABLE):
                    out.listed.append((shown, spec))
            elif spec.startswith("false"):
                out.refuted.append((f, spec))
            else:
                out.read.append((f, checked, verdicts))
            continue
        try:
            verdicts = check_chain(chain, name=name)
        except DerivationError as exc:
            out.errors.append(f"{where}: formula ${f.tex}$ does not hold: {exc}")
            continue
        except (TexReadError, *_UNCHECKABLE) as exc:
            out.errors.append(f"{where}: formula ${f.tex}$ is not checked ({exc}); list it under `formulas:`")
            continue
        out.read.append((f, chain, verdicts))
    for tex in sorted(set(listed) - seen):
        out.errors.append(f"{page}: formula ${tex}$ is listed under `formulas:` but is not on the page")
    return out
