"""Write generated files into docs/: only what changed, atomically, removing what is stale."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .progress import NO_PROGRESS, Progress


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    touched: set[str] = field(default_factory=set)  # rendered this time (written or found equal)

    def __str__(self) -> str:
        return f"{len(self.written)} written, {len(self.removed)} removed, {self.unchanged} unchanged"


def write_atomic(path: Path, data: bytes) -> None:
    """Readers see the old file or the new one, never a part of it: the data goes to a new
    temporary file (created exclusively, never through a link), which then replaces path."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)  # the umask applies
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as err:  # name the file being written, not its temporary
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(docs_dir: Path, outputs: dict[str, str], keep: set[str], existing: dict[str, tuple[int, int]],
                  progress: Progress = NO_PROGRESS) -> WriteReport:
    """Write outputs (relative path -> text) where they differ from the existing files
    (relative path -> size, time), then remove the stale ones: existing files under the
    generator's folders that no page has any more."""
    report = WriteReport(unchanged=len(keep) - len(outputs), touched=set(outputs))
    progress.stage("writing pages", len(outputs))
    for relative, text in sorted(outputs.items()):
        path = docs_dir / relative
        data = text.encode("utf-8")
        known = existing.get(relative)
        if known is not None and known[0] == len(data) and path.read_bytes() == data:
            report.unchanged += 1
        else:
            write_atomic(path, data)
            report.written.append(relative)
        progress.advance()
    for relative in sorted(set(existing) - keep):
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
