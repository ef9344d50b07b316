"""The curator's notes: Markdown rendered to HTML, then sanitized."""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

from .html_text import disarm_fences

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
}


def render_notes(text: str) -> Markup:
    """HTML of notes, sanitized: no scripts, event handlers, styles or non-http(s) links survive."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(disarm_fences(clean))

