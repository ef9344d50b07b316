"""`generate`: one build of a project, holding its lock, with or without the build cache. The
stages are in pipeline.py; what decides that less is due, in incremental.py."""

from __future__ import annotations

import contextlib
import gc
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from .cache import BuildCache, canonical
from .cacheopen import open_cache
from .config import Settings
from .incremental import patch, unchanged
from .parallel import Ahead, parallel_worth_it
from .pipeline import Run, build_all, finish, scan
from .plan import GENERATED_DIRS
from .previous import Previous, outputs_digest
from .problems import DataError, Problem, display_path, errors_of
from .progress import NO_PROGRESS, Progress
from .remember import STALE_DISCOVERY
from .report import Generated, NavInfo  # noqa: F401 - what callers import from here
from .store import PaperStore
from .write import scan_outputs


def generate(settings: Settings, strict: bool = False, use_cache: bool = True,
             progress: Progress = NO_PROGRESS, defer_discovery: bool = False) -> Generated:
    """Raises DataError (and writes nothing under docs/) when the data has errors. Builds of one
    project take turns (a CLI build while `make serve` runs would otherwise trip over it).
    defer_discovery: when texts changed, related papers and the map stay the last build's, and
    the result says so (`discovery_deferred`): another build without it brings them up to date."""
    lock = settings.cache_file.parent / "papersite.lock"
    with project_lock(lock, settings.root), fewer_collections():
        cache, notice = None, None
        if use_cache:
            identity = BuildCache.identity_of(settings.root, _schema_text())
            cache, notice = open_cache(settings.cache_file, identity, settings.root)
        if notice:
            print(f"papers: {notice}", file=sys.stderr, flush=True)
        try:
            run = Run(settings, strict, cache, progress, PaperStore(settings.root, cache),
                      defer_discovery=defer_discovery and cache is not None)
            return build(run)
        finally:
            if cache is not None:
                cache.close()


def build(run: Run) -> Generated:
    cache = run.cache
    stale = cache is not None and cache.get_meta(STALE_DISCOVERY) is True
    result = _build(run, shortcuts=run.defer_discovery or not stale)
    state = run.discovery_state
    result.discovery_deferred = state == "stale" or (state is None and stale)
    return result


def _build(run: Run, shortcuts: bool) -> Generated:
    """shortcuts: the last build's result or patched plan may be used (not when its pages were
    planned with related papers of other texts: only a build through every stage mends them)."""
    # The generated files are listed by a forked child while the data files are looked at here:
    # in a build that changes nothing, that is most of the time of each (282,000 stats at
    # 100,000 papers).
    cache = run.cache
    last_outputs = cache.get_meta("outputs") if cache is not None else None
    fork = isinstance(last_outputs, list) and parallel_worth_it(last_outputs[0])
    with Ahead(lambda: _scan_outputs(run.settings), fork) as ahead:
        previous = Previous(cache, ahead, last_outputs)
        inputs = scan(run)
        previous.take_digest()
        if shortcuts and cache is not None and not errors_of(inputs.problems, run.strict):
            done = unchanged(run, inputs, previous)
            if done is not None:
                return done
            due = patch(run, inputs, previous)
            if due is not None:
                return finish(run, inputs, due, previous)
        return finish(run, inputs, build_all(run, inputs, previous.due), previous)


def _scan_outputs(settings: Settings):
    outputs = scan_outputs(settings.docs_dir, GENERATED_DIRS, settings.root)
    yield outputs_digest(outputs)
    yield outputs
@contextlib.contextmanager
def fewer_collections():
    """Python's cycle collector, run less often during a build. A build makes millions of objects
    that live to its end (records, listings, the plan), and by default every 700 new objects start a
    collection, some of which go through all of them: at 10,000 papers 2.4-2.8 s of a 29-35 s build,
    11 passes through everything among 3,719. With these thresholds: 1.3-1.7 s, 121 collections,
    none through everything, at the same peak memory (without any collection it is 40 MB higher).
    The process's own setting comes back after."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def project_lock(path: Path, root: Path, wait_message_after: float = 0.3):
    """Hold the project's build lock; say so when another build holds it. A lock file that is a
    link is refused: the lock is never opened through it, and a build that went on without one
    would not take turns with another."""
    if path.is_symlink():
        problem = "the build lock is a symbolic link; delete it"
        raise DataError([Problem(display_path(path, root), 0, 0, "", problem)])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.is_symlink():
            raise OSError(f"{path.parent} is a symbolic link")
        lock = FileLock(path)
        try:
            lock.acquire(timeout=wait_message_after)
        except Timeout:
            print("papers: another build of this project is running; waiting for it to finish "
                  f"(lock: {path})", file=sys.stderr, flush=True)
            lock.acquire()
    except OSError:
        yield  # no place for a lock (a read-only project): build without one
        return
    try:
        yield
    finally:
        lock.release()


def _schema_text() -> str:
    from .schema import load_schema

    return canonical([load_schema("paper"), load_schema("topics")])


