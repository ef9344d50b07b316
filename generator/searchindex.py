"""The search index: Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built
paper pages and writes `pagefind/` into the site. Listing pages are not indexed: only paper
pages carry `data-pagefind-body`, and only their folder is read.

A big collection is indexed in parts of at most PART_PAGES papers, which the search page merges
(Pagefind's `mergeIndex`). Pagefind ranks a query by comparing every matching page with every
matching word, and counts facet values by scanning the result list once per value: both grow
with the square of the matches within one index. At 100,000 papers a word in half of them took
15 s to rank and 80 s with facet counts in one index; parts keep each square small.

The parts are cut in the order papers were added: paper pages ranked by the day each carries
(`data-papers-added`, the record's `added` or its file's day in the git history) and their
path, then cut in consecutive blocks, so a day's new papers fall in the last part. The part of
a page depends on the pages alone, never on earlier builds. `parts-digests.json` keeps, for
each part, a digest of its pages (paths, and what Pagefind reads of each: see `indexed_bytes`)
and of everything else the index depends on (Pagefind's version, its settings, the part size,
this code); a part whose digest is the last index's keeps its files, the others are indexed
again, and the result is the bytes an index made from nothing has.

    python -m generator.searchindex SITE_DIR [--flat-urls] [--part-pages N]

builds the index of a built site (what `mkdocs build` runs, in a process of its own)."""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import pagefindfiles, pagefindservice
from .pagefindfiles import canonicalize
from .pagefindservice import index_in_order
from .parallel import threads
from .problems import DataError, Problem

# Left out of what is searched and quoted: the citation blocks (the title and authors again, in
# BibTeX and RIS), related papers (their own pages hold them), link buttons, field labels and
# heading anchors ("arXiv PDF", "Authors:", "¶" would only add noise to the excerpts).
NOT_INDEXED = (".paper-bibtex, .paper-reference, .paper-ris, .cite-format, .papers-related, "
               ".paper-buttons, .paper-meta strong, .headerlink")
OUTPUT = "pagefind"
# pagefind/parts-digests.json: what each part was indexed from, so an unchanged part is kept
DIGESTS = "parts-digests.json"
BODY = b"<div data-pagefind-body"
ADDED = re.compile(rb' data-papers-added="([^"]*)"')
RELATED = b'<ul class="papers-related">'
HTML = re.compile(rb"<html[^>]*>")
RELATED_HEADING = re.compile(rb'<h2 data-pagefind-ignore="all" id="[\w-]+">Related papers'
                             rb'<a class="headerlink" href="#[\w-]+" title="Permanent link">'
                             rb'&para;</a></h2>\s*')
HREF = re.compile(rb' href="[^"]*"')
INDEXED = "papers"  # the folder of the site whose pages are indexed
# pagefind/parts/1/, 2/, …: the parts after the first, which is pagefind/ itself
PARTS_DIR = "parts"
PARTS_LIST = "parts.json"  # pagefind/parts.json: the parts' folders, relative to pagefind/
PART_PAGES = 4000
# A part needs only its index; Pagefind writes its scripts and styles into every output folder.
PART_FILES = ("pagefind-entry.json", "index", "fragment", "filter", "*.pf_meta")


def index_command(site_dir: Path, directory_urls: bool,
                  part_pages: int = PART_PAGES) -> list[str]:
    """The command that indexes a built site: this module, run on its own."""
    flat = () if directory_urls else ("--flat-urls",)
    parts = () if part_pages == PART_PAGES else ("--part-pages", str(part_pages))
    return [sys.executable, "-m", "generator.searchindex", str(site_dir), *flat, *parts]


def paper_pages(site_dir: Path, directory_urls: bool) -> list[str]:
    pattern = "*/index.html" if directory_urls else "*.html"
    return sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "papers").glob(pattern))


def added_day(page: bytes) -> str | None:
    """The day written on a paper page (`data-papers-added` on its indexed element), if any."""
    start = page.find(BODY)
    if start < 0:
        return None
    found = ADDED.search(page, start, page.find(b">", start))
    return found.group(1).decode("utf-8", "replace") if found else None


def indexed_bytes(page: bytes) -> bytes:
    """What Pagefind reads of a paper page, and more: its `<html>` tag (the language) and all
    from the indexed element on (outside it Pagefind reads only `data-pagefind-*` attributes, and
    none is there), without what changes on old papers' pages when new papers come and is not
    indexed: the related papers with their heading (NOT_INDEXED, and the heading ignored with
    its anchor: a list comes or goes as new papers change every pair's score) and where links
    lead (an author's name links to their page once they have two papers; Pagefind keeps a
    link's text)."""
    return HREF.sub(b' href=""', _without_related(what_pagefind_reads(page)))


def what_pagefind_reads(page: bytes) -> bytes:
    """The page's `<html>` tag and all from the indexed element on, when nothing before that
    element is for Pagefind: it indexes this as it indexes the whole page (a test compares the
    two), and reads a fifth of the bytes (Material's header and navigation come first)."""
    start = page.find(BODY)
    if start >= 0 and b"data-pagefind" not in page[:start]:
        html = HTML.search(page, 0, start)
        return (html.group() if html else b"") + page[start:]
    return page


