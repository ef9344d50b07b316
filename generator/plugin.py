"""The MkDocs plugin `papers`: runs the generator before every build, so `mkdocs build` and
`mkdocs serve` always show the current data. A thin layer over `generator.build.generate`.

`mkdocs build` stops on bad data. `mkdocs serve` never stops on the data: warnings are printed
and never hold a rebuild back, and on errors it keeps serving the last good pages (the generator
writes nothing when validation fails) with a banner on every page listing the problems, until a
save fixes them (see `banner`). Notes are printed once per process, not on every save.
"""

from __future__ import annotations

import html
import logging
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .banner import with_loader, write_problems
from .build import NavInfo, generate
from .config import PapersConfig, settings_from
from .deferred import DeferredDiscovery, trigger_dir
from .facets import FACET_NAMES
from .plan import GENERATED_DIRS, MAIN_FEED
from .problems import ERROR, NOTE, WARNING, DataError, Problem, headline, summarize_notes
from .progress import ConsoleProgress
from .rawhtml import Stash
from .searchindex import INDEXED, SearchIndexer
from .searchindex import OUTPUT as INDEX_OUTPUT
from .serve import DirtyBuilds
from .sitestate import SiteState, global_key

log = logging.getLogger("mkdocs.plugins.papers")
TOPICS_NAV_ENTRY = "topics/index.md"
DIRTY_WARNING = "A 'dirty' build is being performed"


