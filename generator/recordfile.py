"""Write new record files in the form people edit by hand."""

from __future__ import annotations

from pathlib import Path

import yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schema/paper.schema.json\n"


def dump_record(record: dict) -> str:
    """YAML text of a record; PyYAML quotes any string that would read back as another type."""
    body = yaml.dump(record, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    return SCHEMA_COMMENT + body


def write_new_record(path: Path, text: str) -> None:
    """Create path holding text; never replaces an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
