"""Checks across records: identity, references between records, and warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

from .model import Paper, Topic
from .problems import ERROR, NOTE, WARNING, Problem, display_path
from .slug import RESERVED_NAMES


def check_collection(papers: list[Paper], topics: list[Topic]) -> list[Problem]:
    return [
        *_duplicates(topics, lambda t: t.id, "topic id", ("id",)),
        *_topic_parents(topics),
        *_duplicates(papers, lambda p: p.id, "id", ("id",)),
        *_duplicates(papers, lambda p: _arxiv_key(p.arxiv), "arXiv id", ("arxiv",)),
        *_duplicates(papers, lambda p: p.doi.lower() if p.doi else None, "DOI", ("doi",)),
        # BibTeX compares keys ignoring case
        *_duplicates(papers, lambda p: p.citekey.lower() if p.citekey else None, "citekey",
                     ("citekey",)),
        *_unknown_topics(papers, topics),
        *_warnings(papers, topics),
    ]


def _arxiv_key(arxiv: str | None) -> str | None:
    """The same paper in any version: 2401.12345v2 is 2401.12345."""
    if not arxiv:
        return None
    base, _, version = arxiv.rpartition("v")
    return base if base and version.isdigit() else arxiv


def _duplicates(items: Iterable, key: Callable, what: str, path: tuple) -> list[Problem]:
    seen: dict[str, list] = defaultdict(list)
    for item in items:
        value = key(item)
        if value is not None:
            seen[value].append(item)
    problems = []
    for value, group in seen.items():
        for item in group[1:]:
            first = group[0].origin
            message = f"duplicate {what} {value!r}: also used at {first.file}:{first.at(*path)[0]}"
            problems.append(item.origin.problem(path, message))
    return problems


def _topic_parents(topics: list[Topic]) -> list[Problem]:
    by_id = {t.id: t for t in topics}
    problems = []
    for topic in topics:
        if topic.id in RESERVED_NAMES:
            why = "is reserved (an index page or an unsafe file name)"
            problems.append(topic.origin.problem(("id",), f"{topic.id!r} {why}"))
        if topic.parent is None:
            continue
        parent = by_id.get(topic.parent)
        if parent is None:
            problems.append(topic.origin.problem(("parent",), f"unknown topic {topic.parent!r}"))
        elif parent.parent is not None or parent.id == topic.id:
            why = "is itself a sub-topic; topics nest one level"
            problems.append(topic.origin.problem(("parent",), f"{topic.parent!r} {why}"))
    return problems


def _unknown_topics(papers: list[Paper], topics: list[Topic]) -> list[Problem]:
    known = {t.id for t in topics}
    problems = []
    for paper in papers:
        for i, topic_id in enumerate(paper.topics):
            if topic_id not in known:
                hint = f"; known topics: {', '.join(sorted(known))}" if known else ""
                why = f"unknown topic {topic_id!r}{hint}"
                problems.append(paper.origin.problem(("topics", i), why))
    return problems


def _warnings(papers: list[Paper], topics: list[Topic]) -> list[Problem]:
    problems = []
    for paper in papers:
        if not paper.topics:
            problems.append(paper.origin.problem((), "paper has no topic", WARNING))
        if not paper.has_abstract:
            problems.append(paper.origin.problem((), "papers with no abstract", NOTE))
    used = {t for p in papers for t in p.topics}
    used |= {t.parent for t in topics if t.id in used and t.parent}
    # A collection with no papers yet (a new site) has no stale topics to point out.
    for topic in topics if papers else ():
        if topic.id not in used:
            why = f"topic {topic.id!r} has no papers"
            problems.append(topic.origin.problem(("id",), why, WARNING))
    return problems


def pdf_references(papers: Iterable) -> list[list]:
    """[path under docs/, file, line, column, field] of each record's link to a local PDF: kept
    by the build cache, so that a build which reads no record still looks for the files."""
    refs = []
    for paper in papers:
        for path, field in ((paper.local_pdf, ("links", "pdf")), (paper.image, ("image",))):
            if path:
                where = paper.origin.problem(field, "")
                refs.append([path, where.file, where.line, where.column, where.field])
    return refs


def missing_pdfs(refs: list[list], docs_dir: Path, root: Path) -> list[Problem]:
    """A warning for each local PDF that is not there: its link would lead to a missing page."""
    problems = []
    for pdf, file, line, column, label in refs:
        path = docs_dir / unquote(pdf)
        if not path.is_file():
            if label == "image":  # a picture in a page cannot be a link that leads nowhere
                message = f"no file {display_path(path, root)}: expected the picture there"
                problems.append(Problem(file, line, column, label, message, ERROR))
                continue
            message = f"no file {display_path(path, root)}: the PDF link would lead nowhere"
            problems.append(Problem(file, line, column, label, message, WARNING))
    return problems
