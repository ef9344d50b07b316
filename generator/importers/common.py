"""The record writer every importer shares: readable ids, duplicates, --update, --dry-run.

Each format's parser turns its file into Candidates (a record plus where it came from); this
module checks each one on its own (a bad entry is reported and left out, the rest import),
finds papers the collection already has, and writes new records only after all are checked.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..additions import Planner, title_key
from ..checks import _arxiv_key
from ..latex import LatexError, latex_to_unicode, plain_text
from ..model import Collection, Paper
from ..problems import ERROR, WARNING, DataError, Problem
from ..recordfile import dump_record
from ..records import display_path, load_paper_text
from ..schema import field_names
from ..slug import slugify, title_slug
from ..write import write_atomic
from ..yamlread import decode_utf8, read_yaml

PROGRESS_EVERY = 100  # entries between progress lines on long imports


@dataclass
class Candidate:
    """One paper found in an import file, before it becomes a record."""

    record: dict
    file: str
    line: int = 0
    label: str = ""  # the entry's key or id, to name it where there is no line
    unkept: tuple[str, ...] = ()  # fields of the entry that no field of a record holds

    def where(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place} ({self.label})" if self.label and not self.line else place

    def problem(self, message: str, field_name: str = "", severity: str = ERROR) -> Problem:
        file = self.file if self.line or not self.label else f"{self.file} ({self.label})"
        return Problem(file, self.line, 1 if self.line else 0, field_name, message, severity)


class EntryError(ValueError):
    """A field of one entry that cannot be imported: the entry is reported and left out."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def latex_field(latex: str, field_name: str, paragraphs: bool = False) -> str:
    """Unicode of a field's LaTeX; LaTeX nested too deep is an error of the entry."""
    try:
        return latex_to_unicode(latex, paragraphs)
    except LatexError as err:
        raise EntryError(field_name, str(err)) from None


@dataclass
class Outcome:
    created: list[tuple[str, Candidate]] = field(default_factory=list)
    updated: list[tuple[str, Candidate, list[str]]] = field(default_factory=list)
    duplicates: list[tuple[Candidate, str]] = field(default_factory=list)
    merged: list = field(default_factory=list)  # a preprint folded into its published version
    # record file -> its fields replaced by its published version's (a preprint's record)
    replaced: dict[str, list[str]] = field(default_factory=dict)
    # reported; their entries (or fields) left out
    problems: list[Problem] = field(default_factory=list)


def read_text(path: Path) -> str:
    """A file to import, as text; raises DataError naming the file when it cannot be read."""
    display = path.as_posix()
    if not path.is_file():
        raise DataError([Problem(display, 0, 0, "", "file not found")])
    text, problems = decode_utf8(path.read_bytes(), display)
    if text is None:
        raise DataError(problems)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def today() -> str:
    return datetime.date.today().isoformat()


def record_id_base(record: dict, key: str | None) -> str:
    """A readable id: the folded title (LaTeX, math and accents as letters, other scripts
    transliterated), else the citation key, else a hash of the title; never `paper-N`."""
    slug = slugify(plain_text(record["title"]), 10_000)
    if slug:
        return title_slug(plain_text(record["title"]))
    if key and slugify(key):
        return slugify(key, 60)
    return "paper-" + hashlib.sha1(record["title"].encode("utf-8")).hexdigest()[:8]


class Index:
    """Papers by the three things that identify one: arXiv id without version, DOI, title."""

    def __init__(self):
        self.found: dict[tuple[str, str], object] = {}

    def keys(self, arxiv: str | None, doi: str | None, title: str) -> list[tuple[str, str]]:
        keys = [("arXiv id", _arxiv_key(arxiv))] if arxiv else []
        keys += [("DOI", doi.lower())] if doi else []
        return keys + ([("title", title_key(title))] if title_key(title) else [])

    def match(self, record: dict) -> tuple[str, object] | None:
        for kind, value in self.keys(record.get("arxiv"), record.get("doi"), record["title"]):
            if (kind, value) in self.found:
                return kind, self.found[(kind, value)]
        return None

    def add(self, arxiv: str | None, doi: str | None, title: str, what: object) -> None:
        for key in self.keys(arxiv, doi, title):
            self.found.setdefault(key, what)


