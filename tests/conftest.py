"""Shared fixtures: the project root, a built site, and tiny throw-away sites for failure tests."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import hypothesis
import pytest
import xdist

from nnnotes.check.record import BuildRecord, recording
from nnnotes.sitebuild import minisite

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def build_env() -> dict[str, str]:
    """Environment for a build: fixed date, no MkDocs 2 banner, no links to the PDF and the zip.

    The suite's site is a plain build, as ``make build`` and ``make serve`` make it: the PDF and the
    zip are made after it, so its pages must not link to them (`nnnotes.sitebuild.takeaway`).
    """
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["NNNOTES_DOWNLOADS"] = ""
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    env.setdefault("NNNOTES_CACHE", "verify")  # the cache can never hide a failure in a test build
    return env


def run_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` and return the finished process (never raises)."""
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=build_env(),
        timeout=900,
    )


@pytest.fixture(autouse=True)
def record() -> Iterator[BuildRecord]:
    """A fresh `BuildRecord`, current while the test runs; the previous one is current after it.

    (Here rather than in ``tests/check/conftest.py``: a second ``conftest`` module would shadow this
    one for the tests that import helpers from it.)
    """
    with recording() as rec:
        yield rec


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    """A test that sets mpmath's global precision does not leak it into the next test."""
    import mpmath

    dps = mpmath.mp.dps
    yield
    mpmath.mp.dps = dps


@pytest.fixture(scope="session")
def root() -> Path:
    """The project's root folder."""
    return ROOT


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """Return the pytest-xdist worker running this process (``gw0``, ...), or ``master`` outside one.

    pytest-xdist's own fixture of this name exists only while its plugin is loaded, so a run with
    ``-p no:xdist`` failed at the setup of every test that shares the built site or the browser
    visits. This one asks xdist's public `xdist.get_xdist_worker_id`, which works either way (and,
    unlike the ``PYTEST_XDIST_WORKER`` variable, is not inherited by a pytest run started inside a
    worker).
    """
    return xdist.get_xdist_worker_id(request)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The whole site, built once per test run with ``--strict``, shared by the xdist workers.

    The first worker to need it builds it under a lock in the run's common temporary folder; the
    others wait and reuse it (the pattern pytest-xdist documents for once-per-run fixtures).
    ``NNNOTES_TEST_SITE`` names a site already built from this tree instead (for running a few
    browser tests while working on them; ``make test`` never sets it).
    """
    if os.environ.get("NNNOTES_TEST_SITE"):
        return Path(os.environ["NNNOTES_TEST_SITE"])
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        base = base.parent
    site, done = base / "site", base / "site.built"
    with open(base / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            proc = run_build(ROOT / "mkdocs.yml", site)
            assert proc.returncode == 0, f"strict build failed:\n{proc.stdout}\n{proc.stderr}"
            done.touch()
    return site


@pytest.fixture
def mini_site(tmp_path: Path) -> Callable[[dict[str, str]], subprocess.CompletedProcess[str]]:
    """Build a small site from the given pages with the project's configuration and plugins.

    Call it with ``{"name.md": "markdown", ...}``; it returns the finished build process.
    """

    def build(pages: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return minisite.build(minisite.write_config(tmp_path, pages), tmp_path / "site")

    return build


def site_prefix() -> str:
    """The URL path the site is deployed under (from ``site_url``; ``/`` when unset)."""
    return urlsplit(minisite.project_config().get("site_url") or "/").path or "/"


@pytest.fixture(scope="module")
def site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site served on 127.0.0.1, for one module; yields its base URL."""
    from browser.server import StaticServer
    from browser.visit import CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (.ci/install-browser)")
    with StaticServer(built_site, tmp_path_factory.mktemp("overlay"), site_prefix()) as server:
        yield server.base


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One Chromium for one module, driven by playwright's sync API."""
    from browser.visit import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The built site served on 127.0.0.1 and one Chromium (a `browser.visit.Session`), for the session."""
    from browser.visit import CHROMIUM, Session

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (.ci/install-browser)")
    overlay = tmp_path_factory.mktemp("synthetic-pages")
    with Session(built_site, overlay, site_prefix(), SCREENSHOTS) as session:
        yield session


#: Test files by what they cost, most first (measured with ``--durations`` and per-file sums of
#: the JUnit report). `make test` runs pytest-xdist with ``--dist loadfile --no-loadscope-reorder``:
#: each file goes whole to the next idle worker in this order, so the longest files start first and
#: the two workers finish together (xdist's default order, by number of tests, left the browser
#: tests and the PDF, few tests but minutes each, for last). The real site's browser visits are in
#: two files, the desktop's and the phone's, so that they can run on both workers at once (see
#: `browser.site_visits`); the files that do not need the built site come right after the one that
#: builds it, so the other worker is busy meanwhile. With only the adversarial checks (10 s) before
#: the phone's file, that worker waited about 12 s for the build, one core idle (vmstat, 1 s samples).
COSTLIEST_FIRST = (
    "site/test_browser.py",  # builds the site (`built_site`), visits every page at a desktop's width
    # while it builds (about 22 s), the other worker runs files that do not need the site
    "check/test_adversarial.py",
    "check/test_derivation.py",
    "site/test_cache_recovery.py",
    "site/test_cache_invalidation.py",
    "site/test_cache.py",
    "tools/test_mutation.py",
    "site/test_prose.py",
    "site/test_browser_phone.py",  # every page at a phone's width (else test_browser.py visits them)
    "check/test_published.py",
    "site/test_site.py",
    "site/test_pdf.py",
    "site/test_offline.py",
    "site/test_notebooks.py",
    "site/test_student_edition.py",
    "site/test_navigation.py",
    "site/test_browser_interactions.py",
    "site/test_browser_faults.py",
)


#: Fixtures that start Chromium (directly, or through a fixture they use: the PDF's prints, the
#: offline copy's browse). A test that needs any of them is marked ``browser``, so that
#: ``-m "not browser"`` runs without Chromium; a test that launches it inline is marked by hand.
CHROMIUM_FIXTURES = frozenset({"browser", "chromium", "books", "browsed"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need Chromium ``browser``; run the costliest test files first.

    The files run in `COSTLIEST_FIRST` order; the rest keep theirs.
    """
    for item in items:
        if CHROMIUM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    rank = {ROOT / "tests" / name: i for i, name in enumerate(COSTLIEST_FIRST)}
    order = {id(item): (rank.get(item.path, len(rank)), i) for i, item in enumerate(items)}
    items.sort(key=lambda item: order[id(item)])


# Property tests draw the same examples on every machine and every run: a failure found once is
# found again (and not by chance on one CI run only). Widen a search with `--hypothesis-seed`.
hypothesis.settings.register_profile("nnnotes", derandomize=True, database=None)
hypothesis.settings.load_profile("nnnotes")
