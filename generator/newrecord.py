"""Create a skeleton record for a paper added by hand."""

from __future__ import annotations

from pathlib import Path

from .additions import Planner
from .config import Settings
from .importers.common import today
from .model import Collection
from .problems import DataError, Problem
from .records import value_problems
from .schema import check
from .yamlread import Document

SKELETON_HINTS = """\
# Fill in what you know and delete the rest (see the field table in README.md):
# authors:
#   - First Author
#   - name: Second Author
#     affiliation: Some Lab
# date: "2024-01-31"
# tags: [tag]
# venue: Conference 2024
# doi: 10.1234/example
# links:
#   pdf: https://example.org/paper.pdf
#   code: https://github.com/example/code
# abstract: >-
#   The abstract, as published.
# notes: Why this paper is in the collection (Markdown).
"""


def create_record(settings: Settings, collection: Collection, title: str, arxiv: str | None,
                  topics: list[str] | None = None) -> Path:
    """Write a skeleton for a new paper, or raise DataError (writing nothing)."""
    planner = Planner(collection, settings.data_dir / "papers", settings.root)
    known = planner.known(title)
    if known:
        message = f"already in the collection as {known.origin.file}"
        raise DataError([Problem("command line", 0, 0, "title", message)])
    record = {"title": title, **({"arxiv": arxiv} if arxiv else {}),
              **({"topics": list(topics)} if topics else {}),
              "added": today()}  # as imports do: listed under "recently added" and in the feeds
    problems = check(Document("command line", record), record, (), "paper") + value_problems(record)
    if problems:
        raise DataError(problems)
    planner.add(record, suffix=SKELETON_HINTS)
    return planner.write()[0]
