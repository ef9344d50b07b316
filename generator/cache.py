"""The build cache: what earlier builds learned, so the next one redoes only what changed.

One SQLite file (git-ignored, `.cache/papersite.sqlite` by default) holds, per data file, its
size, modification time, content hash and the checked summaries of its records; per paper, its
listing entry and BibTeX; per generated page, the hash of everything it was rendered from and
the size and time of the file written. Nothing in it is ever executed (JSON and text only).

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
import secrets
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .problems import display_path

FORMAT = 10
PARTS = ("entry", "bib", "data")  # what listings, BibTeX downloads, and feeds and data downloads show of a paper
DIGESTS = ("full", *PARTS, "listing", "text")  # of a paper: its record, each part, the parts together, and the text compared
PAGE_PAPERS_INDEXES = {
    "page_papers_by_paper": "CREATE INDEX IF NOT EXISTS page_papers_by_paper ON page_papers(paper)",
    "page_papers_by_path": "CREATE INDEX IF NOT EXISTS page_papers_by_path ON page_papers(path)",
}
BULK_PAGES = 5000  # pages stored at once into an empty page-to-paper table: its indexes are made after the rows
TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, checksum TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha TEXT, payload TEXT, checksum TEXT);
CREATE TABLE IF NOT EXISTS papers(id TEXT, file TEXT, full TEXT, entry TEXT, bib TEXT, data TEXT, listing TEXT, text TEXT, checksum TEXT);
CREATE INDEX IF NOT EXISTS papers_by_file ON papers(file);
CREATE TABLE IF NOT EXISTS entries(id TEXT PRIMARY KEY, digest TEXT, entry TEXT, entry_sum TEXT, bib TEXT, bib_sum TEXT, data TEXT, data_sum TEXT);
CREATE TABLE IF NOT EXISTS pages(path TEXT PRIMARY KEY, key TEXT, size INTEGER, mtime_ns INTEGER, shape TEXT, page TEXT, checksum TEXT);
CREATE TABLE IF NOT EXISTS page_papers(paper TEXT, path TEXT);
CREATE TABLE IF NOT EXISTS fragments(kind TEXT, id TEXT, key TEXT, text TEXT, checksum TEXT, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS terms(id TEXT PRIMARY KEY, text TEXT, indices BLOB, counts BLOB, checksum TEXT);
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


class ListingRow(NamedTuple):
    digest: str  # of all the parts together ("listing")
    value: dict  # part -> value; None for a part not read (or damaged)


class PageRow(NamedTuple):
    key: str  # of everything the page was rendered from
    size: int
    mtime_ns: int


class PlannedRow(NamedTuple):
    shape: str
    page: dict  # the plan entry, as `plan.page_value`


class ShapeRow(NamedTuple):
    shape: str
    paper_ids: list[str]


@functools.cache
def _code_digest() -> str:
    """The generator's own code: an edited checkout must not reuse pages an older one rendered."""
    package = Path(__file__).parent
    return digest("".join(f"{path.name}\0{path.read_text('utf-8')}" for path in sorted(package.glob("*.py"))))


class Damaged(Exception):
    """The cache cannot be trusted: start afresh."""


class Unusable(Exception):
    """The build runs without the cache, for the reason given."""


KEY_ENV = "PAPERSITE_CACHE_KEY"  # the file of the secret that keys the rows, if not the usual one


def key_file() -> Path:
    named = os.environ.get(KEY_ENV)
    if named:
        return Path(named)
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "papersite" / "cache-key"


