"""The home page's "start here": what the build checked and found, and the errata to read first.

The counts are the report's own (`nnnotes.sitebuild.report.summary`) and the errata page's, printed
by the build; the three errata are `nnnotes.sitebuild.errata.worth_reading`.
"""

from __future__ import annotations

from collections.abc import Callable

from nnnotes.sitebuild import catalog, errata, report

__all__ = ["start_here"]


def start_here(url_for: Callable[..., str]) -> str:
    """Return the home page's summary and its three errata worth reading, as Markdown."""
    from nnnotes.sitebuild import cache

    cache.volatile("it counts the checks and errata of other pages")
    items = catalog.errata()
    picks = errata.worth_reading(3)
    lines = [
        f"{report.summary()} The chapters record "
        f'<strong data-count="errata">{len(items)}</strong> errata in the source\'s answers '
        f"({errata.kind_counts(items)}): see the [verification report]({url_for('verification.md', base='')})"
        f" and the [errata]({url_for('errata.md', base='')}).",
        "",
    ]
    if picks:
        # folded: an erratum states what is true, so it gives away the answer of its part
        lines += [
            "/// details | Three errata worth reading first (they give answers away)",
            "    type: errata",
            "",
            "The most severe kind first:",
            "",
        ]
        lines += [f"1. {errata.entry(e, url_for, base='')} *({catalog.title(e.page)})*" for e in picks]
        lines += ["///"]
    return "\n".join(lines)
