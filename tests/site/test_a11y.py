"""Build-time accessibility and search fixes (`nnnotes.sitebuild.a11y`) on real KaTeX output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nnnotes.sitebuild import a11y
from nnnotes.sitebuild.katex import KatexRenderer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def katex():
    """One node process for the module."""
    r = KatexRenderer()
    yield r
    r.close()


@pytest.mark.parametrize("display", [False, True])
@pytest.mark.parametrize(
    "tex", [r"x = (3, 1, -1)", r"\frac{1}{1 + e^{-x}}", r"\begin{aligned} a &= b \\ &\le c \end{aligned}"]
)
def test_hidden_formula_keeps_mathml_only_and_restores_exactly(katex, tex: str, display: bool) -> None:
    """Held back, a formula keeps only its MathML (TeX unindexed); restored, it is KaTeX's output."""
    html = katex.render(tex, display)
    store = a11y.VisualStore()
    hidden = a11y.hide_visual(html, store)
    assert 'class="katex-html"' not in hidden and "<math" in hidden
    assert '<annotation encoding="application/x-tex" data-search-exclude>' in hidden
    restored = a11y.restore_visual(f"<p>{hidden}</p>", store)
    assert restored == "<p>" + html.replace('x-tex">', 'x-tex" data-search-exclude>') + "</p>"


def test_tables_are_numbered_by_section_without_markup_or_math() -> None:
    """Names come from the nearest heading's text, without its formulas or permalink."""
    page = (
        '<h2 id="a">Rows of <span class="arithmatex">\\(W\\)</span>'
        '<a class="headerlink" href="#a">&para;</a></h2><table></table><table></table>'
        "<h3>Next &amp; last</h3><table></table>"
    )
    names = re.findall(r'aria-label="([^"]*)"', a11y.label_tables(page))
    assert names == ["Table 1: Rows of", "Table 2: Rows of", "Table 3: Next &amp; last"]


def test_search_partial_differs_from_materials_only_by_the_dialog_name() -> None:
    """The overridden partial is Material's installed one plus an accessible name for the dialog.

    An upgrade of Material that changes its partial fails here, so the override cannot go stale.
    """
    import material

    theirs = (Path(material.__file__).parent / "templates" / "partials" / "search.html").read_text()
    ours = (ROOT / "nnnotes" / "sitebuild" / "theme" / "partials" / "search.html").read_text()

    def body(text: str) -> str:
        return re.sub(r"^\{#-.*?-#\}\n", "", text, flags=re.S)

    dialog = '<div class="md-search" data-md-component="search" role="dialog"'
    assert body(ours) == body(theirs).replace(dialog, dialog + " aria-label=\"{{ lang.t('search') }}\"", 1)
    assert body(ours) != body(theirs)


def test_every_docstring_example_is_in_an_examples_section() -> None:
    """A ``>>>`` outside a numpydoc Examples section renders as nested quotes, not code."""
    import ast

    offenders = []
    for path in sorted((ROOT / "nnnotes").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node) or ""
                if ">>>" in doc and "Examples\n--------" not in doc[: doc.index(">>>")]:
                    offenders.append(f"{path.relative_to(ROOT)}:{getattr(node, 'name', '<module>')}")
    assert offenders == []


def test_no_docstring_uses_sphinx_s_tilde_shorthand() -> None:
    """`~module.name` (Sphinx's "show the last part") is printed as written, tilde and all, by mkdocstrings.

    Every docstring is read: a module's, a class's, a function's, and an attribute's (the bare string
    after an assignment), and so are ``#:`` comments, which document attributes too.
    """
    import ast

    tilde = re.compile(r"(?<!`)`~[A-Za-z_]")
    offenders = []
    for path in sorted((ROOT / "nnnotes").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str) and tilde.search(node.value.value):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for i, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#:") and tilde.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{i}")
    assert offenders == []
