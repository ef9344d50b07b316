"""Import the plain-text paper listing format: page chrome, then title and abstract line pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem
from .recordfile import write_new_record
from .slug import title_slug, unique_slug

TITLE_MAX = 300
ABSTRACT_MIN = 200
URL = re.compile(r"https?://[^\s<>\"'{}()\[\]]+")
TRAILING = ".,;:!?"
CODE_HOSTS = ("github.com", "gitlab.com", "www.github.com", "www.gitlab.com")


@dataclass(frozen=True)
class ListingEntry:
    title: str
    abstract: str
    line: int


def parse_listing(text: str, display: str) -> tuple[list[ListingEntry], list[Problem]]:
    """Entries of a listing; lines before the first title/abstract pair are page chrome."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    entries, problems = [], []
    i = 0
    while i < len(lines):
        number, line = lines[i]
        if i + 1 < len(lines) and _is_pair(line, lines[i + 1][1]):
            entries.append(ListingEntry(line, lines[i + 1][1], number))
            i += 2
            continue
        if entries:
            problems.append(Problem(display, number, 1, "", "expected a title line followed by its abstract line"))
        i += 1
    if not entries and not problems:
        problems.append(Problem(display, 0, 0, "", "no title and abstract pairs found"))
    return entries, problems


def _is_pair(title: str, abstract: str) -> bool:
    return len(title) <= TITLE_MAX and len(abstract) >= ABSTRACT_MIN and len(abstract) > len(title)


def links_in(text: str) -> dict[str, str]:
    """URLs of a text as named links: code hosts are `code`, others `project`."""
    links: dict[str, str] = {}
    for match in URL.finditer(text):
        url = match.group().rstrip(TRAILING)
        if url in links.values() or "://" not in url or url.endswith("://"):
            continue
        host = url.split("/")[2].lower()
        base = "code" if host in CODE_HOSTS else "project"
        name, n = base, 2
        while name in links:
            name, n = f"{base}-{n}", n + 1
        links[name] = url
    return links


def normalized_title(title: str) -> str:
    return " ".join(title.casefold().split())


@dataclass
class ImportResult:
    created: list[Path]
    skipped: list[ListingEntry]


def import_entries(entries: list[ListingEntry], papers_dir: Path, existing: dict[str, str]) -> ImportResult:
    """Write one record per new entry. existing maps normalized titles to ids already used."""
    known_titles = dict(existing)
    taken = set(existing.values()) | {p.stem for p in papers_dir.glob("*.y*ml")}
    result = ImportResult([], [])
    for entry in entries:
        key = normalized_title(entry.title)
        if key in known_titles:
            result.skipped.append(entry)
            continue
        paper_id = unique_slug(title_slug(entry.title), taken)
        taken.add(paper_id)
        known_titles[key] = paper_id
        path = papers_dir / f"{paper_id}.yml"
        write_new_record(path, _record(entry))
        result.created.append(path)
    return result


def _record(entry: ListingEntry) -> dict:
    record: dict = {"title": entry.title, "abstract": entry.abstract}
    links = links_in(entry.abstract)
    if links:
        record["links"] = links
    return record
