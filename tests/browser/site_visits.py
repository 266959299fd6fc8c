"""Every page of the built site visited at one viewport, made once per test run and shared.

``tests/site/test_browser.py`` judges the visits of both viewports. It makes the desktop visits
itself; the phone visits are made by ``tests/site/test_browser_phone.py``, so that under
pytest-xdist (``--dist loadfile``, which gives each file whole to one worker) the two viewports are
visited on two workers at once. `shared_visits` makes one viewport's visits at most once per run:
the first worker that needs them makes and saves them under a lock in the run's common temporary
folder, and any other loads them (the pattern of the ``built_site`` fixture). Without xdist, the
one process makes both.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import shutil
from pathlib import Path

import pytest

from browser.verdicts import Visit
from browser.visit import Session

#: axe rules whose verdict depends on the palette; the others are run once, in the light one.
DARK_AXE_RULES = ("color-contrast", "link-in-text-block")

#: A visit's key: (page path, palette scheme, viewport).
Key = tuple[str, str, str]


def run_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The temporary folder common to every worker of this test run (the run's own without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def visit_every_page(browser: Session, viewport: str) -> dict[Key, Visit]:
    """Every page of the site visited in both palettes at ``viewport``, by (path, scheme, viewport).

    Full-page screenshots are saved on the way at the desktop viewport (their folders emptied
    first). At the phone's, a page is photographed only when a check fails on it
    (`photograph_failures`): a phone-width page is several times taller, and its PNG took longer
    to make than all the checks of the page.
    """
    for scheme in ("light", "dark"):
        shutil.rmtree(browser.screenshot_path("", scheme, viewport).parent, ignore_errors=True)
    found = browser.run(
        browser.visit_all(
            browser.pages(),
            dark_axe=DARK_AXE_RULES,
            screenshot=viewport == "desktop",
            viewport=viewport,
        )
    )
    return {(path, scheme, viewport): v for (path, scheme), v in found.items()}


def shared_visits(browser: Session, viewport: str, folder: Path) -> dict[Key, Visit]:
    """`visit_every_page` at ``viewport``, made once per test run and shared through ``folder``.

    Under an exclusive lock: if another worker saved them, load them; otherwise make them and save
    them (as JSON, a `Visit` being plain data) for the others.
    """
    saved = folder / f"visits-{viewport}.json"
    with open(folder / f"visits-{viewport}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            rows = json.loads(saved.read_text(encoding="utf-8"))
            return {tuple(key): Visit(**fields) for key, fields in rows}
        visits = visit_every_page(browser, viewport)
        rows = [[list(key), dataclasses.asdict(v)] for key, v in visits.items()]
        partial = saved.with_suffix(".part")
        partial.write_text(json.dumps(rows), encoding="utf-8")
        partial.replace(saved)  # whole or absent, even if this worker dies while writing
        return visits


def photograph_failures(browser: Session, failing: list[Key]) -> list[Path]:
    """Full-page screenshots of the failing visits that have none yet (the phone's); their paths."""
    out = []
    for path, scheme, viewport in failing:
        target = browser.screenshot_path(path, scheme, viewport)
        if not target.is_file():
            browser.run(browser.visit(path, scheme, axe=False, screenshot=True, viewport=viewport))
        out.append(target)
    return out
