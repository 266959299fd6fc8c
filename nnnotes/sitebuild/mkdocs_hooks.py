"""Entry point named in ``mkdocs.yml``: re-exports the hooks of `nnnotes.sitebuild.hooks`.

MkDocs loads a hooks file as a module of its own; importing the real module here makes the pages'
executed blocks and the hooks share one state (the errata found, the page being built).
"""

from nnnotes.sitebuild.hooks import (  # noqa: F401
    on_config,
    on_files,
    on_page_content,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_pre_build,
)
