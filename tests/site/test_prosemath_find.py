r"""The prose checker finds the formulas the site renders: arithmatex's reading, not a pattern's.

Each false claim below was rendered as math on the site but hidden from the checker by its own
pattern for ``$...$`` (found by comparing the two); each piece of text that only looks like math
renders as text, and is not checked.
"""

from __future__ import annotations

import pytest

from nnnotes.sitebuild.minisite import project_config
from nnnotes.sitebuild.prosemath import check_page
from nnnotes.sitebuild.prosemath_find import EXTENSION_CONFIGS, EXTENSIONS, rendered_math


def _errors(md: str) -> list[str]:
    return check_page(f"# T\n\n{md}\n", {}, {}, page="p.md").errors


def test_the_extensions_are_the_site_s() -> None:
    """The finder renders with mkdocs.yml's extensions and options, in its order."""
    names, configs = [], {}
    for entry in project_config()["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        if options:
            configs[name] = options
    assert (list(EXTENSIONS), EXTENSION_CONFIGS) == (names, configs)


@pytest.mark.parametrize(
    "md",
    [
        "Two formulas touching: $1 = 1$$2 = 3$.",
        "It costs $5, and $2 = 3$ here.",  # a lone dollar sign before a formula
        r"An escaped \$x = 1$ sign, and $2 = 3$ here.",  # the pattern paired the wrong dollar signs
        r"An escaped backslash \\$2 = 3$ here.",
        "```\nan unclosed fence is no fence\n\nThen $2 = 3$.",
    ],
)
def test_math_the_pattern_missed_is_checked(md: str) -> None:
    """Each false claim is math on the site; it now fails the build, naming its line."""
    errors = _errors(md)
    assert len(errors) == 1 and "2 = 3" in errors[0] and "does not hold" in errors[0], errors


@pytest.mark.parametrize(
    "md",
    [
        "Inside a paragraph \\[2 = 3\\] shows brackets.",
        "Double backticks: ``$2 = 3$`` is code.",
        "Spaces inside: $ 2 = 3 $ is text.",  # arithmatex's smart dollar: not math
        "```python\nx = '$2 = 3$'\n```",
    ],
)
def test_text_that_only_looks_like_math_is_not_checked(md: str) -> None:
    """The site shows each as text or code, so the prose states no formula there."""
    assert _errors(md) == []
    assert rendered_math(md) == []


def test_each_formula_is_found_on_its_line() -> None:
    """Lines count from 1 in the text given, after fences and wrapped formulas."""
    md = "Intro $a = 1$.\n\n```\n$b = 2$\n```\n\nA formula that wraps $c\n= 3$, and\n\n$$\nd = 4\n$$\n"
    assert rendered_math(md) == [(1, "a = 1"), (7, "c = 3"), (11, "d = 4")]
    errors = _errors("Line three.\n\nAnd $2 = 3$ on the fifth.")
    assert len(errors) == 1 and errors[0].startswith("p.md:5:"), errors


def test_a_placeholder_stays_whole() -> None:
    """A ``{{ placeholder }}`` in a formula is returned as written, for the checker to fill in."""
    assert rendered_math("So $n = {{ n:pow10 }}$ here.") == [(1, "n = {{ n:pow10 }}")]


def test_text_must_be_a_string() -> None:
    """Bad input is named."""
    with pytest.raises(TypeError, match="text must be a string"):
        rendered_math(b"$x = 1$")  # type: ignore[arg-type]
