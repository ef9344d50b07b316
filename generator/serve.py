"""`mkdocs serve` at scale: one build per save, and `--dirty` rebuilds that stay right.

MkDocs watches the whole docs folder, so the generator's own writes into it would wake the
watcher again and every save would build the site twice: the generated folders are watched
through the data instead.

With `--dirty`, MkDocs rebuilds only pages whose Markdown is newer than their HTML. The
generator rewrites exactly the Markdown of the pages whose inputs changed, so those are
rebuilt; what a dirty build would get wrong is handled here: pages of removed records are
deleted from the site, the home page is rebuilt when its included part changes, everything is
rebuilt when the navigation changes, and the search index, which MkDocs' search writes from
the rebuilt pages alone, is merged with the entries of the pages that were not rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from .plan import GENERATED_DIRS, HOME

log = logging.getLogger("mkdocs.plugins.papers")
SEARCH_INDEX = Path("search") / "search_index.json"


class DirtyBuilds:
    def __init__(self):
        self.enabled = False
        self.nav = None
        self.rebuild_all = True
        self.removed: list[str] = []
        self.home_changed = False
        self.built: set[str] = set()
        self.search: dict[str, list] = {}  # page URL -> its search entries, from the last builds

    def on_serve(self, server, config):
        """Watch the hand-written parts of docs/, not the folders the generator writes."""
        docs = os.path.abspath(config.docs_dir)
        server.unwatch(docs)
        server.watch(docs, recursive=False)
        for entry in sorted(os.scandir(docs), key=lambda e: e.name):
            if entry.is_dir() and entry.name not in GENERATED_DIRS:
                server.watch(entry.path)
        return server

    def after_generate(self, config, result) -> None:
        # The navigation as MkDocs will build it, and the config it came from: when either
        # changes, every page must be rebuilt.
        path = config.config_file_path
        nav = (repr(config.nav), os.stat(path).st_mtime_ns if path else 0)
        self.rebuild_all = self.rebuild_all or nav != self.nav
        self.nav = nav
        self.removed = list(result.report.removed)
        self.home_changed = HOME in result.report.written
        self.built = set()

    def on_files(self, files, config):
        """Before a dirty build: make MkDocs rebuild what a dirty build would leave stale."""
        if not self.enabled:
            return files
        site = Path(config.site_dir)
        stale = []
        if self.rebuild_all:
            log.info("papers: the navigation changed, so every page is rebuilt")
            stale = [f.dest_path for f in files.documentation_pages()]
        elif self.home_changed:
            stale = [f.dest_path for f in files.documentation_pages() if f.src_uri == "index.md"]
        for dest in stale:
            (site / dest).unlink(missing_ok=True)
        for removed in self.removed:
            _remove_page(site, removed, config.use_directory_urls)
        return files

    def page_built(self, page) -> None:
        self.built.add(page.url)

    def after_build(self, config) -> None:
        """Keep the search index whole: entries of pages not rebuilt this time stay."""
        rebuilt_all, self.rebuild_all = self.rebuild_all, False
        path = Path(config.site_dir) / SEARCH_INDEX
        if not path.is_file():  # no MkDocs search plugin (Pagefind indexes the built site instead)
            return
        index = json.loads(path.read_text("utf-8"))
        fresh: dict[str, list] = {}
        for doc in index.get("docs", []):
            fresh.setdefault(doc["location"].split("#", 1)[0], []).append(doc)
        if not self.enabled or rebuilt_all:
            self.search = fresh
        else:
            gone = {_url_of(r, config.use_directory_urls) for r in self.removed}
            self.search = {url: docs for url, docs in self.search.items()
                           if url not in self.built and url not in gone}
            self.search.update(fresh)
            index["docs"] = [doc for url in sorted(self.search) for doc in self.search[url]]
            path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _url_of(docs_path: str, directory_urls: bool) -> str:
    from .pageurls import site_url

    return site_url(docs_path, directory_urls)


def _remove_page(site: Path, docs_path: str, directory_urls: bool) -> None:
    """Delete the built page of a Markdown file the generator removed."""
    if not docs_path.endswith(".md"):
        (site / docs_path).unlink(missing_ok=True)
        return
    url = _url_of(docs_path, directory_urls)
    target = site / url / "index.html" if directory_urls else site / url
    target.unlink(missing_ok=True)
