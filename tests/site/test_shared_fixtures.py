"""The fixtures shared by the xdist workers (the built site, the browser visits) work without xdist too.

`make test` runs the suite on two pytest-xdist workers, which share one build of the site and one
set of browser visits through the run's common temporary folder (``tests/conftest.py``,
``tests/browser/site_visits.py``). A developer may run a file on its own with ``-p no:xdist``;
then pytest-xdist's ``worker_id`` fixture does not exist, so the project defines its own.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

#: Tests that need the shared fixtures: the built site, the browser, both viewports' visits.
SHARED = (
    "tests/check/test_published.py::test_every_derivation_on_the_site_is_published",
    "tests/site/test_browser.py::test_every_page_is_visited_in_both_palettes",
    "tests/site/test_browser_phone.py",
)


def test_worker_id_is_the_xdist_workers_name(worker_id: str) -> None:
    """Under xdist, the worker's own name (``gw0``, ..., which xdist also puts in the environment)."""
    assert worker_id == os.environ.get("PYTEST_XDIST_WORKER", "master")


@pytest.mark.parametrize("plugin", ["-p no:xdist", "-n 2"])
def test_shared_fixtures_resolve_with_and_without_xdist(plugin: str) -> None:
    """Every fixture of the tests sharing the site and the visits resolves (``--setup-plan`` runs nothing)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *plugin.split(),
            "--setup-plan",
            *SHARED,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "not found" not in proc.stdout
