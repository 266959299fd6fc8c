"""The checks pages' renderers on synthetic records: report cards, summary counts, errata, meta."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from nnnotes.check.record import CheckRecord, recording
from nnnotes.sitebuild import catalog, errata, meta, report, state


def url_for(src: str, anchor: str = "", *, base: str = "../") -> str:
    """A stand-in for the hooks' `url_for`: directory URLs from ``base``."""
    return f"{base}{src.removesuffix('.md')}/" + (f"#{anchor}" if anchor else "")


@pytest.fixture
def records() -> Iterator[list[CheckRecord]]:
    """Four checks on two pages (two proved, one evaluated with a tolerance, one exact)."""
    recs = [
        CheckRecord(
            "derivation",
            "a-proof",
            "$x = x$",
            "symbolic",
            "(1) proved: cancel",
            0.0,
            True,
            page="c1.md",
            scope="every value of its symbols",
            extra={"domain": r"x \in \mathbb{R}", "steps proved": 2, "steps evaluated": 0},
        ),
        CheckRecord(
            "claim", "a-float", "$0.1 + 0.2 = 0.3$", "numeric", "rtol=1e-15, atol=0", 0.0, True, page="c1.md"
        ),
        CheckRecord("claim", "a-sum", "$1 + 1 = 2$", "exact", "exact equality", 0.0, True, page="c2.md"),
        CheckRecord("claim", "a-sign", "$e^x > 0$", "symbolic", "sympy is_positive", 0.0, True, page="c2.md"),
    ]
    # the record and the catalog belong to the build that is running: a stand-in build holds them
    with recording() as rec, state.using(SimpleNamespace(catalog=catalog.Catalog())):
        catalog.add_page("c1.md", "9.1 First chapter")
        catalog.add_page("c2.md", "9.2 Second chapter")
        for r in recs:
            rec.add(r)
        yield recs


def test_counts_by_badge(records: list[CheckRecord]) -> None:
    """Counts are by badge: symbolic is proved, numeric is evaluated, exact is exact (counted by hand)."""
    assert report.counts() == {"checks": 4, "proved": 2, "evaluated": 1, "exact": 1, "failed": 0}


def test_report_groups_cards_by_chapter_title(records: list[CheckRecord]) -> None:
    """One section per chapter, headed by its title, with its counts and one card per check."""
    text = report.report_page(url_for)
    sections = re.findall(r'<section class="nn-chapter" data-chapter="([^"]+)" markdown>\s*## ([^\n]+)', text)
    assert sections == [("c1.md", "9.1 First chapter"), ("c2.md", "9.2 Second chapter")]
    assert "2 checks: 1 proved, 1 evaluated." in text and "2 checks: 1 proved, 1 exact." in text
    cards = re.findall(r'class="nn-check" data-method="(\w+)"', text)
    assert cards == ["proved", "evaluated", "exact", "proved"]


def test_card_shows_statement_badge_tolerance_scope_domain_and_link(records: list[CheckRecord]) -> None:
    """A numeric claim shows its tolerance; a derivation its steps, scope and domain; each links home."""
    text = report.report_page(url_for)
    assert "tolerance: rtol=1e-15, atol=0" in text
    assert r"covers: every value of its symbols; domain: $x \in \mathbb{R}$" in text
    assert "2 steps, 2 proved" in text
    assert '<a href="../c1/#check-a-float">a-float</a>' in text
    assert '<span class="nn-badge nn-badge--evaluated"' in text


def test_filters_are_hidden_until_the_script_runs(records: list[CheckRecord]) -> None:
    """The filter controls are in the HTML with ``hidden``, labelled, with one option per chapter."""
    text = report.report_page(url_for)
    box = re.search(r'<div class="nn-filter" hidden>.*?</div>', text).group(0)
    assert '<label for="nn-filter-method">' in box and '<select id="nn-filter-method">' in box
    assert '<label for="nn-filter-chapter">' in box
    assert re.findall(r'<option value="(c\d\.md)">([^<]+)</option>', box) == [
        ("c1.md", "9.1 First chapter"),
        ("c2.md", "9.2 Second chapter"),
    ]


def test_summary_says_proved_and_evaluated(records: list[CheckRecord]) -> None:
    """The summary sentence states how many statements are proved and how many only evaluated."""
    text = report.summary()
    assert re.sub(r"<[^>]+>", "", text).startswith(
        "4 checks ran during this build: 2 statements proved, 1 only evaluated"
    )


def test_errata_entries_and_picks(records: list[CheckRecord]) -> None:
    """An entry links what is true and the cited checks that exist; picks put errors first."""
    html = (
        '<div class="admonition erratum omission" id="erratum-o" data-kind="omission">\n'
        '<p class="admonition-title">Erratum: something left out</p>\n<p>The source omits X.</p>\n</div>'
        '<div class="admonition erratum error" id="erratum-e" data-kind="error">\n'
        '<p class="admonition-title">Erratum: <em>y</em> is false</p>\n'
        "<p>The source says y. See <code>a-float</code> and <code>not-a-check</code>.</p>\n</div>"
    )
    found = catalog.add_errata("c1.md", html)
    assert [e.kind for e in found] == ["omission", "error"]
    line = errata.entry(found[1], url_for)
    assert "**[*y* is false](../c1/#erratum-e).** The source says y." in line
    assert "[`a-float`](../c1/#check-a-float)" in line and "not-a-check" not in line
    assert [e.anchor for e in errata.worth_reading(2)] == ["erratum-e", "erratum-o"]


def test_description_and_title() -> None:
    """The description is the first paragraph (not an admonition's), cut at a word; titles name exercises."""
    long = "word " * 80
    text = meta.description(f"<h1>T</h1><p>{long}</p>")
    assert text.endswith("…") and len(text) <= meta.MAX_DESCRIPTION + 1 and "  " not in text
    heading = "<h1>Exercise 6.4: batch normalization</h1>"
    title = meta.html_title("exercise-6-4.md", "6.4 Batch normalization", heading)
    assert title == "Exercise 6.4: batch normalization"
    assert meta.html_title("errata.md", "Errata", "<h1>Errata</h1>") == "Errata: Homework 6"


def test_a_less_than_sign_in_a_formula_keeps_the_cards_in_their_section(records: list[CheckRecord]) -> None:
    """``$k<K$`` in a statement does not open an HTML tag: every section keeps its divs balanced.

    The cards are Markdown inside HTML blocks, read first by an HTML parser; unprotected, ``<K``
    started a tag and the report's later chapters left the page's content column.
    """
    import markdown

    bad = CheckRecord("claim", "a-min", r"$\min_{k<K} x_k > 0$", "numeric", "$k<K$", 0.0, True, page="c1.md")
    with recording() as rec, state.using(SimpleNamespace(catalog=catalog.Catalog())):
        catalog.add_page("c1.md", "9.1 First chapter")
        catalog.add_page("c2.md", "9.2 Second chapter")
        for r in [bad, records[1], records[2]]:
            rec.add(r)
        out = markdown.markdown(report.report_page(url_for), extensions=["md_in_html", "attr_list"])
    sections = re.findall(r"<section.*?</section>", out, flags=re.S)
    assert len(sections) == 2
    for s in sections:
        assert s.count("<div") == s.count("</div>"), s
    assert r"\min_{k\lt K} x_k \gt  0" in out
