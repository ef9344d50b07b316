"""The whole pipeline for one project, in two phases: gather and check everything, then plan,
render and write. With the build cache, unchanged records are not read again and pages whose
inputs did not change are not rendered again; the output is byte-identical either way."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from . import __version__
from .cache import (
    PARTS,
    BuildCache,
    FileState,
    canonical,
    digest,
    file_sha,
    open_cache,
)
from .checks import check_collection, missing_pdfs, pdf_references
from .config import Settings
from .discovery import Discovery, Terms, attach, discover, discovery_key
from .gitdates import SHALLOW_NOTE, first_added, history_key, is_shallow, undated_days
from .model import Collection, Paper
from .parallel import Ahead, Helper, parallel_worth_it, split_map
from .plan import (
    FRAGMENT_KINDS,
    FULL,
    GENERATED_DIRS,
    MAP_DATA,
    MAP_PAGE,
    PART_OF_KIND,
    Page,
    SitePlan,
    page_from_value,
    page_value,
    paper_path,
    plan_site,
)
from .problems import WARNING, DataError, Problem, display_path, errors_of
from .progress import NO_PROGRESS, Progress
from .records import load_paper_file, load_topics, paper_files
from .render import Renderer, environment, template_sources
from .summaries import listing_of, paper_text, problem_from_payload, problem_payload, structure, summary_from_payload, summary_payload
from .write import WriteReport, claim, pack, scan_outputs, write_files, write_outputs

RACY_NS = 2_000_000_000  # a file changed this close to a build may change again unseen: check its content
# From this many pages on, rendered pages are kept compressed until written. A 10,000-paper build (19,355 pages, about
# 150 MB a process) spent about 1.5 s compressing them and unpacking them again; at 100,000 papers, keeping only the
# first 192 MB as they were raised the peak memory by about 200 MB, near 4 GB.
COMPRESS_PAGES = 40_000


@dataclass
class NavInfo:
    """What the MkDocs navigation needs: top-level topics (title, page) and facets with terms;
    and the collection's size, for messages."""

    topics: list[tuple[str, str]]
    nonempty: list[str]
    papers: int = 0
    topic_count: int = 0
    left_out_of_feeds: int | None = None  # None: no feeds (no absolute site_url)
    shallow_history: bool = False  # a shallow git clone: record files not dated by their commits


@dataclass
class Generated:
    collection: Collection | None  # None when nothing changed since the last build
    warnings: list[Problem]
    report: WriteReport
    nav: NavInfo
    notes: list[str] = field(default_factory=list)


def curator_notes(nav: NavInfo) -> list[str]:
    """Hints for whoever keeps the collection: printed by the build, never shown to visitors."""
    hints = {"years": "no paper has a `date`", "tags": "no paper has `tags`", "venues": "no paper has a `venue`",
             "authors": "no author has enough papers for a page of their own (`author_pages_from`)"}
    notes = [f"{hint}, so its index page is left out of the navigation and the home page" for name, hint in hints.items() if name not in nav.nonempty]
    if nav.left_out_of_feeds is None:
        notes.append("no feeds written: they need an absolute `site_url` (http:// or https://) in mkdocs.yml")
    elif nav.left_out_of_feeds:
        notes.append(f"{nav.left_out_of_feeds} paper(s) have no `added`, no `date` and no commit "
                     "that added their file, so no feed lists them")
    if nav.shallow_history:
        notes.append(SHALLOW_NOTE)
    return notes


def foreign_warnings(report: WriteReport, settings: Settings) -> list[Problem]:
    docs = settings.docs_dir.relative_to(settings.root).as_posix() if settings.docs_dir.is_relative_to(settings.root) else str(settings.docs_dir)
    return [Problem(f"{docs}/{path}", 0, 0, "", "not written by the generator, so it was left in place; delete it if it is stale", WARNING)
            for path in report.foreign]


def nav_info(plan: SitePlan, collection: Collection, shallow: bool = False) -> NavInfo:
    top = [(t.label, t.slug) for t in plan.facets["topics"].terms if t.key in plan.top_level]
    nonempty = sorted(name for name, terms in plan.facets.items() if not terms.empty)
    nonempty += ["map"] if any(page.path == MAP_PAGE for page in plan.pages) else []
    return NavInfo(top, nonempty, len(collection.papers), len(collection.topics),
                   plan.left_out_of_feeds, shallow)


