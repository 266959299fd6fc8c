"""The whole site builds strictly, reproducibly and self-contained; failures name their page."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, run_build

pytestmark = pytest.mark.site

GOOD = "# Good\n\nA formula: $e^{i\\pi} + 1 = 0$.\n"


def test_whole_site_builds_strict(built_site: Path) -> None:
    """The strict build of the real site produces every chapter page and the KaTeX assets."""
    for page in [
        "index.html",
        "exercise-6-1/index.html",
        "exercise-6-7/index.html",
        "verification/index.html",
        "errata/index.html",
        "reference/derivation/index.html",
    ]:
        assert (built_site / page).is_file(), page
    assert (built_site / "assets/katex/katex.min.css").is_file()
    assert list((built_site / "assets/katex/fonts").glob("KaTeX_Main-Regular.woff2"))


def test_no_raw_tex_left(built_site: Path) -> None:
    """Every formula was typeset at build time: no arithmatex delimiters remain in any page."""
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'class="arithmatex">\\[(\[]', text), html


URL_ATTR = re.compile(r"""(?:src|href)\s*=\s*["'](https?:)?//""", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])(https?:)?//""", re.I)


@pytest.mark.parametrize("suffix", [".html", ".css", ".js"])
def test_nothing_loaded_from_outside(built_site: Path, suffix: str) -> None:
    """No built file loads a script, style, font or image from another host.

    Links (``<a href>``) to the web are allowed; resources are not.
    """
    offenders = []
    for f in built_site.rglob(f"*{suffix}"):
        text = f.read_text(encoding="utf-8", errors="replace")
        if suffix == ".html":
            for m in re.finditer(r"<(script|link|img|iframe|source|video|audio)\b[^>]*>", text, re.I):
                tag = m.group(0)
                if m.group(1).lower() == "link" and not re.search(
                    r'rel=["\']?(stylesheet|preload|icon|modulepreload|prefetch|preconnect)', tag, re.I
                ):
                    continue
                if URL_ATTR.search(tag):
                    offenders.append((f.relative_to(built_site), tag[:120]))
        else:
            for m in CSS_URL.finditer(text):
                offenders.append((f.relative_to(built_site), text[m.start() : m.start() + 100]))
            if suffix == ".js":
                for m in re.finditer(r"""import\(\s*["']https?://|importScripts\(\s*["']https?://""", text):
                    offenders.append((f.relative_to(built_site), text[m.start() : m.start() + 100]))
    assert offenders == []


def test_external_resource_detector_catches_a_cdn_script(tmp_path: Path) -> None:
    """The pattern used above does flag a CDN script tag (so the test above can fail)."""
    tag = '<script src="https://cdn.example.invalid/katex/katex.min.js"></script>'
    assert URL_ATTR.search(tag)
    assert CSS_URL.search("@font-face{src:url(https://fonts.gstatic.com/x.woff2)}")


def test_build_is_reproducible(built_site: Path, tmp_path: Path) -> None:
    """Two builds of the same sources are byte-identical."""
    second = tmp_path / "again"
    proc = run_build(ROOT / "mkdocs.yml", second)
    assert proc.returncode == 0, proc.stderr
    first_files = sorted(p.relative_to(built_site) for p in built_site.rglob("*") if p.is_file())
    second_files = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert first_files == second_files
    differ = [p for p in first_files if (built_site / p).read_bytes() != (second / p).read_bytes()]
    assert differ == []


def test_raising_block_fails_and_names_page_and_block(mini_site) -> None:
    """A block that raises fails the strict build; the message names the page and the block id."""
    proc = mini_site(
        {
            "index.md": GOOD,
            "broken.md": '# Broken\n\n```python exec="1" id="will-raise"\nraise RuntimeError("boom")\n```\n',
        }
    )
    assert proc.returncode != 0
    assert "docs/broken.md" in proc.stderr
    assert "will-raise" in proc.stderr


def test_untypesettable_formula_fails_and_names_page(mini_site) -> None:
    """A formula KaTeX cannot typeset fails the strict build and names the page."""
    proc = mini_site({"index.md": GOOD, "badmath.md": "# Bad\n\n$$\\frac{1}{$$\n"})
    assert proc.returncode != 0
    assert "docs/badmath.md" in proc.stderr
    assert "formula cannot be typeset" in proc.stderr


def test_unknown_macro_fails(mini_site) -> None:
    """An undefined macro is not passed through silently."""
    proc = mini_site({"index.md": GOOD, "macro.md": "# Macro\n\nInline $\\notamacro{x}$.\n"})
    assert proc.returncode != 0
    assert "docs/macro.md" in proc.stderr


