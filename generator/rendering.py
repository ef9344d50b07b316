"""The render and write stages: the due pages rendered from the store (and the cache's copies
of what pages show of unchanged papers), then written where they changed; with many pages and
a second core, half of them in a forked process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from .cache import PARTS, BuildCache, PartsRow
from .cachecodec import parts_of
from .kinds import FRAGMENT_KINDS, PART_OF_KIND, kind_of
from .model import Paper, Topic
from .parallel import Helper, parallel_worth_it
from .plan import FULL, Page
from .progress import NO_PROGRESS, Progress
from .render import Renderer, SiteSettings
from .store import PaperStore
from .write import WriteReport, claim, pack, write_files, write_outputs

# From this many pages on, rendered pages are kept compressed until written. A 10,000-paper build
# (19,355 pages, about 150 MB a process) spent about 1.5 s compressing them and unpacking them
# again; at 100,000 papers, keeping only the first 192 MB as they were raised the peak memory by
# about 200 MB, near 4 GB.
COMPRESS_PAGES = 40_000


@dataclass
class PageSource:
    """What the pages of one render pass show of papers: the store's records, else the cache's
    copies (cached: rows of parts; known: pieces of whole-collection files whose paper did not
    change). What it makes that the cache lacks is collected for the remember stage."""

    store: PaperStore
    global_key: str
    cached: dict[str, PartsRow] = field(default_factory=dict)
    known: dict[tuple[str, str], str] = field(default_factory=dict)
    given: dict[str, dict] = field(default_factory=dict)  # the parts given in this pass
    new_fragments: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def paper(self, paper_id: str) -> Paper:
        return self.store.paper(paper_id)

    def parts(self, paper_id: str) -> dict:
        fresh = self.store.parts
        if paper_id in fresh:
            # Whole, unlike a cached row that holds only what a download asked for (a paper's
            # page needs all parts): a paper whose page is rendered is read first (`paper`),
            # after any download that asked for its row.
            self.given[paper_id] = fresh[paper_id]
        elif paper_id not in self.given:
            row = self.cached.get(paper_id)
            if row is not None and row.digest == self.store.digests[paper_id]["parts"]:
                self.given[paper_id] = row.value  # without its entry when only BibTeX was asked
            else:
                self.given[paper_id] = parts_of(self.paper(paper_id))[1]
        return self.given[paper_id]

    def fragment(self, kind: str, paper_id: str, make) -> str:
        text = self.known.get((kind, paper_id))
        if text is None:
            text = make()
            self.new_fragments[kind, paper_id] = (fragment_key(paper_id, self), text)
        return text

    def new_parts(self) -> dict[str, PartsRow]:
        """The whole parts made in this pass that the cache does not hold."""
        digests, cached = self.store.digests, self.cached
        return {i: PartsRow(digests[i]["parts"], value) for i, value in self.given.items()
                if all(value[part] is not None for part in PARTS)
                and (i not in cached or cached[i].digest != digests[i]["parts"])}


def fragment_key(paper_id: str, source: PageSource) -> str:
    """What a piece of a whole-collection file is made from: the paper's data and the settings."""
    return f"{source.store.digests[paper_id]['data']}|{source.global_key}"


@dataclass
class Rendered:
    """What the render stage made that the cache should keep."""

    report: WriteReport
    parts: dict[str, PartsRow]
    fragments: dict[tuple[str, str], tuple[str, str]]


@dataclass
class Renderable:
    """Everything the render stage needs besides the store and the pages."""

    topics: tuple[Topic, ...]
    env: Environment
    site: SiteSettings
    docs: Path
    global_key: str


def render_pages(source: PageSource, what: Renderable, due: list[Page], compress: bool,
                 progress: Progress) -> dict[str, bytes]:
    source.given, source.new_fragments = {}, {}
    renderer = Renderer(what.topics, what.env, what.site, source, what.docs)
    progress.stage("rendering pages", len(due))
    outputs: dict[str, bytes] = {}
    for page in due:
        outputs[page.path] = pack(renderer.render(page), compress)
        progress.advance()
    return outputs


def source_for(store: PaperStore, global_key: str, due: list[Page]) -> PageSource:
    """A page source with what the cache holds for the due pages; read before any fork: a
    database connection is not to be shared."""
    cache = store.cache
    kinds = {page.kind for page in due if page.kind in FRAGMENT_KINDS}
    source = PageSource(store, global_key)
    known = cache.fragments(kinds) if cache is not None and kinds else {}
    source.known = {place: text for place, (key, text) in known.items()
                    if place[1] in store.digests and key == fragment_key(place[1], source)}
    source.cached = _cached_parts(store, due, source.known)
    return source


