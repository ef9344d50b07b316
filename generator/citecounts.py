"""The citation count a record holds (`citations`, written by `import` and `sync` of Semantic
Scholar and OpenAlex), as pages show it: the count, who counted and on which day. Pages only
show what the record says: nothing is asked of a service when a page is built or viewed."""

from __future__ import annotations

from markupsafe import Markup, escape

SOURCES = {"semantic-scholar": "Semantic Scholar", "openalex": "OpenAlex"}


def cited_text(cited: dict) -> Markup:
    """`962 (OpenAlex, 2026-12-07)`, the day as a <time>."""
    source = SOURCES.get(str(cited.get("source")), str(cited.get("source")))
    day = escape(str(cited.get("date")))
    return Markup(f'{escape(str(cited.get("count")))} ({escape(source)}, '
                  f'<time datetime="{day}">{day}</time>)')
