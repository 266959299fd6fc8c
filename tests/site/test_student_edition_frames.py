"""The student edition from the first frame: no answer shows while a page loads.

The build emits every box open (for print and for a browser without JavaScript). fold.js, at the
end of the body, folds them once Material has started, a second or more after the browser first
paints a long chapter: until then the answers showed. ``docs/javascripts/fold-early.js``, loaded in
the page's head, folds each box as the parser adds it, and keeps the place of the fold switch that
fold.js shows, so the text does not move down. These tests count, frame by frame, what a reader saw.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser.interactions import INSTANT_READY_JS
from browser.visit import VIEWPORTS

from nnnotes.sitebuild.student import BOXES as BOX_TYPES

BOXES = ", ".join(f"details.{kind}" for kind in BOX_TYPES)

#: True once fold.js has run on the page: its switch is shown (a page without a switch: at once).
SWITCH_READY_JS = (
    "(() => { const s = document.querySelector('button.nn-fold-switch'); return !s || !s.hidden; })()"
)


def frames_js(until: str) -> str:
    """Script counting, in ``window.__frames``, the frames drawn until ``until`` holds.

    For every frame with boxes: whether any is open, whether any is folded, and whether the page's
    switch (if it has one) takes no room yet, so that the text would move down when it shows
    (``unplaced``). ``requestAnimationFrame`` runs right before each frame is painted, so a frame
    counted ``open`` is one a reader saw with a box open. The frame in which ``until`` first holds
    is counted too.
    """
    return f"""
window.__frames = {{total: 0, open: 0, closed: 0, unplaced: 0}};
(function tick() {{
  requestAnimationFrame(function () {{
    var boxes = Array.from(document.querySelectorAll({json.dumps(BOXES)}));
    if (boxes.length) {{
      window.__frames.total++;
      if (boxes.some(function (b) {{ return b.open; }})) window.__frames.open++;
      if (boxes.some(function (b) {{ return !b.open; }})) window.__frames.closed++;
      var sw = document.querySelector("button.nn-fold-switch");
      if (sw && sw.getBoundingClientRect().height === 0) window.__frames.unplaced++;
    }}
    if (!({until})) tick();
  }});
}})();
"""


#: Frames from the start of a page load until it has loaded and fold.js has run.
FRAMES_JS = frames_js(f'document.readyState === "complete" && {SWITCH_READY_JS}')


def _frames(chromium, url: str, viewport: str, *, unfolded: bool = False) -> dict[str, int]:
    """Load ``url`` in a fresh context and return the frame counts of `FRAMES_JS`."""
    context = chromium.new_context(viewport=VIEWPORTS[viewport])
    if unfolded:
        context.add_init_script("localStorage.setItem('nnnotes.unfold', '1')")
    context.add_init_script(FRAMES_JS)
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(SWITCH_READY_JS)
        page.wait_for_function("window.__frames.total >= 1")
        return page.evaluate("window.__frames")
    finally:
        context.close()


def _chapters(built_site: Path) -> list[str]:
    """The pages with the fold switch (the chapters with parts), by their folder."""
    return sorted(
        p.parent.name
        for p in built_site.glob("*/index.html")
        if "nn-fold-switch" in p.read_text(encoding="utf-8")
    )


@pytest.mark.browser
def test_no_frame_shows_an_answer_while_a_page_loads(built_site: Path, site: str, chromium) -> None:
    """From the first frame the browser paints, every box is folded and the switch has its place.

    Every chapter and the home page at the phone's width, and one chapter at the desktop's.
    """
    chapters = _chapters(built_site)
    assert len(chapters) >= 6, chapters
    pages = [(site + name + "/", "phone") for name in chapters]
    pages += [(site, "phone"), (site + chapters[1] + "/", "desktop")]
    for url, viewport in pages:
        frames = _frames(chromium, url, viewport)
        assert frames["total"] >= 1 and frames["open"] == 0 == frames["unplaced"], (url, viewport, frames)


@pytest.mark.browser
def test_a_reader_who_unfolded_everything_sees_it_open_from_the_first_frame(site: str, chromium) -> None:
    """The choice "unfold all" (remembered) holds from the first frame: no box is folded, then opened."""
    frames = _frames(chromium, site + "exercise-6-2/", "phone", unfolded=True)
    assert frames["total"] >= 1 and frames["closed"] == 0 == frames["unplaced"], frames


@pytest.mark.browser
def test_no_frame_shows_an_answer_after_an_instant_navigation(site: str, chromium) -> None:
    """Material swaps in the next chapter and fold.js folds it before the next frame is painted."""
    page = chromium.new_page(viewport=VIEWPORTS["desktop"])
    page.goto(site + "exercise-6-1/")
    page.wait_for_function(SWITCH_READY_JS)
    page.evaluate(INSTANT_READY_JS)
    page.evaluate("window.__same_document = true")
    page.evaluate(frames_js(f"window.__arrived && {SWITCH_READY_JS}"))
    page.locator('.md-nav a[href$="exercise-6-5/"]').first.click()
    page.wait_for_url("**/exercise-6-5/")
    page.wait_for_function("document.querySelector('h1').textContent.includes('6.5')")
    page.wait_for_function(SWITCH_READY_JS)
    page.evaluate("window.__arrived = true")
    page.wait_for_function("window.__frames.total >= 1")
    assert page.evaluate("window.__same_document === true"), "not an instant navigation"
    frames = page.evaluate("window.__frames")
    page.close()
    assert frames["open"] == 0, frames
