"""What a page says about the formulas of its prose: the section that ends it, and the table of all.

The counts and the listed formulas come from `nnnotes.sitebuild.prosemath.check_page`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from nnnotes.sitebuild.prosemath import PageFormulas

__all__ = ["counts_table", "summary_markdown"]

# a check named in backticks, with the word before it that the link's own text ("Claim 6.1.2") repeats
_CHECK_NAME = re.compile(r"(?:\b(?:[Cc]laims?|[Dd]erivations?) )?`(\d+-\d+-[a-z0-9-]+)`")


def _link_check(m: re.Match[str]) -> str:
    """Link a check named in a list entry to where its page shows it (a broken link fails the build).

    The page writes the link as the check's number and kind, so the kind written before it is dropped.

    Examples
    --------
    >>> _CHECK_NAME.sub(_link_check, "claims `6-1-a` and `6-1-b` check it")
    '[`6-1-a`][check-6-1-a] and [`6-1-b`][check-6-1-b] check it'
    """
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
    relations = sum(c[k] for k in ("proved", "evaluated", "definitions", "conditions", "refuted"))
    text = (
        "## Formulas in the prose\n\n"
        f"This page's prose and questions hold {total} formulas with a relation ($=$, $<$, $\\le$, "
        f"$\\approx$, $\\in$). The build read {read + len(found.definitions)} of them with "
        "[`nnnotes.check.texmath`](reference/texmath.md); they hold "
        + _n(relations, "relation", "relations")
        + " (a chain of equalities holds several), and every claim among them is checked like a step of a"
        " derivation: " + "; ".join(parts) + "."
    )
    if found.listed:
        text += (
            f" The other {len(found.listed)} use notation the reader does not read (sums, vectors, "
            "matrices, words, arrows, relations it does not know) or state a condition; each is listed "
            "with what checks it or why it needs no check."
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