def test_broken_internal_link_fails_and_names_page(mini_site) -> None:
    """A link to a missing page, or to a missing anchor, fails the strict build naming the page."""
    proc = mini_site({"index.md": GOOD + "\n[gone](missing.md)\n"})
    assert proc.returncode != 0
    assert "index.md" in proc.stderr and "missing.md" in proc.stderr
    proc = mini_site({"index.md": GOOD, "other.md": "# Other\n\n[x](index.md#no-such-anchor)\n"})
    assert proc.returncode != 0
    assert "other.md" in proc.stderr and "no-such-anchor" in proc.stderr


def test_false_derivation_fails_naming_page_derivation_and_step(mini_site) -> None:
    """A derivation with a false step fails the build with page, derivation name and step."""
    block = (
        '```python exec="1" id="false-step"\n'
        "import sympy\n"
        "from nnnotes.check import Derivation\n"
        "x = sympy.Symbol('x', real=True)\n"
        "d = (Derivation((x + 1)**2, name='square-of-sum')\n"
        "     .step(x**2 + 2*x + 1, 'expand the square')\n"
        "     .step(x**2 + 1, 'drop the cross term'))\n"
        "print(d.markdown())\n"
        "```\n"
    )
    proc = mini_site({"index.md": GOOD, "wrong.md": "# Wrong\n\n" + block})
    assert proc.returncode != 0
    err = proc.stderr
    assert "docs/wrong.md" in err
    assert "square-of-sum" in err
    assert "step 2 (drop the cross term)" in err


def test_links_to_checks_resolve(mini_site) -> None:
    """A page may link to a derivation printed by a block on another page; a wrong anchor fails."""
    block = (
        '```python exec="1" id="proved"\n'
        "import sympy\n"
        "from nnnotes.check import Derivation\n"
        "x = sympy.Symbol('x', real=True)\n"
        "print(Derivation((x + 1)**2, name='square').step(x**2 + 2*x + 1, 'expand').markdown())\n"
        "```\n"
    )
    pages = {"index.md": GOOD + "\nSee [the proof](proof.md#check-square).\n", "proof.md": "# P\n\n" + block}
    proc = mini_site(pages)
    assert proc.returncode == 0, proc.stderr
    pages["index.md"] = GOOD + "\nSee [the proof](proof.md#check-squares).\n"
    proc = mini_site(pages)
    assert proc.returncode != 0 and "check-squares" in proc.stderr


def test_good_mini_site_builds(mini_site) -> None:
    """The mini-site machinery itself builds a correct page (so the failures above are real)."""
    proc = mini_site({"index.md": GOOD})
    assert proc.returncode == 0, proc.stderr


def test_downloads_are_linked_only_when_the_run_makes_them(mini_site, tmp_path, monkeypatch) -> None:
    """``NNNOTES_DOWNLOADS=pdf`` (``make pdf``) links the PDF, not the zip; a plain build links neither."""
    monkeypatch.setenv("NNNOTES_DOWNLOADS", "pdf")
    proc = mini_site({"index.md": GOOD})
    assert proc.returncode == 0, proc.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<p class="nn-takeaway"[^>]*>(.*?)</p>', home, re.S).group(1)
    assert 'href="downloads/nnnotes.pdf"' in box and "nnnotes-offline.zip" not in box
    monkeypatch.setenv("NNNOTES_DOWNLOADS", "")
    proc = mini_site({"index.md": GOOD})
    assert proc.returncode == 0, proc.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "downloads/" not in home


TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
#: A formula's text is looked for in the index only when it cannot be ordinary prose or a number.
MATH_SIGN = re.compile(r"[=≤≥<>∑∂∈→]")


def _formula_counts(site: Path) -> dict[str, Counter[str]]:
    """For each page (its URL path), how many times each formula's readable text is on it.

    The text is the MathML's, spaces removed, as the search index holds it.
    """
    out: dict[str, Counter[str]] = {}
    for html in site.rglob("*.html"):
        page = html.relative_to(site).as_posix().removesuffix("index.html")
        texts = out.setdefault(page, Counter())
        shown = html.read_text(encoding="utf-8")
        for m in re.finditer(r'<span class="katex-mathml">(.*?)</span>', shown, re.S):
            mathml = re.sub(r"<annotation\b.*?</annotation>", "", m.group(1), flags=re.S)
            texts["".join(re.sub(r"<[^>]+>", "", mathml).split())] += 1
    return out


