"""The papers of one build: the records read in it (full, with their parts) and the files
they came from, and a way to what the cache kept of the others. Reading, discovery and
rendering all go through one store; a record is read at most once per build."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .cache import BuildCache, FileState, digest, file_sha
from .cachecodec import (
    paper_text,
    parts_of,
    problem_from_payload,
    problem_payload,
    summary_from_payload,
    summary_payload,
)
from .model import Listed, Paper
from .parallel import split_map
from .problems import Problem
from .progress import Progress
from .records import load_paper_file


class Records(NamedTuple):
    """What reading the data files gave: every paper (full when read now, else its summary),
    the problems found in the files, and each file's state."""

    papers: list[Listed]
    problems: list[Problem]
    states: dict[str, FileState]


def parse_file(path: Path, display: str, sha: str) -> tuple[dict, list[Paper], dict[str, dict]]:
    """(summary payload, full papers, their parts) of one file: what it says, checked."""
    found, problems = load_paper_file(path, display)
    values, parts = [], {}
    for paper in found:
        digests, parts[paper.id] = parts_of(paper)
        # A record is what its file says: the file's hash and the record's place in it.
        full = digest(f"{sha}|{display}|{paper.origin.prefix}|{paper.id}")
        values.append(summary_payload(paper, full, digests))
    payload = {"papers": values, "problems": [problem_payload(p) for p in problems]}
    return payload, found, parts


def _parse_item(item: tuple) -> tuple:
    display, path, size, mtime_ns, sha = item
    return display, size, mtime_ns, sha, parse_file(Path(path), display, sha)


class PaperStore:
    """Owns what a build read. origins and digests (paper id -> its file, its digests) are
    those of every paper of the collection, set once they are known."""

    def __init__(self, root: Path, cache: BuildCache | None):
        self.root = root
        self.cache = cache
        self.full: dict[str, Paper] = {}  # full papers read in this build, by id
        self.parts: dict[str, dict] = {}  # their parts (`cachecodec.parts_of`)
        self.by_file: dict[str, list[Paper]] = {}
        self.changed: dict[str, FileState] = {}  # data files read again: new or changed content
        self.touched: dict[str, FileState] = {}  # data files with a new time but the same content
        self.dropped: set[str] = set()  # data files gone since the last build
        self.origins: dict[str, str] = {}
        self.digests: dict[str, dict] = {}

    # reading ------------------------------------------------------------------------------------
    def read(self, files: dict[str, tuple[str, tuple[int, int]]], progress: Progress) -> Records:
        """Every record: unchanged files from their cached summaries, the others read and checked.
        """
        known = self.cache.files() if self.cache is not None else {}
        self.dropped = set(known) - set(files)
        progress.stage("reading records", len(files))
        to_parse = []
        for display, (path, (size, mtime_ns)) in files.items():
            state = known.get(display)
            if state is not None and (state.size, state.mtime_ns) == (size, mtime_ns):
                continue
            sha = file_sha(Path(path).read_bytes())
            if state is None or state.sha != sha:
                to_parse.append((display, path, size, mtime_ns, sha))
            else:
                self.touched[display] = FileState(size, mtime_ns, sha, state.payload)
        for display, size, mtime_ns, sha, parsed in split_map(to_parse, _parse_item):
            payload, papers, parts = parsed
            self._remember(display, papers, parts)
            self.changed[display] = FileState(size, mtime_ns, sha, payload)
        return self._gather(files, known, progress)

    def _gather(self, files: dict, known: dict[str, FileState], progress: Progress) -> Records:
        papers: list[Listed] = []
        problems, states, documents = [], {}, {}
        for display in files:
            state = self.changed.get(display) or self.touched.get(display) or known[display]
            states[display] = state
            problems += [problem_from_payload(p) for p in state.payload["problems"]]
            if display in self.by_file:
                papers += self.by_file[display]
            else:
                values = state.payload["papers"]
                papers += [summary_from_payload(value, documents) for value in values]
            progress.advance()
        found = {value["id"]: value["digests"] for state in states.values()
                 for value in state.payload["papers"]}
        self.know({p.id: p.origin.file for p in papers}, {p.id: found[p.id] for p in papers})
        return Records(papers, problems, states)

    def know(self, origins: dict[str, str], digests: dict[str, dict]) -> None:
        """Every paper of the collection: its file and its digests (as read now or cached)."""
        self.origins, self.digests = origins, digests

    def parse(self, path: Path, display: str, sha: str) -> dict:
        """The summary payload of one file, its records kept as read in this build."""
        payload, papers, parts = parse_file(path, display, sha)
        self._remember(display, papers, parts)
        return payload

    def _remember(self, display: str, papers: list[Paper], parts: dict[str, dict]) -> None:
        self.by_file[display] = papers
        for paper in papers:
            self.full[paper.id] = paper
            self.parts[paper.id] = parts[paper.id]

    # what pages and discovery ask for -------------------------------------------------------------
    def paper(self, paper_id: str) -> Paper:
        """A full record: read in this build, or read again now (one of its pages is rendered)."""
        if paper_id not in self.full:
            file = self.origins[paper_id]
            path = self.root / file
            self.parse(path, file, file_sha(path.read_bytes()))
        return self.full[paper_id]

    def texts(self, ids: list[str]) -> dict[str, str]:
        """The words each paper is compared by: from the record read now, the cached data, or
        the record read again."""
        unread = [paper_id for paper_id in ids if paper_id not in self.parts]
        cached = self.cache.parts(unread, ("data",)) if self.cache is not None and unread else {}
        texts = {}
        for paper_id in ids:
            row = cached.get(paper_id)
            if paper_id in self.parts:
                data = self.parts[paper_id]["data"]
            elif (row is not None and row.digest == self.digests[paper_id]["parts"]
                  and row.value["data"] is not None):
                data = row.value["data"]
            else:
                data = parts_of(self.paper(paper_id))[1]["data"]
            texts[paper_id] = paper_text(data)
        return texts
