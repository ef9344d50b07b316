"""Papers to and from the plain JSON values kept in the build cache."""

from __future__ import annotations

import dataclasses

from .bibtex import bibtex_entry
from .cache import canonical, digest
from .entries import entry_data
from .model import Author, Origin, Paper, PaperSummary
from .problems import Problem
from .yamlread import Document


def record_digest(paper: Paper) -> str:
    """Changes whenever anything a paper page shows of the record changes."""
    return digest(canonical(_plain(paper)))


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "origin"}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def listing_of(paper: Paper) -> tuple[str, dict]:
    """(digest, value) of what listings and downloads show of a paper: its entry and BibTeX."""
    value = {"entry": entry_data(paper), "bib": bibtex_entry(paper)}
    return digest(canonical(value)), value


def summary_payload(paper: Paper, full: str, listing: str) -> dict:
    prefix = paper.origin.prefix
    marks = [[list(path), line, col] for path, (line, col) in paper.origin.doc.marks.items() if path[: len(prefix)] == prefix]
    return {
        "id": paper.id, "title": paper.title, "authors": [a.name for a in paper.authors], "date": paper.date, "added": paper.added,
        "topics": list(paper.topics), "tags": list(paper.tags), "venue": paper.venue, "arxiv": paper.arxiv, "doi": paper.doi,
        "has_abstract": paper.has_abstract, "file": paper.origin.file, "prefix": list(paper.origin.prefix), "marks": marks,
        "digests": {"full": full, "listing": listing},
    }


def summary_from_payload(value: dict, documents: dict[str, Document]) -> PaperSummary:
    doc = documents.get(value["file"])
    if doc is None:
        doc = documents[value["file"]] = Document(value["file"], None)
    for path, line, col in value["marks"]:
        doc.marks[tuple(path)] = (line, col)
    return PaperSummary(
        id=value["id"], title=value["title"], authors=tuple(Author(name) for name in value["authors"]), date=value["date"],
        added=value["added"], topics=tuple(value["topics"]), tags=tuple(value["tags"]), venue=value["venue"], arxiv=value["arxiv"],
        doi=value["doi"], has_abstract=value["has_abstract"], origin=Origin(doc, tuple(value["prefix"])),
    )


def problem_payload(problem: Problem) -> list:
    return [problem.file, problem.line, problem.column, problem.field, problem.message, problem.severity]


def problem_from_payload(value: list) -> Problem:
    return Problem(*value)