class PapersPlugin(BasePlugin[PapersConfig]):
    """One instance lives through a whole `mkdocs serve` (it defines on_startup)."""

    def __init__(self):
        self.command = "build"
        self.last_good: NavInfo | None = None
        self.problems: list[Problem] = []
        self.dirty = DirtyBuilds()
        self.search_index = SearchIndexer()
        self.related = DeferredDiscovery(_print_to_log)
        self.settings = None
        self.deferred = False  # this build left related papers and the map as they were
        self.notes_seen: set[str] = set()
        self.dirty_build = False
        self.cache_dir: Path | None = None
        self.site_state: SiteState | None = None
        self.files = None
        self.stashes: dict[str, Stash] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty_build = dirty
        self.dirty.enabled = dirty and command == "serve"
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_drop_dirty_warning)

    def on_config(self, config):
        serving = self.command == "serve"
        self.search_index.stop()  # an index of the last build, still being written, would be stale
        self.related.stop()  # this build starts over from the data as saved now
        self.deferred = False
        _add_theme_templates(config)
        try:
            # MkDocs' resolved config, so INHERIT, !ENV and command-line overrides all count.
            settings = settings_from(Path(config.config_file_path), config.docs_dir,
                                     config.use_directory_urls, self.config, config.site_url,
                                     config.site_name)
            if not serving:  # serve builds into a folder of its own, outside the project
                check_site_dir(Path(config.site_dir), settings.root)
            self._watch(config, settings)
            self.cache_dir, self.settings = settings.cache_dir, settings
            # A saved edit shows first; related papers and the map follow (on_post_build).
            result = generate(settings, strict=bool(config.strict) and not serving,
                              use_cache=settings.use_cache, progress=ConsoleProgress(),
                              defer_discovery=serving)
        except (DataError, OSError) as err:
            problems = err.problems if isinstance(err, DataError) else [_os_problem(err)]
            if not serving or self.last_good is None:
                strict = bool(config.strict) and not serving
                heading = f"the paper data has problems ({headline(problems, strict)}):\n"
                raise PluginError(heading + "\n".join(map(str, problems))) from None
            # A full disk or a file deleted mid-build is reported like bad data: the last good
            # pages stay served, with a banner naming the file, until a save fixes it.
            self.problems = problems
            _report_while_serving(problems, "still serving the last good pages")
            config.nav = _site_nav(config.nav, self.last_good, self.config.nav_topics)
            return config
        self.problems = []
        if serving:
            # Under `mkdocs serve`, MkDocs' strict mode would turn a logged warning into a failed
            # build, and a failed build stops the preview: print warnings instead of logging them.
            if any(p.severity == WARNING for p in result.warnings):
                _report_while_serving(result.warnings, "the pages are up to date")
        else:
            for warning in result.warnings:
                if warning.severity == WARNING:
                    log.warning(str(warning))
        for note in [*summarize_notes(result.warnings), *result.notes]:
            # A note is news once: a preview does not repeat it on every save, nor when only
            # its count changed.
            kind = re.sub(r"\d+", "#", note)
            if kind not in self.notes_seen:
                self.notes_seen.add(kind)
                log.info(f"papers: {note}")
        if result.report.written or result.report.removed:
            log.info(f"papers: {result.report}")
        config.nav = _site_nav(config.nav, result.nav, self.config.nav_topics)
        feeds = result.nav.left_out_of_feeds is not None
        config.extra["papers_feed"] = MAIN_FEED if feeds else None
        self.dirty.after_generate(config, result)
        self.last_good = result.nav
        self.deferred = result.discovery_deferred
        return config

    def _watch(self, config, settings) -> None:
        """`mkdocs serve` rebuilds when the data or a custom template changes, and when related
        papers and the map were brought up to date after a build (see `deferred`)."""
        if self.command == "serve" and settings.use_cache:
            trigger_dir(settings.cache_dir).mkdir(parents=True, exist_ok=True)
        for folder in (settings.data_dir, settings.templates_dir, trigger_dir(settings.cache_dir)):
            if folder.is_dir() and str(folder) not in config.watch:
                config.watch.append(str(folder))

    def on_serve(self, server, *, config, builder):
        return self.dirty.on_serve(server, config)

    def on_pre_build(self, *, config) -> None:
        """`mkdocs build`: start from the last build's output when nothing global changed."""
        if self.command == "serve" or self.cache_dir is None:
            return
        key = global_key(config, self.config)
        self.site_state = SiteState(self.cache_dir, Path(config.site_dir), key)
        log.info(f"papers: {self.site_state.start(self.dirty_build)}")

    def on_files(self, files, *, config):
        self.files = files
        if self.site_state is not None:
            self.site_state.prepare(files, self.dirty_build)
        return self.dirty.on_files(files, config)

    def on_nav(self, nav, *, config, files):
        if self.site_state is not None:
            self.site_state.prepare_nav(nav, self.dirty_build)
        return nav

    def on_page_context(self, context, *, page, config, nav):
        self.dirty.page_built(page)
        if self.site_state is not None:
            self.site_state.page_built(page)
        return context

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if page.file.src_uri.split("/", 1)[0] not in GENERATED_DIRS:
            return markdown  # a page written by hand is converted as it is
        stash = self.stashes[page.file.src_uri] = Stash()
        return stash.take(markdown)

    def on_page_content(self, html: str, *, page, config, files) -> str:
        stash = self.stashes.pop(page.file.src_uri, None)
        if stash is None:
            return html
        page.present_anchor_ids |= stash.anchor_ids()
        return stash.restore(html)

    def on_post_page(self, output: str, *, page, config) -> str:
        """While serving, every page loads the banner of the last build's problems."""
        if self.command != "serve":
            return output
        return with_loader(output, config.site_url)

    def on_post_build(self, *, config) -> None:
        self.dirty.after_build(config)
        site = Path(config.site_dir)
        if self.command == "serve":
            write_problems(site, self.problems)
            index = self._index_later(site, config.use_directory_urls)
            if self.deferred:  # the build it wakes indexes the site (or it does, if none)
                self.related.start(self.settings, index)
            else:
                index()
            return
        if self.config.search_index and self._index_kept(site):
            log.info("papers: search index: no paper page changed, the last one kept")
        elif self.config.search_index:
            try:
                built = self.search_index.build(site, config.use_directory_urls,
                                                self.config.search_part_pages)
                log.info(f"papers: {built}")
            except DataError as err:
                raise PluginError("\n".join(map(str, err.problems))) from None
        if self.site_state is not None:
            self.site_state.finish(self.files)

    def _index_later(self, site: Path, directory_urls: bool):
        def index() -> None:
            if self.config.search_index:
                self.search_index.start(site, directory_urls, self.config.search_part_pages)

        return index

    def _index_kept(self, site: Path) -> bool:
        entry = site / INDEX_OUTPUT / "pagefind-entry.json"
        state = self.site_state
        return state is not None and state.index_still_whole(self.dirty_build, INDEXED, entry)

    def on_shutdown(self) -> None:
        self.search_index.stop()
        self.related.stop()
        logging.getLogger("mkdocs.commands.build").removeFilter(_drop_dirty_warning)


