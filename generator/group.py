"""Group papers for index pages: by topic, year and tag, and the recently added."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from itertools import groupby

from .model import Collection, Paper, Topic
from .slug import tag_slug

UNDATED = "undated"


OTHER_LETTER = "#"
LEADING_NON_WORD = re.compile(r"^[\W_]+")


def folded_title(title: str) -> str:
    """A title as sorted: accents, case, braces and leading punctuation do not count."""
    decomposed = unicodedata.normalize("NFKD", title)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "{}")
    return LEADING_NON_WORD.sub("", " ".join(bare.casefold().split()))


def initial(title: str) -> str:
    """The A-Z section of a title: its first folded letter, or # for digits and other scripts."""
    first = folded_title(title)[:1]
    return first.upper() if "a" <= first <= "z" else OTHER_LETTER


def alphabetical(papers) -> list[Paper]:
    return sorted(papers, key=lambda p: (folded_title(p.title), p.title, p.id))


def by_initial(papers) -> dict[str, list[Paper]]:
    """Papers A-Z in sections by initial; # (digits, other scripts) comes first."""
    ordered = sorted(alphabetical(papers), key=lambda p: initial(p.title) != OTHER_LETTER)
    return {letter: list(group) for letter, group in groupby(ordered, key=lambda p: initial(p.title))}


def has_dates(collection: Collection) -> bool:
    return any(p.date for p in collection.papers)


def has_tags(collection: Collection) -> bool:
    return any(p.tags for p in collection.papers)


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
    """Papers by year, newest year first, undated last; nothing when no paper has a date."""
    if not has_dates(collection):
        return {}
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
