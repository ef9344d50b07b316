"""Papers to and from the plain JSON values kept in the build cache."""

from __future__ import annotations

from .bibtex import listed_entry
from .cache import PARTS, canonical, digest
from .citation import paper_data
from .entries import entry_data
from .model import Author, Origin, Paper, PaperSummary
from .problems import Problem
from .yamlread import Document


def parts_of(paper: Paper) -> tuple[dict[str, str], dict]:
    """A paper's parts: what listing pages, downloads and feeds show of it (entry,
    `listed_entry`, data), with their digests ("parts" covers all three: it keys the cached
    copy; "text" the words it is compared by)."""
    value = {"entry": entry_data(paper), "bib": listed_entry(paper), "data": paper_data(paper)}
    digests = {part: digest(value[part] if part == "bib" else canonical(value[part]))
               for part in PARTS}
    # "text": what related papers and the map are computed from
    together = digest("".join(digests[part] for part in PARTS))
    return {**digests, "parts": together, "text": digest(paper_text(value["data"]))}, value


def paper_text(data: dict) -> str:
    """The words related papers and the map compare a paper by: title, abstract and tags."""
    return "\n".join([data["title"], data.get("abstract") or "", *(data.get("tags") or [])])


def structure(payload: dict) -> list:
    """What the page plan and the checks across records read of a file: everything but digests."""
    papers = [{k: v for k, v in paper.items() if k != "digests"} for paper in payload["papers"]]
    return [papers, payload["problems"]]


def summary_payload(paper: Paper, full: str, digests: dict[str, str]) -> dict:
    prefix = paper.origin.prefix
    marks = [[list(path), line, col] for path, (line, col) in paper.origin.doc.marks.items()
             if path[: len(prefix)] == prefix]
    return {
        "id": paper.id, "title": paper.title, "authors": [a.name for a in paper.authors],
        "date": paper.date, "added": paper.added, "topics": list(paper.topics),
        "tags": list(paper.tags), "venue": paper.venue,
        "venue_short": paper.venue_short, "arxiv": paper.arxiv, "doi": paper.doi,
        "citekey": paper.citekey, "has_abstract": paper.has_abstract, "file": paper.origin.file,
        "prefix": list(paper.origin.prefix), "marks": marks, "local_pdf": paper.local_pdf,
        **({"image": paper.image} if paper.image else {}),
        "digests": {"full": full, **digests},
        # what the plan tells people and authors apart by; only when a record has them
        **({"orcids": orcids} if any(orcids := [a.orcid for a in paper.authors]) else {}),
        **({"selected": True} if paper.selected else {}),
    }


def summary_from_payload(value: dict, documents: dict[str, Document]) -> PaperSummary:
    doc = documents.get(value["file"])
    if doc is None:
        doc = documents[value["file"]] = Document(value["file"], None)
    for path, line, col in value["marks"]:
        doc.marks[tuple(path)] = (line, col)
    return PaperSummary(
        id=value["id"], title=value["title"],
        authors=_authors(value),
        date=value["date"], selected=value.get("selected", False),
        added=value["added"], topics=tuple(value["topics"]), tags=tuple(value["tags"]),
        venue=value["venue"], venue_short=value["venue_short"], arxiv=value["arxiv"],
        doi=value["doi"], citekey=value["citekey"], has_abstract=value["has_abstract"],
        local_pdf=value["local_pdf"], image=value.get("image"),
        origin=Origin(doc, tuple(value["prefix"])),
    )


def _authors(value: dict) -> tuple[Author, ...]:
    orcids = value.get("orcids") or [None] * len(value["authors"])
    return tuple(Author(name, orcid=orcid)
                 for name, orcid in zip(value["authors"], orcids, strict=True))


def problem_payload(problem: Problem) -> list:
    return [problem.file, problem.line, problem.column, problem.field, problem.message,
            problem.severity]


def problem_from_payload(value: list) -> Problem:
    return Problem(*value)
