"""Import the plain-text paper listing format: page chrome, then title and abstract line pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from .additions import Planner
from .problems import DataError, Problem
from .schema import load_schema
from .urls import find_urls

TITLE_MAX = 300
ABSTRACT_MIN = 200  # the first pair with an abstract this long marks where the listing starts
CODE_HOSTS = ("github.com", "gitlab.com", "www.github.com", "www.gitlab.com")


@dataclass(frozen=True)
class ListingEntry:
    title: str
    abstract: str
    line: int


@dataclass
class Listing:
    entries: list[ListingEntry]
    # lines before the listing starts (page chrome), reported, never silently dropped
    chrome: list[tuple[int, str]]


def parse_listing(text: str, display: str, min_abstract: int = ABSTRACT_MIN,
                  from_line: int | None = None) -> tuple[Listing, list[Problem]]:
    """Entries of a listing: non-blank lines, a title line then its abstract line.

    The listing starts at from_line, or else at the first title line followed by an abstract
    of at least min_abstract characters; the lines before it are page chrome. From there on
    lines pair up strictly, so short abstracts are kept.
    """
    # Only \n ends a line: str.splitlines() would also split on U+2028 inside an abstract.
    lines = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    start = _start(lines, min_abstract, from_line)
    if start is None:
        why = f"no title line followed by an abstract line of at least {min_abstract} characters"
        hint = "; give --from-line N (where the first title is) or a smaller --min-abstract"
        message = f"no title and abstract pairs found: {why}{hint}"
        return Listing([], lines), [Problem(display, 0, 0, "", message)]
    listing, problems = Listing([], lines[:start]), []
    for i in range(start, len(lines), 2):
        number, title = lines[i]
        if i + 1 == len(lines):
            message = ("expected a title line followed by its abstract line; "
                       "this line has no abstract after it")
            problems.append(Problem(display, number, 1, "", message))
        elif len(title) > TITLE_MAX:
            message = (f"expected a title of at most {TITLE_MAX} characters, got {len(title)}: "
                       "is a title or an abstract line missing above?")
            problems.append(Problem(display, number, 1, "", message))
        else:
            listing.entries.append(ListingEntry(title, lines[i + 1][1], number))
    return listing, problems


def _start(lines: list[tuple[int, str]], min_abstract: int, from_line: int | None) -> int | None:
    for i, (number, title) in enumerate(lines[:-1]):
        if from_line is not None:
            if number >= from_line:
                return i
        elif len(title) <= TITLE_MAX and len(lines[i + 1][1]) >= max(min_abstract, len(title) + 1):
            return i
    return None


def links_in(text: str) -> dict[str, str]:
    """URLs of a text as named links: code hosts are `code`, others `project`."""
    links: dict[str, str] = {}
    valid = re.compile(load_schema("paper")["$defs"]["url"]["pattern"])
    for _, _, url in find_urls(text):
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
    created: list[tuple[Path, ListingEntry]]
    skipped: list[ListingEntry]


def import_entries(entries: list[ListingEntry], planner: Planner, display: str,
                   dry_run: bool = False) -> ImportResult:
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
        result.created.append((addition.path, entry))
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
