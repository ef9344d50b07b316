"""Group papers for index pages: by topic, year and tag, and the recently added."""

from __future__ import annotations

from collections import defaultdict

from .model import Collection, Paper, Topic
from .slug import tag_slug

UNDATED = "undated"


def alphabetical(papers) -> list[Paper]:
    return sorted(papers, key=lambda p: (p.title.casefold(), p.id))


def newest_first(papers) -> list[Paper]:
    """Dated papers newest first, then undated ones; ties by title, then id."""
    return sorted(alphabetical(papers), key=lambda p: p.date or "", reverse=True)


def papers_of_topic(collection: Collection, topic: Topic) -> list[Paper]:
    return newest_first(p for p in collection.papers if topic.id in p.topics)


def children(collection: Collection, topic: Topic) -> list[Topic]:
    return [t for t in collection.topics if t.parent == topic.id]


def topic_count(collection: Collection, topic: Topic) -> int:
    """Papers in the topic or any of its sub-topics, each counted once."""
    ids = {topic.id} | {t.id for t in children(collection, topic)}
    return sum(1 for p in collection.papers if ids & set(p.topics))


def by_year(collection: Collection) -> dict[str, list[Paper]]:
    groups: dict[str, list[Paper]] = defaultdict(list)
    for paper in collection.papers:
        groups[paper.year or UNDATED].append(paper)
    years = sorted((y for y in groups if y != UNDATED), reverse=True)
    ordered = {y: newest_first(groups[y]) for y in years}
    if UNDATED in groups:
        ordered[UNDATED] = newest_first(groups[UNDATED])
    return ordered


def by_tag(collection: Collection) -> dict[str, tuple[str, list[Paper]]]:
    """Tag slug -> (tag as written, its papers), sorted by slug."""
    groups: dict[str, tuple[str, list[Paper]]] = {}
    for paper in collection.papers:
        for tag in paper.tags:
            groups.setdefault(tag_slug(tag), (tag, []))[1].append(paper)
    return {slug: (tag, newest_first(papers)) for slug, (tag, papers) in sorted(groups.items())}


def recently_added(collection: Collection, count: int) -> list[Paper]:
    dated = [p for p in collection.papers if p.added]
    return sorted(newest_first(dated), key=lambda p: p.added, reverse=True)[:count]
