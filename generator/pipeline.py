"""The build's stages, in order: scan (folders and settings), read, check, plan, discover, then
one ending for every build that renders: render, write and remember. `build` runs them, letting
the incremental layer (incremental.py) answer first when it can; `render_site` runs the same
stages into memory, without a cache."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from jinja2 import Environment

from . import __version__
from .cache import BuildCache, canonical, digest
from .checks import check_collection, missing_pdfs, pdf_references
from .config import Settings
from .discovery import Discovery, Terms, attach, discover, discovery_key
from .gitdates import first_added, history_key, is_shallow, undated_days
from .kinds import PART_OF_KIND
from .model import Collection, Listed, Topic
from .people import Person, load_people
from .pictures import refresh_thumbnails
from .plan import FULL, Page, SitePlan, plan_site
from .previous import Previous
from .problems import DataError, Problem, display_path, errors_of
from .progress import NO_PROGRESS, Progress
from .records import load_topics, paper_files
from .remember import remember, remember_failed
from .render import environment, template_sources
from .rendering import Renderable, render_and_write, render_pages, source_for
from .report import Generated, NavInfo, curator_notes, foreign_warnings, nav_info
from .store import PaperStore


@dataclass
class Run:
    """One build's fixed context."""

    settings: Settings
    strict: bool
    cache: BuildCache | None
    progress: Progress
    store: PaperStore
    started_ns: int = field(default_factory=time.time_ns)
    # Under `mkdocs serve`: related papers and the map, when the texts changed, are taken from
    # the last build for now and computed by a build of their own right after (see `deferred`).
    defer_discovery: bool = False
    # After find_related: whether the pages were planned with related papers and the map of
    # other texts ("stale") or of these ("current"); None when it did not run.
    discovery_state: str | None = None


@dataclass
class Inputs:
    """What a build finds before reading any record. scanned: the problems found so far, told
    anew by every build (not kept with its result)."""

    topics: list[Topic]
    files: dict[str, tuple[str, tuple[int, int]]]  # display path -> (path, (size, time))
    problems: list[Problem]
    stale_pdfs: list[Problem]  # local PDFs the last build found linked, missing now
    env: Environment
    global_key: str
    history: str | None  # HEAD, and whether the clone is shallow (gitdates)
    fingerprint: str
    people: tuple[Person, ...] = ()  # declared in data/people.yml


@dataclass
class Due:
    """What the ending needs: the pages to render and every planned page's key; the shapes of
    the pages that may be rendered; the build's problems and navigation."""

    pages: list[Page]
    keys: dict[str, str]
    shapes: dict[str, str]
    problems: list[Problem]
    nav: NavInfo
    scanned: list[Problem]
    collection: Collection | None = None  # None: not read whole (nothing the plan reads changed)
    discovery: Discovery | None = None  # related papers and the map, when computed in this build
    pdf_refs: list[list] | None = None  # the records' local PDFs, when read in this build


# scan ----------
def scan(run: Run) -> Inputs:
    s, cache = run.settings, run.cache
    topics, problems = load_topics(s.data_dir / "topics.yml", s.root)
    files, file_problems = paper_files(s.data_dir / "papers", s.root)
    problems += file_problems
    people, people_problems = load_people(s.data_dir / "people.yml", s.root, s.docs_dir)
    problems += people_problems
    # The local PDFs the last build found linked are looked for anew, as the folders are.
    known_pdfs = cache.get_meta("local_pdfs") if cache is not None else None
    stale_pdfs = _missing_pdfs(run, known_pdfs if isinstance(known_pdfs, list) else [])
    problems += stale_pdfs
    env = environment(s.templates_dir)
    sources = template_sources(env)
    global_key = digest(canonical([__version__, sources, repr(s.plan), repr(s.site),
                                   [repr(t) for t in topics], [repr(p) for p in people]]))
    # Which commit the records are dated by (`git rev-parse`, a few ms): `git log` runs only
    # when it changes.
    history = history_key(s.root)
    stats = [[d, st] for d, (_, st) in files.items()]
    found = sorted(map(str, problems))
    fingerprint = digest(canonical([global_key, history, stats, found]))
    return Inputs(topics, files, problems, stale_pdfs, env, global_key, history, fingerprint,
                  people)