def render_and_write(store: PaperStore, what: Renderable, due: list[Page], keys: dict[str, str],
                     before: dict[str, tuple[int, int]], progress: Progress) -> Rendered:
    """Render the due pages and write those that changed; with many pages and a second core,
    half of them in a forked process (both render first, and nothing is written unless both
    succeeded). before: the generated files found on disk; keys: every planned page's key."""
    source = source_for(store, what.global_key, due)
    # Pages are kept compressed until written when there are many (each half of a forked build).
    compress = len(due) >= COMPRESS_PAGES
    if not parallel_worth_it(len(due)):
        outputs = render_pages(source, what, due, compress, progress)
        report = write_outputs(what.docs, outputs, set(keys), before, progress=progress)
        return Rendered(report, source.new_parts(), source.new_fragments)
    return _render_in_two(source, what, due, keys, before, compress, progress)


def _render_in_two(source: PageSource, what: Renderable, due: list[Page], keys: dict[str, str],
                   before: dict[str, tuple[int, int]], compress: bool,
                   progress: Progress) -> Rendered:
    ours = claim(what.docs, set(keys))
    shared = set(source.store.parts)  # records read before forking, which both processes hold
    with Helper() as helper:
        if helper.is_child:
            half = due[1::2]
            theirs = helper.run(lambda: render_pages(source, what, half, compress, NO_PROGRESS))
            if helper.go():
                helper.answer(lambda: _written_half(what.docs, theirs, source, shared))
            return Rendered(WriteReport(), {}, {})  # never reached: the helper ends the child
        outputs = helper.run(lambda: render_pages(source, what, due[0::2], compress, progress))
        report = write_outputs(what.docs, outputs, set(keys), before, progress=progress, ours=ours)
        del outputs  # written: room for what the helper sends
        written, parts, fragments = helper.answered()
    report.written = sorted(report.written + written)
    report.unchanged = len(keys) - len(report.written)
    report.touched = {page.path for page in due}
    fresh, digests = source.store.parts, source.store.digests
    mine = source.new_parts()
    mine |= {i: row or PartsRow(digests[i]["parts"], fresh[i]) for i, row in parts.items()}
    return Rendered(report, mine, source.new_fragments | fragments)


def _written_half(docs: Path, outputs: dict[str, bytes], source: PageSource,
                  shared: set[str]) -> tuple:
    """In the child: its half written, and what the cache should keep of it."""
    written = write_files(docs, outputs)
    # Parts of records read before the fork are the parent's too: named, not sent. A record
    # read here (its page rendered here) is sent whole: the parent never read it.
    fresh = source.store.parts
    parts = {i: None if i in shared and row.value is fresh.get(i) else row
                for i, row in source.new_parts().items()}
    return written, parts, source.new_fragments


def _cached_parts(store: PaperStore, due: list[Page],
                     known: dict[tuple[str, str], str]) -> dict[str, PartsRow]:
    """The cached parts of the papers the due pages show (and were not read now): all
    of them for papers on listing pages, else only the part a download or feed shows, unless
    the piece of the download that the paper makes is known."""
    cache = store.cache
    if cache is None:
        return {}
    fresh = set(store.full)
    shown = {i for page in due if page.shows != FULL for i in page.paper_ids}
    # related papers' entries
    shown |= {i for page in due if kind_of(page).related for i in page.paper_ids[1:]}
    found = cache.parts(sorted(shown - fresh))
    wanted = {i: set(PARTS) for i in shown}  # the parts of each paper the due pages show
    for part in ("bib", "data"):
        ids = sorted({i for page in due if PART_OF_KIND.get(page.kind) == part
                      for i in page.paper_ids if (page.kind, i) not in known} - fresh)
        _add_parts(cache, found, ids, part)
        for paper_id in ids:
            wanted.setdefault(paper_id, set()).add(part)
    # A part missing from a row was damaged: the record is read again rather than shown
    # without it.
    return {i: row for i, row in found.items()
            if all(row.value[part] is not None for part in wanted.get(i, ()))}


def _add_parts(cache: BuildCache, found: dict[str, PartsRow], ids: list[str], part: str) -> None:
    lacking = [i for i in ids if i not in found or found[i].value[part] is None]
    for paper_id, row in cache.parts(lacking, (part,)).items():
        if paper_id in found:
            found[paper_id].value[part] = row.value[part]
        else:
            found[paper_id] = row