def _without_related(page: bytes) -> bytes:
    """The related papers are the page's last list (record text comes before it, escaped or
    sanitized, so well-formed): from its start to the first `</ul>` after it is inside it. Its
    heading, right before it, goes too, with the blank line before it (a page without the list
    has neither)."""
    start = page.rfind(RELATED)
    end = page.find(b"</ul>", start)
    if start < 0 or end < 0:
        return page
    heading = RELATED_HEADING.search(page, max(0, start - 400), start)
    if heading and heading.end() == start:
        return page[:heading.start()].rstrip() + page[end + len(b"</ul>"):]
    return page[:start] + page[end + len(b"</ul>"):]


def ranked(site_dir: Path, pages: list[str]) -> list[tuple[str, bytes]]:
    """The pages in order of addition: by the day on them, then by path; each with the digest
    of what Pagefind reads of it. Pages without a day come first: a record without `added`
    outside a git history (or in a shallow clone) was there before those imported with one."""
    keyed = []
    for page in pages:
        data = (site_dir / page).read_bytes()
        keyed.append(((added_day(data) or "", page), hashlib.sha256(indexed_bytes(data)).digest()))
    return [(key[1], digest) for key, digest in sorted(keyed)]


def split(pages: list, size: int = PART_PAGES) -> list[list]:
    """Consecutive blocks of `size` pages (ranked by `ranked`): the pages added last, the last
    part; every part before it full."""
    return [pages[at:at + size] for at in range(0, len(pages), size)] or [[]]


