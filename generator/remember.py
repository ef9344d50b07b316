"""The remember stage: what a build learned, kept in the build cache for the next one."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from .cache import FileState, stat_key
from .cachecodec import problem_payload
from .cachepages import PageEntry, PageRow
from .plan import page_value
from .previous import Previous, outputs_digest

if TYPE_CHECKING:
    from .pipeline import Due, Inputs, Run
    from .rendering import Rendered

STALE_DISCOVERY = "discovery_stale"
RACY_NS = 2_000_000_000  # a file changed this close to a build may change again unseen


def _settled(run: Run, state: FileState) -> FileState:
    """A file changed moments ago may change again within the same clock tick: store a time
    that never matches, so the next build compares its content instead."""
    if state.mtime_ns >= run.started_ns - RACY_NS:
        return FileState(state.size, -1, state.sha, state.payload)
    return state


def _file_states(run: Run) -> None:
    store, cache = run.store, run.cache
    cache.put_files({d: _settled(run, s) for d, s in store.changed.items()})
    cache.touch_files({d: (s.size, _settled(run, s).mtime_ns) for d, s in store.touched.items()})
    cache.drop_files(store.dropped)


def remember_failed(run: Run) -> None:
    """After a build that found errors: the files read, and no trust in the pages on disk."""
    if run.cache is None:
        return
    with run.cache:
        _file_states(run)
        # The pages on disk are those of the last good build, not of these files: until a
        # build succeeds again, neither the fingerprint nor the last plan may be trusted.
        run.cache.set_meta("fingerprint", None)
        run.cache.set_meta("global_key", None)


def _page_rows(run: Run, due: Due, rendered: Rendered) -> dict[str, PageEntry]:
    """The rows of the pages rendered now."""
    docs = run.settings.docs_dir
    planned = {page.path: page for page in due.pages}
    rows = {}
    for path in rendered.report.touched:
        stat = stat_key(docs / path)
        if stat is not None:
            page = planned[path]
            rows[path] = PageEntry(due.keys[path], *stat, due.shapes[path], page_value(page),
                                   page.paper_ids)
    return rows


def remember(run: Run, inputs: Inputs, due: Due, rendered: Rendered, last: Previous) -> None:
    """Remember what this build learned. An input changed moments ago (racy): the next build
    checks every file rather than trust the fingerprint."""
    cache = run.cache
    if cache is None:
        return
    rows = _page_rows(run, due, rendered)
    known, keys = last.known_pages, due.keys
    # Pages not rendered now were found as the last build left them (else they would be due).
    on_disk = {path: known[path].written for path in keys if path not in rows and path in known}
    on_disk |= {path: row.written for path, row in rows.items()}
    # A page rendered again with the same plan entry (same shape) keeps it: only its key, size
    # and time are new; one that shows the same papers keeps its page-to-paper rows. The
    # downloads and the map list every paper, and an edit renders them again: at 100,000
    # papers, storing their entries and rows anew took 2 s of an edit.
    stored = cache.shapes_and_papers(rows)
    same = {path: PageRow(row.key, row.size, row.mtime_ns) for path, row in rows.items()
            if path in stored and stored[path].shape == row.shape}
    same_papers = {path for path, row in rows.items()
                   if path in stored and tuple(stored[path].paper_ids) == tuple(row.paper_ids)}
    racy = any(mtime_ns >= run.started_ns - RACY_NS for _, (_, mtime_ns) in inputs.files.values())
    with cache:
        _file_states(run)
        cache.put_parts(rendered.parts)
        cache.put_fragments(rendered.fragments)
        cache.put_pages({path: row for path, row in rows.items() if path not in same}, same_papers)
        cache.touch_pages(same)
        cache.drop_pages(set(known) - set(keys))
        cache.set_meta("fingerprint", None if racy else inputs.fingerprint)
        cache.set_meta("outputs", outputs_digest(on_disk))
        _remember_meta(run, inputs, due)


def _remember_meta(run: Run, inputs: Inputs, due: Due) -> None:
    cache = run.cache
    cache.set_meta("global_key", inputs.global_key)
    cache.set_meta("history", inputs.history)
    if due.discovery is not None:
        cache.set_meta("discovery", due.discovery.payload())
    if run.discovery_state is not None:
        # Pages planned with the related papers of other texts: until a build computes them,
        # no build may take the shortcuts that trust the last one (see `build.build`).
        cache.set_meta(STALE_DISCOVERY, run.discovery_state == "stale")
    if due.pdf_refs is not None:
        cache.set_meta("local_pdfs", due.pdf_refs)
    cache.drop_orphans()
    kept = sorted(set(due.problems) - set(due.scanned))
    result = {"problems": [problem_payload(p) for p in kept], "nav": dataclasses.asdict(due.nav)}
    cache.set_meta("result", result)
