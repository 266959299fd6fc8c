"""The library modules of batch normalization, optimisation and curvature import numpy only.

Read from the code: every ``import`` of each module, followed through the nnnotes modules it
imports, must reach neither sympy, mpmath nor matplotlib, and never the checking engine, the
proofs or the experiments (imports run one way). The package's ``__init__`` is not followed: what
it re-exports is the business of the modules it imports, each checked on its own.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sympy", "mpmath", "matplotlib")
UPWARD = ("nnnotes.check", "nnnotes.proofs", "nnnotes.experiments", "nnnotes.figures", "nnnotes.sitebuild")
MODULES = (
    "nnnotes.batchnorm",
    "nnnotes.batchnorm_layer",
    "nnnotes.batchnorm_jacobian",
    "nnnotes.relu_network",
    "nnnotes.tanhnet",
    "nnnotes.quadratic",
    "nnnotes.curvature",
    "nnnotes.symmetry",
    "nnnotes.linear_autoencoder",
    "nnnotes.rank_correlation",
)


def _imports(module: str) -> set[str]:
    """Return the absolute names a module's code imports (``from nnnotes import x`` gives nnnotes.x)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "nnnotes":
                names.update(f"nnnotes.{a.name}" for a in node.names)
    return names


def _reached(module: str) -> set[str]:
    """Return every name imported by ``module`` and, recursively, by the nnnotes modules it imports."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in _imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                if name.startswith("nnnotes.") and (ROOT / (name.replace(".", "/") + ".py")).exists():
                    todo.append(name)
    return seen


@pytest.mark.parametrize("module", MODULES)
def test_library_module_reaches_no_heavy_package(module: str) -> None:
    """No import chain from the module reaches sympy, mpmath or matplotlib, or a higher layer."""
    reached = _reached(module)
    heavy = sorted(n for n in reached if n.split(".")[0] in HEAVY)
    upward = sorted(n for n in reached if n.startswith(UPWARD))
    assert not heavy and not upward, (heavy, upward)


def test_the_reader_sees_a_heavy_import() -> None:
    """The check can fail: a proofs module reaches sympy (and the checking engine)."""
    reached = _reached("nnnotes.proofs.batchnorm")
    assert "sympy" in reached and "nnnotes.check" in reached


def test_importing_them_loads_no_heavy_package() -> None:
    """In a fresh interpreter, with the package's ``__init__`` left out, the imports load none of them."""
    code = (
        "import sys, types; pkg = types.ModuleType('nnnotes'); pkg.__path__ = ['nnnotes']; "
        "sys.modules['nnnotes'] = pkg; "
        + "; ".join(f"import {m}" for m in MODULES)
        + f"; print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
