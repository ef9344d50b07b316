"""Record text as HTML that shows exactly what was written.

Pages are Markdown files whose record text sits in raw HTML blocks, which Python-Markdown
passes through untouched (its inline processing grows faster than linearly on long text full
of specials). Every value is HTML-escaped; single-line values have their whitespace folded, so
no line of a page can start with something Markdown reads as a block opener (a code fence, an
admonition, a `--8<--` snippet include).
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

from .latex import FieldMath, with_math
from .urls import find_urls

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
# What PyYAML's reader refuses inside a document, even in a quoted string: escape it instead.
NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                                "\U00010000-\U0010ffff]|[\x85\u2028\u2029]")


def fold(value: object) -> object:
    """Jinja's finalize: plain text prints on one line; already-safe HTML is left alone."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return " ".join(value.split())
    return value


def paragraphs(value: str) -> Markup:
    """Long text as HTML paragraphs, one per blank-line-separated block, URLs linked.

    The block has no blank lines, so Markdown sees it as one HTML block."""
    parts = [" ".join(p.split()) for p in PARAGRAPH_BREAK.split(value)]
    field = FieldMath()
    return Markup("\n".join(f"<p>{with_math(p, linked_text, field)}</p>" for p in parts if p))


def linked_text(text: str) -> str:
    """Text escaped for HTML, its http(s) URLs made into links that show the URL as written."""
    pieces, done = [], 0
    for start, end, url in find_urls(text):
        pieces.append(html.escape(text[done:start], quote=False))
        shown = html.escape(url, quote=False)
        pieces.append(f'<a href="{html.escape(url)}" rel="noopener">{shown}</a>')
        done = end
    pieces.append(html.escape(text[done:], quote=False))
    return "".join(pieces)


def meta_value(value: str) -> Markup:
    """A front-matter value (page title, description) as a double-quoted YAML scalar.

    MkDocs themes print `page.meta` values into the HTML head and navigation without
    escaping them, so HTML specials are escaped here. A JSON string is a YAML double-quoted
    scalar; the few characters PyYAML will not read raw become \\u escapes.
    """
    return Markup(_yaml_safe(json.dumps(html.escape(" ".join(value.split())), ensure_ascii=False)))


def _yaml_safe(json_text: str) -> str:
    return NOT_YAML_PRINTABLE.sub(_escaped, json_text)


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def meta_json(value) -> Markup:
    """A front-matter value holding a list or mapping, as JSON (which YAML reads): unescaped, for a
    theme template that escapes every value it prints."""
    return Markup(_yaml_safe(json.dumps(value, ensure_ascii=False)))


def code_block(text: str, css: str = "") -> Markup:
    """Literal text in a code block, as raw HTML, with fence and snippet lines disarmed."""
    classes = " ".join(["highlight", *css.split()])
    code = disarm_fences(html.escape(text, quote=False))
    return Markup(f'<div class="{html.escape(classes)}"><pre><code>{code}</code></pre></div>')


def disarm_fences(html_text: str) -> str:
    """Backticks and tildes as references: code fences are found even inside raw HTML."""
    return html_text.replace("`", "&#96;").replace("~", "&#126;")
