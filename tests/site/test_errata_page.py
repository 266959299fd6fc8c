r"""The errata page's entries: summaries cut at sentence ends, every check an erratum names, titles.

The unit tests feed the catalog the HTML the chapters produce (copied from the build: KaTeX comes
later, math is still ``\(...\)``, and links to checks and works are autorefs placeholders); the last
test reads the errata page of the real site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from nnnotes.check.record import CheckRecord, recording
from nnnotes.sitebuild import catalog, errata, state


def url_for(src: str, anchor: str = "", *, base: str = "../") -> str:
    """A stand-in for the hooks' `url_for`: directory URLs from ``base``."""
    return f"{base}{src.removesuffix('.md')}/" + (f"#{anchor}" if anchor else "")


def box(kind: str, anchor: str, title: str, body: str) -> str:
    """Return an erratum box as `nnnotes.sitebuild.hooks.name_errata` leaves it."""
    return (
        f'<div class="admonition erratum {kind}" id="{anchor}" data-kind="{kind}">\n'
        f'<p class="admonition-title"><span class="erratum-kind">{kind}</span> Erratum: {title}</p>\n'
        f"<p>{body}</p>\n</div>\n"
    )


def math(tex: str) -> str:
    """Return inline math as arithmatex writes it (``<`` escaped)."""
    return f'<span class="arithmatex">\\({tex.replace("<", "&lt;")}\\)</span>'


def autoref(identifier: str, text: str) -> str:
    """Return an autorefs link as it stands before mkdocs-autorefs resolves it."""
    return (
        '<autoref backlink-anchor="part" backlink-type="referenced-by" '
        f'identifier="{identifier}">{text}</autoref>'
    )


#: 6.1's erratum on tanh², as the chapter produces it.
TANH = box(
    "error",
    "erratum-tanh",
    math(r"\tanh^2(x)") + " lies in " + math("[0, 1)") + ", not " + math("(0, 1)"),
    "The source says "
    + math(r"\tanh^2(x) \in (0, 1)")
    + " and hence "
    + math(r"1 - \tanh^2(x) \in (0, 1)")
    + ", then concludes\n"
    + math(r"0 < \tanh'(x) \le 1")
    + ". The middle statement contradicts the conclusion and is false at\n"
    + math("x = 0")
    + ": "
    + math(r"\tanh^2(0) = 0")
    + ". The checks: "
    + autoref(
        "check-6-1-tanh-derivative-upper-bound", "derivation <code>6-1-tanh-derivative-upper-bound</code>"
    )
    + " and "
    + autoref("check-6-1-tanh-derivative-max", "claim <code>6-1-tanh-derivative-max</code>")
    + ".",
)

#: 6.4's erratum on part (d), as the chapter produces it.
PART_D = box(
    "imprecision",
    "erratum-part-d",
    "part (d) repeats itself, is unattributed, and overstates",
    "The source's answer to (d) says the same thing twice (smoother landscape, more predictive and\n"
    "stable gradients, faster training with larger learning rates) without naming where it comes\n"
    "from: the finding and the measurements are those of "
    + autoref("ref-santurkar2018", "Santurkar et al. (2018)")
    + '. It also speaks of\nrobustness "across various directions" of the landscape. The explanation ('
    + autoref("ref-ioffe2015", "Ioffe &amp; Szegedy, 2015")
    + "), which Santurkar et al.\nshowed does not account for the benefit. The small experiment above "
    "finds faster training.",
)

#: 6.3's erratum on p₂: its checks are named only by links ([claim `x`][check-x]) and a number.
P2 = box(
    "imprecision",
    "erratum-p2",
    "p₂ is not 0, and the approximation hides what matters",
    "The source approximates "
    + math(r"p_1 \approx 1")
    + " and "
    + math(r"p_2 \approx 0")
    + ". The exact value is tiny ("
    + autoref("check-6-3-p2-exact", "the exact value")
    + "), and neither float format rounds it "
    "to 0 (Claim 9.3.2).",
)

#: 6.7's erratum on the escape time: it points at a table, names no check.
ESCAPE = box(
    "omission",
    "erratum-escape",
    "the escape time, quantified, and the comparison with a minimum",
    "The source's description is right but stops short of the rate: the escape takes about "
    + math(r"\ln(R/\delta)/(\eta\varepsilon)")
    + " steps\n(table above, exact for a quadratic saddle), with the same "
    + math(r"1/\varepsilon")
    + " dependence. At a saddle itself the gradient is zero.",
)

