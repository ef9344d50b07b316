"""The data file of the map page: every paper's place (from `discovery`), area and title."""

from __future__ import annotations

import json
from collections.abc import Callable

from .latex import plain_text
from .urls import site_url


def area_of(topic_ids, topics: dict) -> str | None:
    """A paper's research area: its first topic's top-level topic."""
    if not topic_ids or topic_ids[0] not in topics:
        return None
    topic = topics[topic_ids[0]]
    return topic.parent or topic.id


def map_json(page, data_of: Callable[[str], dict], topics: dict, directory_urls: bool) -> str:
    """{"areas": [title, ...], "papers": [[x, y, area index or -1, title, url, year], ...]}; URLs
    relative to the site's root."""
    areas = [t.id for t in topics.values() if t.parent is None]
    index = {a: i for i, a in enumerate(areas)}
    papers = []
    for paper_id, (x, y) in zip(page.paper_ids, page.context["points"], strict=True):
        data = data_of(paper_id)
        where = index.get(area_of(data.get("topics"), topics), -1)
        papers.append([x, y, where, plain_text(data["title"]), site_url(data["path"], directory_urls), data.get("year")])
    value = {"areas": [topics[a].title for a in areas], "papers": papers}
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
