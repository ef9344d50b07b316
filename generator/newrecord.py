"""Create a skeleton record for a paper added by hand."""

from __future__ import annotations

from pathlib import Path

from .config import Settings
from .importer import normalized_title
from .model import Collection
from .problems import DataError, Problem
from .recordfile import write_new_record
from .schema import check
from .slug import title_slug, unique_slug
from .yamlread import Document

SKELETON_HINTS = """\
# Fill in what you know and delete the rest (see the field table in README.md):
# authors:
#   - First Author
#   - name: Second Author
#     affiliation: Some Lab
# date: "2024-01-31"
# added: "2024-02-01"
# topics: [topic-id]
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


def create_record(settings: Settings, collection: Collection, title: str, arxiv: str | None) -> Path:
    record = {"title": title, **({"arxiv": arxiv} if arxiv else {})}
    problems = check(Document("command line", record), record, (), "paper")
    same = [p for p in collection.papers if normalized_title(p.title) == normalized_title(title)]
    if same:
        problems.append(Problem("command line", 0, 0, "title", f"already in the collection as {same[0].origin.file}"))
    if problems:
        raise DataError(problems)
    papers_dir = settings.data_dir / "papers"
    taken = {p.id for p in collection.papers} | {p.stem for p in papers_dir.glob("*.y*ml")}
    path = papers_dir / f"{unique_slug(title_slug(title), taken)}.yml"
    write_new_record(path, record)
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.write(SKELETON_HINTS)
    return path