#: 6.7's erratum on saddle points: it rests on the works it cites.
SADDLES = box(
    "error",
    "erratum-saddles",
    "saddle points abound in high-dimensional parameter spaces, not data",
    'The source says saddle points are more abundant "in high-dimensional data". The results of '
    + autoref("ref-bray2007", "Bray and Dean (2007)")
    + " and "
    + autoref("ref-fyodorov2007", "Fyodorov and Williams (2007)")
    + " say so.",
)


@pytest.fixture
def build() -> Iterator[SimpleNamespace]:
    """A stand-in build: a catalog, two checks that held on 9.3, and the numbers of its results."""
    recs = [
        CheckRecord("claim", "6-3-p2-exact", "$p_2 > 0$", "exact", "exact", 0.0, True, page="c3.md"),
        CheckRecord("claim", "6-3-float64-p2", "$p_2 > 0$", "exact", "exact", 0.0, True, page="c3.md"),
    ]
    labels = {"check-6-3-p2-exact": "Claim 9.3.1", "check-6-3-float64-p2": "Claim 9.3.2"}
    with recording() as rec, state.using(SimpleNamespace(catalog=catalog.Catalog(), labels=labels)) as b:
        for r in recs:
            rec.add(r)
        yield b


def test_a_summary_is_not_cut_inside_math() -> None:
    r"""6.1's tanh² erratum: ``$0 < \tanh'(x) \le 1$`` is whole, the summary stops after it."""
    (e,) = catalog.Catalog().add_errata("c1.md", TANH)
    assert e.claimed == (
        r"The source says $\tanh^2(x) \in (0, 1)$ and hence $1 - \tanh^2(x) \in (0, 1)$, "
        r"then concludes $0 < \tanh'(x) \le 1$."
    )
    assert e.cites == ("6-1-tanh-derivative-upper-bound", "6-1-tanh-derivative-max")


def test_a_summary_is_not_cut_after_et_al() -> None:
    """6.4 (d): "those of Santurkar et al. (2018)." keeps its year; the link becomes its text."""
    (e,) = catalog.Catalog().add_errata("c4.md", PART_D)
    assert e.claimed.endswith("the finding and the measurements are those of Santurkar et al. (2018).")
    assert e.works == ("Santurkar et al. (2018)", "Ioffe & Szegedy, 2015")
    assert e.pointers == ("experiment above",)


@pytest.mark.parametrize(
    ("paragraph", "first"),
    [
        ("As in Santurkar et al. (2018). Next.", "As in Santurkar et al. (2018)."),
        ("Shown by [Santurkar et al. (2018)][ref-s]. Next.", "Shown by [Santurkar et al. (2018)][ref-s]."),
        ("A cost, e.g. Newton's. Next.", "A cost, e.g. Newton's."),
        ("A cost, i.e. The Hessian. Next.", "A cost, i.e. The Hessian."),
        ("As in Sec. 3 of the paper. Next.", "As in Sec. 3 of the paper."),
        ("Then $0 < t. X \\le 1$. Next.", "Then $0 < t. X \\le 1$."),
        ("It calls `a. B` here. Next.", "It calls `a. B` here."),
        ("See [the box. It](#x) here. Next.", "See [the box. It](#x) here."),
        ("It ends at 1. $x$ starts the next.", "It ends at 1."),
        ("It ends. `relu` starts the next.", "It ends."),
        ("Only one sentence.", "Only one sentence."),
    ],
)
def test_first_sentence_ends_only_at_a_sentence_end(paragraph: str, first: str) -> None:
    """Never inside math, code or a link, nor after an abbreviation; at a real sentence end."""
    assert catalog.first_sentence(paragraph) == first


def test_summaries_do_not_point_above_or_below() -> None:
    """A parenthesis that points "above" loses that part; "the table below" is in the chapter."""
    (e,) = catalog.Catalog().add_errata("c7.md", ESCAPE)
    assert "(table above, exact for a quadratic saddle)" in e.claimed
    text = errata.standalone(e.claimed)
    assert "above" not in text and r"steps (exact for a quadratic saddle), with the same" in text
    assert errata.standalone("It is one step (table above).") == "It is one step."
    assert errata.standalone("As the derivations and runs above show.") == (
        "As the derivations and runs in the chapter show."
    )
    kept = "A probability below $2^{-1075}$ (values below 1e-300) underflows."
    assert errata.standalone(kept) == kept


