r"""The formulas of a page's prose: found, read and checked while the page is built.

A chapter states relations in its prose and questions (``$\tanh'(x) = 1 - \tanh^2(x)$``) beside
the derivations its blocks print. `prose_formulas` finds every ``$...$`` and ``$$...$$`` outside
code that holds a relation; `check_page` reads each with `nnnotes.check.texmath` (numbers from
``{{ placeholders }}`` filled in first) and checks its claims. Functions written on the page as
``f(t) = ...`` are definitions: later formulas of the page use them.

A formula the reader cannot read (a sum over an index, a vector or matrix, words) must be listed
in the page's front matter with what checks it instead, or why nothing needs to::

    formulas:
      "\\sum_{j=1}^n e^{y_j}": "a sum of n terms, checked by the derivation of section 4"

The strict build fails on a false claim, on a formula neither read nor listed, and on a listed
formula that is not on the page or that the reader reads (the list holds only what it must).
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
from nnnotes.sitebuild.prose import prose_lines, render_placeholders

__all__ = [
    "FUNCTIONS",
    "MATRICES",
    "PageFormulas",
    "ProseFormula",
    "check_page",
    "prose_formulas",
    "summary_markdown",
]

#: The functions every page may write, by their TeX name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigma": sigma,
    "ReLU": lambda x: relu(x).rewrite(sympy.Max),
    "tanh": sympy.tanh,
    "cosh": sympy.cosh,
    "sinh": sympy.sinh,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "max": sympy.Max,
    "min": sympy.Min,
}

#: The letters that stand for matrices on every page (the reader refuses them: it reads numbers).
MATRICES = frozenset({"A", "I", "H", "J", "W"})
_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$", re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
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
    #: Formulas listed in the front matter (not read), with the reason given there.
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


def checker_fingerprint() -> str:
    """Return a hash of the code that reads and checks the formulas of a page.

    The checking engine (`nnnotes.check`), the symbolic functions the pages may write
    (`nnnotes.proofs.symbolic`), this module and the placeholders' renderer (`nnnotes.sitebuild.prose`):
    a stored outcome is valid while none of them changes (the placeholders' values are in the key).
    """
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    files = [
        *sorted((package / "check").glob("*.py")),
        package / "proofs" / "symbolic.py",
        Path(__file__).resolve(),
        package / "sitebuild" / "prose.py",
    ]
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.relative_to(package).as_posix()}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def prose_formulas(markdown: str) -> list[ProseFormula]:
    r"""Return the formulas of ``markdown`` outside code that hold a relation, in order.

    Examples
    --------
    >>> [(f.line, f.tex) for f in prose_formulas("Let $x > 0$ and $y$.\n\n```\n$a = b$\n```\n$$u = 2$$")]
    [(1, 'x > 0'), (6, 'u = 2')]
    """
    lines = ["\n"] * (markdown.count("\n") + 1)
    for k, line in prose_lines(markdown):  # fenced code is blanked, line numbers kept
        lines[k - 1] = line + "\n"
    text = _CODE_SPAN.sub(_blank, "".join(lines))
    out = []
    for m in _MATH.finditer(text):
        tex = (m.group(1) or m.group(2)).strip()
        if has_relation(tokens(tex)):
            line = text.count("\n", 0, m.start()) + 1
            section = sum(1 for h in text.splitlines()[: line - 1] if h.startswith("## "))
            out.append(ProseFormula(line, " ".join(tex.split()), section))
    return out


def _define(tex: str, functions: dict[str, Callable[..., Any]]) -> bool:
    """Add ``f(t) = expr`` to ``functions`` if it defines a new function; return whether it did."""
    m = _DEFINES.match(tex)
    if not m or m.group(1).lstrip("\\") in FUNCTIONS:
        return False
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


def _lone_definition(tex: str) -> bool:
    """Return whether ``tex`` is ``name = ...`` with a plain name on the left (the right need not be read)."""
    m = re.match(r"^\s*(\\?[a-zA-Z]+(?:_\{?[a-zA-Z0-9]+\}?)?)\s*=(?![^=]*=)\s*(.+)$", tex)
    if not m:
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
    """Return ``link`` with ``subs`` made; a condition on a name given a value becomes a claim."""
    left = sympy.sympify(link.left).subs(subs)
    right = link.right if isinstance(link.right, sympy.Set) else sympy.sympify(link.right).subs(subs)
    kind = link.kind
    if kind == "condition" and not left.free_symbols and not getattr(right, "free_symbols", set()):
        kind = "claim"
    return Link(left, link.relation, right, kind, link.tolerance)


def _check_listed(
    chain: Chain, spec: str, functions: Mapping[str, Callable[..., Any]], name: str
) -> tuple[list[Verdict] | None, str | None]:
    """Check a listed formula as its list entry says; return (verdicts, None) or (None, an error)."""
    head, _, rest = spec.partition(":")
    words = head.split(maxsplit=1)
    if words and words[0] == "false":
        try:
            check_chain(chain, name=name)
        except DerivationError:
            return [], None
        return None, "is listed as false but holds: unlist it, or correct the page"
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
        links = tuple(_substituted(x, subs) for x in chain.links)
        try:
            verdicts: list[Verdict] = []
            for domain in domains or [{}]:
                verdicts += check_chain(Chain(chain.tex, links), name=name, domain=domain)
            return verdicts, None
        except DerivationError as exc:
            return None, f"does not hold {spec}: {exc}"
    del rest
    return None, None


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
        tex = render_placeholders(f"${f.tex}$", values, page=page)[1:-1] if "{{" in f.tex else f.tex
        spec = listed.get(f.tex)
        if isinstance(spec, list):  # a formula written more than once: one entry per occurrence, in order
            k = occurrences[f.tex] = occurrences.get(f.tex, -1) + 1
            spec = spec[k] if k < len(spec) else None
        if spec is not None and "{{" in spec:
            spec = render_placeholders(f"${spec}$", values, page=page)[1:-1]
        if spec is not None:
            seen.add(f.tex)
        try:
            defined = _define(tex, functions)
            chain = read_chain(tex, functions, MATRICES)
        except (TexReadError, TypeError, ValueError, SyntaxError) as exc:
            if spec is not None:
                out.listed.append((f, spec))
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
            chain = Chain(
                chain.tex, (type(first)(first.left, "=", first.right, "definition"), *chain.links[1:])
            )
        if spec is not None:
            try:
                verdicts, error = _check_listed(chain, spec, functions, name)
            except (TexReadError, TypeError, ValueError) as exc:
                verdicts, error = None, f"has a list entry that is not read ({exc})"
            if error is not None:
                out.errors.append(f"{where}: formula ${f.tex}$ {error}")
            elif verdicts is None:
                try:
                    check_chain(chain, name=name)
                    out.errors.append(
                        f"{where}: formula ${f.tex}$ is listed under `formulas:` but holds: unlist it"
                    )
                except (DerivationError, TexReadError):
                    out.listed.append((f, spec))
            elif spec.startswith("false"):
                out.refuted.append((f, spec))
            else:
                out.read.append((f, chain, verdicts))
            continue
        try:
            verdicts = check_chain(chain, name=name)
        except DerivationError as exc:
            out.errors.append(f"{where}: formula ${f.tex}$ does not hold: {exc}")
            continue
        except TexReadError as exc:
            out.errors.append(f"{where}: formula ${f.tex}$ is not checked ({exc}); list it under `formulas:`")
            continue
        out.read.append((f, chain, verdicts))
    for tex in sorted(set(listed) - seen):
        out.errors.append(f"{page}: formula ${tex}$ is listed under `formulas:` but is not on the page")
    return out


_CHECK_NAME = re.compile(r"`(\d+-\d+-[a-z0-9-]+)`")


def _link_check(m: re.Match[str]) -> str:
    """Link a check named in a list entry to where its page shows it (a broken link fails the build)."""
    return f"[`{m.group(1)}`][check-{m.group(1)}]"


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def counts_table(counts: Mapping[str, Mapping[str, int]]) -> str:
    """Return a Markdown table of each page's formula counts (`PageFormulas.counts`), pages linked."""
    head = "| page | proved | evaluated | definitions | conditions | refuted | listed |"
    rows = [head, "|---|---:|---:|---:|---:|---:|---:|"]
    for src, c in counts.items():
        cells = " | ".join(
            str(c[k]) for k in ("proved", "evaluated", "definitions", "conditions", "refuted", "listed")
        )
        m = re.fullmatch(r"exercise-(\d+)-(\d+)\.md", src)
        name = f"{m.group(1)}.{m.group(2)}" if m else src.removesuffix(".md").capitalize()
        rows.append(f"| [{name}]({src}#formulas-in-the-prose) | {cells} |")
    total = {k: sum(c[k] for c in counts.values()) for k in next(iter(counts.values()), {})}
    if total:
        cells = " | ".join(
            str(total[k]) for k in ("proved", "evaluated", "definitions", "conditions", "refuted", "listed")
        )
        rows.append(f"| all | {cells} |")
    return "\n".join(rows)


def summary_markdown(found: PageFormulas) -> str:
    """Return the section that ends a page: what stands behind the formulas of its prose."""
    c = found.counts()
    read = len(found.read) + len(found.refuted)
    total = read + len(found.listed) + len(found.definitions)
    parts = [
        _n(c["proved"], "relation", "relations") + " proved by sympy",
        f"{c['evaluated']} evaluated (a counterexample search at high precision, or a number within its "
        "printed digits: checked, not proved)",
        _n(c["definitions"], "definition", "definitions")
        + " (a name set equal to an expression: read, nothing to check) and "
        + _n(c["conditions"], "condition", "conditions")
        + " (a symbol compared with numbers: assumed, not claimed)",
    ]
    if c["refuted"]:
        parts.append(
            _n(c["refuted"], "claim", "claims")
            + " of the source, quoted by an erratum and checked to be false"
        )
    text = (
        "## Formulas in the prose\n\n"
        f"This page's prose and questions hold {total} formulas with a relation ($=$, $<$, $\\le$, "
        f"$\\approx$, $\\in$). The build read {read + len(found.definitions)} of them with "
        "[`nnnotes.check.texmath`](reference/texmath.md) and checked each claim like a step of a "
        "derivation: " + "; ".join(parts) + "."
    )
    if found.listed:
        text += (
            f" The other {len(found.listed)} use notation the reader does not read (sums, vectors, "
            "matrices, words) or state a condition; each is listed with what checks it or why it needs "
            "no check."
        )
        seen: dict[tuple[str, str], int] = {}
        for f, why in found.listed:  # a formula written several times for one reason is listed once
            seen[(f.tex, why)] = seen.get((f.tex, why), 0) + 1
        rows = "\n".join(
            f"- ${tex}$"
            + (f" (written {k} times)" if k > 1 else "")
            + ": "
            + _CHECK_NAME.sub(_link_check, why)
            for (tex, why), k in seen.items()
        )
        text += (
            f"\n\n/// details | The {len(found.listed)} formulas not read\n    type: note\n\n{rows}\n///\n"
        )
    return text
