"""The build cache: what earlier builds learned, so the next one redoes only what changed.

One SQLite file (git-ignored, `.cache/papersite.sqlite` by default) holds, per data file, its
size, modification time, content hash and the checked summaries of its records; per paper, its
digests, what pages show of it (entry, BibTeX, data), its pieces of whole-collection files and
its term counts; per generated page (cachepages.py), the hash of everything it was rendered
from, the size and time of the file written, its plan entry and the papers it shows; and the
last build's result, related papers and map (meta). Nothing in it is ever executed (JSON, text
and arrays of numbers only). It is opened by cacheopen.py.

A cache written by another version, for another project, or damaged in any way is detected
and started afresh; it is never trusted. Each row carries a checksum of its payload, keyed with
a secret kept outside the project (`~/.cache/papersite/cache-key`): a cache made elsewhere (one
committed to the repository) holds no row this machine's builds accept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .cachepages import PAGE_PAPERS_INDEXES, PageRows
from .cachepieces import PieceRows

FORMAT = 11
# what listings, BibTeX downloads, and feeds and data downloads show of a paper
PARTS = ("entry", "bib", "data")
# of a paper: its record, each part, the parts together, and the text compared
DIGESTS = ("full", *PARTS, "parts", "text")
TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, checksum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha TEXT,
    payload TEXT, checksum TEXT);
CREATE TABLE IF NOT EXISTS papers(id TEXT, file TEXT, full TEXT, entry TEXT, bib TEXT, data TEXT,
    parts TEXT, text TEXT, checksum TEXT);
CREATE INDEX IF NOT EXISTS papers_by_file ON papers(file);
CREATE TABLE IF NOT EXISTS entries(id TEXT PRIMARY KEY, digest TEXT, entry TEXT, entry_sum TEXT,
    bib TEXT, bib_sum TEXT, data TEXT, data_sum TEXT);
CREATE TABLE IF NOT EXISTS pages(path TEXT PRIMARY KEY, key TEXT, size INTEGER, mtime_ns INTEGER,
    shape TEXT, page TEXT, checksum TEXT);
CREATE TABLE IF NOT EXISTS page_papers(paper TEXT, path TEXT);
CREATE TABLE IF NOT EXISTS fragments(kind TEXT, id TEXT, key TEXT, text TEXT, checksum TEXT,
    PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS terms(id TEXT PRIMARY KEY, text TEXT, indices BLOB, counts BLOB,
    checksum TEXT);
""" + "".join(f"{sql};\n" for sql in PAGE_PAPERS_INDEXES.values())


def digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def sealer(key: bytes):
    """The keyed checksum of a cache row's text, as cheap as `digest`."""
    def seal(text: str | bytes) -> str:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return hashlib.blake2b(data, digest_size=12, key=key).hexdigest()

    return seal


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    sha: str
    payload: dict


class FileStat(NamedTuple):
    size: int
    mtime_ns: int
    sha: str


class PaperRow(NamedTuple):
    file: str  # the data file the paper is in
    digests: dict[str, str]  # DIGESTS


class PartsRow(NamedTuple):
    digest: str  # of all the parts together ("parts")
    value: dict  # part -> value; None for a part not read (or damaged)


@functools.cache
def _code_digest() -> str:
    """The generator's own code: an edited checkout must not reuse pages an older one rendered."""
    package = Path(__file__).parent
    files = sorted(package.glob("*.py"))
    return digest("".join(f"{path.name}\0{path.read_text('utf-8')}" for path in files))


class Damaged(Exception):
    """The cache cannot be trusted: start afresh."""


class Unusable(Exception):
    """The build runs without the cache, for the reason given."""