def test_title_keeps_the_case_of_a_symbol() -> None:
    """The 6.3 title starts with p₂: not "P₂"; a lowercase word is capitalised."""
    assert errata.capitalised("p₂ is not 0, and the approximation hides what matters").startswith("p₂ ")
    assert errata.capitalised("a batch of one does not divide by zero").startswith("A batch")
    assert errata.capitalised("$A = I$ too") == "$A = I$ too"


def test_checks_named_by_links_and_numbers_are_found(build: SimpleNamespace) -> None:
    """A link to a check counts whatever its text; "Claim 9.3.2" resolves through the numbers."""
    (e,) = catalog.add_errata("c3.md", P2)
    assert e.cites == ("6-3-p2-exact", "Claim 9.3.2")
    line = errata.entry(e, url_for)
    assert line.startswith('<span class="nn-kind nn-kind--imprecision">imprecision</span> **[p₂ is not 0,')
    assert line.endswith(
        "Checks: [`6-3-p2-exact`](../c3/#check-6-3-p2-exact), "
        "[`6-3-float64-p2`](../c3/#check-6-3-float64-p2)."
    )


def test_a_check_named_in_the_text_stays_a_link(build: SimpleNamespace) -> None:
    """A check that the erratum's text names in code is linked to it; other code stays code."""
    body = (
        "The source says it is 0, but "
        + autoref("check-6-3-p2-exact", "claim <code>6-3-p2-exact</code>")
        + " finds it positive, and <code>softmax</code> too."
    )
    (e,) = catalog.add_errata("c3.md", box("error", "erratum-named", "p₂ is positive", body))
    line = errata.entry(e, url_for)
    assert "but claim [`6-3-p2-exact`](../c3/#check-6-3-p2-exact) finds it positive" in line
    assert "and `softmax` too." in line
    assert line.endswith("Check: [`6-3-p2-exact`](../c3/#check-6-3-p2-exact).")


def test_an_erratum_naming_no_check_says_so(build: SimpleNamespace) -> None:
    """No check is invented: the entry says none is named, what the erratum rests on, and links it."""
    escape, saddles, d = catalog.add_errata("c7.md", ESCAPE + SADDLES + PART_D)
    line = errata.entry(escape, url_for)
    assert line.endswith(
        "Checks: none named; the erratum points to results shown in the chapter "
        "([read the erratum](../c7/#erratum-escape))."
    )
    assert errata.entry(saddles, url_for).endswith(
        "Checks: none; the erratum rests on the works it cites, Bray and Dean (2007) and "
        "Fyodorov and Williams (2007) ([read the erratum](../c7/#erratum-saddles))."
    )
    assert "it also cites Santurkar et al. (2018) and Ioffe & Szegedy, 2015" in errata.entry(d, url_for)
    catalog.add_page("c7.md", "9.7 Saddles")
    page = errata.errata_page(url_for)
    assert "3 errata name no check: their entries say so, and what they rest on instead." in page


def _entries(built_site: Path) -> list[str]:
    """Return the text of the errata page's entries (tags removed, formulas as KaTeX's text)."""
    html = (built_site / "errata" / "index.html").read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", html, re.S).group(0)
    article = re.sub(r"<annotation\b.*?</annotation>", "", article, flags=re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li>(.*?)</li>", article, re.S)
    ]


def test_built_errata_page(built_site: Path) -> None:
    """On the real page: no raw ``$``, "et al. (2018)" whole, no "above", no "P₂", checks or why not."""
    entries = _entries(built_site)
    chapters = sum(
        p.read_text().count('class="admonition erratum') for p in built_site.glob("exercise-*/index.html")
    )
    assert len(entries) == chapters
    assert not [e for e in entries if "$" in e]
    assert not [e for e in entries if re.search(r"et al\.\s*(?:Checks?: |$)", e)]  # a sentence cut at "al."
    place = re.compile(
        r"\b(?:checks?|derivations?|tables?|experiments?|runs?)\s+(?:above|below)\b|\((?:[^)]*\s)?above\)"
    )
    assert not [e for e in entries if place.search(e)]
    assert not [e for e in entries if "P₂" in e]
    assert not [e for e in entries if not re.search(r"\bChecks?: ", e)]
    unnamed = sum("Checks: none" in e for e in entries)
    html = (built_site / "errata" / "index.html").read_text(encoding="utf-8")
    promise = "1 erratum names no check" if unnamed == 1 else f"{unnamed} errata name no check"
    assert (promise in html) == (unnamed > 0)
