"""Opening the build cache: the machine's secret that keys its rows, and the checks that keep
out a cache this machine did not write (one tracked by git, a read-only or damaged file)."""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
import subprocess
from pathlib import Path

from .cache import BuildCache, Damaged, Unusable, _read_only
from .problems import display_path

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


def _reason(err: Exception) -> str:
    return "it is read-only" if _read_only(err) else getattr(err, "strerror", None) or str(err)
