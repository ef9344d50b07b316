"""`import FORMAT SOURCE...`: read every source first, then hand all entries to the shared
writer."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..model import Collection
from ..problems import NOTE, WARNING, DataError, Problem
from .common import Candidate, Outcome, import_candidates, read_text
from .merge import merge_versions
from .services import SERVICES, fetch_candidates
from .sniff import mismatch

FORMATS = {
    "bibtex": "a BibTeX or BibLaTeX file (@string macros, crossref, comments; LaTeX becomes "
              "Unicode)",
    "csl-json": "a CSL-JSON export (Zotero, Better BibTeX, Mendeley)",
    "ris": "a RIS export (Zotero, Mendeley, EndNote, publishers' sites)",
    "arxiv": "arXiv ids or URLs (a file of them too), looked up with the arXiv API",
}


def parse_sources(fmt: str, sources: list[str], log: Callable[[str], None],
                  fetch=None) -> tuple[list[Candidate], list[Problem]]:
    candidates, problems = [], []
    if fmt in SERVICES:
        return fetch_candidates(fmt, sources, fetch, log)
    if fmt == "arxiv":
        from .arxiv import arxiv_ids, fetch_entries

        ids, problems = arxiv_ids(sources)
        found, trouble = fetch_entries(ids, fetch=fetch, log=log)
        return found, problems + trouble
    parse, texts = _parser(fmt), _texts(fmt, sources)
    for display, text in texts:
        found, trouble = parse(text, display)
        candidates += found
        problems += trouble
    return candidates, problems


def _texts(fmt: str, sources: list[str]) -> list[tuple[str, str]]:
    """Each source's name and text; DataError, before any is parsed, naming each file that is
    not of the format asked for and what it looks like instead."""
    texts, refused = [], []
    for source in sources:
        display, text = Path(source).as_posix(), read_text(Path(source))
        why = mismatch(fmt, text)
        if why:
            refused.append(Problem(display, 0, 0, "", why))
        texts.append((display, text))
    if refused:
        raise DataError(refused)
    return texts


def _parser(fmt: str):
    if fmt == "bibtex":
        from .bibtex import parse_bibtex

        return parse_bibtex
    if fmt == "csl-json":
        from .csljson import parse_csl_json

        return parse_csl_json
    from .ris import parse_ris

    return parse_ris


def run_import(fmt: str, sources: list[str], collection: Collection, papers_dir: Path,
               root: Path, *, topics=None, dry_run=False, update=False, fetch=None,
               log: Callable[[str], None] | None = None) -> Outcome:
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    known = {t.id for t in collection.topics}
    unknown = [t for t in topics or () if t not in known]
    if unknown:
        listed = ", ".join(sorted(known))
        raise DataError([Problem("command line", 0, 0, "--topic",
                                 f"unknown topic {t!r}; known topics: {listed}") for t in unknown])
    candidates, problems = parse_sources(fmt, sources, log, fetch)
    merges = []
    if fmt in SERVICES:
        candidates, merges = merge_versions(candidates)
    if len(candidates) >= 200:
        log(f"read {len(candidates)} entries; checking them against the collection")
    outcome = import_candidates(candidates, collection, papers_dir, root, topics=topics,
                                dry_run=dry_run, update=update, log=log)
    outcome.problems = problems + outcome.problems
    outcome.merged = _reaching_the_collection(merges, outcome)
    return outcome


def _reaching_the_collection(merges: list, outcome: Outcome) -> list:
    """The merges whose record is created or updated: a paper already present is news to no
    one, so a second run reports no merge."""
    def key(c: Candidate) -> tuple:
        return c.file, c.line, c.label
    written = {key(c) for _, c in outcome.created} | {key(c) for _, c, _ in outcome.updated}
    return [m for m in merges if key(m.published) in written]


def report_lines(outcome: Outcome, dry_run: bool) -> list[str]:
    """What happened to every entry, then a one-line summary (counts first)."""
    will = "would " if dry_run else ""
    lines = [str(p) for p in sorted(outcome.problems)]
    lines += [merge.line(dry_run) for merge in outcome.merged]
    lines += [f"skipped {c.where()}: {why}" for c, why in outcome.duplicates]
    lines += [f"{will}create {path} ({c.where()})" for path, c in outcome.created]
    lines += [f"{will}update {path}: {_changes(fields, outcome.replaced.get(path))} "
              f"({c.where()})" for path, c, fields in outcome.updated]
    errors = sum(1 for p in outcome.problems if p.severity not in (WARNING, NOTE))
    warnings = sum(1 for p in outcome.problems if p.severity == WARNING)
    notes = len(outcome.problems) - errors - warnings
    lines += _unkept(outcome)
    created, updated = len(outcome.created), len(outcome.updated)
    summary = (f"{created} {will}be created, {updated} {will}be updated" if dry_run
               else f"{created} created, {updated} updated")
    summary += f", {len(outcome.merged)} preprint(s) merged" if outcome.merged else ""
    summary += (f", {len(outcome.duplicates)} already present, {errors} not imported (errors), "
                f"{warnings} warning(s)" + (f", {notes} note(s)" if notes else ""))
    return lines + [summary + ("; nothing was written" if dry_run else "")]


def _changes(added: list[str], replaced: list[str] | None) -> str:
    """What an update does to a record: fields added, and a preprint's record made to cite
    its published version."""
    parts = [f"cite the published version ({', '.join(replaced)})"] if replaced else []
    return "; ".join(parts + ([f"add {', '.join(added)}"] if added else []))


def _unkept(outcome: Outcome) -> list[str]:
    """One line naming the fields of imported entries that no record field holds, with how
    many entries had each, most first: nothing is left out without a word."""
    counts = Counter(name for _, c in outcome.created for name in c.unkept)
    counts.update(name for _, c, _ in outcome.updated for name in c.unkept)
    if not counts:
        return []
    named = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ["not kept (no record field holds them): "
            + ", ".join(f"{name} ({n})" for name, n in named)]
