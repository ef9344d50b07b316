"""What the search index knows of a paper page: Pagefind filters (topic, year, venue, tag,
author) and the metadata a result shows. Values are plain text: LaTeX and markup resolved."""

from __future__ import annotations

from .latex import plain_text

AUTHORS_SHOWN = 6  # a result names the first few authors; the filter keeps them all
# Filter names as they appear in the search page's URL and facets, in display order.
FILTERS = ("topic", "year", "venue", "tag", "author")


def search_fields(paper, topic_titles: dict[str, str], parents: dict[str, str | None]) -> dict:
    """{"filters": {name: [values]}, "meta": {name: text}} for one paper page. A paper in a
    sub-topic is found under its parent area too."""
    topics = []
    for topic_id in paper.topics:
        for tid in (topic_id, parents.get(topic_id)):
            if tid and topic_titles.get(tid, tid) not in topics:
                topics.append(topic_titles.get(tid, tid))
    authors = [plain_text(a.name) for a in paper.authors]
    filters = {
        "topic": topics,
        "year": [paper.year] if paper.year else [],
        "venue": [plain_text(paper.venue)] if paper.venue else [],
        "tag": list(paper.tags),
        "author": authors,
    }
    shown = ", ".join(authors[:AUTHORS_SHOWN]) + (" et al." if len(authors) > AUTHORS_SHOWN else "")
    meta = {"title": plain_text(paper.title), "authors": shown, "year": paper.year or "",
            "topics": " · ".join(topic_titles.get(t, t) for t in paper.topics)}
    return {"filters": {name: values for name, values in filters.items() if values}, "meta": {k: v for k, v in meta.items() if v}}
