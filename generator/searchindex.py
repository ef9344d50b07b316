"""The search index: Pagefind (its binary comes in the `pagefind[bin]` wheel) reads the built
paper pages and writes `pagefind/` into the site. Listing pages are not indexed: only paper
pages carry `data-pagefind-body`, and only their folder is read."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .problems import DataError, Problem

# Left out of what is searched and quoted: the citation blocks (the title and authors again, in
# BibTeX and RIS), related papers (their own pages hold them), link buttons, field labels and
# heading anchors ("arXiv PDF", "Authors:", "¶" would only add noise to the excerpts).
NOT_INDEXED = (".paper-bibtex, .paper-reference, .paper-ris, .cite-format, .papers-related, .paper-buttons, "
               ".paper-meta strong, .headerlink")
OUTPUT = "pagefind"


def index_command(site_dir: Path, directory_urls: bool) -> list[str]:
    pages = "papers/**/index.html" if directory_urls else "papers/*.html"
    return [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", pages,
            "--exclude-selectors", NOT_INDEXED, "--output-subdir", OUTPUT, "--silent"]


def indexed_pages(site_dir: Path) -> int | None:
    try:
        entry = json.loads((site_dir / OUTPUT / "pagefind-entry.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return sum(language.get("page_count", 0) for language in entry.get("languages", {}).values())


class SearchIndexer:
    """Builds the index in the foreground (`mkdocs build`) or the background (`mkdocs serve`,
    so a saved edit appears before the index has caught up; the next build stops a run that is
    still going, and starts a new one)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def build(self, site_dir: Path, directory_urls: bool) -> str:
        started = time.perf_counter()
        try:
            result = subprocess.run(index_command(site_dir, directory_urls), capture_output=True, text=True, stdin=subprocess.DEVNULL)
        except OSError as err:
            raise DataError([Problem("pagefind", 0, 0, "", f"the search index could not be built: {err.strerror or err}")]) from None
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
            raise DataError([Problem("pagefind", 0, 0, "", "the search index could not be built (is `pagefind[bin]` installed?): "
                                     + " / ".join(detail))])
        return f"search index: {indexed_pages(site_dir) or 0} paper pages in {time.perf_counter() - started:.1f} s"

    def start(self, site_dir: Path, directory_urls: bool) -> None:
        self.stop()
        try:
            self.process = subprocess.Popen(index_command(site_dir, directory_urls), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
