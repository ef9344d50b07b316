"""Files for other tools, rendered from the papers' cached data: Atom feeds, the collection as
JSON (records with their page addresses) and as CSL-JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from .citation import csl_item
from .feeds import atom_feed


def _json(value) -> str:
    # keys sorted: a paper's data may come from the record or from the cache, whose JSON is canonical
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_export(page, data_of: Callable[[str], dict], site, topic_titles: dict[str, str]) -> str:
    datas = [data_of(paper_id) for paper_id in page.paper_ids]
    if page.kind == "json":
        return _json({"site": site.site_url or None,
                      "papers": [{**d, "url": site.absolute(d["path"])} for d in datas]})
    if page.kind == "csl-json":
        return _json([csl_item(d, site.absolute(d["path"])) for d in datas])
    name = site.site_name or "Papers"
    context = page.context
    if "term" in context:
        label = topic_titles.get(context["term"], context["label"]) if context["facet"] == "topics" else context["label"]
        title = f"{name}: {label}"
    else:
        title = name
    entries = [{"data": d, "url": site.absolute(d["path"])} for d in datas]
    return atom_feed(title, name, site.absolute(page.path), site.absolute(context["page"]), entries, topic_titles)
