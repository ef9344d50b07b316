"""Write generated files into docs/: only what changed, atomically, removing what is stale."""

from __future__ import annotations

import os
import re
import secrets
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .problems import DataError, Problem
from .progress import NO_PROGRESS, Progress


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    touched: set[str] = field(default_factory=set)  # rendered this time (written or found equal)
    # files in generated folders the generator did not write
    foreign: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        written, removed = len(self.written), len(self.removed)
        return f"{written} written, {removed} removed, {self.unchanged} unchanged"


class Packed(bytes):
    """A page's UTF-8 text, compressed."""


def pack(text: str, compress: bool = True) -> bytes:
    """A rendered page as it is kept until written: UTF-8, compressed when many are kept. A big
    build holds every rendered page of its half until both halves have rendered (so a failing
    template writes nothing); Markdown shrinks about four-fold, which at 100,000 papers is over a
    gigabyte per process, for a few percent of the build's time. A build of a few pages keeps them
    as they are: compressing the downloads (500 MB at 100,000 papers) alone would take longer than
    the rest of an edit."""
    data = text.encode("utf-8")
    return Packed(zlib.compress(data, 1)) if compress else data


def unpack(data: bytes) -> bytes:
    return zlib.decompress(data) if isinstance(data, Packed) else data


# what write_atomic names its temporary files
TEMPORARY = re.compile(r"^\..+\.[0-9]+\.[0-9a-f]{8}\.tmp$")
# every file the last build generated: the proof that may delete them
MANIFEST = "_generated/manifest.txt"


def scan_outputs(docs: Path, folders: tuple[str, ...], root: Path) -> dict[str, tuple[int, int]]:
    """Every file under the generator's folders of docs/, with its size and modification time.

    Raises DataError when a folder (or anything in it) is a symbolic link, or a folder
    resolves outside the project: writing or deleting there could reach any file."""
    found: dict[str, tuple[int, int]] = {}
    problems = []
    project = root.resolve()
    for folder in folders:
        base = docs / folder
        if base.is_symlink() or (base.exists() and not base.resolve().is_relative_to(project)):
            message = "is a symbolic link or lies outside the project; remove it"
            problems.append(Problem(_shown(base, root), 0, 0, "", message))
    pending = [(docs / folder, f"{folder}/") for folder in folders
               if not (docs / folder).is_symlink()]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            # One stat answers what the entry is, too: at 100,000 papers this loop is a third of a
            # build that changes nothing.
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # gone since the folder was listed
                continue
            kind = stat.S_IFMT(st.st_mode)
            if kind == stat.S_IFLNK:
                message = "a symbolic link in a generated folder; remove it"
                problems.append(Problem(_shown(Path(entry.path), root), 0, 0, "", message))
            elif kind == stat.S_IFDIR:
                pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
            else:
                found[prefix + entry.name] = (st.st_size, st.st_mtime_ns)
    found.pop(MANIFEST, None)
    if problems:
        raise DataError(problems)
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def manifest_text(paths) -> str:
    return "".join(f"{path}\n" for path in sorted(paths))


def read_manifest(docs: Path) -> set[str]:
    path = docs / MANIFEST
    if path.is_symlink() or not path.is_file():
        return set()
    return {line for line in path.read_text("utf-8", errors="replace").splitlines() if line}


# Created anew, never through a symbolic link: a link planted at the temporary name fails.
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def write_atomic(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Readers see the old file or the new one, never a part of it: the data goes to a new
    temporary file, which then replaces path; or, with replace=False, is linked into place,
    never replacing anything there (FileExistsError instead)."""
    # A dot first: never read as a record; TEMPORARY knows the name if a kill leaves it.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            fd = os.open(tmp, CREATE, 0o666)  # the umask applies
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, CREATE, 0o666)
    except OSError as err:  # name the file being written, not its temporary
        raise OSError(err.errno, err.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if replace:
            os.replace(tmp, path)
        else:
            _link_into_place(tmp, path)
    except OSError as err:  # a full disk, a file deleted mid-build: name the file being written
        tmp.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _link_into_place(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)  # unlike a rename, fails if a file (or a link) of that name is there
    except OSError as err:
        if isinstance(err, FileExistsError) or os.path.lexists(path):
            raise
        os.replace(tmp, path)  # a file system without hard links
    else:
        tmp.unlink()


def claim(docs_dir: Path, keep: set[str]) -> set[str]:
    """Before writing: add the files about to be written to the manifest (in case the build is
    killed half-way); returns what the last manifest listed."""
    ours = read_manifest(docs_dir)
    if keep - ours:
        write_atomic(docs_dir / MANIFEST, manifest_text(ours | keep).encode("utf-8"))
    return ours


def write_outputs(docs_dir: Path, outputs: dict[str, bytes], keep: set[str],
                  existing: dict[str, tuple[int, int]], progress: Progress = NO_PROGRESS,
                  ours: set[str] | None = None) -> WriteReport:
    """Write outputs (relative path -> `pack`ed text) where they differ from the existing files
    (relative path -> size, time), then remove the stale ones: existing files under the
    generator's folders that no page has any more, and that the last build's manifest (ours,
    read by `claim` unless given) lists as generated, or are temporary files a killed build
    left. Others are left alone and named. Then the manifest lists exactly keep."""
    report = WriteReport(unchanged=len(keep) - len(outputs), touched=set(outputs))
    ours = claim(docs_dir, keep) if ours is None else ours
    progress.stage("writing pages", len(outputs))
    for relative, packed in sorted(outputs.items()):
        path = docs_dir / relative
        data = unpack(packed)
        known = existing.get(relative)
        if known is not None and known[0] == len(data) and path.read_bytes() == data:
            report.unchanged += 1
        else:
            write_atomic(path, data)
            report.written.append(relative)
        progress.advance()
    for relative in sorted(set(existing) - keep):
        if relative in ours or TEMPORARY.match(Path(relative).name):
            (docs_dir / relative).unlink(missing_ok=True)
            report.removed.append(relative)
        else:
            report.foreign.append(relative)
    _remove_empty_folders(docs_dir, {str(Path(r).parent) for r in report.removed})
    if read_manifest(docs_dir) != keep:
        write_atomic(docs_dir / MANIFEST, manifest_text(keep).encode("utf-8"))
    return report


def write_files(docs_dir: Path, outputs: dict[str, bytes]) -> list[str]:
    """Write outputs (`pack`ed) where they differ from what is on disk; nothing else (a helper
    process's share)."""
    written = []
    for relative, packed in sorted(outputs.items()):
        path, data = docs_dir / relative, unpack(packed)
        if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
            write_atomic(path, data)
            written.append(relative)
    return written


def _remove_empty_folders(docs_dir: Path, folders: set[str]) -> None:
    """Folders emptied by removing stale files go too (deepest first)."""
    for folder in sorted(folders, key=lambda f: -f.count("/")):
        path = docs_dir / folder
        while path != docs_dir and path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            path = path.parent