def _missing_pdfs(run: Run, refs: list[list]) -> list[Problem]:
    """The local files records name that are not there, and the PDFs whose first page (the
    paper's picture) cannot be drawn."""
    s = run.settings
    drawn = refresh_thumbnails(refs, s.docs_dir, s.cache_dir, s.site.thumbnails,
                               lambda path: display_path(path, s.root))
    return missing_pdfs(refs, s.docs_dir, s.root) + drawn


# read and check ----------
@dataclass
class Checked:
    """The collection as read and checked: its problems (scanned: those found without reading
    a record, told anew by every build) and the local PDFs its records link."""

    collection: Collection
    problems: list[Problem]
    scanned: list[Problem]
    pdf_refs: list[list]


def read_and_check(run: Run, inputs: Inputs) -> Checked:
    """Raises DataError (having remembered the files read) when the collection has errors."""
    records = run.store.read(inputs.files, run.progress)
    pdf_refs = pdf_references(records.papers)
    pdf_problems = _missing_pdfs(run, pdf_refs)
    stale = set(inputs.stale_pdfs)  # the records say now which PDFs they link
    scanned = [p for p in inputs.problems if p not in stale] + pdf_problems
    problems = scanned + records.problems + check_collection(records.papers, inputs.topics)
    if errors_of(problems, run.strict):
        remember_failed(run)
        raise DataError(problems)
    collection = Collection(tuple(sorted(records.papers, key=lambda p: p.id)), tuple(inputs.topics))
    return Checked(collection, problems, scanned, pdf_refs)


# plan ----------
def plan(run: Run, inputs: Inputs, collection: Collection) -> SitePlan:
    run.progress.stage("planning pages")
    since = _days_from_git(run, inputs, collection.papers)
    return plan_site(collection, run.settings.plan, since, inputs.people)


def _days_from_git(run: Run, inputs: Inputs, papers: tuple[Listed, ...]) -> dict[str, str]:
    """Paper id -> the day its file first entered the git history, for papers without `added`:
    from one `git log`, kept in the cache for as long as HEAD (and the data folder) stay.
    A shallow clone would date every file by its oldest commit: it dates none."""
    if inputs.history is None or is_shallow(inputs.history):
        return {}
    settings, cache = run.settings, run.cache
    folder = display_path(settings.data_dir / "papers", settings.root)
    key = f"{inputs.history} {folder}"
    known = cache.get_meta("git_days") if cache is not None else None
    if isinstance(known, dict) and known.get("key") == key:
        days = known["days"]
    else:
        days = first_added(settings.root, folder)
        if cache is not None:
            # Kept at once, as the term counts are (see `keep_terms`): right whatever becomes
            # of this build, since it is keyed by the commit it was read from.
            with cache:
                cache.set_meta("git_days", {"key": key, "days": days})
    return undated_days(papers, days)


# discover ----------
def find_related(run: Run, ids: list[str]) -> tuple[Discovery, Discovery | None]:
    """Related papers and the map of the papers ids, and the same when computed in this build
    (None when the last build's is still right). Computed again from the cached term counts of
    the texts that did not change, with only the affected related lists ranked again."""
    count, cache = run.settings.plan.related, run.cache
    digests = run.store.digests
    text_digests = {paper_id: digests[paper_id]["text"] for paper_id in ids}
    key = discovery_key(text_digests, count)
    run.discovery_state = "current"
    if count == 0:
        return Discovery(key, {}, {}), None
    last = cache.get_meta("discovery") if cache is not None else None
    if isinstance(last, dict) and last.get("key") == key:
        return Discovery.from_payload(last), None
    if run.defer_discovery and isinstance(last, dict):
        run.discovery_state = "stale"
        return stale_discovery(Discovery.from_payload(last), ids), None
    before = Discovery.from_payload(last) if isinstance(last, dict) else None
    terms = {i: Terms(*row) for i, row in cache.terms().items()} if cache is not None else {}
    run.progress.stage(f"finding related papers among {len(ids)}")
    keep = None if cache is None else lambda fresh: keep_terms(cache, fresh)
    found, _ = discover(text_digests, count, run.store.texts, terms, before, keep)
    return found, found


