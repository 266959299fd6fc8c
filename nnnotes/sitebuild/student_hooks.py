"""Entry point named in ``mkdocs.yml`` for the student edition.

Folded boxes (`nnnotes.sitebuild.student`), numbered results (`nnnotes.sitebuild.numbering`) and
citations (`nnnotes.sitebuild.citations`), provenance (`nnnotes.sitebuild.provenance`).
"""

from typing import Any

from nnnotes.sitebuild import citations, numbering, provenance, student
from nnnotes.sitebuild.numbering import on_post_page, on_pre_build  # noqa: F401
from nnnotes.sitebuild.provenance import on_post_build  # noqa: F401


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Generate the References sections, then add the Code boxes."""
    markdown = citations.on_page_markdown(markdown, page, config, files)
    return student.on_page_markdown(markdown, page, config, files)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Open the boxes, add the switch, then number the results."""
    html_text = citations.on_page_content(html_text, page, config, files)
    html_text = student.on_page_content(html_text, page, config, files)
    html_text = numbering.on_page_content(html_text, page, config, files)
    return provenance.on_page_content(html_text, page, config, files)