def _print_to_log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _os_problem(err: OSError) -> Problem:
    return Problem(err.filename or "papers", 0, 0, "", err.strerror or str(err))


def _drop_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that a `--dirty` build may leave the navigation inaccurate: pages not
    rebuilt keep the navigation they were built with. Here every page is rebuilt when the
    navigation changes (see `serve`), so the warning is dropped."""
    return not str(record.msg).startswith(DIRTY_WARNING)


def check_site_dir(site: Path, root: Path) -> None:
    """MkDocs empties site_dir before building: refuse one that is a symbolic link, or that lies
    in the project but resolves outside it (through a linked folder), so nothing else is emptied."""
    project = root.resolve()
    inside = site.absolute().is_relative_to(root.absolute())
    if site.is_symlink() or (inside and not site.resolve().is_relative_to(project)):
        why = ("site_dir is a symbolic link or leads outside the project: "
               "MkDocs would empty what it points at; build elsewhere with -d")
        raise DataError([Problem(str(site), 0, 0, "", why)])


def _report_while_serving(problems: list[Problem], state: str) -> None:
    # Printed outside MkDocs' logger on purpose: under strict mode a logged error would fail
    # the build, and a failed build makes `mkdocs serve` stop answering until it is fixed.
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    lines = [f"papers: {errors} problem(s) in the data, {warnings} warning(s); {state}:"]
    lines += [f"  {problem}" for problem in problems if problem.severity != NOTE]
    print("\n".join(lines), file=sys.stderr, flush=True)


def _site_nav(nav, info: NavInfo, most_topics: int):
    """The topics entry expanded to one entry per top-level topic (or left as the topics index
    alone when there are more than most_topics); empty facets left out."""
    if not nav:
        return nav
    empty = {f"{name}/index.md": name not in info.nonempty
             for name in (*FACET_NAMES, "topics", "map")}
    top = [entry for entry in info.topics if len(entry) == 2]
    pages = [TOPICS_NAV_ENTRY] + ([] if len(top) > most_topics else _topic_entries(info.topics))
    expanded = []
    for item in nav:
        target = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if target == TOPICS_NAV_ENTRY:
            expanded.append({next(iter(item)): pages})
        elif not (isinstance(target, str) and empty.get(target)):
            expanded.append(item)
    return expanded


def _topic_entries(topics: list[tuple[str, ...]]) -> list:
    """A topic with sub-topics is a section: its own page first, then theirs. A sub-topic's page
    in the navigation keeps the sidebar and the Topics tab on it."""
    children: dict[str | None, list[tuple[str, str]]] = {}
    for title, slug, *parent in topics:
        children.setdefault(parent[0] if parent else None, []).append((title, slug))

    def entry(title: str, slug: str, seen: frozenset) -> dict:
        # Themes print nav titles into HTML as they are: escape them like every other record text.
        name, page = html.escape(title), f"topics/{slug}.md"
        below = [entry(t, s, seen | {s}) for t, s in children.get(slug, []) if s not in seen]
        return {name: [page, *below]} if below else {name: page}

    return [entry(title, slug, frozenset({slug})) for title, slug in children.get(None, [])]


THEME_TEMPLATES = Path(__file__).parent / "theme"


def _add_theme_templates(config) -> None:
    """Our main.html (feed links and citation tags in <head>) after the project's own custom_dir,
    before the theme's: a project that overrides main.html itself keeps its own."""
    dirs = config.theme.dirs
    if str(THEME_TEMPLATES) not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_TEMPLATES))