class Citekeys:
    """Citation keys given out, case aside as BibTeX compares them: validation refuses a second
    record under one, so an entry whose key is taken is imported without it (a key is made up)."""

    def __init__(self, papers):
        self.owners = {p.citekey.lower(): p.origin.file for p in papers if p.citekey}

    def free(self, record: dict, candidate: Candidate, outcome: Outcome) -> dict:
        """The record, less its citekey when that is taken (with a warning)."""
        key = record.get("citekey")
        owner = self.owners.get(key.lower()) if isinstance(key, str) else None
        if owner is None:
            return record
        message = f"left out: citekey {key!r} is taken (case aside) by {owner}; a key is made up"
        outcome.problems.append(candidate.problem(message, "citekey", WARNING))
        return {name: value for name, value in record.items() if name != "citekey"}

    def give(self, record: dict, owner: str) -> None:
        if isinstance(record.get("citekey"), str):
            self.owners[record["citekey"].lower()] = owner


def checked_record(candidate: Candidate, paper_id: str) -> tuple[dict | None, list[Problem]]:
    """The candidate's record as the schema accepts it: a value it refuses (a field, one key of
    `bib` or `links`, one item of a list) is left out and reported; a record that still fails
    (no usable title) is left out whole."""
    record, problems = _copied(candidate.record), []
    for _ in range(2 * len(record) + 2):  # each round leaves out at least one value
        _, found = load_paper_text(dump_record(record), "import", paper_id)
        if not found:
            return record, problems
        if any(_top(p.field) in ("title", "") for p in found):
            problems += [candidate.problem(f"not imported: {p.message}", p.field) for p in found]
            return None, problems
        for p in found:
            problems.append(candidate.problem(f"left out: {p.message}", p.field, WARNING))
        _leave_out(record, [p.field for p in found])
    return None, problems


def _copied(record: dict) -> dict:
    """A copy deep enough that leaving values out never changes the candidate's record."""
    return {k: dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v
            for k, v in record.items()}