def stale_discovery(last: Discovery, ids: list[str]) -> Discovery:
    """The last build's related papers and map, of the papers there still are: a new paper has
    none yet, and is left off the map until they are computed."""
    present = set(ids)
    related = {i: tuple(o for o in last.related.get(i, ()) if o in present) for i in ids}
    layout = {i: point for i, point in last.layout.items() if i in present}
    return Discovery(last.key, related, layout)


def keep_terms(cache: BuildCache, fresh: dict[str, Terms]) -> None:
    """Term counts are stored as soon as they are made, not held until the build's end: a row
    is the counts of the text it names, right whatever becomes of this build, and holding them
    would keep about 450 MB (100,000 papers) through discovery's costliest steps."""
    if fresh:
        with cache:
            cache.put_terms({i: (t.text, t.indices, t.counts) for i, t in fresh.items()})


# the whole collection, planned ----------
def build_all(run: Run, inputs: Inputs, due_of) -> Due:
    """Read, check, plan and discover everything; due_of(pages, keys) picks the pages to render."""
    checked = read_and_check(run, inputs)
    collection = checked.collection
    site_plan = plan(run, inputs, collection)
    found, new = find_related(run, [p.id for p in collection.papers])
    pages = attach(site_plan.pages, found)
    site_plan.pages = pages
    digests = run.store.digests
    shapes = {page.path: page_shape(inputs.global_key, page) for page in pages}
    keys = {page.path: page_key(shapes[page.path], page, digests) for page in pages}
    nav = nav_info(site_plan, collection, is_shallow(inputs.history))
    return Due(due_of(pages, keys), keys, shapes, checked.problems, nav, checked.scanned,
               collection, new, checked.pdf_refs)


def page_shape(global_key: str, page: Page) -> str:
    """Everything a page is rendered from but the contents of its papers."""
    # repr of the context is exact and stable: it holds only str, int, None, lists and dicts
    # built in a fixed order
    return digest(f"{global_key}|{page.template}|{page.kind}|{page.context!r}|{page.shows}|"
                  f"{' '.join(page.paper_ids)}")


def page_key(shape: str, page: Page, digests: dict[str, dict]) -> str:
    """The page's shape and the digests of what it shows of each paper: the record for a paper
    page, the BibTeX for the download, the listing entry for the rest."""
    kind = PART_OF_KIND.get(page.kind) or ("full" if page.shows == FULL else "entry")
    return digest(shape + "|" + ";".join(digests[i][kind] for i in page.paper_ids))


# the ending ----------
def finish(run: Run, inputs: Inputs, due: Due, last: Previous) -> Generated:
    """Render and write the due pages, remember what this build learned, and tell the result."""
    s = run.settings
    what = Renderable(tuple(inputs.topics), inputs.env, s.site, s.docs_dir, inputs.global_key)
    rendered = render_and_write(run.store, what, due.pages, due.keys, last.outputs, run.progress)
    remember(run, inputs, due, rendered, last)
    report = rendered.report
    problems = sorted(due.problems + foreign_warnings(report, s))
    return Generated(due.collection, problems, report, due.nav, curator_notes(due.nav))


# into memory ----------
def render_site(settings: Settings) -> dict[str, str]:
    """Every generated file (path relative to docs/ -> text), through the build's own stages,
    without a cache and without writing; raises DataError as a build would. Records are not
    dated by the git history (a fixture's output must not depend on when it was committed)."""
    run = Run(settings, False, None, NO_PROGRESS, PaperStore(settings.root, None))
    inputs = scan(run)
    inputs.history = None
    due = build_all(run, inputs, lambda pages, keys: pages)
    what = Renderable(tuple(inputs.topics), inputs.env, settings.site, settings.docs_dir,
                      inputs.global_key)
    source = source_for(run.store, inputs.global_key, due.pages)
    outputs = render_pages(source, what, due.pages, False, NO_PROGRESS)
    return {path: data.decode("utf-8") for path, data in outputs.items()}
