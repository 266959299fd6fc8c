"""Entry point named in ``mkdocs.yml`` for the student edition.

Folded boxes (`nnnotes.sitebuild.student`) and numbered results (`nnnotes.sitebuild.numbering`).
"""

from typing import Any

from nnnotes.sitebuild import numbering, student
from nnnotes.sitebuild.numbering import on_post_page, on_pre_build  # noqa: F401
from nnnotes.sitebuild.student import on_page_markdown  # noqa: F401


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Open the boxes, add the switch, then number the results."""
    html_text = student.on_page_content(html_text, page, config, files)
    return numbering.on_page_content(html_text, page, config, files)
