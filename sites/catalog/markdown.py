"""Markdown bodies rendered to sanitised HTML.

Raw HTML in a body is shown as text (markdown-it with `html` off), and the output goes through nh3
(the ammonia sanitiser) as a second wall, so no script, event handler or `javascript:` link survives.
"""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


@lru_cache(maxsize=4096)
def render_markdown(source: str) -> str:
    """Render a Markdown body to HTML that is safe to insert into a page."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
