"""What the sources last said of each record (data/sync-state.yml, committed with the records),
and the three-way merge that uses it: a field the source changed is updated only where the
record still holds what the source said last time; where the curator changed it, the curator's
value stays."""

from __future__ import annotations

from pathlib import Path

import yaml

from .problems import DataError, Problem, display_path
from .schema import field_names
from .yamlread import read_yaml

STATE_FILE = "sync-state.yml"
HEADER = ("# What the sources of data/sources.yml last said of each record, by record id:\n"
          "# written by `python -m generator sync` so that it never overwrites a field edited\n"
          "# by hand. Commit it with the records; an entry whose record was deleted keeps the\n"
          "# paper from being imported again.\n")
# Fields that are the curator's alone: given to a new record, never updated by a sync.
CURATED = frozenset({"id", "topics", "tags", "added", "notes"})
MAPPINGS = ("bib", "links")  # compared key by key: a hand-edited `bib.note` leaves `bib.pages`
MISSING = object()
# The source's alone while the record has it: a new count replaces the record's, whatever it
# holds; deleting the field is the curator's (it hides the count) and is kept, unreported.
COUNTS = "citations"

State = dict[str, dict]
Unit = tuple[str, ...]  # a field, or a field and one key of it


def state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def load_state(path: Path, root: Path) -> State:
    if not path.is_file():
        return {}
    display = display_path(path, root)
    doc, problems = read_yaml(path, display, "the sync state")
    if doc is None:
        raise DataError(problems)
    value = doc.value
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        why = ("expected a mapping of record ids to fields, as `sync` writes it; restore the "
               "file from version control")
        raise DataError([Problem(display, 1, 1, "", why)])
    return value


def dump_state(state: State) -> str:
    if not state:
        return ""
    body = yaml.dump({k: _counted(state[k]) for k in sorted(state)}, Dumper=yaml.CSafeDumper,
                     sort_keys=False, allow_unicode=True, width=1_000_000)
    return HEADER + body


def _counted(fields: dict) -> dict:
    if COUNTS not in fields:
        return fields
    return {**fields, COUNTS: _whole_count(fields[COUNTS])}


def upstream_fields(record: dict) -> dict:
    """The fields a sync keeps in step with the source, in the field table's order."""
    return {k: record[k] for k in field_names() if k in record and k not in CURATED}


def value_at(record: dict | None, unit: Unit) -> object:
    value: object = record
    for part in unit:
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def _units(new: dict, last: dict | None, current: dict) -> list[Unit]:
    units: list[Unit] = []
    for name in dict.fromkeys([*new, *(last or {})]):
        sides = [new.get(name), (last or {}).get(name), current.get(name)]
        if name in MAPPINGS and all(s is None or isinstance(s, dict) for s in sides):
            keys = dict.fromkeys(k for s in sides[:2] if s for k in s)
            units += [(name, key) for key in keys]
        else:
            units.append((name,))
    return units


def merge_fields(new: dict, last: dict | None,
                 current: dict) -> tuple[dict[Unit, object], list[Unit]]:
    """The changes to make to a record (a value, or MISSING to remove it), and the units whose
    hand edit is kept though the source changed them. A record never synced before (last is
    None) only gains what it lacks."""
    changes: dict[Unit, object] = {}
    kept: list[Unit] = []
    for unit in _units(new, last, current):
        now, theirs = value_at(current, unit), value_at(new, unit)
        if last is None:
            if now is MISSING and theirs is not MISSING:
                changes[unit] = theirs
            continue
        before = value_at(last, unit)
        if theirs == before or now == theirs:
            continue
        if now == before or (unit == (COUNTS,) and now is not MISSING):
            changes[unit] = theirs
        else:
            kept.append(unit)
    return changes, kept


def settled_counts(new: dict, last: dict | None, current: dict) -> dict:
    """new, with the citation count the record is to keep: its own while the source counts the
    same (a later day alone changes no file), the last one while the curator has deleted it
    (so the merge sees no change), its own when the source gave none."""
    theirs, now = new.get(COUNTS), current.get(COUNTS)
    before = (last or {}).get(COUNTS)
    if theirs is None or (now is not None and _same_count(now, theirs)):
        keep = now
    elif now is None and before is not None:
        keep = before
    else:
        return {**new, COUNTS: _whole_count(theirs)}
    settled = {k: v for k, v in new.items() if k != COUNTS}
    return settled if keep is None else {**settled, COUNTS: keep}


def _same_count(a: object, b: object) -> bool:
    return (isinstance(a, dict) and isinstance(b, dict)
            and (str(a.get("count")), a.get("source")) == (str(b.get("count")), b.get("source")))


def _whole_count(value: object) -> object:
    """The count as a number, as `import` writes it (records are read with every value a
    string, and would be written back quoted)."""
    count = value.get("count") if isinstance(value, dict) else None
    if isinstance(count, str) and count.isdigit():
        return {**value, "count": int(count)}
    return value


def changed_fields(current: dict, changes: dict[Unit, object]) -> dict[str, object]:
    """New whole values of the fields that change (MISSING: the field goes)."""
    fields: dict[str, object] = {}
    for unit, value in changes.items():
        name = unit[0]
        if len(unit) == 1:
            fields[name] = value
            continue
        mapping = fields.get(name, current.get(name))
        mapping = dict(mapping) if isinstance(mapping, dict) else {}
        if value is MISSING:
            mapping.pop(unit[1], None)
        else:
            mapping[unit[1]] = value
        fields[name] = mapping if mapping else MISSING
    return fields


def unit_label(unit: Unit) -> str:
    return ".".join(unit)
