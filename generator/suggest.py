"""Suggest topics from keywords, for a curator to review; records are never edited.

A suggestion needs evidence: keywords are matched as whole words, a keyword in the title
counts more than one in the abstract, and one keyword alone in the abstract is not enough
by default. `evaluate` measures how often the suggestions shown are right by hiding each
paper's own topics and comparing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .model import Collection, Paper, Topic

TITLE_WEIGHT = 3
ABSTRACT_WEIGHT = 1
DEFAULT_MIN_SCORE = 3


@dataclass(frozen=True)
class Suggestion:
    paper: Paper
    topic: Topic
    score: int
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    shown: int
    right: int
    papers: int
    papers_found: int

    @property
    def precision(self) -> float:
        return self.right / self.shown if self.shown else 0.0


def _pattern(phrase: str) -> re.Pattern[str]:
    # hyphens and spaces are interchangeable ("long-context" / "long context"); \w bounds make
    # "speech" miss "part-of-speech" only through the topic's exclude list, so both are needed
    words = [re.escape(w) for w in re.split(r"[\s-]+", phrase.lower().strip()) if w]
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])")


class Matcher:
    def __init__(self, topics: list[Topic]):
        self.topics = topics
        self.parent = {t.id: t.parent for t in topics}
        self.keywords = {t.id: [(k, _pattern(k)) for k in dict.fromkeys(t.keywords) if k.strip()]
                         for t in topics}
        self.excludes = {t.id: [_pattern(k) for k in t.exclude if k.strip()] for t in topics}

    def covered(self, paper: Paper) -> set[str]:
        """The topics a paper already has, its sub-topics' parents included."""
        return set(paper.topics) | {self.parent[t] for t in paper.topics if self.parent.get(t)}

    def for_paper(self, paper: Paper, min_score: int) -> list[Suggestion]:
        title = paper.title.lower()
        abstract = (paper.abstract or "").lower()
        covered = self.covered(paper)
        found = []
        for topic in self.topics:
            if topic.id in covered:
                continue
            if any(p.search(title) or p.search(abstract) for p in self.excludes[topic.id]):
                continue
            score, matched = 0, []
            for keyword, pattern in self.keywords[topic.id]:
                if pattern.search(title):
                    score += TITLE_WEIGHT
                elif pattern.search(abstract):
                    score += ABSTRACT_WEIGHT
                else:
                    continue
                matched.append(keyword)
            if matched and score >= min_score:
                found.append(Suggestion(paper, topic, score, tuple(matched)))
        return found


def suggest_topics(collection: Collection, min_score: int = DEFAULT_MIN_SCORE,
                   only_untopiced: bool = False) -> list[Suggestion]:
    """Suggestions ranked by score (highest first), then by paper id and topic id."""
    matcher = Matcher(collection.topics)
    papers = [p for p in collection.papers if not (only_untopiced and p.topics)]
    found = [s for paper in papers for s in matcher.for_paper(paper, min_score)]
    return sorted(found, key=lambda s: (-s.score, s.paper.id, s.topic.id))


def evaluate(collection: Collection, min_score: int = DEFAULT_MIN_SCORE) -> Evaluation:
    """Hide each paper's topics, suggest, and count
    the suggestions its curated topics agree with."""
    matcher = Matcher(collection.topics)
    shown = right = found_for = 0
    for paper in collection.papers:
        truth = matcher.covered(paper)
        found = matcher.for_paper(replace(paper, topics=()), min_score)
        shown += len(found)
        hits = sum(1 for s in found if s.topic.id in truth)
        right += hits
        found_for += bool(hits)
    return Evaluation(shown, right, len(collection.papers), found_for)
