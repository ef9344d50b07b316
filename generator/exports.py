"""Files for other tools, rendered from the papers' cached data: Atom feeds, the collection as
JSON (records with their page addresses) and as CSL-JSON."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable

from .citation import csl_item
from .feeds import STYLESHEET, atom_feed


def _item(value) -> str:
    # Keys sorted: a paper's data may come from the record or from the cache, whose JSON is
    # canonical. No indent: only then does json use its C encoder, about ten times faster on a large
    # collection.
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# (kind, paper id, how to make it) -> a paper's piece of a whole-collection file. A build with a
# cache hands out the piece it kept when the paper's data did not change; `made` always makes it.
Fragment = Callable[[str, str, Callable[[], str]], str]


def made(kind: str, paper_id: str, make: Callable[[], str]) -> str:
    return make()


def _lines(texts: list[str]) -> str:
    """A JSON array with one item per line: small diffs when a record changes, yet compact."""
    return "[\n" + ",\n".join(texts) + "\n]" if texts else "[]"


def _json_item(d: dict, site) -> str:
    return _item({**d, "url": site.absolute(d["path"])})


def _csl_item(d: dict, site) -> str:
    return _item(csl_item(d, site.absolute(d["path"])))


def json_export(page, data_of: Callable[[str], dict], site, fragment: Fragment = made) -> str:
    """The collection as JSON; fragment: how a paper's line is had (see `Fragment`)."""
    lines = _lines([fragment(page.kind, i, lambda i=i: _json_item(data_of(i), site))
                    for i in page.paper_ids])
    return f'{{"site": {_item(site.site_url or None)},\n"papers": {lines}}}\n'


def csl_export(page, data_of: Callable[[str], dict], site, fragment: Fragment = made) -> str:
    """The collection as CSL-JSON; fragment: how a paper's line is had (see `Fragment`)."""
    lines = _lines([fragment(page.kind, i, lambda i=i: _csl_item(data_of(i), site))
                    for i in page.paper_ids])
    return lines + "\n"


def feed_export(page, data_of: Callable[[str], dict], site, topic_titles: dict[str, str]) -> str:
    """An Atom feed of the page's papers."""
    datas = [data_of(paper_id) for paper_id in page.paper_ids]
    name = site.site_name or "Papers"
    context = page.context
    if "term" in context:
        topics = context["facet"] == "topics"
        label = topic_titles.get(context["term"], context["label"]) if topics else context["label"]
        title = f"{name}: {label}"
    else:
        title = name
    since = context.get("added", {})  # days from the git history, for papers without `added`
    entries = [{"data": d, "url": site.absolute(d["path"]),
                "when": d.get("added") or since.get(d["id"]) or d.get("date")} for d in datas]
    # relative: the stylesheet comes from the same site, whatever its address
    style = posixpath.relpath(STYLESHEET, posixpath.dirname(page.path))
    feed_url, page_url = site.absolute(page.path), site.absolute(context["page"])
    return atom_feed(title, name, feed_url, page_url, entries, topic_titles, style)
