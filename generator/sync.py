"""`sync`: bring in what the declared sources (data/sources.yml) list now. New papers become
records under their source's topic; a record already present takes what changed at its source
since the last sync, except in fields the curator edited by hand (sync_state.py); a preprint
and its published version become one record, as `import` does.

Everything is fetched and checked before anything is written; a sync that finds nothing new
writes nothing (not even the state file), so the tree stays byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Settings
from .importers.common import Candidate, Index, checked_record, import_candidates
from .importers.merge import Merge, merge_versions
from .model import Collection, Paper
from .problems import ERROR, WARNING, Problem, display_path
from .recordfile import dump_record
from .records import load_paper_text
from .sync_config import Source
from .sync_kinds import KINDS
from .sync_state import (
    State,
    changed_fields,
    dump_state,
    load_state,
    merge_fields,
    settled_counts,
    state_path,
    unit_label,
    upstream_fields,
)
from .sync_text import set_fields
from .write import write_atomic
from .yamlread import parse_yaml, read_yaml

Log = Callable[[str], None]


@dataclass
class Change:
    """A record present before the sync, and what the sync does to it."""

    path: str
    candidate: Candidate
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # hand edits kept against the source


@dataclass
class SyncReport:
    created: list[tuple[str, Candidate]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    gone: list[tuple[str, Candidate]] = field(default_factory=list)  # deleted by hand
    merged: list[Merge] = field(default_factory=list)
    twice: int = 0  # entries naming a paper another entry (or source) gave already
    problems: list[Problem] = field(default_factory=list)
    writes: dict[Path, str] = field(default_factory=dict)
    state: str = ""  # the state file, as messages name it


def fetch_sources(sources: list[Source], client, log: Log) -> tuple[list[Candidate],
                                                                    list[Problem]]:
    """Every source's entries, each carrying its source's topic and tags; a failed request
    raises ServiceError before anything is written."""
    candidates, problems = [], []
    for source in sources:
        found, trouble = KINDS[source.kind].fetch(list(source.values), client, log)
        candidates += [_placed(c, source) for c in found]
        problems += trouble
    return candidates, problems


def _placed(candidate: Candidate, source: Source) -> Candidate:
    record = dict(candidate.record, topics=[source.topic])
    tags = list(dict.fromkeys([*record.get("tags", []), *source.tags]))
    if tags:
        record["tags"] = tags
    return replace(candidate, record=record)


def sync(settings: Settings, collection: Collection, sources: list[Source], client, *,
         dry_run: bool = False, log: Log = lambda line: None) -> SyncReport:
    root, papers_dir = settings.root, settings.data_dir / "papers"
    state_file = state_path(settings.data_dir)
    state = load_state(state_file, root)
    report = SyncReport(state=display_path(state_file, root))
    candidates, report.problems = fetch_sources(sources, client, log)
    candidates, merges = merge_versions(candidates)
    new, matched = _match(candidates, collection, state, report)
    updates = _plan_updates(matched, state, report, root)
    outcome = import_candidates(new, collection, papers_dir, root, dry_run=dry_run, log=log)
    report.created = outcome.created
    report.twice += len(outcome.duplicates)
    report.problems += outcome.problems
    for path, candidate in outcome.created:
        _remember(state, Path(path).stem, candidate)
    report.merged = _reaching_the_collection(merges, report)
    report.writes = _with_state(updates, state_file, state)
    if not dry_run:
        for path, text in report.writes.items():
            write_atomic(path, text.encode("utf-8"))
    return report


def _with_state(updates: dict[Path, str], state_file: Path, state: State) -> dict[Path, str]:
    """The files to write: the records updated, and the state file if it changed (a sync that
    finds nothing new rewrites nothing)."""
    text = dump_state(state)
    if text and _changed(state_file, text):
        return {**updates, state_file: text}
    return dict(updates)


def _match(candidates: list[Candidate], collection: Collection, state: State,
           report: SyncReport) -> tuple[list[Candidate], list[tuple[Paper, Candidate]]]:
    """New entries, and entries of papers present (the first entry of each paper only)."""
    present, gone = Index(), Index()
    for paper in collection.papers:
        present.add(paper.arxiv, paper.doi, paper.title, paper)
    ids = {p.id for p in collection.papers}
    for paper_id, last in sorted(state.items()):
        if paper_id not in ids and isinstance(last.get("title"), str):
            gone.add(_text(last.get("arxiv")), _text(last.get("doi")), last["title"], paper_id)
    new, matched, seen = [], [], set()
    for candidate in candidates:
        found = present.match(candidate.record)
        if found is None:
            deleted = gone.match(candidate.record)
            if deleted is None:
                new.append(candidate)
            else:
                report.gone.append((deleted[1], candidate))
        elif found[1].id in seen:
            report.twice += 1
        else:
            seen.add(found[1].id)
            matched.append((found[1], candidate))
    return new, matched


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _plan_updates(matched: list[tuple[Paper, Candidate]], state: State, report: SyncReport,
                  root: Path) -> dict[Path, str]:
    """New texts of records present whose source changed a field the curator did not."""
    texts: dict[Path, str] = {}
    for paper, candidate in matched:
        path = root / paper.origin.file
        doc, _ = read_yaml(path, paper.origin.file)
        new = _upstream(candidate, paper.id)
        if isinstance(doc and doc.value, list):
            why = "not synced: the file holds a list of records; sync keeps files of one record"
            report.problems.append(Problem(paper.origin.file, 0, 0, "", why, WARNING))
        if doc is None or not isinstance(doc.value, dict) or new is None:
            continue  # validation reports a broken record; a broken entry was reported
        change = Change(paper.origin.file, candidate)
        new = settled_counts(new, state.get(paper.id), doc.value)
        edits, kept = merge_fields(new, state.get(paper.id), doc.value)
        change.kept = [unit_label(u) for u in kept]
        text = _updated_text(path, paper, doc.value, edits, change, report)
        if text is not None:
            texts[path] = text
            change.updated = [unit_label(u) for u in edits]
        if text is not None or not edits:
            state[paper.id] = new
        report.changes.append(change)
    return texts


def _updated_text(path: Path, paper: Paper, current: dict, edits: dict, change: Change,
                  report: SyncReport) -> str | None:
    if not edits:
        return None
    text = set_fields(path.read_bytes().decode("utf-8"), changed_fields(current, edits))
    problems = load_paper_text(text, paper.origin.file, path.stem)[1] if text else []
    if text is None or problems:
        why = "; ".join(p.message for p in problems) or "it is not one record written as fields"
        fields = ", ".join(unit_label(u) for u in edits)
        report.problems.append(Problem(paper.origin.file, 0, 0, "",
                                       f"not updated ({fields}): {why}", WARNING))
        return None
    return text


def _upstream(candidate: Candidate, paper_id: str) -> dict | None:
    """What the source says of a paper, exactly as a record file would hold it."""
    record, _ = checked_record(candidate, paper_id)
    if record is None:
        return None
    doc, _ = parse_yaml(dump_record(record), paper_id)
    return upstream_fields(doc.value)


def _remember(state: State, paper_id: str, candidate: Candidate) -> None:
    new = _upstream(candidate, paper_id)
    if new is not None:
        state[paper_id] = new


def _changed(path: Path, text: str) -> bool:
    return not path.is_file() or path.read_bytes() != text.encode("utf-8")


def _reaching_the_collection(merges: list[Merge], report: SyncReport) -> list[Merge]:
    """The merges whose record is created or updated; a paper synced before is no news."""
    def key(c: Candidate) -> tuple:
        return c.file, c.line, c.label
    written = {key(c) for _, c in report.created}
    written |= {key(c.candidate) for c in report.changes if c.updated}
    return [m for m in merges if key(m.published) in written]


def report_lines(report: SyncReport, dry_run: bool) -> list[str]:
    will = "would " if dry_run else ""
    lines = [str(p) for p in sorted(report.problems)]
    lines += [merge.line(dry_run) for merge in report.merged]
    lines += [f"{will}create {path} ({c.where()}) in topic {c.record['topics'][0]}"
              for path, c in report.created]
    for change in report.changes:
        if change.updated:
            lines.append(f"{will}update {change.path}: {', '.join(change.updated)} "
                         f"({change.candidate.where()})")
        if change.kept:
            lines.append(f"kept hand edits in {change.path}: {', '.join(change.kept)} (the "
                         f"source's values are in {report.state})")
    lines += [f"not imported again: {c.where()}: its record {paper_id} was deleted by hand "
              f"(remove its entry from {report.state} to import it again)"
              for paper_id, c in report.gone]
    return lines + [_summary(report, dry_run)]


def _summary(report: SyncReport, dry_run: bool) -> str:
    updated = sum(1 for c in report.changes if c.updated)
    kept = sum(1 for c in report.changes if c.kept)
    unchanged = sum(1 for c in report.changes if not c.updated and not c.kept)
    errors = sum(1 for p in report.problems if p.severity == ERROR)
    line = (f"{len(report.created)} new, {updated} updated, {unchanged} unchanged, "
            f"{kept} with hand edits kept")
    line += f", {len(report.merged)} preprint(s) merged" if report.merged else ""
    line += f", {report.twice} listed twice" if report.twice else ""
    line += f", {len(report.gone)} deleted by hand" if report.gone else ""
    line += f", {errors} not imported (errors)" if errors else ""
    if dry_run:
        return line + "; nothing was written"
    return line if report.writes or report.created else line + "; no file changed"
