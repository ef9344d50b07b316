"""Turn record text into Markdown that renders exactly as written.

Every value a template prints passes through `escape_md` unless it is already
`Markup` (text made safe by one of the functions here). Markdown and HTML
specials become numeric character references (where they have a meaning), which Python-Markdown leaves alone
and browsers show as the original characters: `*`, `_`, `|`, `<`, `&`, `{`,
backticks and the rest can never turn into formatting, markup or template syntax.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import yaml
from markupsafe import Markup

from .urls import find_urls

# Characters with a Markdown or HTML meaning anywhere in a line...
SPECIAL = frozenset("\\`*_{}[]#|<>&")
# ...and those that only mean something at the start of a block (lists, quotes, rules, fences).
# ("!!!"/"???" open admonitions, "--8<--" includes a file with the snippets extension).
LEADING = re.compile(r"^([-+=~:>!?]|[0-9]+(?=[.)]))")
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n")
URL_SAFE = ":/?#[]@!$&()*+,;=%~-._"


def _escape_chars(text: str) -> str:
    escaped = "".join(f"&#{ord(c)};" if c in SPECIAL else c for c in text)
    return LEADING.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), escaped)


def escape_md(value: object) -> Markup:
    """One line of literal text: whitespace runs fold to a single space."""
    if isinstance(value, Markup):
        return value
    return Markup(_escape_chars(" ".join(str(value).split())))


def paragraphs(value: str) -> Markup:
    """Long literal text as HTML paragraphs, one per blank-line-separated block.

    Written as a raw HTML block, which Markdown passes through untouched: Python-Markdown's
    inline processing slows down more than linearly on long paragraphs full of escapes.
    The block has no blank lines, so Markdown sees it as one HTML block.
    """
    parts = [" ".join(p.split()) for p in PARAGRAPH_BREAK.split(value)]
    return Markup("\n".join(f"<p>{linked_text(p)}</p>" for p in parts if p))


def linked_text(text: str) -> str:
    """Text escaped for HTML, its http(s) URLs made into links that show the URL as written."""
    pieces, done = [], 0
    for start, end, url in find_urls(text):
        pieces.append(html.escape(text[done:start], quote=False))
        pieces.append(f'<a href="{html.escape(url)}" rel="noopener">{html.escape(url, quote=False)}</a>')
        done = end
    pieces.append(html.escape(text[done:], quote=False))
    return "".join(pieces)


def md_url(url: str) -> Markup:
    """A URL for a Markdown link destination `(<...>)`.

    `&` becomes `&amp;`: Markdown keeps entities in URLs as they are, so a literal `&amp;`
    in the record would otherwise reach the browser as `&`.
    """
    return Markup(quote(url, safe=URL_SAFE).replace("&", "&amp;"))


def meta_value(value: str) -> Markup:
    """A front-matter value (page title, description) as a YAML scalar.

    MkDocs themes print `page.meta` values into the HTML head and navigation without
    escaping them, so HTML specials are escaped here; the YAML string itself is read back
    exactly by PyYAML.
    """
    text = yaml.dump(html.escape(" ".join(value.split())), Dumper=yaml.SafeDumper, allow_unicode=True, width=1_000_000, default_style='"')
    return Markup(text.strip().removesuffix("\n..."))


def code_block(text: str, css: str = "") -> Markup:
    """Literal text in a code block, as raw HTML.

    A fenced Markdown block would keep `--8<--` lines live for the snippets extension,
    which runs before code blocks are recognised; escaping `<` here disarms them, and
    fence lines inside the text are disarmed too.
    """
    classes = " ".join(["highlight", *css.split()])
    return Markup(f'<div class="{html.escape(classes)}"><pre><code>{disarm_fences(html.escape(text, quote=False))}</code></pre></div>')


def disarm_fences(html_text: str) -> str:
    """Backticks and tildes as references: code fences are found even inside raw HTML."""
    return html_text.replace("`", "&#96;").replace("~", "&#126;")
