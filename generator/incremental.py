"""The incremental layer: what the last build left decides what is due. A build that changed
nothing answers with the last result; one whose changed records changed only in what pages show
of them (an abstract, links, notes) patches the last plan; any other goes through every stage.
All three end as one (`pipeline.finish`)."""

from __future__ import annotations

from pathlib import Path

from .cache import FileState, file_sha
from .cachecodec import problem_from_payload, structure
from .discovery import Discovery, attach
from .pipeline import Due, Inputs, Run, find_related, page_key, page_shape
from .plan import MAP_DATA, page_from_value, paper_path
from .previous import Previous
from .report import Generated, NavInfo, curator_notes
from .write import WriteReport


def _last_result(run: Run, inputs: Inputs, last: dict) -> tuple[list, NavInfo]:
    """The checks across records see what the last build saw; the warnings about the folders
    themselves are new."""
    nav = NavInfo(**{**last["nav"], "topics": [tuple(t) for t in last["nav"]["topics"]]})
    problems = sorted({*(problem_from_payload(p) for p in last["problems"]), *inputs.problems})
    return problems, nav


def unchanged(run: Run, inputs: Inputs, previous: Previous) -> Generated | None:
    """The last build's result, when no input changed and every output is as it was written."""
    cache = run.cache
    if cache.get_meta("fingerprint") != inputs.fingerprint:
        return None
    if previous.last_outputs != previous.outputs_now:
        return None
    last = cache.get_meta("result")
    if last is None:
        return None
    problems, nav = _last_result(run, inputs, last)
    report = WriteReport(unchanged=previous.outputs_now[0])
    return Generated(None, problems, report, nav, curator_notes(nav))


def _read_changed(run: Run, inputs: Inputs, known: dict) -> None:
    """The files whose time changed: read again when their content did."""
    for display, (path, (size, mtime_ns)) in inputs.files.items():
        old_size, old_mtime, old_sha = known[display]
        if (old_size, old_mtime) == (size, mtime_ns):
            continue
        sha = file_sha(Path(path).read_bytes())
        if sha == old_sha:
            run.store.touched[display] = FileState(size, mtime_ns, sha, {})
        else:
            payload = run.store.parse(Path(path), display, sha)
            run.store.changed[display] = FileState(size, mtime_ns, sha, payload)


def patch(run: Run, inputs: Inputs, previous: Previous) -> Due | None:
    """The last build's plan, patched: when the records that changed changed only in what
    pages show of them, not in anything the plan or the checks across records read, only the
    pages that show them are due. None: every stage must run."""
    cache, store = run.cache, run.store
    known = cache.file_stats()
    last = cache.get_meta("result")
    if (last is None or cache.get_meta("global_key") != inputs.global_key
            or inputs.files.keys() != known.keys()):
        return None
    if cache.get_meta("history") != inputs.history:
        return None  # another commit: the days from git (feeds, "recently added") may change
    _read_changed(run, inputs, known)
    old = cache.file_payloads(store.changed)
    if any(display not in old or structure(old[display]) != structure(state.payload)
           for display, state in store.changed.items()):
        return None  # the plan may change: the whole build decides
    papers = cache.paper_digests()
    if papers is None:
        return None
    changed = {p["id"]: p["digests"] for state in store.changed.values()
               for p in state.payload["papers"]}
    digests = {paper_id: row.digests for paper_id, row in papers.items()}
    digests |= changed
    store.know({paper_id: row.file for paper_id, row in papers.items()}, digests)
    return _patched(run, inputs, previous, papers, set(changed), last)


def _patched(run: Run, inputs: Inputs, previous: Previous, papers: dict, changed_ids: set[str],
             last: dict) -> Due | None:
    cache, digests = run.cache, run.store.digests
    known = previous.known_pages
    outputs = previous.outputs
    suspects = cache.pages_showing(changed_ids)
    suspects |= {path for path, row in known.items() if outputs.get(path) != row.written}
    found = new = None
    if run.settings.plan.related and any(papers[i].digests["text"] != digests[i]["text"]
                                         for i in changed_ids):
        # The words a paper is compared by changed: related lists and the map may change anywhere.
        before = cache.get_meta("discovery")
        if not isinstance(before, dict):
            return None
        found, new = find_related(run, sorted(papers))
        old = Discovery.from_payload(before)
        suspects |= {paper_path(i) for i in papers if found.related.get(i) != old.related.get(i)}
        suspects |= {MAP_DATA} if found.layout != old.layout else set()
    return _due(run, inputs, previous, suspects, found, new, last)


def _due(run: Run, inputs: Inputs, previous: Previous, suspects: set[str],
         found: Discovery | None, new: Discovery | None, last: dict) -> Due | None:
    """The suspect pages' plan entries (with the new related lists and map), and which of them
    are due; None when an entry is missing or damaged."""
    planned = run.cache.planned(suspects)
    if len(planned) != len(suspects):
        return None
    pages = {path: page_from_value(row.page) for path, row in planned.items()}
    shapes = {path: row.shape for path, row in planned.items()}
    if found is not None:
        pages = {page.path: page for page in attach(list(pages.values()), found)}
        shapes = {path: page_shape(inputs.global_key, page) for path, page in pages.items()}
    digests = run.store.digests
    keys = {path: row.key for path, row in previous.known_pages.items()}
    keys |= {path: page_key(shapes[path], page, digests) for path, page in pages.items()}
    due = previous.due(sorted(pages.values(), key=lambda p: p.path), keys)
    problems, nav = _last_result(run, inputs, last)
    return Due(due, keys, shapes, problems, nav, inputs.problems, discovery=new)
