"""The data file of the map page: every paper's place (from `discovery`), area and title."""

from __future__ import annotations

import json
from collections.abc import Callable

from .exports import Fragment, made
from .latex import plain_text
from .pageurls import site_url


def area_of(topic_ids, topics: dict) -> str | None:
    """A paper's research area: its first topic's top-level topic."""
    if not topic_ids or topic_ids[0] not in topics:
        return None
    topic = topics[topic_ids[0]]
    return topic.parent or topic.id


def map_json(page, data_of: Callable[[str], dict], topics: dict, directory_urls: bool,
             fragment: Fragment = made) -> str:
    """{"areas": [title, ...], "papers": [[x, y, area index or -1, title, url, year], ...]}; URLs
    relative to the site's root. Written piece by piece, so that what a paper shows besides its
    place can come from `fragment`; the text is what json.dumps gives of the whole."""
    areas = [t.id for t in topics.values() if t.parent is None]
    index = {a: i for i, a in enumerate(areas)}

    def shown(paper_id: str) -> str:
        data = data_of(paper_id)
        where = index.get(area_of(data.get("topics"), topics), -1)
        url = site_url(data["path"], directory_urls)
        return _dumps([where, plain_text(data["title"]), url, data.get("year")])[1:-1]

    # float.__repr__ is what json.dumps writes for a float, at a fraction of the cost of a call per
    # number
    papers = ",".join(f"[{float(x)!r},{float(y)!r},{fragment('map', i, lambda i=i: shown(i))}]"
                      for i, (x, y) in zip(page.paper_ids, page.context["points"], strict=True))
    return f'{{"areas":{_dumps([topics[a].title for a in areas])},"papers":[{papers}]}}\n'


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
