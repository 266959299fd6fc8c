"""The verification report as a reader uses it: checks grouped by chapter, one card each.

Each card gives the check's statement, its method as a badge (**proved** by a certificate,
**evaluated** numerically, or **exact** arithmetic), the tolerance or how it was checked, the
derivation's scope and domain where there are some, and a link to where the page shows it. A
small vendored script (``docs/javascripts/check-filter.js``) filters the cards by method and by
chapter; its controls are hidden until it runs, so without JavaScript every card shows.

`counts` is what the report's summary and the home page both print, so the two always agree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from nnnotes.check import verification
from nnnotes.check.record import current_record
from nnnotes.sitebuild import catalog

__all__ = ["BADGES", "counts", "html_safe_math", "report_page", "summary"]

#: The badge of each check method, and what it means.
BADGES = {
    "symbolic": ("proved", "proved by a certificate (sympy)"),
    "numeric": ("evaluated", "evaluated numerically, not proved"),
    "exact": ("exact", "exact arithmetic: integers, rationals or sympy's symbolic values"),
}

UrlFor = Callable[..., str]


def counts(recs: list[verification.CheckRecord] | None = None) -> dict[str, int]:
    """Return the number of checks, by badge (``proved``, ``evaluated``, ``exact``) and failed.

    Examples
    --------
    >>> from nnnotes.check.verification import CheckRecord
    >>> recs = [CheckRecord("claim", n, "s", m, "d", 0.0, True) for n, m in
    ...         [("a", "symbolic"), ("b", "numeric"), ("c", "numeric"), ("d", "exact")]]
    >>> counts(recs)
    {'checks': 4, 'proved': 1, 'evaluated': 2, 'exact': 1, 'failed': 0}
    """
    recs = current_record().records if recs is None else recs
    out = {"checks": len(recs)}
    for method, (badge, _) in BADGES.items():
        out[badge] = sum(r.method == method and r.ok for r in recs)
    out["failed"] = sum(not r.ok for r in recs)
    return out


def _n(name: str, value: int) -> str:
    """Return a count the tests can read back: ``<strong data-count="name">value</strong>``."""
    return f'<strong data-count="{name}">{value}</strong>'


def summary(recs: list[verification.CheckRecord] | None = None) -> str:
    """Return the one-sentence summary (HTML) of the checks, shared by the report and the home page."""
    c = counts(recs)
    return (
        f"{_n('checks', c['checks'])} checks ran during this build: {_n('proved', c['proved'])} "
        f"statements proved, {_n('evaluated', c['evaluated'])} only evaluated (numerically, not "
        f"proved) and {_n('exact', c['exact'])} settled by exact arithmetic; "
        f"{_n('failed', c['failed'])} failed."
    )


def _chapter_counts(recs: list[verification.CheckRecord]) -> str:
    c = counts(recs)
    parts = [f"{c[b]} {b}" for b, _ in BADGES.values() if c[b]]
    return f"{c['checks']} {'check' if c['checks'] == 1 else 'checks'}: " + ", ".join(parts) + "."


_MATH = re.compile(r"\$[^$]+\$")


def html_safe_math(text: str) -> str:
    r"""Return ``text`` with ``<`` and ``>`` inside ``$...$`` written ``\lt`` and ``\gt``.

    A card is Markdown inside an HTML block (``markdown`` attribute), which is first read by an
    HTML parser: there ``k<K`` opens a tag, and the cards after it leave their section.

    Examples
    --------
    >>> html_safe_math(r"$\min_{k<K} x$ and $y > 0$, not 1 < 2")
    '$\\min_{k\\lt K} x$ and $y \\gt  0$, not 1 < 2'
    """
    return _MATH.sub(lambda m: m.group(0).replace("<", r"\lt ").replace(">", r"\gt "), text)


def _card(r: verification.CheckRecord, url_for: UrlFor | None) -> str:
    badge, meaning = BADGES.get(r.method, ("failed", "the check failed"))
    name = html.escape(r.name)
    link = f'<a href="{url_for(r.page, r.anchor)}">{name}</a>' if url_for and r.page else name
    facts = []
    if r.kind == "derivation":
        proved, evaluated = (int(r.extra.get(k, 0)) for k in ("steps proved", "steps evaluated"))
        facts.append(f"{proved + evaluated} steps, {proved} proved")
    if r.scope:
        facts.append(f"covers: {r.scope}")
    if r.extra.get("domain"):
        facts.append(f"domain: ${r.extra['domain']}$")
    how = "tolerance" if r.method == "numeric" and r.kind == "claim" and "rtol" in r.detail else "how"
    facts.append(f"{how}: {r.detail}")
    meta = html_safe_math("; ".join(f.replace("\n", " ") for f in facts))
    return "\n".join(
        [
            f'<div class="nn-check" data-method="{badge}" markdown>',
            "",
            f'<span class="nn-badge nn-badge--{badge}" title="{meaning}">{badge}</span> '
            f'{link} <span class="nn-check__kind">{r.kind}</span>',
            "",
            html_safe_math(r.statement.replace("\n", " ")),
            "{ .nn-check__statement }",
            "",
            meta,
            "{ .nn-check__meta }",
            "",
            "</div>",
        ]
    )


def _filters(pages: list[str]) -> str:
    methods = "".join(f'<option value="{b}">{b}</option>' for b, _ in BADGES.values())
    chapters = "".join(
        f'<option value="{html.escape(p)}">{html.escape(catalog.title(p))}</option>' for p in pages
    )
    return (
        '<div class="nn-filter" hidden>'
        '<label for="nn-filter-method">Method</label>'
        f'<select id="nn-filter-method"><option value="all">all methods</option>{methods}</select>'
        '<label for="nn-filter-chapter">Chapter</label>'
        f'<select id="nn-filter-chapter"><option value="all">all chapters</option>{chapters}</select>'
        '<p class="nn-filter__status" role="status" aria-live="polite"></p>'
        "</div>"
    )


def report_page(url_for: UrlFor | None = None) -> str:
    """Return the verification report (Markdown with HTML cards): summary, filters, chapters."""
    from nnnotes.sitebuild import cache

    cache.volatile("it lists the checks of other pages")
    recs = current_record().records
    if not recs:
        return "No checks were recorded in this build."
    lines = [f'<p class="nn-summary">{summary(recs)}</p>', ""]
    derivations = [r for r in recs if r.kind == "derivation" and r.ok]
    if derivations:
        proved = sum(int(r.extra.get("steps proved", 0)) for r in derivations)
        evaluated = sum(int(r.extra.get("steps evaluated", 0)) for r in derivations)
        lines += [
            f"The {len(derivations)} derivations among them have {proved + evaluated} steps: {proved} "
            f"proved (by a certificate: sympy reduces the difference to zero or decides the sign) "
            f"and {evaluated} only evaluated (no counterexample found, not proved).",
            "",
        ]
    pages = list(dict.fromkeys(r.page for r in recs if r.page))
    lines += [_filters(pages), ""]
    for page in [*pages, None]:
        group = [r for r in recs if r.page == page]
        if not group:
            continue
        title = catalog.title(page) if page else "Outside the pages"
        chapter = html.escape(page or "none")
        read = f' Read <a href="{url_for(page)}">{html.escape(title)}</a>.' if url_for and page else ""
        lines += [
            f'<section class="nn-chapter" data-chapter="{chapter}" markdown>',
            "",
            f"## {title}",
            "",
            _chapter_counts(group) + read,
            "",
        ]
        lines += [_card(r, url_for) for r in group]
        lines += ["", "</section>", ""]
    return "\n".join(lines)