def render_all(collection: Collection, settings: Settings) -> tuple[SitePlan, dict[str, str]]:
    """Every generated file (path relative to docs/ -> text), from the collection alone."""
    plan = plan_site(collection, settings.plan)
    papers = {p.id: p for p in collection.papers}
    listings: dict[str, dict] = {}

    def listing(paper_id: str) -> dict:
        if paper_id not in listings:
            listings[paper_id] = listing_of(papers[paper_id])[1]
        return listings[paper_id]

    texts = {p.id: paper_text(listing(p.id)["data"]) for p in collection.papers}
    found, _ = discover({i: digest(t) for i, t in texts.items()}, settings.plan.related, lambda ids: {i: texts[i] for i in ids})
    plan.pages = attach(plan.pages, found)
    renderer = Renderer(collection.topics, environment(settings.templates_dir), settings.site, papers.__getitem__, listing)
    return plan, {page.path: renderer.render(page) for page in plan.pages}


def generate(settings: Settings, strict: bool = False, use_cache: bool = True, progress: Progress = NO_PROGRESS) -> Generated:
    """Raises DataError (and writes nothing under docs/) when the data has errors. Builds of one
    project take turns (a CLI build while `make serve` runs would otherwise trip over it)."""
    lock = settings.cache_file.parent / "papersite.lock"
    with project_lock(lock, settings.root), fewer_collections():
        cache, notice = None, None
        if use_cache:
            identity = BuildCache.identity_of(settings.root, _schema_text())
            cache, notice = open_cache(settings.cache_file, identity, settings.root)
        if notice:
            print(f"papers: {notice}", file=sys.stderr, flush=True)
        try:
            return Build(settings, strict, cache, progress).run()
        finally:
            if cache is not None:
                cache.close()


@contextlib.contextmanager
def fewer_collections():
    """Python's cycle collector, run less often during a build. A build makes millions of objects that live
    to its end (records, listings, the plan), and by default every 700 new objects start a collection, some
    of which go through all of them: at 10,000 papers 2.4-2.8 s of a 29-35 s build, 11 passes through
    everything among 3,719. With these thresholds: 1.3-1.7 s, 121 collections, none through everything, at
    the same peak memory (without any collection it is 40 MB higher). The process's own setting comes back after."""
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
            print(f"papers: another build of this project is running; waiting for it to finish (lock: {path})", file=sys.stderr, flush=True)
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