def _top(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def _leave_out(record: dict, paths: list[str]) -> None:
    """Leave out the value at each path (`bib.note`, `tags[3]`, `authors[2].name`): only that
    key or item when its field is a mapping or list, else the whole field; a field left empty
    goes too."""
    items: dict[str, set[int]] = {}
    for path in paths:
        name = _top(path)
        value, rest = record.get(name), path[len(name):]
        if isinstance(value, dict) and rest.startswith(".") and rest[1:] in value:
            del value[rest[1:]]
        elif isinstance(value, list) and (index := re.match(r"\[([0-9]+)\]", rest)):
            items.setdefault(name, set()).add(int(index.group(1)))
        else:
            record.pop(name, None)
    for name, indexes in items.items():
        if isinstance(record.get(name), list):
            record[name] = [v for i, v in enumerate(record[name]) if i not in indexes]
    for name in [n for n, v in record.items() if isinstance(v, dict | list) and not v]:
        del record[name]


def import_candidates(candidates: list[Candidate], collection: Collection, papers_dir: Path,
                      root: Path, *,
                      topics: list[str] | None = None, dry_run: bool = False, update: bool = False,
                      log: Callable[[str], None] = lambda line: None) -> Outcome:
    """Create a record for each new paper, skip (or with update, fill in) the ones already present.

    Nothing is written until every new record has been checked against the whole collection."""
    outcome, planner, index = Outcome(), Planner(collection, papers_dir, root), Index()
    citekeys = Citekeys(collection.papers)
    for paper in collection.papers:
        index.add(paper.arxiv, paper.doi, paper.title, paper)
    fills: list[tuple[Paper, Candidate, dict]] = []
    for n, candidate in enumerate(candidates, 1):
        if len(candidates) >= 2 * PROGRESS_EVERY and n % PROGRESS_EVERY == 0:
            log(f"checked {n} of {len(candidates)} entries")
        record = {**candidate.record, **({"topics": list(topics)} if topics else {}),
                  "added": today()}
        # in the field table's order
        record = {name: record[name] for name in field_names() if name in record}
        candidate = replace(candidate, record=record)
        known = index.match(record)
        if known and isinstance(known[1], Paper) and update:
            if known[1].citekey is None:
                record = citekeys.free(record, candidate, outcome)
                citekeys.give(record, known[1].origin.file)
            fills.append((known[1], candidate, record))
            continue
        if known:
            outcome.duplicates.append((candidate, _duplicate_of(known, root)))
            continue
        # Checked under the id it will get: a title such as "Index" gets `index-2`, not an error.
        paper_id = planner.free_id(record_id_base(record, record.get("citekey")))
        record = citekeys.free(record, candidate, outcome)
        candidate = replace(candidate, record=record)
        record, problems = checked_record(candidate, paper_id)
        outcome.problems += problems
        if record is None:
            continue
        addition = planner.add(record, base=paper_id)
        citekeys.give(record, addition.display)
        index.add(record.get("arxiv"), record.get("doi"), record["title"], addition)
        outcome.created.append((addition.display, candidate))
    planned = _planned_updates(fills, root, outcome)
    planner.check()
    if not dry_run:
        planner.write()
        for path, text in planned:
            write_atomic(path, text.encode("utf-8"))  # old or new, never half
    return outcome


def _duplicate_of(known: tuple[str, object], root: Path) -> str:
    kind, what = known
    if isinstance(what, Paper):
        return f"same {kind} as {what.origin.file}"
    return f"same {kind} as {what.display}, imported just before"


def _planned_updates(fills: list, root: Path, outcome: Outcome) -> list[tuple[Path, str]]:
    """New text of each existing record that gains fields; fields it has are never touched.
    Fields are appended to the file's text, so its comments and layout stay as they are."""
    planned: dict[Path, tuple[str, set]] = {}
    for paper, candidate, record in fills:
        path = root / paper.origin.file
        upgraded: dict = {}
        if path not in planned:
            doc, _ = read_yaml(path, paper.origin.file)
            if doc is None or not isinstance(doc.value, dict):
                why = "it holds a list of records" if doc is not None else "it cannot be read"
                why = f"already in {paper.origin.file}, which --update leaves alone: {why}"
                outcome.duplicates.append((candidate, why))
                continue
            # read as bytes, so its line endings stay as they are
            text, upgraded = _cite_published(path.read_bytes().decode("utf-8"), doc.value, record)
            planned[path] = (text, set(doc.value) | set(upgraded))
        text, present = planned[path]
        missing = {k: v for k, v in record.items()
                   if k not in present and k not in ("added", "topics")}
        if not missing and not upgraded:
            why = f"already in {paper.origin.file}, which has every field this entry has"
            outcome.duplicates.append((candidate, why))
            continue
        new_text = _appended(text, missing) if missing else text
        _, problems = load_paper_text(new_text, paper.origin.file, path.stem)
        if problems:
            outcome.problems += [candidate.problem(f"not updated: {p}", severity=WARNING)
                                 for p in problems]
            continue
        planned[path] = (new_text, present | set(missing))
        shown = display_path(path, root)
        outcome.updated.append((shown, candidate, list(missing)))
        if upgraded:
            outcome.replaced[shown] = list(upgraded)
    return [(path, text) for path, (text, _) in planned.items()]


def _appended(text: str, fields: dict) -> str:
    addition = yaml.dump(fields, Dumper=yaml.CSafeDumper, sort_keys=False,
                         allow_unicode=True, width=1_000_000)
    eol = "\r\n" if "\r\n" in text else "\n"
    return text.rstrip("\r\n") + eol + addition.replace("\n", eol)


def _cite_published(text: str, current: dict, record: dict) -> tuple[str, dict]:
    """A preprint's record met by its published version (--update): the text with what it
    cites replaced in place by the published version's fields, and those fields."""
    from ..sync_text import set_fields
    from .merge import published_upgrade

    upgrade = published_upgrade(current, record)
    new_text = set_fields(text, upgrade) if upgrade else None
    return (new_text, upgrade) if new_text is not None else (text, {})