class BuildCache(PieceRows, PageRows):
    """The cache's connection, its meta values, and the rows of files, papers and their parts
    (those of pieces and term counts: `PieceRows`; of pages: `PageRows`)."""

    def __init__(self, path: Path, identity: str, key: bytes):
        self.path = path
        self.identity = identity
        self.seal = sealer(key)
        self.notice: str | None = None  # what a build says about this cache, once
        self.db = self._open()

    @staticmethod
    def identity_of(root: Path, schema_text: str) -> str:
        """What a cache must match to be used: this project, this generator, this Python."""
        return canonical([FORMAT, __version__, _code_digest(), str(root.resolve()),
                          digest(schema_text), sys.version_info[:2]])

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.parent.is_symlink():
            raise Damaged("the cache folder is a symbolic link")
        db = None
        try:
            db = self._connect()
            row = db.execute("SELECT value, checksum FROM meta WHERE key = 'identity'").fetchone()
            if row is None or row[0] != self.identity:
                raise Damaged("")  # new, or another version's: started afresh without a word
            if self.seal(row[0]) != row[1]:
                raise Damaged("its rows were not written by this machine's builds (or are damaged)")
            return db
        except (sqlite3.DatabaseError, Damaged) as err:
            if db is not None:
                db.close()
            if _read_only(err):
                raise Unusable("it is read-only") from None
            self.notice = str(err) if isinstance(err, Damaged) else "it is damaged"
            self.path.unlink(missing_ok=True)
            db = self._connect()
            db.execute("INSERT OR REPLACE INTO meta VALUES ('identity', ?, ?)",
                       (self.identity, self.seal(self.identity)))
            return db

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_symlink():
            raise Damaged("the cache file is a symlink")
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            _prepare(db)
        except BaseException:  # a damaged or read-only file: the caller never sees this connection
            db.close()
            raise
        return db

    def _meta(self, db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value, checksum FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None or self.seal(row[0]) != row[1]:
            return None  # missing or damaged: as good as never written
        return row[0]

    def close(self) -> None:
        self.db.close()

    # meta -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> object:
        text = self._meta(self.db, key)
        return None if text is None else json.loads(text)

    def set_meta(self, key: str, value: object) -> None:
        text = canonical(value)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                        (key, text, self.seal(text)))

    # files and papers -----------------------------------------------------------------------
    def files(self) -> dict[str, FileState]:
        """Every data file's state with its parsed summaries (a file whose row is damaged is left
        out, so it is read again)."""
        found = {}
        for path, size, mtime_ns, sha, payload, checksum in self.db.execute("SELECT * FROM files"):
            if self.seal(payload) == checksum:
                found[path] = FileState(size, mtime_ns, sha, json.loads(payload))
        return found

    def file_stats(self) -> dict[str, FileStat]:
        """Every data file's size, time and content hash, without its summaries."""
        rows = self.db.execute("SELECT path, size, mtime_ns, sha FROM files")
        return {path: FileStat(size, mtime_ns, sha) for path, size, mtime_ns, sha in rows}

    def file_payloads(self, paths) -> dict[str, dict]:
        found = {}
        for path in paths:
            query = "SELECT payload, checksum FROM files WHERE path = ?"
            row = self.db.execute(query, (path,)).fetchone()
            if row is not None and self.seal(row[0]) == row[1]:
                found[path] = json.loads(row[0])
        return found

    # Rows are handed to SQLite as they are made: listed first, a 100,000-paper build's rows took
    # hundreds of MB.
    def put_files(self, states: dict[str, FileState]) -> None:
        """Store these files' states, and their papers' digests in the papers table."""
        def rows():
            for path, state in states.items():
                payload = json.dumps(state.payload, ensure_ascii=False, separators=(",", ":"))
                yield path, state.size, state.mtime_ns, state.sha, payload, self.seal(payload)

        def papers():
            for path, state in states.items():
                for paper in state.payload["papers"]:
                    values = (paper["id"], path, *(paper["digests"][k] for k in DIGESTS))
                    yield *values, self.seal("\x00".join(values))

        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", rows())
        self.db.executemany("DELETE FROM papers WHERE file = ?", ((path,) for path in states))
        marks = ", ".join("?" * (len(DIGESTS) + 3))
        self.db.executemany(f"INSERT INTO papers VALUES ({marks})", papers())

    def touch_files(self, stats: dict[str, tuple[int, int]]) -> None:
        """New size and time of files whose content did not change."""
        self.db.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?",
                            [(*v, p) for p, v in stats.items()])

    def drop_files(self, paths) -> None:
        self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in paths])
        self.db.executemany("DELETE FROM papers WHERE file = ?", [(p,) for p in paths])

    def paper_digests(self) -> dict[str, PaperRow] | None:
        """Every paper of the files stored, with its file and digests; None if a row is damaged."""
        found = {}
        for row in self.db.execute("SELECT * FROM papers"):
            if self.seal("\x00".join(row[:-1])) != row[-1]:
                return None
            paper_id, file, *digests, _ = row
            found[paper_id] = PaperRow(file, dict(zip(DIGESTS, digests, strict=True)))
        return found

    # entries --------------------------------------------------------------------------------
    def parts(self, ids: list[str], parts: tuple[str, ...] = PARTS) -> dict[str, PartsRow]:
        """Cached parts of papers, for the ids whose row is sound; only the parts asked for
        are read (a download of the whole collection needs one of them)."""
        found = {}
        columns = ", ".join(f"{part}, {part}_sum" for part in parts)
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, digest, {columns} FROM entries WHERE id IN ({marks})"
            for paper_id, parts_digest, *texts in self.db.execute(query, chunk):
                pairs = list(zip(texts[0::2], texts[1::2], strict=True))
                if any(text is None or self.seal(text) != checksum for text, checksum in pairs):
                    continue  # damaged: the record is read again instead
                value = dict.fromkeys(PARTS)
                for part, (text, _) in zip(parts, pairs, strict=True):
                    value[part] = text if part == "bib" else json.loads(text)
                found[paper_id] = PartsRow(parts_digest, value)
        return found

    def put_parts(self, rows: dict[str, PartsRow]) -> None:
        def data():
            for paper_id, (parts_digest, value) in rows.items():
                texts = [value[part] if part == "bib" else canonical(value[part]) for part in PARTS]
                sealed = (x for text in texts for x in (text, self.seal(text)))
                yield paper_id, parts_digest, *sealed

        marks = ", ".join("?" * (2 + 2 * len(PARTS)))
        self.db.executemany(f"INSERT OR REPLACE INTO entries VALUES ({marks})", data())

    # transactions ---------------------------------------------------------------------------
    def __enter__(self):
        self.db.execute("BEGIN")
        return self

    def __exit__(self, kind, value, tb):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _prepare(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(TABLES)
    # A read-only file opens, and fails at the first write: found now, not at the build's end.
    db.execute("BEGIN")
    try:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('', '', '')")
    finally:
        db.execute("ROLLBACK")


def _read_only(err: Exception) -> bool:
    return getattr(err, "sqlite_errorname", "") == "SQLITE_READONLY"


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns

