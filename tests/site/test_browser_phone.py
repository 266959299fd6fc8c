"""Real-browser checks of the real site at a phone's width: the visits, made on their own worker.

Every page is visited in both palettes at the phone viewport here, in a file of its own, so that
pytest-xdist runs these visits on one worker while ``test_browser.py`` makes the desktop ones on
the other; ``test_browser.py`` judges both (it loads these through `browser.site_visits`).
"""

from __future__ import annotations

import pytest
from browser.site_visits import Key, photograph_failures, run_folder, shared_visits
from browser.verdicts import Visit
from browser.visit import Session


@pytest.fixture(scope="session")
def phone_visits(
    browser: Session, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> dict[Key, Visit]:
    """Every page of the site visited in both palettes at the phone's width (shared with the run)."""
    return shared_visits(browser, "phone", run_folder(tmp_path_factory, worker_id))


@pytest.mark.browser
def test_a_failing_phone_visit_is_photographed(browser: Session, phone_visits: dict) -> None:
    """A visit that fails a check at the phone's width leaves its full-page screenshot."""
    path, scheme, viewport = key = next(k for k in phone_visits if k[2] == "phone")
    target = browser.screenshot_path(path, scheme, viewport)
    target.unlink(missing_ok=True)
    assert photograph_failures(browser, [key]) == [target]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
