"""Real-browser checks of the real site: every page, in Debian's Chromium, in both palettes.

The site is served on 127.0.0.1 and every page is visited by one browser (see `browser.visit`) in
the light and the dark palette, at a desktop's and a phone's width: nothing may be fetched from
another host, no error may be logged, every formula must be typeset in KaTeX's fonts, every plot
present, visible and named, text of plots and tables readable (WCAG AA) in both palettes, and
axe-core must find nothing serious. A screenshot of every page in each palette is saved into
``test-artifacts/screenshots/``. The desktop visits are made here, the phone visits in
``test_browser_phone.py`` (on the other xdist worker; see `browser.site_visits`); each check is
shown to fail in ``test_browser_faults.py``.
"""

from __future__ import annotations

import pytest
from browser.site_visits import Key, photograph_failures, run_folder, shared_visits, visit_every_page
from browser.verdicts import CHECKS, Visit
from browser.visit import VIEWPORTS, Session
from conftest import ROOT


def doc_pages() -> list[str]:
    """The URL path of every Markdown page of ``docs/`` (MkDocs' directory URLs)."""
    out = []
    for md in sorted((ROOT / "docs").rglob("*.md")):
        rel = md.relative_to(ROOT / "docs").with_suffix("").as_posix()
        out.append(rel.removesuffix("index") if rel == "index" or rel.endswith("/index") else rel + "/")
    return out


@pytest.fixture(scope="session")
def visits(browser: Session, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[Key, Visit]:
    """Every page of the site visited in both palettes at both viewports, by (path, scheme, viewport).

    The desktop visits are made here; the phone visits are those of ``test_browser_phone.py``
    (made there, or here if this file runs first or alone).
    """
    desktop = visit_every_page(browser, "desktop")
    return desktop | shared_visits(browser, "phone", run_folder(tmp_path_factory, worker_id))


# --- the real site ------------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_is_visited_in_both_palettes(browser: Session, visits: dict) -> None:
    """Every page of ``docs/`` was built and visited, and each palette and viewport was in force."""
    for viewport in VIEWPORTS:
        visited = {path for path, _, seen in visits if seen == viewport}
        assert set(doc_pages()) <= visited, viewport
    schemes = {(scheme, v.data["scheme"]) for (_, scheme, _), v in visits.items()}
    assert schemes == {("light", "default"), ("dark", "slate")}
    widths = {(viewport, v.data["width"]) for (_, _, viewport), v in visits.items()}
    assert widths == {(name, size["width"]) for name, size in VIEWPORTS.items()}


@pytest.mark.browser
@pytest.mark.parametrize("check", CHECKS)
def test_every_page_passes(browser: Session, visits: dict, check: str) -> None:
    """No page, in either palette, has a finding of this check (the message lists them all).

    offsite: requests to other hosts (blocked and counted); errors: console errors, page errors,
    failed local requests; math: raw TeX, untypeset formulas, KaTeX fonts not loaded; figures:
    missing, invisible or unnamed plots; contrast: text of plots and tables below 4.5:1; axe:
    serious or critical axe-core violations. A failing page is photographed at its viewport.
    """
    failing = [key for key, v in visits.items() if v.problems()[check]]
    photograph_failures(browser, failing)
    failures = {
        f"{path or '/'} ({scheme} palette, {viewport} {VIEWPORTS[viewport]['width']}px)": visits[
            path, scheme, viewport
        ].problems()[check]
        for path, scheme, viewport in failing
    }
    assert failures == {}


@pytest.mark.browser
def test_screenshots_of_every_page_in_both_palettes(browser: Session, visits: dict) -> None:
    """A full-page PNG of every page in each palette (desktop) is left for a person to look at."""
    shots = [browser.screenshot_path(path, scheme, viewport) for path, scheme, viewport in visits]
    desktop = [s for s in shots if s.parent.name in ("light", "dark")]
    assert {s.parent.name for s in desktop} == {"light", "dark"}
    assert len(desktop) == len(shots) // len(VIEWPORTS)
    assert all(s.is_relative_to(ROOT / "test-artifacts") for s in shots)
    assert [s for s in desktop if s.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n"] == []
