"""What the last build left: the pages it wrote (read from the cache only when needed) and the
generated files on disk now (listed by a forked child while the data files are looked at)."""

from __future__ import annotations

import functools

from .cache import BuildCache, digest
from .cachepages import PageRow
from .parallel import Ahead
from .plan import Page


class Previous:
    def __init__(self, cache: BuildCache | None, scan: Ahead, last_outputs: object):
        self.cache = cache
        self.scan = scan
        self.last_outputs = last_outputs  # `outputs_digest` of the files the last build left
        self.outputs_now: list | None = None

    def take_digest(self) -> list:
        """How many generated files there are, and their digest: the scan gives it first."""
        self.outputs_now = self.scan.take()
        return self.outputs_now

    @functools.cached_property
    def known_pages(self) -> dict[str, PageRow]:
        """The pages the last build wrote. Read only when needed: a build that finds nothing
        changed compares `outputs_digest` instead (188,000 rows at 100,000 papers)."""
        return self.cache.pages() if self.cache is not None else {}

    @functools.cached_property
    def outputs(self) -> dict[str, tuple[int, int]]:
        """Every file in the generated folders: path -> (size, time)."""
        return self.scan.take()

    def due(self, pages: list[Page], keys: dict[str, str]) -> list[Page]:
        """Pages whose inputs changed since they were written, or whose file is not as written."""
        if self.cache is None:
            return pages
        known, outputs = self.known_pages, self.outputs
        due = []
        for page in pages:
            row = known.get(page.path)
            if row is None or row.key != keys[page.path] or outputs.get(page.path) != row.written:
                due.append(page)
        return due


def outputs_digest(outputs: dict[str, tuple[int, int]]) -> list:
    """How many generated files there are, and their paths, sizes and times in one digest:
    equal, the files are as the last build left them."""
    lines = (f"{path}\0{size}\0{mtime_ns}" for path, (size, mtime_ns) in sorted(outputs.items()))
    return [len(outputs), digest("\n".join(lines))]