def search_index_problems(docs: list[dict], formulas: dict[str, Counter[str]]) -> list[str]:
    """TeX commands in the indexed prose (code excepted), and formulas indexed more often than shown.

    KaTeX writes a formula's text twice (MathML and HTML); indexed as is, each formula would be
    found twice as often in a page's index as on the page.
    """
    out = []
    text: dict[str, str] = {}
    for doc in docs:
        prose = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", doc["text"], flags=re.S)
        out += [f"{doc['location']}: TeX {m.group(0)!r} in the index" for m in TEX_COMMAND.finditer(prose)]
        page = doc["location"].split("#")[0]
        text[page] = text.get(page, "") + "\0" + "".join(prose.split())
    for page, indexed in text.items():
        on_page = formulas.get(page, Counter())
        for f in sorted(on_page):
            if len(f) < 6 or not MATH_SIGN.search(f):
                continue
            # a formula may also stand inside a longer one (x = y inside o = x = y)
            shown = sum(g.count(f) * k for g, k in on_page.items())
            if (n := indexed.count(f)) > shown:
                out.append(f"{page}: formula {f!r} indexed {n} times, shown {shown}")
    return out


def test_search_index_holds_each_formula_once_as_readable_text(built_site: Path) -> None:
    """The search index has no TeX, and no formula more often than the page shows it."""
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    formulas = _formula_counts(built_site)
    assert sum(len(c) for c in formulas.values()) > 100
    assert search_index_problems(docs, formulas) == []
    assert formulas["exercise-6-3/"]["x=(3,1,−1)"] >= 1
    assert "x=(3,1,−1)" in "".join(d["text"] for d in docs if d["location"].startswith("exercise-6-3/"))


def test_search_index_check_catches_tex_and_doubled_formulas() -> None:
    """KaTeX's three copies of a formula (MathML text, TeX, HTML text) are caught by the check."""
    docs = [
        {"location": "p/", "text": "<p>The input x=(3,1,−1)x = (3, 1, -1)x=(3,1,−1) and \\frac{1}{2}.</p>"},
        {"location": "q/", "text": "<p>Code is code: <code>\\frac</code>; once: x=(3,1,−1)</p>"},
    ]
    shown = {"p/": Counter({"x=(3,1,−1)": 1}), "q/": Counter({"x=(3,1,−1)": 1})}
    found = search_index_problems(docs, shown)
    assert found == ["p/: TeX '\\\\frac' in the index", "p/: formula 'x=(3,1,−1)' indexed 2 times, shown 1"]


def test_every_docstring_example_renders_as_code(built_site: Path) -> None:
    """No ``>>>`` of a docstring example is left outside a code block in the API reference."""
    offenders = []
    for html in (built_site / "reference").rglob("index.html"):
        text = html.read_text(encoding="utf-8")
        text = re.sub(r"<pre\b.*?</pre>|<code\b.*?</code>", "", text, flags=re.S)
        if "&gt;&gt;&gt;" in text:
            offenders.append(html.parent.name)
    assert offenders == []


def test_erratum_without_kind_fails_and_names_page(mini_site) -> None:
    """An erratum must say its kind (error, imprecision, omission); one without fails the build."""
    page = '# E\n\n!!! erratum "Erratum: no kind"\n    Body.\n'
    proc = mini_site({"index.md": GOOD, "e.md": page})
    assert proc.returncode != 0
    assert "docs/e.md" in proc.stderr and "no kind" in proc.stderr and "imprecision" in proc.stderr
    proc = mini_site({"index.md": GOOD, "e.md": page.replace("erratum ", "erratum mistake ", 1)})
    assert proc.returncode != 0 and "mistake" in proc.stderr


def test_errata_page_groups_by_chapter_and_counts_by_kind(mini_site, tmp_path: Path) -> None:
    """The errata page counts errata per kind and per chapter and lists each under its chapter's title.

    An entry says what is true (the erratum's title, linked to it), then what the source claimed (the
    first sentence of its body); the "Erratum:" prefix and the page's file name are not shown.
    """
    page = (
        '# Demo chapter\n\n!!! erratum error "Erratum: first"\n    The source says A. It is B.\n\n'
        '!!! erratum omission "Erratum: second"\n    The source leaves out C.\n\n'
        '!!! erratum error "Erratum: third"\n    The source says D.\n'
    )
    errata = (ROOT / "docs" / "errata.md").read_text(encoding="utf-8")
    proc = mini_site({"index.md": GOOD, "e.md": page, "errata.md": errata})
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "site" / "errata" / "index.html").read_text(encoding="utf-8")
    article = re.search(r"<article.*</article>", html, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", article).split())
    assert re.search(r"error the source states something false 2\b", text)
    assert re.search(r"imprecision true, but loose or misleading 0\b", text)
    assert re.search(r"omission [^|]*?asks 1\b", text)
    assert re.search(r"Demo chapter 2 0 1 3\b", text)
    assert re.search(r"<h2[^>]*>Demo chapter", article) and "2 errors, 1 omission." in text
    assert re.search(r"error First ?\. The source says A\.", text) and "It is B" not in text
    assert "Erratum:" not in text and "e.md" not in text
    assert 'href="../e/#erratum-second"' in html
    chapter = (tmp_path / "site" / "e" / "index.html").read_text(encoding="utf-8")
    assert 'id="erratum-first" data-kind="error"' in chapter
