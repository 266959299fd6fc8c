"""Fixtures of the engine's tests: each test records its checks on a record of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nnnotes.check.record import BuildRecord, recording


@pytest.fixture(autouse=True)
def record() -> Iterator[BuildRecord]:
    """A fresh `BuildRecord`, current while the test runs; the previous one is current after it."""
    with recording() as rec:
        yield rec
