"""The library is numpy-only: importing any of its modules loads neither sympy, mpmath nor matplotlib."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tools import import_graph

#: Every library module (the package's top level, as `tools.import_graph` reads the layers), and the
#: package itself: its exports are loaded on first use.
LIBRARY_MODULES = ["nnnotes"] + sorted(
    m for m in import_graph.modules() if m != "nnnotes" and import_graph.layer_of(m) == "library"
)

HEAVY = ("sympy", "mpmath", "matplotlib", "scipy")


@pytest.mark.parametrize("module", LIBRARY_MODULES)
def test_library_module_loads_no_heavy_dependency(module: str) -> None:
    """A fresh interpreter imports the module; none of sympy, mpmath, matplotlib, scipy is loaded."""
    code = f"import sys, {module}\nprint(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{module} loads {done.stdout.strip()}"


def test_the_library_is_all_there() -> None:
    """The discovered list holds the library's modules (a wrong layer rule would empty it)."""
    assert {"nnnotes.activations", "nnnotes.batchnorm", "nnnotes.optim", "nnnotes.tanhnet"} <= set(
        LIBRARY_MODULES
    )
    assert not any(
        m.startswith(("nnnotes.check", "nnnotes.proofs", "nnnotes.sitebuild")) for m in LIBRARY_MODULES
    )


def test_the_check_sees_a_heavy_import() -> None:
    """The probe is not blind: a module that does import sympy is reported."""
    code = f"import sys, nnnotes.proofs.symbolic\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "sympy" in done.stdout
