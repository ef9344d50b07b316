"""Write new record files in the form people edit by hand."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import yaml

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schema/paper.schema.json\n"


def dump_record(record: dict) -> str:
    """YAML text of a record; PyYAML quotes any string that would read back as another type."""
    body = yaml.dump(record, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=1_000_000)
    return SCHEMA_COMMENT + body


def write_new_record(path: Path, text: str) -> None:
    """Create path holding text, in one step: an import killed at any moment leaves each record
    whole or absent, never cut. Never replaces an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # hidden: never read as a record
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        _link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _link(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)  # unlike a rename, fails if a file of that name was made meanwhile
    except OSError as err:
        if isinstance(err, FileExistsError) or path.exists():
            raise
        os.replace(temporary, path)  # a file system without hard links
