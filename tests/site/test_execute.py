"""The block runner (`nnnotes.sitebuild.execute.Sessions`): what it refuses, outside pytest's filters."""

from __future__ import annotations

import warnings

import pytest
from markdown_exec import ExecutionError

from nnnotes.sitebuild.execute import Sessions


@pytest.mark.parametrize("code", ['print("$\\log 2$")', 'x = "\\sigma"'], ids=["print", "assignment"])
def test_a_compiler_warning_fails_the_block_where_warnings_are_ignored(code: str) -> None:
    """An invalid escape fails the block even where warnings are ignored (a build is not pytest)."""
    assert "\\l" in code or "\\s" in code  # the block's source holds one backslash, not two
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ExecutionError, match="invalid escape sequence"):
            Sessions().run(code, id="escape")


def test_an_escaped_backslash_and_a_raw_string_run() -> None:
    """The two right ways to write TeX in a block's string run and print the backslash."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert Sessions().run('print("$\\\\log 2$", r"$\\sigma$")') == "$\\log 2$ $\\sigma$\n"
