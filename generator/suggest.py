"""Suggest topics from keywords, for a curator to review; records are never edited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Collection, Paper, Topic


@dataclass(frozen=True)
class Suggestion:
    paper: Paper
    topic: Topic
    matched: tuple[str, ...]


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text) is not None


def suggest_topics(collection: Collection) -> list[Suggestion]:
    suggestions = []
    for paper in collection.papers:
        text = f"{paper.title} {paper.abstract or ''}".lower()
        for topic in collection.topics:
            if topic.id in paper.topics or any(_mentions(text, w) for w in topic.exclude):
                continue
            matched = tuple(k for k in topic.keywords if _mentions(text, k))
            if matched:
                suggestions.append(Suggestion(paper, topic, matched))
    return suggestions
