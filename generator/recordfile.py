"""Write new record files in the form people edit by hand."""

from __future__ import annotations

from pathlib import Path

import yaml

from .write import write_atomic

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schema/paper.schema.json\n"


def dump_record(record: dict) -> str:
    """YAML text of a record; PyYAML quotes any string that would read back as another type."""
    body = yaml.dump(record, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000)
    return SCHEMA_COMMENT + body


def write_new_record(path: Path, text: str) -> None:
    """Create path holding text, in one step: an import killed at any moment leaves each record
    whole or absent, never cut. Never replaces an existing file."""
    write_atomic(path, text.encode("utf-8"), replace=False)
