"""The curator's notes: Markdown rendered to HTML, then sanitized.

markdown-it-py (CommonMark) parses in time linear in the input and caps nesting, unlike
Python-Markdown, which took minutes on 30 KB of `[[[`; nh3 then removes anything unsafe.
"""

from __future__ import annotations

import functools

import nh3
from markupsafe import Markup

from .html_text import disarm_fences

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "s", "sup",
    "sub",
}
MAX_NESTING = 40  # block levels (a list and its item are two); deeper notes are refused



@functools.cache
def _markdown():
    # loaded when a note is rendered: a build with nothing to render never needs it
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    return parser.enable(["table", "strikethrough"])


def nesting_problem(text: str) -> str | None:
    """Why notes cannot be shown as written: lists and quotes nested beyond what is rendered."""
    if max((token.level for token in _markdown().parse(text)), default=0) >= MAX_NESTING - 1:
        levels = MAX_NESTING // 2
        return f"lists and quotes nested too deeply (at most {levels} levels); flatten them"
    return None


def render_notes(text: str) -> Markup:
    """HTML of notes, sanitized: no scripts, event handlers, styles or non-http(s) links survive."""
    html = _markdown().render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(disarm_fences(clean))
