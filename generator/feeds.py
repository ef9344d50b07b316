"""Atom feeds of the newest papers: the whole collection, and one per topic."""

from __future__ import annotations

from html import escape
from types import MappingProxyType

from .citation import moment
from .entries import cut_at_word
from .latex import plain_text
from .model import date_sort_key

FEED_SIZE = 50
STYLESHEET = "feeds/feed.xsl"  # how a browser shows a feed opened as a page (templates/feed.xsl.j2)
# characters of the abstract in an entry: a feed is read in a list, and a paper is in up to 11 feeds
SUMMARY = 1000
AUTHORS = 10  # authors named in an entry, for the same reason; more are summed up as "et al."
NO_DAYS: MappingProxyType = MappingProxyType({})  # no record dated by the git history


def added_day(summary, since=NO_DAYS) -> str | None:
    """When a paper joined the collection: `added`, else the day its file entered the git
    history (since: paper id -> that day, for papers without `added`)."""
    return summary.added or since.get(summary.id)


def feed_date(summary, since=NO_DAYS) -> str | None:
    """When a paper joined, for feeds: `added` (or its day from git), else its `date`; None
    leaves it out of feeds."""
    for value in (added_day(summary, since), summary.date):
        if moment(value) is not None:
            return value
    return None


def newest_for_feed(papers, since=NO_DAYS) -> list:
    """Up to FEED_SIZE papers that have a feed date, newest first; papers that joined on the same
    day newest published first, then by id, so the order is stable."""
    dated = [(when, p) for p in papers if (when := moment(feed_date(p, since))) is not None]
    dated.sort(key=lambda t: t[1].id)
    dated.sort(key=lambda t: date_sort_key(t[1].date), reverse=True)
    dated.sort(key=lambda t: t[0], reverse=True)
    return [p for _, p in dated[:FEED_SIZE]]


def atom_feed(title: str, author: str, feed_url: str, page_url: str, entries: list[dict],
              topic_titles: dict[str, str], style: str | None = None) -> str:
    """entries: (data of the paper, its page's absolute URL, its feed date) as dicts with
    "data", "url" and "when". `updated` is the newest entry's date, never the time of the
    build, so a rebuild of the same data writes the same bytes. style: the stylesheet's address
    relative to the feed, for browsers."""
    # loaded when a feed is rendered, not by a build with nothing to do
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(title)
    feed.author({"name": author})  # Atom needs an author on the feed when an entry has none
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=feed_url, rel="self", type="application/atom+xml")
    times = []
    for item in reversed(entries):  # feedgen puts each new entry first
        data = item["data"]
        when = moment(item["when"])
        times.append(when)
        entry = feed.add_entry()
        entry.id(item["url"])
        entry.title(plain_text(data["title"]))
        entry.link(href=item["url"], rel="alternate", type="text/html")
        authors = data.get("authors", [])
        for author in authors[:AUTHORS]:
            entry.author({"name": author["name"]})
        if len(authors) > AUTHORS:
            entry.author({"name": "et al."})
        if data.get("abstract"):
            head, rest = cut_at_word(" ".join(data["abstract"].split()), SUMMARY)
            entry.summary(head + (" …" if rest else ""), type="text")
        entry.updated(when)
        entry.published(when)
        for topic in data.get("topics", []):
            entry.category(term=topic, label=topic_titles.get(topic, topic))
    feed.updated(max(times) if times else moment("1970-01-01"))
    text = feed.atom_str(pretty=True).decode("utf-8")
    return with_stylesheet(text, style) if style else text


def with_stylesheet(text: str, href: str) -> str:
    """The feed with an `xml-stylesheet` instruction after its XML declaration (feedgen writes
    none)."""
    declaration, rest = text.split("\n", 1)
    instruction = f'<?xml-stylesheet type="text/xsl" href="{escape(href, quote=True)}"?>'
    return f"{declaration}\n{instruction}\n{rest}"
