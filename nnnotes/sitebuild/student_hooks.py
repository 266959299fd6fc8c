"""Entry point named in ``mkdocs.yml`` for the student edition (`nnnotes.sitebuild.student`)."""

from nnnotes.sitebuild.student import on_page_content, on_page_markdown  # noqa: F401