@functools.cache
def machine_key(path: Path) -> bytes:
    """This machine's secret, made on first use; never in a project, so never committed with one."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        made = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(made, path)  # whole or not at all: another build may be making it too
        except FileExistsError:
            pass
        finally:
            made.unlink()
    key = bytes.fromhex(path.read_text("ascii").strip())
    if len(key) < 16:
        raise ValueError("it holds too short a secret")
    return key[:64]


class BuildCache:
    def __init__(self, path: Path, identity: str, key: bytes):
        self.path = path
        self.identity = identity
        self.seal = sealer(key)
        self.notice: str | None = None  # what a build says about this cache, once
        self.db = self._open()

    @staticmethod
    def identity_of(root: Path, schema_text: str) -> str:
        """What a cache must match to be used: this project, this generator, this Python."""
        return canonical([FORMAT, __version__, _code_digest(), str(root.resolve()), digest(schema_text), sys.version_info[:2]])

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
            row = self.db.execute("SELECT payload, checksum FROM files WHERE path = ?", (path,)).fetchone()
            if row is not None and self.seal(row[0]) == row[1]:
                found[path] = json.loads(row[0])
        return found

    # Rows are handed to SQLite as they are made: listed first, a 100,000-paper build's rows took hundreds of MB.
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
        self.db.executemany(f"INSERT INTO papers VALUES ({', '.join('?' * (len(DIGESTS) + 3))})", papers())

    def touch_files(self, stats: dict[str, tuple[int, int]]) -> None:
        """New size and time of files whose content did not change."""
        self.db.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", [(*v, p) for p, v in stats.items()])

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
    def listings(self, ids: list[str], parts: tuple[str, ...] = PARTS) -> dict[str, ListingRow]:
        """Cached listings of papers, for the ids whose row is sound; only the parts asked for
        are read (a download of the whole collection needs one of them)."""
        found = {}
        columns = ", ".join(f"{part}, {part}_sum" for part in parts)
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            query = f"SELECT id, digest, {columns} FROM entries WHERE id IN ({','.join('?' * len(chunk))})"
            for paper_id, listing_digest, *texts in self.db.execute(query, chunk):
                pairs = list(zip(texts[0::2], texts[1::2], strict=True))
                if any(text is None or self.seal(text) != checksum for text, checksum in pairs):
                    continue  # damaged: the record is read again instead
                value = dict.fromkeys(PARTS)
                for part, (text, _) in zip(parts, pairs, strict=True):
                    value[part] = text if part == "bib" else json.loads(text)
                found[paper_id] = ListingRow(listing_digest, value)
        return found

    def put_listings(self, rows: dict[str, ListingRow]) -> None:
        def data():
            for paper_id, (listing_digest, value) in rows.items():
                texts = [value[part] if part == "bib" else canonical(value[part]) for part in PARTS]
                sealed = (x for text in texts for x in (text, self.seal(text)))
                yield paper_id, listing_digest, *sealed

        self.db.executemany(f"INSERT OR REPLACE INTO entries VALUES ({', '.join('?' * (2 + 2 * len(PARTS)))})", data())

    # pieces of whole-collection files -------------------------------------------------------
    def fragments(self, kinds) -> dict[tuple[str, str], tuple[str, str]]:
        """(kind, paper id) -> (key of what it was made from, text), sound rows of the kinds asked for."""
        found = {}
        for kind in sorted(kinds):
            for paper_id, key, text, checksum in self.db.execute("SELECT id, key, text, checksum FROM fragments WHERE kind = ?", (kind,)):
                if self.seal(f"{key}\0{text}") == checksum:
                    found[kind, paper_id] = (key, text)
        return found

    def put_fragments(self, rows: dict[tuple[str, str], tuple[str, str]]) -> None:
        sealed = ((kind, i, key, text, self.seal(f"{key}\0{text}"))
                  for (kind, i), (key, text) in rows.items())
        self.db.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)", sealed)

    # term counts, for related papers ---------------------------------------------------------
    def terms(self) -> dict[str, tuple[str, bytes, bytes]]:
        """Each paper's term counts: id -> (digest of the text counted, columns, counts), sound rows only."""
        rows = self.db.execute("SELECT id, text, indices, counts, checksum FROM terms")
        return {i: (text, indices, counts) for i, text, indices, counts, checksum in rows
                if self._terms_sum(text, indices, counts) == checksum}

    def put_terms(self, rows: dict[str, tuple[str, bytes, bytes]]) -> None:
        sealed = ((i, t, a, b, self._terms_sum(t, a, b)) for i, (t, a, b) in rows.items())
        self.db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?, ?, ?)", sealed)

    def _terms_sum(self, text: str, indices: bytes, counts: bytes) -> str:
        return self.seal(text.encode("utf-8") + b"\0" + indices + b"\0" + counts)

    def drop_orphans(self) -> None:
        """Forget the pieces and term counts of papers no longer in any data file (after put_files)."""
        for table in ("fragments", "terms"):
            self.db.execute(f"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM papers)")

    # pages ----------------------------------------------------------------------------------
    def pages(self) -> dict[str, PageRow]:
        """Every page written: path -> key of its inputs, size, modification time."""
        rows = self.db.execute("SELECT path, key, size, mtime_ns FROM pages")
        return {path: PageRow(key, size, mtime_ns) for path, key, size, mtime_ns in rows}

    def planned(self, paths) -> dict[str, PlannedRow]:
        """The plan entries of pages, for the paths with a sound row."""
        return {path: PlannedRow(shape, json.loads(page))
                for path, shape, page in self._sound_pages(paths)}

    def shapes_and_papers(self, paths) -> dict[str, ShapeRow]:
        """The shape stored with each page's plan entry and the ids of the papers it shows, for
        the paths with a sound row (a damaged one is stored anew)."""
        return {path: ShapeRow(shape, json.loads(page)["ids"])
                for path, shape, page in self._sound_pages(paths)}

    def _sound_pages(self, paths):
        """(path, shape, plan entry as stored) of the paths whose row is sound."""
        paths = sorted(paths)
        for start in range(0, len(paths), 900):
            part = paths[start : start + 900]
            query = f"SELECT path, shape, page, checksum FROM pages WHERE path IN ({','.join('?' * len(part))})"
            for path, shape, page, checksum in self.db.execute(query, part):
                if page is not None and self.seal(f"{shape}\x00{page}") == checksum:
                    yield path, shape, page

    def pages_showing(self, paper_ids) -> set[str]:
        ids = sorted(paper_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            found |= {row[0] for row in self.db.execute(f"SELECT path FROM page_papers WHERE paper IN ({','.join('?' * len(part))})", part)}
        return found

    def put_pages(self, rows: dict[str, tuple[str, int, int, str, dict, tuple[str, ...]]], same_papers=frozenset()) -> None:
        """path -> (key, size, time, shape, plan entry, ids of the papers it shows); same_papers: paths whose page shows
        the papers it showed, whose page-to-paper rows are kept."""
        def data():
            for path, (key, size, mtime_ns, shape, page, _) in rows.items():
                text = json.dumps(page, ensure_ascii=False, separators=(",", ":"))  # key order kept: it is the plan's
                yield path, key, size, mtime_ns, shape, text, self.seal(f"{shape}\x00{text}")

        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)", data())
        changed = [path for path in rows if path not in same_papers]
        # A first build stores every page's rows into an empty table: with the indexes made afterwards, 2.3 million
        # rows (100,000 papers) went in in 5.2 s instead of 7.2 s.
        bulk = len(changed) >= BULK_PAGES and self.db.execute("SELECT 1 FROM page_papers LIMIT 1").fetchone() is None
        if bulk:
            for name in PAGE_PAPERS_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        else:
            self.db.executemany("DELETE FROM page_papers WHERE path = ?", ((p,) for p in changed))
        self.db.executemany("INSERT INTO page_papers VALUES (?, ?)", ((i, p) for p in changed for i in rows[p][5]))
        if bulk:
            for sql in PAGE_PAPERS_INDEXES.values():
                self.db.execute(sql)

    def touch_pages(self, rows: dict[str, tuple[str, int, int]]) -> None:
        """New key, size and time for pages whose plan entry did not change."""
        self.db.executemany("UPDATE pages SET key = ?, size = ?, mtime_ns = ? WHERE path = ?", [(*v, p) for p, v in rows.items()])

    def drop_pages(self, paths) -> None:
        self.db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in paths])
        self.db.executemany("DELETE FROM page_papers WHERE path = ?", [(p,) for p in paths])

    # transactions ---------------------------------------------------------------------------
    def __enter__(self):
        self.db.execute("BEGIN")
        return self

    def __exit__(self, kind, value, tb):
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def open_cache(path: Path, identity: str, root: Path) -> tuple[BuildCache | None, str | None]:
    """The cache at path, or None when it cannot be used (then the build runs without it); and
    what to say about it."""
    shown = display_path(path, root)
    try:
        tracked = tracked_by_git(path, root)
        if tracked:
            return None, _tracked_message([display_path(p, root) for p in tracked])
        where = key_file()
        try:
            key = machine_key(where)
        except (OSError, ValueError) as err:
            return None, (f"no secret to check the build cache by ({where}: {err}); "
                          "building without the cache")
        cache = BuildCache(path, identity, key)
    except Unusable as err:
        return None, f"{shown}: {err}; building without the cache"
    except (OSError, sqlite3.Error, Damaged) as err:
        return None, f"{shown} cannot be used ({_reason(err)}); building without the cache"
    return cache, f"{shown} was started afresh: {cache.notice}" if cache.notice else None


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


