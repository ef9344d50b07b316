"""Write generated files into docs/: only what changed, atomically, removing what is stale."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .progress import NO_PROGRESS, Progress


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
    touched: set[str] = field(default_factory=set)  # rendered this time (written or found equal)

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


def write_outputs(docs_dir: Path, outputs: dict[str, str], keep: set[str], stale: set[str],
                  progress: Progress = NO_PROGRESS) -> WriteReport:
    """Write outputs (relative path -> text) where they differ from what is on disk, then
    remove the stale files (paths under the generator's folders that no page has any more)."""
    report = WriteReport(unchanged=len(keep) - len(outputs), touched=set(outputs))
    progress.stage("writing pages", len(outputs))
    for relative, text in sorted(outputs.items()):
        path = docs_dir / relative
        data = text.encode("utf-8")
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            report.unchanged += 1
        else:
            write_atomic(path, data)
            report.written.append(relative)
        progress.advance()
    for relative in sorted(stale - keep):
        (docs_dir / relative).unlink(missing_ok=True)
        report.removed.append(relative)
    _remove_empty_folders(docs_dir, {str(Path(r).parent) for r in report.removed})
    return report


def _remove_empty_folders(docs_dir: Path, folders: set[str]) -> None:
    """Folders emptied by removing stale files go too (deepest first)."""
    for folder in sorted(folders, key=lambda f: -f.count("/")):
        path = docs_dir / folder
        while path != docs_dir and path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            path = path.parent
