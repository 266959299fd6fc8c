"""The library is numpy-only: importing any of its modules loads neither sympy, mpmath nor matplotlib."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: The top-level library modules (issue #16); each must import without the heavy dependencies.
LIBRARY_MODULES = [
    "nnnotes.activations",
    "nnnotes.arrays",
    "nnnotes.deepnets",
    "nnnotes.linear",
    "nnnotes.losses",
    "nnnotes.mlp",
    "nnnotes.optim",
    "nnnotes.reparam",
    "nnnotes.softmax",
    "nnnotes.speed",
]

HEAVY = ("sympy", "mpmath", "matplotlib", "scipy")


@pytest.mark.parametrize("module", LIBRARY_MODULES)
def test_library_module_loads_no_heavy_dependency(module: str) -> None:
    """A fresh interpreter imports the module; none of sympy, mpmath, matplotlib, scipy is loaded."""
    code = f"import sys, {module}\nprint(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{module} loads {done.stdout.strip()}"


def test_the_check_sees_a_heavy_import() -> None:
    """The probe is not blind: a module that does import sympy is reported."""
    code = f"import sys, nnnotes.proofs.symbolic\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "sympy" in done.stdout
