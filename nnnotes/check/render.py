r"""A checked derivation as LaTeX and Markdown: what a page prints is what was verified.

The functions here read a `nnnotes.check.derivation.Derivation` (its expressions, the relation and
reason of each step, how each was checked, the domain of its symbols) and write it out; they check
nothing themselves. `Derivation.latex` and `Derivation.markdown` call them.

Each relation carries a small letter over it: **S** where the step was proved by a certificate,
**N** where it was only evaluated numerically, **?** where it has not been verified.

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> print(latex_set(sympy.Interval.Lopen(0, sympy.oo)))
\left(0, \infty\right)
>>> print(reason_latex(r"divide by $x$ (50% off)"))
\text{divide by }x\text{ (50\% off)}
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import TYPE_CHECKING

import sympy

from nnnotes.check.record import slug
from nnnotes.check.sampling import free_symbols, symbol_interval

if TYPE_CHECKING:
    from nnnotes.check.counterexample import SearchResult
    from nnnotes.check.derivation import Derivation, Step

__all__ = [
    "RELATIONS",
    "covers",
    "derivation_latex",
    "derivation_markdown",
    "domain_latex",
    "latex_set",
    "reason_latex",
    "search_text",
    "statement",
    "step_how",
]

#: LaTeX of each relation a step may bear to the previous expression.
RELATIONS = MappingProxyType({"=": "=", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"})


def latex_set(iv: sympy.Set) -> str:
    """Write an interval as LaTeX, an infinite end as the infinity symbol: (0, ∞) or [2, 50]."""
    if isinstance(iv, sympy.Interval):
        left = "(" if iv.left_open or not iv.start.is_finite else "["
        right = ")" if iv.right_open or not iv.end.is_finite else "]"
        return rf"\left{left}{sympy.latex(iv.start)}, {sympy.latex(iv.end)}\right{right}"
    return sympy.latex(iv)


def reason_latex(reason: str) -> str:
    r"""Turn a reason with ``$...$`` math into KaTeX: text parts in ``\text{}``, math as is."""
    out = []
    for p in re.split(r"(\$[^$]+\$)", reason):
        if not p:
            continue
        if p.startswith("$") and p.endswith("$"):
            out.append(p[1:-1])
        else:
            esc = re.sub(r"([{}%&#_])", r"\\\1", p.replace("\\", r"\textbackslash "))
            out.append(rf"\text{{{esc}}}")
    return "".join(out)


def step_how(st: Step) -> str:
    """Say how one step was checked, for the page and the report."""
    if st.method == "symbolic":
        return f"proved: {st.detail}" + (f" ({st.searched})" if st.searched else "")
    return f"evaluated, not proved: {st.detail}"


def search_text(res: SearchResult, far: SearchResult) -> str:
    """Say what the search of an unproved step covered: its points, and the far points searched deeply."""
    if far.max_dps and far.max_dps > res.dps:
        return f"{res.describe()[:-1]}; {far.evaluated} far points again at up to {far.max_dps} digits)"
    return res.describe()


def covers(d: Derivation) -> str:
    """Say what a verified derivation covers: its ``scope``, or what its checks imply.

    Without an explicit scope: matrix steps proved entry by entry at chosen sizes cover those
    sizes only; otherwise a symbolic proof covers every value of its symbols (in the domain, which
    the symbols' sympy assumptions narrow too), and a numeric check covers the points it sampled.
    """
    if d.scope:
        return d.scope
    details = [s.detail or "" for s in d.steps]
    sizes = sorted({m.group(1) for t in details for m in [re.search(r"at sizes ([^(]+?) \(", t)] if m})
    if sizes:
        return "checked for the matrix sizes " + "; ".join(sizes)
    if any(t.startswith("matrix algebra") for t in details):
        return "matrices of every conforming size (matrix algebra, the declared shapes unused)"
    if any(s.method == "numeric" for s in d.steps):
        return "checked numerically at sampled points of the domain"
    # a symbol restricted by its sympy assumptions (positive, nonnegative, ...) restricts it too
    shown = [part.split(r" \in ", 1)[1] for part in domain_latex(d).split(r",\ ") if r" \in " in part]
    restricted = bool(d.domain) or any(dom not in (r"\mathbb{R}", r"\mathbb{Z}") for dom in shown)
    return "every value of its symbols" + (" in the stated domain" if restricted else "")


def statement(d: Derivation) -> str:
    """Return what the derivation shows, as Markdown: its title, or ``$start R end$``."""
    if d.title:
        return d.title
    last = d.steps[-1].expr if d.steps else d.start
    return f"${sympy.latex(d.start)} {RELATIONS[d.conclusion()]} {sympy.latex(last)}$"


def domain_latex(d: Derivation) -> str:
    r"""Return the domain of each symbol of ``d`` as LaTeX, e.g. ``t \in (0, 2),\ x \in \mathbb{R}``.

    A symbol ranges over the real numbers its sympy assumptions allow, narrowed by the derivation's
    domain; the sizes of matrix symbols are not listed.
    """
    exprs = [d.start] + [st.expr for st in d.steps]
    has_matrices = any(getattr(e, "atoms", lambda *_: set())(sympy.MatrixSymbol) for e in exprs)
    parts = []
    for s in free_symbols(*exprs):
        if s.is_integer and has_matrices:
            continue
        iv = symbol_interval(s, d.domain or {})
        field = r"\mathbb{Z}" if s.is_integer else r"\mathbb{R}"
        shown = field if iv == sympy.S.Reals else latex_set(iv)
        if s.is_integer and iv != sympy.S.Reals:
            shown = rf"{field} \cap {shown}"
        parts.append(rf"{sympy.latex(s)} \in {shown}")
    return r",\ ".join(parts)


def derivation_latex(d: Derivation) -> str:
    r"""Return the chain as a LaTeX ``aligned`` environment, a reason and a mark (S, N, ?) per step.

    A symbol whose domain the derivation narrows is shown with its interval next to each step that
    uses it.
    """
    lines = []
    narrowed = set((d.domain or {}).keys())
    for k, st in enumerate(d.steps, start=1):
        mark = {"symbolic": "S", "numeric": "N"}.get(st.method or "", "?")
        rel = rf"\overset{{\scriptscriptstyle\mathrm{{{mark}}}}}{{{RELATIONS[st.relation]}}}"
        lhs = sympy.latex(d.start) if k == 1 else ""
        prev = d.start if k == 1 else d.steps[k - 2].expr
        here = sorted(narrowed & set(free_symbols(prev, st.expr)), key=str)
        where = "".join(
            rf"\quad {sympy.latex(s)} \in {latex_set(symbol_interval(s, d.domain or {}))}" for s in here
        )
        why = reason_latex(st.reason)
        lines.append(rf"{lhs} &\mathrel{{{rel}}} {sympy.latex(st.expr)} && \text{{({k}) }}{why}{where}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def derivation_markdown(d: Derivation) -> str:
    """Return Markdown for a verified derivation: the chain, what it covers, and how each step was checked.

    The chain is a display formula; below it a collapsed note gives the domain of every symbol and
    says how each step was checked. The block carries the id ``check-<name>`` that the verification
    report links to.
    """
    if not d.verified:
        raise ValueError(f"derivation {d.name!r} must be verified before it is rendered")
    how = "\n".join(f"    {k}. {step_how(s)}" for k, s in enumerate(d.steps, 1))
    dom = domain_latex(d)
    where = f"    Domain: ${dom}$.\n\n" if dom else ""
    return (
        f'<div class="derivation" id="check-{slug(d.name)}" markdown>\n\n'
        f"$$\n{derivation_latex(d)}\n$$\n\n"
        f"**Covers:** {d.covers()}.\n\n"
        f'??? success "Checked at build time: {d.name}"\n'
        f"    S over a relation: proved (by a certificate: sympy reduces the difference to zero or"
        f" decides the sign); N: evaluated with mpmath, not proved. Every step was first searched"
        f" for a counterexample at points spread over its whole domain.\n\n"
        f"{where}{how}\n\n</div>\n"
    )