def part_digest(members: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for page, page_digest in members:
        digest.update(page.encode("utf-8") + b"\0" + page_digest)
    return digest.hexdigest()


def settings_key(pattern: str, part_pages: int) -> str:
    """What every part depends on besides its pages: Pagefind, how it is run, this code."""
    digest = hashlib.sha256()
    for name in ("pagefind", "pagefind-bin"):
        try:
            digest.update(f"{name}=={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\n".encode())
    digest.update(f"{pattern}\n{part_pages}\n{NOT_INDEXED}\n{PART_FILES}\n".encode())
    for module in (__file__, pagefindfiles.__file__, pagefindservice.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def _pagefind(site: Path, pages: list[str], output: Path) -> None:
    """Pagefind given the pages in their ranked order (see `pagefindservice`), then its output
    put in order (see `pagefindfiles`): the same pages give the same bytes on any machine."""
    index_in_order(site, pages, output, NOT_INDEXED, what_pagefind_reads)
    try:
        canonicalize(output)
    except (OSError, ValueError, KeyError, IndexError) as err:
        raise RuntimeError(f"Pagefind's output could not be put in order: {err}") from None


def _last_lines(result: subprocess.CompletedProcess) -> str:
    return " / ".join((result.stderr or result.stdout).strip().splitlines()[-5:])


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, target)


def _index_part(site_dir: Path, pages: list[str], output: Path, scripts: bool) -> None:
    """One part: its pages, in ranked order.
    scripts: keep Pagefind's scripts and styles (the first part's, which the search page loads)."""
    _pagefind(site_dir, pages, output)
    if scripts:
        return
    for entry in list(output.iterdir()):
        if not any(fnmatch.fnmatch(entry.name, name) for name in PART_FILES):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _part_folder(root: Path, k: int) -> Path:
    return root if k == 0 else root / PARTS_DIR / str(k)


def _last_digests(output: Path, key: str) -> list[str]:
    """The parts of the last index made with the same settings: their digests."""
    try:
        last = json.loads((output / DIGESTS).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    parts = last.get("parts") if isinstance(last, dict) and last.get("key") == key else None
    return parts if isinstance(parts, list) else []


def _keep_part(output: Path, staging: Path, k: int) -> None:
    """A part indexed from the same pages: its files linked into the new index (the first
    part's without the other parts and the lists, which are written anew)."""
    source, target = _part_folder(output, k), _part_folder(staging, k)
    skip = {PARTS_DIR, PARTS_LIST, DIGESTS} if k == 0 else set()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if relative.parts[0] in skip:
            continue
        if path.is_dir():  # empty ones too, as Pagefind leaves them
            (target / relative).mkdir(parents=True, exist_ok=True)
        else:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            _link(path, target / relative)


@dataclass(frozen=True)
class IndexRun:
    parts: int
    indexed: tuple[int, ...]  # the parts indexed again (the others were kept as they were)

    def summary(self) -> str:
        return f"{len(self.indexed)} of {self.parts} part(s) indexed again"


def index_site(site_dir: Path, directory_urls: bool, part_pages: int = PART_PAGES,
               workers: int = 2) -> IndexRun:
    """Writes site_dir/pagefind (and its parts). Raises RuntimeError when Pagefind fails.

    A part whose pages (paths and what Pagefind reads of them) and settings are those the last
    index's part was made from is kept as it is: Pagefind gives the same bytes for the same
    pages, so the index equals one made from nothing.
    The new index is written beside the old one and takes its place once whole, so a search page
    opened while `mkdocs serve` indexes in the background finds the last index or the new one, never
    a part of either."""
    pattern = "papers/**/index.html" if directory_urls else "papers/*.html"
    names = (OUTPUT, f".{OUTPUT}.{os.getpid()}.new", f".{OUTPUT}.{os.getpid()}.old")
    output, staging, old = (site_dir / name for name in names)
    parts = split(ranked(site_dir, paper_pages(site_dir, directory_urls)), part_pages)
    key = settings_key(pattern, part_pages)
    digests = [part_digest(members) for members in parts]
    last = _last_digests(output, key)
    kept = [k for k, digest in enumerate(digests) if k < len(last) and last[k] == digest
            and (_part_folder(output, k) / pagefindfiles.ENTRY).is_file()]
    redo = [k for k in range(len(parts)) if k not in kept]
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for k in kept:
            _keep_part(output, staging, k)
        if redo:
            def index_part(k: int) -> None:
                pages = [page for page, _ in parts[k]]
                _index_part(site_dir, pages, _part_folder(staging, k), k == 0)

            _run_parts(index_part, redo, max(1, workers))
        # written for one part too: the search page asks for it either way
        listed = [f"{PARTS_DIR}/{k}/" for k in range(1, len(parts))]
        (staging / PARTS_LIST).write_text(json.dumps(listed), "utf-8")
        (staging / DIGESTS).write_text(json.dumps({"key": key, "parts": digests}), "utf-8")
        if output.exists():
            output.rename(old)
        staging.rename(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return IndexRun(len(parts), tuple(redo))


def _run_parts(index_part: Callable[[int], None], parts: list[int], workers: int) -> None:
    """Parts indexed, `workers` at a time, each started by this (the main) thread: a run stopped
    by SIGTERM, or one whose part failed, starts no Pagefind after that (the signal's handler
    runs here before the next part would be started); the parts running end first."""
    waiting, running = list(parts), set()
    with ThreadPoolExecutor(workers) as pool:
        while waiting or running:
            while waiting and len(running) < workers:
                running.add(pool.submit(index_part, waiting.pop(0)))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()


def indexed_pages(site_dir: Path) -> int | None:
    """Paper pages in the index, over all its parts."""
    folders = [site_dir / OUTPUT]
    try:
        listed = json.loads((site_dir / OUTPUT / PARTS_LIST).read_text("utf-8"))
        folders += [site_dir / OUTPUT / part for part in listed]
    except (OSError, ValueError):
        pass
    total = 0
    for folder in folders:
        try:
            entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        languages = entry.get("languages", {}).values()
        total += sum(language.get("page_count", 0) for language in languages)
    return total


def _not_built(why: str) -> Problem:
    return Problem("pagefind", 0, 0, "", f"the search index could not be built: {why}")


class SearchIndexer:
    """Builds the index in the foreground (`mkdocs build`) or the background (`mkdocs serve`,
    so a saved edit appears before the index has caught up; the next build stops a run that is
    still going, and starts a new one). Either way in a process of its own (`main`)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def build(self, site_dir: Path, directory_urls: bool, part_pages: int = PART_PAGES) -> str:
        started = time.perf_counter()
        command = index_command(site_dir, directory_urls, part_pages)
        try:
            result = subprocess.run(command, capture_output=True, text=True,
                                    stdin=subprocess.DEVNULL)
        except OSError as err:
            raise DataError([_not_built(str(err.strerror or err))]) from None
        if result.returncode != 0:
            raise DataError([_not_built(_last_lines(result))])
        took = time.perf_counter() - started
        parts = result.stdout.strip().splitlines()[-1:] or ["index written"]
        pages = indexed_pages(site_dir) or 0
        return f"search index: {pages} paper pages in {took:.1f} s ({parts[0]})"

    def start(self, site_dir: Path, directory_urls: bool, part_pages: int = PART_PAGES) -> None:
        self.stop()
        try:  # a session of its own, so stopping it stops the Pagefind runs it started too
            self.process = subprocess.Popen(
                index_command(site_dir, directory_urls, part_pages), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait()
        self.process = None


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.searchindex",
                                     description="Index a built site's paper pages with Pagefind.")
    parser.add_argument("site", type=Path)
    parser.add_argument("--flat-urls", action="store_true",
                        help="the site was built with use_directory_urls: false")
    parser.add_argument("--part-pages", type=int, default=PART_PAGES,
                        help=f"papers per part of the index (default {PART_PAGES})")
    args = parser.parse_args(argv)
    if args.part_pages < 1:
        parser.error("--part-pages must be at least 1")
    if not (args.site / "papers").is_dir():
        print(f"{args.site}: no papers/ folder: is this a built site?", file=sys.stderr)
        return 2
    # Stopped by a newer serve build: exit through index_site's
    # clean-up, which removes the unfinished index.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run = index_site(args.site, not args.flat_urls, args.part_pages, threads())
    except (RuntimeError, OSError) as err:
        print(str(err), file=sys.stderr)
        return 1
    print(run.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
