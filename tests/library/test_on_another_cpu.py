r"""The library's tests and doctests, and the whole site's build, again on numpy's other x86-64 paths.

numpy's ``exp``, ``log``, ``tanh``, ... have an AVX-512 and an AVX2 implementation, and on a CPU
with neither it calls the C library's functions; their last bits differ: ``np.exp(-36.0)`` is
``2.319522830243569e-16`` with AVX-512 and ``2.3195228302435696e-16`` with AVX2, and the textbook
$1 - \tanh^2(x)$ is 0 from 18.99 with either loop but from 19.06 with glibc's ``tanh``. A test, a
doctest or a page's claim that pins such a bit passes on one CPU and fails on another (6.3's float64
$p_2$ was within half an ulp with AVX-512 and 0.59 ulp off with AVX2; 6.1's claim on
$1 - \tanh^2$ failed the build without AVX2). The suite runs on the path of the machine it runs on;
this test runs the library's tests, every doctest of the package, the experiments' tests that pin
what 6.3 prints, and a strict build of the whole site (every block run, no cache) again, in fresh
interpreters with numpy's faster paths turned off through its public switch
``NPY_DISABLE_CPU_FEATURES``: once without AVX-512 (numpy takes its AVX2 loops) and once without
AVX2 either (the C library's functions, as on an x86-64 CPU older than 2013 or a virtual machine
that shows only SSE). A path that is the machine's own, or that the machine cannot take, is
skipped, saying why.
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
#: What runs again: every doctest of the package, the library's tests, and the experiments' tests
#: that pin what 6.3 prints (p2 and the tiny losses); the build checks every page's claims.
TARGETS = (
    "nnnotes",
    "tests/library",
    "tests/experiments/test_forward_pass.py",
    "tests/experiments/test_losses_experiments.py",
    "tests/experiments/test_vanishing_gradients.py",
)
SIMD_JS = "import json, numpy as np; print(json.dumps(np.show_config(mode='dicts')['SIMD Extensions']))"


def _avx512(feature: str) -> bool:
    return feature == "X86_V4" or feature.startswith("AVX512")


def _avx2(feature: str) -> bool:
    """AVX2 and what comes with it in numpy's names (``X86_V3`` in numpy 2.4, the older names too)."""
    return feature in {"X86_V3", "AVX2", "FMA3", "AVX", "F16C"}


#: Each other path: the features turned off to take it, and a feature that must be left on.
PATHS = {
    "avx2": (_avx512, "X86_V3"),
    "sse": (lambda f: _avx512(f) or _avx2(f), None),
}


def _simd(env: dict[str, str]) -> dict[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", SIMD_JS], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_the_library_and_the_site_pass_on_another_path(path: str, tmp_path: Path) -> None:
    """Every library test and doctest passes, and the site builds strictly, on numpy's ``path`` too."""
    simd = np.show_config(mode="dicts")["SIMD Extensions"]
    found, baseline = simd.get("found", []), simd.get("baseline", [])
    turn_off, keep = PATHS[path]
    off = [f for f in found if turn_off(f)]
    if not off:
        pytest.skip(
            f"numpy finds nothing to turn off for the {path} path here ({found}): it is this path or below"
        )
    if any(turn_off(f) for f in baseline):
        pytest.skip(f"numpy was built for {baseline} at least: the {path} path cannot be taken")
    if keep is not None and keep not in found + baseline:
        pytest.skip(f"this CPU has no {keep}: the {path} path cannot be taken")
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(off), "PYTHONDONTWRITEBYTECODE": "1"}
    left = _simd(env)
    assert not [f for f in left.get("found", []) if turn_off(f)], left
    assert keep is None or keep in left.get("found", []) + left.get("baseline", []), left
    tests = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + ["--basetemp", str(tmp_path / "base"), "--ignore", str(Path(__file__).relative_to(ROOT))]
        + list(TARGETS),
        env,
    )
    assert tests.returncode == 0, f"with {env['NPY_DISABLE_CPU_FEATURES']} off:\n{tests.stdout[-6000:]}"
    assert " passed" in tests.stdout.splitlines()[-1], tests.stdout[-2000:]
    # every block run (no cache: its outputs are this machine's path's), every claim checked
    build_env = {**env, "NNNOTES_CACHE": "off", "NNNOTES_DOWNLOADS": "", "NO_MKDOCS_2_WARNING": "1"}
    build = _run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")], build_env
    )
    assert build.returncode == 0, f"with {env['NPY_DISABLE_CPU_FEATURES']} off:\n{build.stderr[-6000:]}"
    assert (tmp_path / "site" / "exercise-6-1" / "index.html").is_file()