class Build:
    def __init__(self, settings: Settings, strict: bool, cache: BuildCache | None, progress: Progress):
        self.settings = settings
        self.strict = strict
        self.cache = cache
        self.progress = progress
        self.started_ns = time.time_ns()
        self.fresh: dict[str, Paper] = {}  # full papers read in this build, by id
        self.parsed_files: dict[str, list[Paper]] = {}
        self.new_listings: dict[str, tuple[str, dict]] = {}
        self.new_fragments: dict[tuple[str, str], tuple[str, str]] = {}  # pieces of whole-collection files made now
        self.global_key = ""
        self.fresh_listings: dict[str, dict] = {}  # listing values of the papers read in this build
        self.changed: dict[str, FileState] = {}  # data files read again: new or changed content
        self.touched: dict[str, FileState] = {}  # data files with a new time but the same content
        self.dropped: set[str] = set()  # data files gone since the last build
        self.new_discovery: Discovery | None = None  # related papers and the map, when computed in this build
        self.pdf_refs: list[list] | None = None  # the records' local PDFs, when read in this build
        self.history: str | None = None  # HEAD, and whether the clone is shallow (gitdates)

    @functools.cached_property
    def known_pages(self) -> dict[str, tuple[str, int, int]]:
        """The pages the last build wrote: path -> (key of its inputs, size, time). Read only when needed: a
        build that finds nothing changed compares `outputs_digest` instead (188,000 rows at 100,000 papers)."""
        return self.cache.pages() if self.cache is not None else {}

    def run(self) -> Generated:
        # The generated files are listed by a forked child while the data files are looked at here: in a
        # build that changes nothing, that is most of the time of each (282,000 stats at 100,000 papers).
        self.last_outputs = self.cache.get_meta("outputs") if self.cache is not None else None
        fork = isinstance(self.last_outputs, list) and parallel_worth_it(self.last_outputs[0])
        with Ahead(self._scan_outputs, fork) as self.scan:
            return self._run()

    def _scan_outputs(self):
        outputs = scan_outputs(self.settings.docs_dir, GENERATED_DIRS, self.settings.root)
        yield outputs_digest(outputs)
        yield outputs

    @functools.cached_property
    def outputs(self) -> dict[str, tuple[int, int]]:
        """Every file in the generated folders: path -> (size, time)."""
        return self.scan.take()

    def _run(self) -> Generated:
        s = self.settings
        topics, problems = load_topics(s.data_dir / "topics.yml", s.root)
        files, file_problems = paper_files(s.data_dir / "papers", s.root)
        problems += file_problems
        # The local PDFs the last build found linked are looked for anew, as the folders are.
        known_pdfs = self.cache.get_meta("local_pdfs") if self.cache is not None else None
        stale_pdfs = self._missing_pdfs(known_pdfs if isinstance(known_pdfs, list) else [])
        problems += stale_pdfs
        self.scanned = list(problems)  # found before any record is read: told anew by every build
        env = environment(s.templates_dir)
        global_key = digest(canonical([__version__, template_sources(env), repr(s.plan), repr(s.site), [repr(t) for t in topics]]))
        self.global_key = global_key
        # Which commit the records are dated by (`git rev-parse`, a few ms): `git log` runs
        # only when it changes.
        self.history = history_key(s.root)
        stats = [[d, st] for d, (_, st) in files.items()]
        found = sorted(map(str, problems))
        fingerprint = digest(canonical([global_key, self.history, stats, found]))
        self.outputs_now = self.scan.take()  # how many generated files there are, and their digest: the scan gives it first
        if self.cache is not None and not errors_of(problems, self.strict):
            done = self._unchanged(fingerprint) or self._patch(files, global_key, fingerprint, topics, env)
            if done is not None:
                return done
        papers, file_problems, states = self._read(files)
        self.pdf_refs = pdf_references(papers)
        pdf_problems = self._missing_pdfs(self.pdf_refs)
        stale = set(stale_pdfs)  # the records say now which PDFs they link
        problems = [p for p in problems if p not in stale] + pdf_problems
        self.scanned = [p for p in self.scanned if p not in stale] + pdf_problems
        problems += file_problems + check_collection(papers, topics)
        if errors_of(problems, self.strict):
            self._save_files(states)
            raise DataError(problems)
        collection = Collection(tuple(sorted(papers, key=lambda p: p.id)), tuple(topics))
        self.progress.stage("planning pages")
        plan = plan_site(collection, s.plan, self._days_from_git(collection.papers))
        digests = self._digests(papers, states)
        plan.pages = attach(plan.pages, self._discovery([(p.id, p.origin.file) for p in collection.papers], digests))
        shapes = {page.path: _shape(global_key, page) for page in plan.pages}
        keys = {page.path: _page_key(shapes[page.path], page, digests) for page in plan.pages}
        due = self._due(plan.pages, keys)
        report = self._render_and_write(collection.topics, {p.id: p.origin.file for p in collection.papers}, env, due, digests, keys)
        nav = nav_info(plan, collection, is_shallow(self.history))
        planned = {page.path: (shapes[page.path], page) for page in due}
        self._save(self._racy(st.mtime_ns for st in states.values()), keys, planned, report, fingerprint, global_key, problems, nav)
        # Files in the generated folders are looked at anew by every build: not kept with the result.
        return Generated(collection, sorted(problems + foreign_warnings(report, s)), report, nav, curator_notes(nav))

    def _days_from_git(self, papers) -> dict[str, str]:
        """Paper id -> the day its file first entered the git history, for papers without `added`:
        from one `git log`, kept in the cache for as long as HEAD (and the data folder) stay.
        A shallow clone would date every file by its oldest commit: it dates none."""
        if self.history is None or is_shallow(self.history):
            return {}
        folder = display_path(self.settings.data_dir / "papers", self.settings.root)
        key = f"{self.history} {folder}"
        known = self.cache.get_meta("git_days") if self.cache is not None else None
        if isinstance(known, dict) and known.get("key") == key:
            days = known["days"]
        else:
            days = first_added(self.settings.root, folder)
            if self.cache is not None:
                with self.cache:
                    self.cache.set_meta("git_days", {"key": key, "days": days})
        return undated_days(papers, days)

    def _missing_pdfs(self, refs: list[list]) -> list[Problem]:
        return missing_pdfs(refs, self.settings.docs_dir, self.settings.root)

    # reading ------------------------------------------------------------------------------------
    def _read(self, files: dict[str, tuple[str, tuple[int, int]]]) -> tuple[list, list[Problem], dict[str, FileState]]:
        """Every record: unchanged files from their cached summaries, the others read and checked."""
        known = self.cache.files() if self.cache is not None else {}
        self.dropped = set(known) - set(files)
        self.progress.stage("reading records", len(files))
        to_parse = []
        for display, (path, (size, mtime_ns)) in files.items():
            state = known.get(display)
            if state is not None and (state.size, state.mtime_ns) == (size, mtime_ns):
                continue
            sha = file_sha(Path(path).read_bytes())
            if state is None or state.sha != sha:
                to_parse.append((display, path, size, mtime_ns, sha))
            else:
                self.touched[display] = FileState(size, mtime_ns, sha, state.payload)
        for display, size, mtime_ns, sha, parsed in split_map(to_parse, self._parse_one):
            payload, papers, listings = parsed
            self._remember(display, papers, listings)
            self.changed[display] = FileState(size, mtime_ns, sha, payload)
        papers, problems, states, documents = [], [], {}, {}
        for display in files:
            state = self.changed.get(display) or self.touched.get(display) or known[display]
            states[display] = state
            problems += [problem_from_payload(p) for p in state.payload["problems"]]
            if display in self.parsed_files:
                papers += self.parsed_files[display]
            else:
                papers += [summary_from_payload(value, documents) for value in state.payload["papers"]]
            self.progress.advance()
        return papers, problems, states

    def _parse_one(self, item: tuple) -> tuple:
        display, path, size, mtime_ns, sha = item
        return display, size, mtime_ns, sha, self._parsed(Path(path), display, sha)

    @staticmethod
    def _parsed(path: Path, display: str, sha: str) -> tuple[dict, list[Paper], dict[str, dict]]:
        """(summary payload, full papers, listing values) of one file: what it says, checked."""
        found, problems = load_paper_file(path, display)
        values, listings = [], {}
        for paper in found:
            digests, listings[paper.id] = listing_of(paper)
            # A record is what its file says: the file's hash and the record's place in it.
            full = digest(f"{sha}|{display}|{paper.origin.prefix}|{paper.id}")
            values.append(summary_payload(paper, full, digests))
        return {"papers": values, "problems": [problem_payload(p) for p in problems]}, found, listings

    def _remember(self, display: str, papers: list[Paper], listings: dict[str, dict]) -> None:
        self.parsed_files[display] = papers
        for paper in papers:
            self.fresh[paper.id] = paper
            self.fresh_listings[paper.id] = listings[paper.id]

    def _parse(self, path: Path, display: str, sha: str) -> dict:
        payload, papers, listings = self._parsed(path, display, sha)
        self._remember(display, papers, listings)
        return payload

    def _full(self, paper_id: str, origin_file: str) -> Paper:
        """A full record: read in this build, or read again now (one of its pages is rendered)."""
        if paper_id not in self.fresh:
            path = self.settings.root / origin_file
            self._parse(path, origin_file, file_sha(path.read_bytes()))
        return self.fresh[paper_id]

    # deciding -----------------------------------------------------------------------------------
    def _unchanged(self, fingerprint: str) -> Generated | None:
        """The last build's result, when no input changed and every output is as it was written."""
        if self.cache.get_meta("fingerprint") != fingerprint:
            return None
        if self.last_outputs != self.outputs_now:
            return None
        last = self.cache.get_meta("result")
        if last is None:
            return None
        nav = NavInfo(**{**last["nav"], "topics": [tuple(t) for t in last["nav"]["topics"]]})
        report = WriteReport(unchanged=self.outputs_now[0])
        problems = sorted({*(problem_from_payload(p) for p in last["problems"]), *self.scanned})
        return Generated(None, problems, report, nav, curator_notes(nav))

    def _patch(self, files: dict, global_key: str, fingerprint: str, topics, env) -> Generated | None:
        """The last build's plan, patched: when the records that changed changed only in what
        pages show of them (an abstract, links, notes), not in anything the plan or the checks
        across records read, only the pages that show them are rendered again."""
        known = self.cache.file_stats()
        last = self.cache.get_meta("result")
        if last is None or self.cache.get_meta("global_key") != global_key or files.keys() != known.keys():
            return None
        if self.cache.get_meta("history") != self.history:
            return None  # another commit: the days from git (feeds, "recently added") may change
        stats = {}
        for display, (path, (size, mtime_ns)) in files.items():
            old_size, old_mtime, old_sha = known[display]
            stats[display] = (size, mtime_ns)
            if (old_size, old_mtime) == (size, mtime_ns):
                continue
            sha = file_sha(Path(path).read_bytes())
            if sha == old_sha:
                self.touched[display] = FileState(size, mtime_ns, sha, {})
            else:
                self.changed[display] = FileState(size, mtime_ns, sha, self._parse(Path(path), display, sha))
        old = self.cache.file_payloads(self.changed)
        if any(display not in old or structure(old[display]) != structure(state.payload) for display, state in self.changed.items()):
            return None  # the plan may change: the whole build decides
        papers = self.cache.paper_digests()
        if papers is None:
            return None
        digests = {paper_id: value for paper_id, (_, value) in papers.items()}
        digests |= {p["id"]: p["digests"] for state in self.changed.values() for p in state.payload["papers"]}
        changed_ids = {p["id"] for state in self.changed.values() for p in state.payload["papers"]}
        suspects = self.cache.pages_showing(changed_ids) | {path for path, row in self.known_pages.items() if self.outputs.get(path) != row[1:]}
        found = None
        if self.settings.plan.related and any(papers[i][1]["text"] != digests[i]["text"] for i in changed_ids):
            # The words a paper is compared by changed: related lists and the map may change anywhere.
            before = self.cache.get_meta("discovery")
            if not isinstance(before, dict):
                return None
            found = self._discovery([(i, file) for i, (file, _) in sorted(papers.items())], digests)
            old = Discovery.from_payload(before)
            suspects |= {paper_path(i) for i in papers if found.related.get(i) != old.related.get(i)}
            suspects |= {MAP_DATA} if found.layout != old.layout else set()
        planned = self.cache.planned(suspects)
        if len(planned) != len(suspects):
            return None  # a plan entry is missing or damaged
        pages = {path: page_from_value(value) for path, (_, value) in planned.items()}
        shapes = {path: shape for path, (shape, _) in planned.items()}
        if found is not None:
            pages = {page.path: page for page in attach(list(pages.values()), found)}
            shapes = {path: _shape(global_key, page) for path, page in pages.items()}
        keys = {path: row[0] for path, row in self.known_pages.items()}
        keys |= {path: _page_key(shapes[path], page, digests) for path, page in pages.items()}
        due = self._due(sorted(pages.values(), key=lambda p: p.path), keys)
        report = self._render_and_write(topics, {paper_id: file for paper_id, (file, _) in papers.items()}, env, due, digests, keys)
        # The checks across records see what the last build saw; the warnings about the folder itself are new.
        problems = sorted({*(problem_from_payload(p) for p in last["problems"]), *self.scanned})
        nav = NavInfo(**{**last["nav"], "topics": [tuple(t) for t in last["nav"]["topics"]]})
        rendered = {path: (shapes[path], pages[path]) for path in report.touched}
        self._save(self._racy(t for _, t in stats.values()), keys, rendered, report, fingerprint, global_key, problems, nav)
        return Generated(None, sorted(problems + foreign_warnings(report, self.settings)), report, nav, curator_notes(nav))

    def _discovery(self, papers: list[tuple[str, str]], digests: dict[str, dict]) -> Discovery:
        """Related papers and the map (papers: each id and its file): the last build's when no
        paper's text changed; else computed again from the cached term counts of the texts that
        did not change, with only the affected related lists ranked again."""
        count = self.settings.plan.related
        text_digests = {paper_id: digests[paper_id]["text"] for paper_id, _ in papers}
        key = discovery_key(text_digests, count)
        if count == 0:
            return Discovery(key, {}, {})
        last = self.cache.get_meta("discovery") if self.cache is not None else None
        if isinstance(last, dict) and last.get("key") == key:
            return Discovery.from_payload(last)
        before = Discovery.from_payload(last) if isinstance(last, dict) else None
        terms = {i: Terms(*row) for i, row in self.cache.terms().items()} if self.cache is not None else {}
        files = dict(papers)
        self.progress.stage(f"finding related papers among {len(papers)}")
        self.new_discovery, _ = discover(
            text_digests, count, lambda ids: self._texts([(i, files[i]) for i in ids], digests), terms, before, self._keep_terms)
        return self.new_discovery

    def _keep_terms(self, fresh: dict[str, Terms]) -> None:
        """Term counts are stored as soon as they are made, not held until the build's end: a row is
        the counts of the text it names, right whatever becomes of this build."""
        if self.cache is not None and fresh:
            with self.cache:
                self.cache.put_terms({i: (t.text, t.indices, t.counts) for i, t in fresh.items()})

    def _texts(self, papers: list[tuple[str, str]], digests: dict[str, dict]) -> dict[str, str]:
        ids = [paper_id for paper_id, _ in papers if paper_id not in self.fresh_listings]
        cached = self.cache.listings(ids, ("data",)) if self.cache is not None and ids else {}
        texts = {}
        for paper_id, file in papers:
            row = cached.get(paper_id)
            if paper_id in self.fresh_listings:
                data = self.fresh_listings[paper_id]["data"]
            elif row is not None and row[0] == digests[paper_id]["listing"] and row[1]["data"] is not None:
                data = row[1]["data"]
            else:
                data = listing_of(self._full(paper_id, file))[1]["data"]
            texts[paper_id] = paper_text(data)
        return texts

    def _digests(self, papers: list, states: dict[str, FileState]) -> dict[str, dict]:
        found = {value["id"]: value["digests"] for state in states.values() for value in state.payload["papers"]}
        return {p.id: found[p.id] for p in papers}

    def _due(self, pages: list[Page], keys: dict[str, str]) -> list[Page]:
        """Pages whose inputs changed since they were written, or whose file is not as written."""
        if self.cache is None:
            return pages
        due = []
        for page in pages:
            row = self.known_pages.get(page.path)
            if row is None or row[0] != keys[page.path] or self.outputs.get(page.path) != row[1:]:
                due.append(page)
        return due

    # rendering ----------------------------------------------------------------------------------
    def _render_and_write(self, topics, origins: dict[str, str], env, due: list[Page], digests: dict[str, dict],
                          keys: dict[str, str]) -> WriteReport:
        """Render the due pages and write those that changed; with many pages and a second core,
        half of them in a forked process (both render first, and nothing is written unless
        both succeeded)."""
        docs = self.settings.docs_dir
        # read before forking: a database connection is not to be shared
        kinds = {page.kind for page in due if page.kind in FRAGMENT_KINDS}
        known = self.cache.fragments(kinds) if self.cache is not None and kinds else {}
        known = {place: text for place, (key, text) in known.items() if place[1] in digests and key == self._fragment_key(place[1], digests)}
        cached = self._cached_listings(due, known)
        # Pages are kept compressed until written when there are many (each half of a forked build included).
        compress = len(due) >= COMPRESS_PAGES
        if not parallel_worth_it(len(due)):
            outputs = self._render(topics, origins, env, due, digests, cached, known, compress)
            return write_outputs(docs, outputs, set(keys), self.outputs, progress=self.progress)
        ours = claim(docs, set(keys))
        before = self.outputs  # taken before forking: the child must not read the pipe it comes through
        shared = set(self.fresh_listings)  # records read before forking, which both processes hold
        with Helper() as helper:
            if helper.is_child:
                self.progress = NO_PROGRESS
                outputs = helper.run(lambda: self._render(topics, origins, env, due[1::2], digests, cached, known, compress))
                if helper.go():
                    try:
                        written = write_files(docs, outputs)
                        # Listings of records read before the fork are the parent's too: named, not sent. A record
                        # read here (its page rendered here) is sent whole: the parent never read it.
                        listings = {i: None if i in shared and row[1] is self.fresh_listings.get(i) else row
                                    for i, row in self.new_listings.items()}
                        helper.send(("ok", written, listings, self.new_fragments))
                    except OSError as err:
                        helper.send(("error", err.errno, err.strerror, err.filename))
                return WriteReport()  # never reached: the helper ends the child process
            outputs = helper.run(lambda: self._render(topics, origins, env, due[0::2], digests, cached, known, compress))
            report = write_outputs(docs, outputs, set(keys), before, progress=self.progress, ours=ours)
            del outputs  # written: room for what the helper sends
            answer = helper.receive()
            if answer[0] == "error":
                raise OSError(*answer[1:])
            _, written, listings, fragments = answer
        report.written = sorted(report.written + written)
        report.unchanged = len(keys) - len(report.written)
        report.touched = {page.path for page in due}
        self.new_listings |= {i: row or (digests[i]["listing"], self.fresh_listings[i]) for i, row in listings.items()}
        self.new_fragments |= fragments
        return report

    def _fragment_key(self, paper_id: str, digests: dict[str, dict]) -> str:
        """What a piece of a whole-collection file is made from: the paper's data and the settings."""
        return f"{digests[paper_id]['data']}|{self.global_key}"

    def _cached_listings(self, due: list[Page], known: dict[tuple[str, str], str]) -> dict[str, tuple[str, dict]]:
        """The cached listing parts of the papers the due pages show (and were not read now): all
        of them for papers on listing pages, else only the part a download or feed shows, unless
        the piece of the download that the paper makes is known."""
        if self.cache is None:
            return {}
        fresh = set(self.fresh)
        shown = {i for page in due if page.shows != FULL for i in page.paper_ids}
        shown |= {i for page in due if page.kind == "paper" for i in page.paper_ids[1:]}  # related papers' entries
        found = self.cache.listings(sorted(shown - fresh))
        wanted = {i: set(PARTS) for i in shown}  # the parts of each paper the due pages show
        for part in ("bib", "data"):
            ids = sorted({i for page in due if PART_OF_KIND.get(page.kind) == part for i in page.paper_ids
                          if (page.kind, i) not in known} - fresh)
            lacking = [i for i in ids if i not in found or found[i][1][part] is None]
            for paper_id, (listing_digest, value) in self.cache.listings(lacking, (part,)).items():
                if paper_id in found:
                    found[paper_id][1][part] = value[part]
                else:
                    found[paper_id] = (listing_digest, value)
            for paper_id in ids:
                wanted.setdefault(paper_id, set()).add(part)
        # A part missing from a row was damaged: the record is read again rather than shown
        # without it.
        return {i: row for i, row in found.items()
                if all(row[1][part] is not None for part in wanted.get(i, ()))}

    def _render(self, topics, origins: dict[str, str], env, due: list[Page], digests: dict[str, dict],
                cached: dict[str, tuple[str, dict]], known: dict[tuple[str, str], str], compress: bool) -> dict[str, bytes]:
        listings: dict[str, dict] = {}
        self.new_fragments = {}

        def fragment(kind: str, paper_id: str, make) -> str:
            text = known.get((kind, paper_id))
            if text is None:
                text = make()
                self.new_fragments[kind, paper_id] = (self._fragment_key(paper_id, digests), text)
            return text

        def listing(paper_id: str) -> dict:
            if paper_id in self.fresh_listings:
                # Whole, unlike a cached row that holds only what a download asked for (a paper's page needs all parts):
                # a paper whose page is rendered is read first (`_full`), after any download that asked for its row.
                listings[paper_id] = self.fresh_listings[paper_id]
            elif paper_id not in listings:
                row = cached.get(paper_id)
                if row is not None and row[0] == digests[paper_id]["listing"]:
                    listings[paper_id] = row[1]  # without its entry when only the BibTeX was asked for
                else:
                    listings[paper_id] = listing_of(self._full(paper_id, origins[paper_id]))[1]
            return listings[paper_id]

        renderer = Renderer(topics, env, self.settings.site, lambda i: self._full(i, origins[i]), listing, fragment)
        self.progress.stage("rendering pages", len(due))
        outputs: dict[str, bytes] = {}
        for page in due:
            outputs[page.path] = pack(renderer.render(page), compress)
            self.progress.advance()
        self.new_listings = {i: (digests[i]["listing"], value) for i, value in listings.items()
                             if all(value[part] is not None for part in PARTS) and (i not in cached or cached[i][0] != digests[i]["listing"])}
        return outputs

    # saving -------------------------------------------------------------------------------------
    def _racy(self, times) -> bool:
        return any(mtime_ns >= self.started_ns - RACY_NS for mtime_ns in times)

    def _settled(self, state: FileState) -> FileState:
        """A file changed moments ago may change again within the same clock tick: store a time
        that never matches, so the next build compares its content instead."""
        if state.mtime_ns >= self.started_ns - RACY_NS:
            return FileState(state.size, -1, state.sha, state.payload)
        return state

    def _save_files(self, states: dict[str, FileState]) -> None:
        if self.cache is None:
            return
        with self.cache:
            self._save_file_states()
            # The pages on disk are those of the last good build, not of these files: until a
            # build succeeds again, neither the fingerprint nor the last plan may be trusted.
            self.cache.set_meta("fingerprint", None)
            self.cache.set_meta("global_key", None)

    def _save_file_states(self) -> None:
        self.cache.put_files({d: self._settled(s) for d, s in self.changed.items()})
        self.cache.touch_files({d: (s.size, self._settled(s).mtime_ns) for d, s in self.touched.items()})
        self.cache.drop_files(self.dropped)

    def _save(self, racy: bool, keys, planned: dict[str, tuple[str, Page]], report: WriteReport, fingerprint: str, global_key: str,
              problems: list[Problem], nav: NavInfo) -> None:
        """Remember what this build learned. planned: the pages rendered, with their plan entries
        (the others' entries did not change); racy: an input changed moments ago (so the next
        build checks every file rather than trust the fingerprint)."""
        if self.cache is None:
            return
        docs = self.settings.docs_dir
        rows = {}
        for path in report.touched:
            stat = _stat(docs / path)
            if stat is not None:
                shape, page = planned[path]
                rows[path] = (keys[path], *stat, shape, page_value(page), page.paper_ids)
        # Pages not rendered now were found as the last build left them (else they would have been due).
        on_disk = {path: self.known_pages[path][1:] for path in keys if path not in rows and path in self.known_pages}
        on_disk |= {path: row[1:3] for path, row in rows.items()}
        # A page rendered again with the same plan entry (same shape) keeps it: only its key, size and time are new;
        # one that shows the same papers keeps its page-to-paper rows. The downloads and the map list every paper,
        # and an edit renders them again: at 100,000 papers, storing their entries and rows anew took 2 s of an edit.
        stored = self.cache.shapes_and_papers(rows)
        same = {path: row[:3] for path, row in rows.items() if path in stored and stored[path][0] == row[3]}
        same_papers = {path for path, row in rows.items() if path in stored and tuple(stored[path][1]) == tuple(row[5])}
        with self.cache:
            self._save_file_states()
            self.cache.put_listings(self.new_listings)
            self.cache.put_fragments(self.new_fragments)
            self.cache.put_pages({path: row for path, row in rows.items() if path not in same}, same_papers)
            self.cache.touch_pages(same)
            self.cache.drop_pages(set(self.known_pages) - set(keys))
            self.cache.set_meta("fingerprint", None if racy else fingerprint)
            self.cache.set_meta("outputs", outputs_digest(on_disk))
            self.cache.set_meta("global_key", global_key)
            self.cache.set_meta("history", self.history)
            if self.new_discovery is not None:
                self.cache.set_meta("discovery", self.new_discovery.payload())
            if self.pdf_refs is not None:
                self.cache.set_meta("local_pdfs", self.pdf_refs)
            self.cache.drop_orphans()
            kept = sorted(set(problems) - set(self.scanned))
            self.cache.set_meta("result", {"problems": [problem_payload(p) for p in kept], "nav": dataclasses.asdict(nav)})


def outputs_digest(outputs: dict[str, tuple[int, int]]) -> list:
    """How many generated files there are, and their paths, sizes and times in one digest: equal, the files are
    as the last build left them."""
    return [len(outputs), digest("\n".join(f"{path}\0{size}\0{mtime_ns}" for path, (size, mtime_ns) in sorted(outputs.items())))]


def _shape(global_key: str, page: Page) -> str:
    """Everything a page is rendered from but the contents of its papers."""
    # repr of the context is exact and stable: it holds only str, int, None, lists and dicts built in a fixed order
    return digest(f"{global_key}|{page.template}|{page.kind}|{page.context!r}|{page.shows}|{' '.join(page.paper_ids)}")


def _page_key(shape: str, page: Page, digests: dict[str, dict]) -> str:
    """The page's shape and the digests of what it shows of each paper: the record for a paper
    page, the BibTeX for the download, the listing entry for the rest."""
    kind = PART_OF_KIND.get(page.kind) or ("full" if page.shows == FULL else "entry")
    return digest(shape + "|" + ";".join(digests[i][kind] for i in page.paper_ids))


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.lstat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
