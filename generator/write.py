"""Write generated files into docs/: only what changed, atomically, removing what is stale."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _read_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


UMASK = _read_umask()


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged"


def write_atomic(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), 0o666 & ~UMASK)  # mkstemp makes files private
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(docs_dir: Path, outputs: dict[str, str], owned_dirs: tuple[str, ...]) -> WriteReport:
    """Make the owned folders of docs_dir hold exactly outputs (relative path -> text)."""
    report = WriteReport()
    for relative, text in sorted(outputs.items()):
        path = docs_dir / relative
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            report.unchanged += 1
            continue
        write_atomic(path, data)
        report.written.append(relative)
    for folder in owned_dirs:
        report.removed += _remove_stale(docs_dir, docs_dir / folder, set(outputs))
    return report


def _remove_stale(docs_dir: Path, folder: Path, keep: set[str]) -> list[str]:
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(docs_dir).as_posix()
        if path.is_file() and relative not in keep:
            path.unlink()
            removed.append(relative)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return sorted(removed)
