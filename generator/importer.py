"""Import the plain-text paper listing format: page chrome, then title and abstract line pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .additions import Planner
from .problems import DataError, Problem
from .schema import load_schema

TITLE_MAX = 300
ABSTRACT_MIN = 200
URL = re.compile(r"https?://[^\s<>\"'{}\[\]]+")
TRAILING = ".,;:!?"
CODE_HOSTS = ("github.com", "gitlab.com", "www.github.com", "www.gitlab.com")


@dataclass(frozen=True)
class ListingEntry:
    title: str
    abstract: str
    line: int


def parse_listing(text: str, display: str) -> tuple[list[ListingEntry], list[Problem]]:
    """Entries of a listing; lines before the first title/abstract pair are page chrome."""
    # Only \n ends a line: str.splitlines() would also split on U+2028 inside an abstract.
    lines = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
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


def _trim(url: str) -> str:
    """Drop trailing punctuation and closing parentheses that the URL did not open."""
    while True:
        trimmed = url.rstrip(TRAILING)
        if trimmed.endswith(")") and trimmed.count(")") > trimmed.count("("):
            trimmed = trimmed[:-1]
        if trimmed == url:
            return url
        url = trimmed


def links_in(text: str) -> dict[str, str]:
    """URLs of a text as named links: code hosts are `code`, others `project`."""
    links: dict[str, str] = {}
    valid = re.compile(load_schema("paper")["$defs"]["url"]["pattern"])
    for match in URL.finditer(text):
        url = _trim(match.group())
        if url in links.values() or not valid.match(url):
            continue  # stays in the abstract as text; only URLs the schema accepts become links
        host = url.split("/")[2].lower()
        base = "code" if host in CODE_HOSTS else "project"
        name, n = base, 2
        while name in links:
            name, n = f"{base}-{n}", n + 1
        links[name] = url
    return links


@dataclass
class ImportResult:
    created: list[Path]
    skipped: list[ListingEntry]


def import_entries(entries: list[ListingEntry], planner: Planner, display: str, dry_run: bool = False) -> ImportResult:
    """One record per entry whose title is new; all are checked before any is written.

    Problems point at the listing (display:line), since the records do not exist yet."""
    result = ImportResult([], [])
    source: dict[str, int] = {}
    for entry in entries:
        if planner.known(entry.title):
            result.skipped.append(entry)
            continue
        addition = planner.add(_record(entry))
        source[addition.display] = entry.line
        result.created.append(addition.path)
    try:
        planner.check() if dry_run else planner.write()
    except DataError as err:
        raise DataError([_in_listing(p, display, source) for p in err.problems]) from None
    return result


def _in_listing(problem: Problem, display: str, source: dict[str, int]) -> Problem:
    if problem.file not in source:
        return problem
    return replace(problem, file=display, line=source[problem.file], column=1)


def _record(entry: ListingEntry) -> dict:
    record: dict = {"title": entry.title, "abstract": entry.abstract}
    links = links_in(entry.abstract)
    if links:
        record["links"] = links
    return record
