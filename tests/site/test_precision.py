"""mpmath's working precision is local to a page: what one page sets never reaches the next.

MkDocs builds the pages of a site one after the other in one process, and mpmath's precision
(``mpmath.mp.dps``) is process-wide. Pages raise it locally (``with mpmath.workdps(...)``); the
site's plugin also puts it back to mpmath's default at the start and end of every page, so even a
page that sets the global (``mpmath.mp.dps = 40``) leaves the others as a fresh process finds them.
"""

from __future__ import annotations

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
