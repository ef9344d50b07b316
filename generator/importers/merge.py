"""One paper, one record: a preprint (an arXiv id, no DOI but arXiv's own) and its published
version (a DOI of a venue) met in one import become one record that carries both identifiers.
The published version is the one cited (its type, venue, DOI and bibliographic fields); the
preprint gives its arXiv id, from which pages link the preprint. Two services may list the
published version alike, one of them with its arXiv id (Semantic Scholar links the two, a DBLP
volume does not): those two are one paper too."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..checks import _arxiv_key
from .common import Candidate, title_key

ARXIV_DOI = "10.48550/arxiv."  # the DOIs arXiv gives its own papers
# A venue version follows its preprint within a few years; two papers far apart that share a
# title (an "Introduction", a "Reply") are two papers.
YEARS_APART = 5
# What a record cites: a preprint's record given its published version takes these from it
# (its date stays: the day the work appeared, which a curator may have set by hand)
CITED = ("type", "venue", "doi", "bib")


@dataclass
class Merge:
    preprint: Candidate  # the entry folded in
    published: Candidate  # the entry whose record stays, cited as published
    doi: str = ""  # the DOI both name, when the two are one published version

    def line(self, dry_run: bool) -> str:
        will = "would merge" if dry_run else "merged"
        if self.doi:
            arxiv = self.preprint.record.get("arxiv") or self.published.record.get("arxiv")
            return (f"{will} {self.preprint.where()} into {self.published.where()}: the same "
                    f"paper (DOI {self.doi}, arXiv {arxiv}), one record citing the published "
                    "version")
        return (f"{will} {self.preprint.where()} (arXiv {self.preprint.record['arxiv']}) into "
                f"{self.published.where()}: one record citing the published version")


def is_preprint(record: dict) -> bool:
    doi = str(record.get("doi", "")).lower()
    return bool(record.get("arxiv")) and (not doi or doi.startswith(ARXIV_DOI))


def is_published(record: dict) -> bool:
    doi = str(record.get("doi", "")).lower()
    return bool(doi) and not doi.startswith(ARXIV_DOI) and not record.get("arxiv")


def merge_versions(candidates: list[Candidate]) -> tuple[list[Candidate], list[Merge]]:
    """The candidates with each preprint folded into its published version: the one that
    already carries its arXiv id (a service that links the two, such as Semantic Scholar),
    else the first one listed of the same title; merges in the order they were found."""
    published: dict[str, int] = {}
    carriers: dict[str, int] = {}
    for n, candidate in enumerate(candidates):
        record = candidate.record
        key = title_key(record.get("title", ""))
        if key and is_published(record):
            published.setdefault(key, n)
        elif record.get("arxiv") and _venue_doi(record):
            carriers.setdefault(_arxiv_key(str(record["arxiv"])), n)
    kept, merges = list(candidates), []
    for n, candidate in enumerate(candidates):
        if not is_preprint(candidate.record):
            continue
        target = _target(candidate.record, kept, published, carriers)
        if target is None:
            continue
        published_record = kept[target].record
        merged = {**_uncited(candidate.record), **published_record,
                  "arxiv": published_record.get("arxiv") or candidate.record["arxiv"]}
        merges.append(Merge(candidate, kept[target]))
        kept[target] = replace(kept[target], record=merged)
        kept[n] = None
    merges += _fold_same_doi(kept)
    return [c for c in kept if c is not None], merges


def _fold_same_doi(kept: list) -> list[Merge]:
    """Folds (in place) each published version into the first one listed with the same venue
    DOI when just one of the two names the arXiv id; two alike stay, a duplicate as before."""
    first: dict[str, int] = {}
    merges = []
    for n, candidate in enumerate(kept):
        if candidate is None or not _venue_doi(candidate.record):
            continue
        doi = str(candidate.record["doi"]).lower()
        target = first.setdefault(doi, n)
        cited = kept[target].record
        if target == n or bool(cited.get("arxiv")) == bool(candidate.record.get("arxiv")):
            continue
        merges.append(Merge(candidate, kept[target], str(cited["doi"])))
        brought = {k: v for k, v in candidate.record.items() if k not in CITED}
        kept[target] = replace(kept[target], record={**brought, **cited})
        kept[n] = None
    return merges


def _target(preprint: dict, kept: list, published: dict[str, int],
            carriers: dict[str, int]) -> int | None:
    """Where a preprint goes: the published version that names its arXiv id, or else one of
    the same title, near in time, that names no preprint yet."""
    target = carriers.get(_arxiv_key(str(preprint["arxiv"])))
    if target is not None:
        return target
    target = published.get(title_key(preprint.get("title", "")))
    if target is None or kept[target].record.get("arxiv"):
        return None
    return target if _near(preprint, kept[target].record) else None


def _uncited(preprint: dict) -> dict:
    """What a preprint's entry brings that its published version's may lack (its abstract, a
    link to its PDF), without what the record cites or the preprint's own citation key."""
    return {k: v for k, v in preprint.items() if k not in CITED and k != "citekey"}


def _near(preprint: dict, published: dict) -> bool:
    years = [str(r.get("date", ""))[:4] for r in (preprint, published)]
    if not all(y.isdigit() for y in years):
        return True
    return abs(int(years[0]) - int(years[1])) <= YEARS_APART


def published_upgrade(current: dict, record: dict) -> dict:
    """The fields a record file (current) takes from record when current is the preprint
    and record its published version carrying the same arXiv id (a merge of another run):
    what it cites becomes the published version; its arXiv id, key and the rest stay. Only
    fields it has are named: the ones it lacks are filled in as any update fills them."""
    arxiv = str(record.get("arxiv", ""))
    if not arxiv or not is_preprint(current) or not _venue_doi(record):
        return {}
    if _arxiv_key(str(current["arxiv"])) != _arxiv_key(arxiv):
        return {}
    return {k: record[k] for k in CITED if k in record and k in current
            and record[k] != current[k]}


def _venue_doi(record: dict) -> bool:
    doi = str(record.get("doi", "")).lower()
    return bool(doi) and not doi.startswith(ARXIV_DOI)
