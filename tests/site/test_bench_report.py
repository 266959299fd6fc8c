"""The build benchmark's verdicts: a goal is judged on the paired ratio where there is one.

`make bench` itself is too long for the suite (about 17 minutes); its table and verdicts are
pure functions of the times it measured, tested here on made-up times.
"""

from __future__ import annotations

import pytest

from nnnotes.sitebuild import bench
from nnnotes.sitebuild.bench import GOALS, median_ratio, report_builds


def _rows(printed: str) -> dict[str, list[str]]:
    """The table's rows, by build name, as lists of cells."""
    out = {}
    for line in printed.splitlines():
        if line.startswith("| ") and not line.startswith("| build"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            out[cells[0]] = cells[1:]
    return out


def test_paired_ratio_decides_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    """Warm: 1.6x the median floor but 1.4x paired, met; the edit: 1.4x but 1.6x paired, not met."""
    medians = {
        "floor": (10.0, 8.0),
        "cold": (50.0, 48.0),
        "warm": (16.0, 12.8),
        "one-module edit": (14.0, 11.2),
    }
    paired = {"warm": (1.4, 1.4), "one-module edit": (1.6, 1.45)}
    report_builds(medians, paired, runs=3)
    rows = _rows(capsys.readouterr().out)
    assert rows["warm"] == [
        "16.00",
        "1.60",
        "1.40",
        "12.80",
        "1.60",
        "1.40",
        "<= 1.5x: met (wall), met (CPU)",
    ]
    assert rows["one-module edit"][:6] == ["14.00", "1.40", "1.60", "11.20", "1.40", "1.45"]
    assert rows["one-module edit"][6] == "<= 1.5x: NOT met (wall), met (CPU)"
    # no paired ratio: judged on the median over the median floor, the paired cells left empty
    assert rows["cold"] == [
        "50.00",
        "5.00",
        "",
        "48.00",
        "6.00",
        "",
        "<= 4.0x: NOT met (wall), NOT met (CPU)",
    ]
    assert rows["floor"][-1] == ""
    assert GOALS["warm"] == GOALS["one-module edit"] == 1.5


def test_median_ratio_pairs_each_run_with_its_own_floor() -> None:
    """Not the median time over the median floor; runs and floors must pair up one to one."""
    times = [(30.0, 30.0), (12.0, 12.0), (14.0, 14.0)]
    floors = [(20.0, 20.0), (10.0, 10.0), (10.0, 8.0)]
    # wall ratios 1.5, 1.2, 1.4 (median 1.4); CPU 1.5, 1.2, 1.75 (median 1.5, where the median time
    # over the median floor, 14/10, would be 1.4)
    assert median_ratio(times, floors) == pytest.approx((1.4, 1.5), rel=1e-15)
    with pytest.raises(ValueError, match="times and floors must pair up one to one .* 3 times and 2 floors"):
        median_ratio(times, floors[:2])
    with pytest.raises(ValueError, match="got 0 times and 0 floors"):
        median_ratio([], [])
    with pytest.raises(ValueError, match=r"floors must be positive \(wall, CPU\) times"):
        median_ratio(times[:1], [(0.0, 1.0)])


def test_each_measured_build_follows_a_floor_build_of_its_own() -> None:
    """floor, edit, build; floor, edit, build: the floors paired with the builds in that order."""
    calls: list[str] = []
    clock = iter([(10.0, 9.0), (15.0, 14.0), (12.0, 11.0), (18.0, 17.0)])

    def floor() -> tuple[float, float]:
        calls.append("floor")
        return next(clock)

    def measure() -> tuple[float, float]:
        calls.append("build")
        return next(clock)

    times, floors = bench._paired(2, lambda n: calls.append(f"edit {n}"), measure, floor)
    assert calls == ["floor", "edit 0", "build", "floor", "edit 1", "build"]
    assert times == [(15.0, 14.0), (18.0, 17.0)]
    assert floors == [(10.0, 9.0), (12.0, 11.0)]
