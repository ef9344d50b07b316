"""What the search index knows of a paper page: Pagefind filters (topic, year, venue, tag,
author), the metadata a result shows and the keys results can be sorted by. Values are plain
text: LaTeX and markup resolved."""

from __future__ import annotations

import re
from urllib.parse import quote

from .latex import plain_text
from .model import date_sort_key
from .order import folded_title

AUTHORS_SHOWN = 6  # a result names the first few authors; the filter keeps them all
# Pagefind looks a chosen filter value up by its text as written in JSON, escapes included, so a
# value holding `"`, `\\` or a control character is listed but never found; and it decodes HTML
# entities in a value twice, so `&amp;` typed in a tag was listed as `&`. Those characters (an `&`
# only where an entity could start) are written percent-encoded in the index, and `%` too, so that
# decoding is exact; the search page shows the values decoded and filters by the encoded text.
ENCODED = re.compile(r'[%"\\\x00-\x1f\x7f-\x9f]|&(?=[A-Za-z0-9#])')


def filter_text(text: str) -> str:
    """A value as the search page shows and filters it: Pagefind keeps a filter value with its
    spaces collapsed and trimmed, so a link that names a value (a topic page's) must too."""
    return " ".join(str(text).split())


def index_value(text: str) -> str:
    """The text written into the index for a filter value."""
    return ENCODED.sub(lambda m: quote(m.group(), safe=""), filter_text(text))


def search_fields(paper, topic_titles: dict[str, str], parents: dict[str, str | None],
                  venues: tuple[str, ...] = ()) -> dict:
    """{"filters": {name: [values]}, "meta": {name: text}, "sort": {name: key}} for one paper
    page. A paper in a sub-topic is found under its parent area too; venues: its venue series
    (venues.py)."""
    topics = []
    for topic_id in paper.topics:
        for tid in (topic_id, parents.get(topic_id)):
            if tid and topic_titles.get(tid, tid) not in topics:
                topics.append(topic_titles.get(tid, tid))
    authors = [plain_text(a.name) for a in paper.authors]
    filters = {
        "topic": topics,
        "year": [paper.year] if paper.year else [],
        "venue": [plain_text(venue) for venue in venues],
        "tag": list(paper.tags),
        "author": authors,
    }
    shown = ", ".join(authors[:AUTHORS_SHOWN]) + (" et al." if len(authors) > AUTHORS_SHOWN else "")
    meta = {"title": plain_text(paper.title), "authors": shown, "year": paper.year or "",
            "topics": " · ".join(topic_titles.get(t, t) for t in paper.topics)}
    indexed = {name: [index_value(v) for v in values] for name, values in filters.items() if values}
    return {"filters": indexed, "meta": {k: v for k, v in meta.items() if v},
            "sort": sort_keys(paper)}


def sort_keys(paper) -> dict[str, str]:
    """Pagefind compares the keys as text: a date as its start (a year alone before its months),
    a paper without date or year first ("0"); a title folded as listings order it."""
    return {"date": date_sort_key(paper.date) or paper.year or "0",
            "title": folded_title(paper.title) or paper.id}
