"""mpmath's working precision is local to a page: what one page sets never reaches the next.

MkDocs builds the pages of a site one after the other in one process, and mpmath's precision
(``mpmath.mp.dps``) is process-wide. Pages raise it locally (``with mpmath.workdps(...)``); the
site's plugin also puts it back to mpmath's default at the start and end of every page, so even a
page that sets the global (``mpmath.mp.dps = 40``) leaves the others as a fresh process finds them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

#: Raises precision both ways: locally, and (what a page must not do) globally without restoring.
RAISES = """# Raises

```python exec="1" id="raise-local"
import mpmath
with mpmath.workdps(50):
    print("local:", mpmath.mp.dps, mpmath.nstr(mpmath.mpf(1) / 3, 40))
```

```python exec="1" id="raise-global"
import mpmath
mpmath.mp.dps = 40
print("global:", mpmath.mp.dps)
```
"""

#: Prints the precision it finds, and a value whose digits depend on it.
PRINTS = """# Prints

```python exec="1" id="print-precision"
import mpmath
print("found:", mpmath.mp.dps, mpmath.nstr(mpmath.mpf(1) / 3, 30))
```
"""


def _found(html: str) -> str:
    m = re.search(r"found: (\d+) ([0-9.]+)", html)
    assert m, html[:500]
    return m.group(0)


@pytest.mark.parametrize(
    "names",
    [("a-raises.md", "b-prints.md"), ("b-raises.md", "a-prints.md")],
    ids=["raising-page-first", "printing-page-first"],
)
def test_precision_does_not_leak_between_pages(mini_site, tmp_path: Path, names: tuple[str, str]) -> None:
    """Built in either order, the printing page finds mpmath's default (15 digits, 1/3 to 15 digits)."""
    raises, prints = names
    proc = mini_site({"index.md": "# Home\n", raises: RAISES, prints: PRINTS})
    assert proc.returncode == 0, proc.stderr
    site = tmp_path / "site"
    found = _found((site / prints.removesuffix(".md") / "index.html").read_text(encoding="utf-8"))
    # 1/3 printed with 30 significant digits at 15 decimal digits of precision (53 bits) is
    # 0.333333333333333314829616256247 (the double nearest 1/3: 6004799503160661 / 2**54)
    assert found == "found: 15 0.333333333333333314829616256247"
    raised = (site / raises.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "local: 50 0.3333333333333333333333333333333333333333" in raised
    assert "global: 40" in raised


def global_precision_sets(source: str) -> list[int]:
    """Lines of ``source`` that assign mpmath's global precision (``mp.dps = ...``, ``mp.prec += ...``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for t in targets:
            if (
                isinstance(t, ast.Attribute)
                and t.attr in {"dps", "prec"}
                and isinstance(t.value, (ast.Attribute, ast.Name))
                and (t.value.attr if isinstance(t.value, ast.Attribute) else t.value.id) == "mp"
            ):
                lines.append(node.lineno)
    return lines


def test_the_finder_sees_both_spellings() -> None:
    """The finder flags ``mpmath.mp.dps = 60`` and ``mp.prec += 10``, not ``workdps`` (so it can fail)."""
    assert global_precision_sets(
        "import mpmath\nmpmath.mp.dps = 60\nwith mpmath.workdps(50):\n    pass\n"
    ) == [2]
    assert global_precision_sets("from mpmath import mp\nmp.prec += 10\n") == [2]


def test_no_code_sets_the_global_precision() -> None:
    """Package, tests, tools and the pages' blocks raise mpmath's precision only locally (``workdps``).

    The one exception is the fixture of ``tests/conftest.py`` that puts the precision back after
    each test. The pages' blocks are read from their fences (the string pages of the tests above,
    which set it on purpose, are strings, not code).
    """
    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("nnnotes", "tests", "tools"):
        for path in sorted((root / folder).rglob("*.py")):
            if path == root / "tests" / "conftest.py":
                continue
            found += [
                (str(path.relative_to(root)), n) for n in global_precision_sets(path.read_text("utf-8"))
            ]
    for page in sorted((root / "docs").rglob("*.md")):
        for block in re.findall(r"^```python[^\n]*\n(.*?)^```", page.read_text("utf-8"), flags=re.M | re.S):
            found += [(str(page.relative_to(root)), n) for n in global_precision_sets(block)]
    assert found == []
