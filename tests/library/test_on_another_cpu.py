"""The library's tests and doctests once more, on numpy's other common x86-64 path.

numpy's ``exp``, ``log``, ``tanh``, ... have an AVX-512 and an AVX2 implementation, and their last
bits differ: ``np.exp(-36.0)`` is ``2.319522830243569e-16`` with one and ``2.3195228302435696e-16``
with the other. A test or a doctest that pins such a bit passes on one CPU and fails on the other,
and a page's claim can do the same (6.3's float64 $p_2$ was within half an ulp with AVX-512 and 0.59
ulp off with AVX2). The suite runs on the path of the machine it runs on; on a machine with AVX-512
this test runs the library's tests and doctests, and the experiments' tests that pin the values 6.3
prints, again in a fresh interpreter with the AVX-512 features turned off through numpy's public
switch ``NPY_DISABLE_CPU_FEATURES`` (numpy then takes its AVX2 loops, as on a CPU without AVX-512).
On a machine without AVX-512 the suite itself takes the AVX2 path and the other one cannot be
turned on, so the test is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What runs again: every library module's doctests, the library's tests, and the experiments'
#: tests that pin what 6.3 prints (p2 and the tiny losses).
TARGETS = (
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "nnnotes").glob("*.py")),
    "tests/library",
    "tests/experiments/test_forward_pass.py",
    "tests/experiments/test_losses_experiments.py",
)
SIMD_JS = "import json, numpy as np; print(json.dumps(np.show_config(mode='dicts')['SIMD Extensions']))"


def _avx512_features(found: list[str]) -> list[str]:
    """The features numpy found that belong to AVX-512 (named ``X86_V4``, ``AVX512_*`` or ``AVX512F``)."""
    return [f for f in found if f == "X86_V4" or f.startswith("AVX512")]


def _simd(env: dict[str, str]) -> dict[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", SIMD_JS], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_library_passes_with_avx512_turned_off(tmp_path: Path) -> None:
    """Every library test and doctest passes on numpy's AVX2 path too (a fresh interpreter, no AVX-512)."""
    found = np.show_config(mode="dicts")["SIMD Extensions"]["found"]
    off = _avx512_features(found)
    if not off:
        pytest.skip(f"numpy finds no AVX-512 here ({found}): the suite itself runs the AVX2 path")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(off)}
    left = _simd(env)["found"]
    assert not _avx512_features(left) and ("X86_V3" in left or "AVX2" in left), left  # AVX2 is left
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + ["--basetemp", str(tmp_path / "base"), "--ignore", str(Path(__file__).relative_to(ROOT))]
        + list(TARGETS),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, f"with {env['NPY_DISABLE_CPU_FEATURES']} off:\n{proc.stdout[-6000:]}"
    assert " passed" in proc.stdout.splitlines()[-1], proc.stdout[-2000:]
