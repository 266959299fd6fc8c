"""Links, contrast arithmetic and patterns of the browser checks, judged without a browser.

Every internal link and anchor of the built site resolves (the crawl of `browser.links` is shown to
catch missing pages, files and anchors); the contrast arithmetic agrees with WCAG's examples; the
raw-TeX pattern of ``inspect.js`` and the pattern the browser routes are what they claim.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser.links import broken_links
from browser.verdicts import NOT_LOCAL, is_local
from conftest import site_prefix

from nnnotes.sitebuild import takeaway


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    """Every link, resource and ``#anchor`` of the built HTML points at something that exists.

    The suite's site is a plain build (``make build``): the PDF and the offline zip, made after a
    build by ``make pdf`` and ``make offline``, are not linked at all, so no exception is needed.
    """
    assert broken_links(built_site, site_prefix()) == []
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not [f for f in takeaway.LATER if f.rsplit("/", 1)[-1] in text], page


def test_broken_links_and_anchors_are_caught(tmp_path: Path) -> None:
    """Missing pages, files and anchors (also in SVG references) are reported; good ones are not."""
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "index.html").write_text('<h2 id="here">Here</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<p id="top"><a href="other/">ok</a> <a href="other/#here">ok</a> <a href="#top">ok</a>'
        ' <a href="https://example.org/x">external</a> <a href="mailto:a@b.c">mail</a>'
        ' <a href="missing/">no page</a> <a href="other/#gone">no anchor</a>'
        ' <a href="#nowhere">no anchor here</a> <img src="img/none.png" alt="x">'
        ' <a href="/elsewhere/">outside</a></p>'
        '<svg><use href="#nope"/><path clip-path="url(#no-clip)"/></svg>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path, "/site/") == [
        "index.html: a href=missing/: no file missing/",
        "index.html: a href=other/#gone: no anchor #gone",
        "index.html: a href=#nowhere: no anchor #nowhere",
        "index.html: img src=img/none.png: no file img/none.png",
        "index.html: a href=/elsewhere/: outside the site /site/",
        "index.html: use href=#nope: no anchor #nope",
        "index.html: path clip-path=#no-clip: no anchor #no-clip",
    ]


def test_absolute_links_resolve_under_the_site_path(tmp_path: Path) -> None:
    """The 404 page's ``/prefix/...`` links resolve against the site's path, not the host's root."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x">x</p>', encoding="utf-8")
    (tmp_path / "404.html").write_text('<a href="/nnnotes/a/#x">a</a>', encoding="utf-8")
    assert broken_links(tmp_path, "/nnnotes/") == []
    assert broken_links(tmp_path, "/") == ["404.html: a href=/nnnotes/a/#x: no file nnnotes/a/"]


def test_text_ratio_matches_wcag_examples() -> None:
    """The contrast arithmetic agrees with WCAG's published extremes and a hand computation."""
    from browser.contrast import ratio, text_ratio

    assert ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert ratio((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    # half-transparent black on white is rgb(127.5): ((0.5 + 0.055) / 1.055) ** 2.4 = 0.2140
    # is its luminance, so the ratio is 1.05 / 0.2640
    half = 1.05 / (((0.5 + 0.055) / 1.055) ** 2.4 + 0.05)
    assert text_ratio((0, 0, 0, 0.5), 1.0, [], (255, 255, 255)) == pytest.approx(half)
    # the same through the element's opacity, over an opaque white background on a black canvas
    assert text_ratio((0, 0, 0, 1), 0.5, [(255, 255, 255, 1)], (0, 0, 0)) == pytest.approx(half)
    assert half == pytest.approx(3.977, abs=0.001)


@pytest.mark.parametrize("text", ["$$", r"\(x\)", r"\[", r"\begin{aligned}", "$x^2$", "$a_1$"])
def test_raw_tex_pattern_matches(text: str) -> None:
    """The raw-TeX pattern of ``inspect.js`` finds each TeX delimiter a reader could see."""
    pattern = re.search(
        r"const RAW_TEX = /(.*)/;",
        (Path(__file__).parents[1] / "browser" / "inspect.js").read_text(encoding="utf-8"),
    ).group(1)
    assert re.search(pattern, text)
    assert not re.search(pattern, "costs $5 and $6")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/a/",
        "https://localhost/x.js",
        "http://localhost:9",
        "data:text/plain,x",
        "blob:http://127.0.0.1/1",
        "about:blank",
        "https://cdn.example.net/npm/x.js",
        "http://127.0.0.1.example.org/x",
        "http://localhostile.org/",
        "file:///etc/passwd",
        "wss://example.org/socket",
    ],
)
def test_routed_pattern_is_what_is_local_refuses(url: str) -> None:
    """The browser routes (to be blocked) exactly the URLs that `is_local` refuses."""
    assert bool(NOT_LOCAL.match(url)) is not is_local(url)