def _reason(err: Exception) -> str:
    return "it is read-only" if _read_only(err) else getattr(err, "strerror", None) or str(err)


def _tracked_message(names: list[str]) -> str:
    shown = " ".join(names)
    it, verb = ("it", "is") if len(names) == 1 else ("them", "are")
    return (f"{shown} {verb} tracked by git, and a build uses only a cache it wrote "
            f"itself, so this one runs without it; take {it} out of the repository "
            f"(git rm --cached {shown})")


def tracked_by_git(path: Path, root: Path) -> list[Path]:
    """Which of the cache file and its -wal and -shm files (SQLite replays a -wal into the file)
    the project's git repository holds: committed by a change to the project, they may be
    anyone's. Asked of git only where there is a repository and one of the files."""
    files = [p for p in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm")))
             if p.is_file()]
    folders = (root.resolve(), *root.resolve().parents)
    if not files or not any((folder / ".git").exists() for folder in folders):
        return []
    try:
        done = subprocess.run(["git", "ls-files", "-z", "--", *(str(p.resolve()) for p in files)],
                              cwd=root, timeout=30, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.SubprocessError):
        return []  # no git to ask: the rows' keys still keep out what this machine did not write
    listed = {(root / os.fsdecode(name)).resolve() for name in done.stdout.split(b"\0") if name}
    return [p for p in files if done.returncode == 0 and p.resolve() in listed]


def file_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns

