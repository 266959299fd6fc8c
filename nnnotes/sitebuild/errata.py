"""The errata page and the home page's picks: the chapters' errata, under the chapters' titles.

Each entry is one sentence pair: the erratum's title (what is true) linked to the erratum, then the
first sentence of its body (what the source claimed), then the checks it cites, linked to where
they are shown. Counts are given per kind and per chapter. `worth_reading` picks the errata a
reader with ten minutes should see: errors before imprecisions before omissions, one per chapter
while chapters last.
"""

from __future__ import annotations

from collections.abc import Callable

from nnnotes.check import verification
from nnnotes.check.record import current_record
from nnnotes.sitebuild import catalog

__all__ = ["KINDS", "errata_page", "worth_reading"]

#: The kinds of erratum, most severe first, with what each means (as the chapters use them).
KINDS = {
    "error": "the source states something false",
    "imprecision": "true, but loose or misleading",
    "omission": "the source leaves out something its own question asks",
}

UrlFor = Callable[..., str]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def kind_counts(items: list[catalog.Erratum]) -> str:
    """Return "2 errors, 1 omission" for ``items`` (kinds with none are left out)."""
    parts = [_plural(sum(e.kind == k for e in items), k) for k in KINDS if any(e.kind == k for e in items)]
    return ", ".join(parts)


def _checks_on(page: str) -> set[str]:
    return {r.name for r in current_record().for_page(page) if r.ok}


def entry(e: catalog.Erratum, url_for: UrlFor, *, base: str = "../") -> str:
    """Return the Markdown of one erratum: kind, what is true (linked), what was claimed, checks."""
    shown = _checks_on(e.page)
    checks = [c for c in e.cites if c in shown]
    links = ", ".join(
        f"[`{c}`]({url_for(e.page, 'check-' + verification.slug(c), base=base)})" for c in checks
    )
    cited = f" {'Checks' if len(checks) > 1 else 'Check'}: {links}." if checks else ""
    true = e.title[:1].upper() + e.title[1:]
    stop = "" if true.endswith((".", "!", "?")) else "."
    return (
        f'<span class="nn-kind nn-kind--{e.kind}">{e.kind}</span> '
        f"**[{true}]({url_for(e.page, e.anchor, base=base)}){stop}** {e.claimed}{cited}"
    )


def errata_page(url_for: UrlFor) -> str:
    """Return the body of the errata page as Markdown: counts, then the errata by chapter."""
    from nnnotes.sitebuild import cache

    cache.volatile("it lists the errata of other pages")
    items = catalog.errata()
    if not items:
        return "No errata were found on the chapter pages."
    pages = list(dict.fromkeys(e.page for e in items))
    lines = [
        f'The chapters record <strong data-count="errata">{len(items)}</strong> errata in the '
        f"source's answers: {kind_counts(items)}.",
        "",
        "| kind | meaning | errata |",
        "|---|---|---:|",
    ]
    lines += [f"| {k} | {KINDS[k]} | {sum(e.kind == k for e in items)} |" for k in KINDS]
    lines += ["", "| chapter | " + " | ".join(KINDS) + " | all |", "|---|" + "---:|" * (len(KINDS) + 1)]
    for page in pages:
        group = [e for e in items if e.page == page]
        counts = " | ".join(str(sum(e.kind == k for e in group)) for k in KINDS)
        lines.append(f"| [{catalog.title(page)}]({url_for(page)}) | {counts} | {len(group)} |")
    for page in pages:
        group = [e for e in items if e.page == page]
        lines += ["", f"## {catalog.title(page)}", "", f"{kind_counts(group).capitalize()}.", ""]
        lines += [f"- {entry(e, url_for)}" for e in group]
    return "\n".join(lines)


def worth_reading(n: int = 3) -> list[catalog.Erratum]:
    """Return ``n`` errata, most severe kind first, spread over as many chapters as possible.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from nnnotes.sitebuild import state
    >>> with state.using(SimpleNamespace(catalog=catalog.Catalog())):
    ...     for i, (p, k) in enumerate([("a", "omission"), ("a", "error"), ("a", "error"),
    ...                                 ("b", "imprecision"), ("c", "error")]):
    ...         _ = catalog.add_erratum(catalog.Erratum(p, f"e{i}", k, "t", "c", ()))
    ...     [(x.page, x.kind) for x in worth_reading()]
    [('a', 'error'), ('c', 'error'), ('a', 'error')]
    """
    picked: list[catalog.Erratum] = []
    for kind in KINDS:
        group = [e for e in catalog.errata() if e.kind == kind]
        seen = {e.page for e in picked}
        fresh = []
        for e in group:
            if e.page not in seen:
                fresh.append(e)
                seen.add(e.page)
        picked += (fresh + [e for e in group if e not in fresh])[: n - len(picked)]
    return picked
