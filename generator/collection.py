"""Gather and check everything in data/ before anything is written."""

from __future__ import annotations

from pathlib import Path

from .checks import check_collection, missing_pdfs, pdf_references
from .model import Collection
from .people import load_people
from .problems import DataError, Problem, errors_of
from .records import load_papers, load_topics


def load_collection(data_dir: Path, root: Path | None = None, strict: bool = False,
                    docs_dir: Path | None = None) -> tuple[Collection, list[Problem]]:
    """The checked collection and its warnings; raises DataError listing every problem.
    With docs_dir, the local PDFs that records link to are looked for there."""
    root = root or data_dir.parent
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), 0, 0, "", "data folder not found")])
    papers, problems = load_papers(data_dir / "papers", root)
    topics, topic_problems = load_topics(data_dir / "topics.yml", root)
    problems += topic_problems
    problems += check_collection(papers, topics)
    if docs_dir is not None:
        problems += missing_pdfs(pdf_references(papers), docs_dir, root)
        problems += load_people(data_dir / "people.yml", root, docs_dir)[1]
    if errors_of(problems, strict):
        raise DataError(problems)
    collection = Collection(
        papers=tuple(sorted(papers, key=lambda p: p.id)),
        topics=tuple(topics),
    )
    return collection, sorted(problems)
