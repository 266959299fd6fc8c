"""The errata page and the home page's picks: the chapters' errata, under the chapters' titles.

Each entry is one sentence pair: the erratum's title (what is true) linked to the erratum, then the
first sentence of its body (what the source claimed, made to read away from the chapter:
`standalone`), then the checks it names, linked to where they are shown. An erratum that names no
check is not given one: its entry says so, and what it rests on instead (results shown in the
chapter that it points to without naming them, or the works it cites). Counts are given per kind
and per chapter. `worth_reading` picks the errata a reader with ten minutes should see: errors
before imprecisions before omissions, one per chapter while chapters last.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nnnotes.check.record import CheckRecord, current_record
from nnnotes.sitebuild import catalog, state

__all__ = ["KINDS", "capitalised", "checks_named", "entry", "errata_page", "standalone", "worth_reading"]

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


def capitalised(title: str) -> str:
    """Return ``title`` with a capital first letter, unless its first word is case-significant.

    Only a lowercase word (or the article "a") is capitalised; a symbol such as ``p₂`` or ``x``, a
    formula or code keeps its case.

    Examples
    --------
    >>> capitalised("a critical point"), capitalised("p₂ is not 0"), capitalised("x is 1")
    ('A critical point', 'p₂ is not 0', 'x is 1')
    >>> capitalised("ReLU alone"), capitalised("$A = I$ too"), capitalised("leaky ReLU's slope")
    ('ReLU alone', '$A = I$ too', "Leaky ReLU's slope")
    """
    m = re.match(r"[a-z][a-z'’-]*(?=[\s,;:.!?]|$)", title)
    if m and (len(m.group(0)) > 1 or m.group(0) == "a"):
        return title[0].upper() + title[1:]
    return title


#: "above" or "below" as a place in the chapter (not "below $2^{-1075}$", "above 1").
_PLACE = r"\b(?:above|below)\b(?!\s*(?:\ue000|[-−+]?\d))"
_RESULT = r"(?:checks?|derivations?|tables?|experiments?|runs?|figures?|proofs?|claims?|rows?|columns?)"


def standalone(sentence: str) -> str:
    """Return ``sentence`` without what makes sense only in the chapter ("the table above").

    A parenthesis loses the parts that point above or below (all of it if nothing else is left);
    "the table above" becomes "the table in the chapter". Math and code are left alone.

    Examples
    --------
    >>> standalone("It takes $t$ steps (table above, exact for a quadratic saddle), as before.")
    'It takes $t$ steps (exact for a quadratic saddle), as before.'
    >>> standalone("It is $b$ (derivation and exact check above). The table below agrees.")
    'It is $b$. The table in the chapter agrees.'
    >>> standalone("A probability below $2^{-1075}$ (or below 1e-300) underflows.")
    'A probability below $2^{-1075}$ (or below 1e-300) underflows.'
    """
    kept: list[str] = []

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\ue000{len(kept) - 1}\ue001"

    def parenthesis(m: re.Match[str]) -> str:
        parts = re.split(r"(?<=[,;]) ", m.group(1))
        rest = [part for part in parts if not re.search(_PLACE, part)]
        if len(rest) == len(parts):
            return m.group(0)
        return f" ({' '.join(rest).rstrip(',;')})" if rest else ""

    text = re.sub(r"\$[^$]*\$|`[^`]*`", keep, sentence)
    text = re.sub(r" ?\(([^()]*)\)", parenthesis, text)
    det = r"(?:(?i:the|this|these|that|those|its) )?"
    results = rf"{det}(?:\w+ )?{_RESULT}(?:(?:,| and| or) (?:\w+ )?{_RESULT})*"
    text = re.sub(rf"\b({results}) {_PLACE}", r"\1 in the chapter", text)
    text = re.sub(rf"\b(shown|seen|proved|computed|given) {_PLACE}", r"\1 in the chapter", text)
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], text)


def _checks_by_name() -> dict[str, CheckRecord]:
    """Return the checks of the build that held on a page, by name, anchor and number ("Claim 6.3.4")."""
    found: dict[str, CheckRecord] = {}
    for r in current_record().records:
        if r.ok and r.page:
            found.setdefault(r.name, r)
            found.setdefault(r.anchor, r)
    labels = getattr(state.running(), "labels", None) or {}
    for anchor, label in labels.items():
        if anchor in found:
            found.setdefault(label, found[anchor])
    return found


def checks_named(e: catalog.Erratum) -> list[CheckRecord]:
    """Return the checks that erratum ``e`` names and that held, in the order it names them.

    A name in the erratum that is no check (a function's name in inline code) is left out; so is a
    check named twice (by its name and by its number).
    """
    known = _checks_by_name()
    found = [known.get(c) or known.get("check-" + c) for c in e.cites]
    return list({id(r): r for r in found if r is not None}.values())


def _grounds(e: catalog.Erratum, url: str) -> str:
    """Return what an erratum that names no check rests on, as the end of its entry."""
    works = ", ".join(e.works[:-1]) + " and " + e.works[-1] if len(e.works) > 1 else "".join(e.works)
    read = f"[read the erratum]({url})"
    if e.pointers:
        cites = f"; it also cites {works}" if works else ""
        return f"Checks: none named; the erratum points to results shown in the chapter{cites} ({read})."
    if works:
        return f"Checks: none; the erratum rests on the works it cites, {works} ({read})."
    return f"Checks: none named ({read})."


def entry(e: catalog.Erratum, url_for: UrlFor, *, base: str = "../") -> str:
    """Return the Markdown of one erratum: kind, what is true (linked), what was claimed, checks.

    A check that the erratum's text names in inline code (`` `6-7-escape-formula` ``) is linked, as
    in the chapter; other inline code (a function's name) is left as it is.
    """
    url = url_for(e.page, e.anchor, base=base)
    checks = checks_named(e)
    known = _checks_by_name()

    def link(m: re.Match[str]) -> str:
        """Link a check that the erratum's text names in inline code, as the chapter does."""
        r = known.get(m.group(1))
        return f"[`{r.name}`]({url_for(r.page, r.anchor, base=base)})" if r else m.group(0)

    claimed = re.sub(r"`([^`]+)`", link, standalone(e.claimed))
    links = ", ".join(f"[`{r.name}`]({url_for(r.page, r.anchor, base=base)})" for r in checks)
    cited = f"{'Checks' if len(checks) > 1 else 'Check'}: {links}." if checks else _grounds(e, url)
    true = capitalised(e.title)
    stop = "" if true.endswith((".", "!", "?")) else "."
    return (
        f'<span class="nn-kind nn-kind--{e.kind}">{e.kind}</span> **[{true}]({url}){stop}** {claimed} {cited}'
    )


def _unchecked_sentence(n: int) -> str:
    what = "1 erratum names" if n == 1 else f"{n} errata name"
    return (
        f"{what} no check: {'its entry says' if n == 1 else 'their entries say'} so, and what "
        f"{'it rests' if n == 1 else 'they rest'} on instead."
    )


def errata_page(url_for: UrlFor) -> str:
    """Return the body of the errata page as Markdown: counts, then the errata by chapter."""
    from nnnotes.sitebuild import cache

    cache.volatile("it lists the errata of other pages")
    items = catalog.errata()
    if not items:
        return "No errata were found on the chapter pages."
    pages = list(dict.fromkeys(e.page for e in items))
    unchecked = sum(not checks_named(e) for e in items)
    lines = [
        f'The chapters record <strong data-count="errata">{len(items)}</strong> errata in the '
        f"source's answers: {kind_counts(items)}."
        + (f" {_unchecked_sentence(unchecked)}" if unchecked else ""),
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
