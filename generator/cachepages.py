"""The build cache's rows of generated pages: for each, the key of everything it was rendered
from, the size and time of the file written, its plan entry, and which papers it shows."""

from __future__ import annotations

import json
from typing import NamedTuple

PAGE_PAPERS_INDEXES = {
    "page_papers_by_paper": "CREATE INDEX IF NOT EXISTS page_papers_by_paper ON page_papers(paper)",
    "page_papers_by_path": "CREATE INDEX IF NOT EXISTS page_papers_by_path ON page_papers(path)",
}
# pages stored at once into an empty page-to-paper table: its indexes are made after the rows
BULK_PAGES = 5000
class PageRow(NamedTuple):
    key: str  # of everything the page was rendered from
    size: int
    mtime_ns: int

    @property
    def written(self) -> tuple[int, int]:
        """The size and time of the file written, as `write.scan_outputs` lists them."""
        return self.size, self.mtime_ns


class PageEntry(NamedTuple):
    """A page rendered now, as it is stored."""

    key: str
    size: int
    mtime_ns: int
    shape: str
    page: dict  # the plan entry, as `plan.page_value`
    paper_ids: tuple[str, ...]

    @property
    def written(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


class PlannedRow(NamedTuple):
    shape: str
    page: dict  # the plan entry, as `plan.page_value`


class ShapeRow(NamedTuple):
    shape: str
    paper_ids: list[str]


class PageRows:
    """Methods of `cache.BuildCache` (self.db, self.seal) for its pages and page_papers tables."""

    def pages(self) -> dict[str, PageRow]:
        """Every page written: path -> key of its inputs, size, modification time."""
        rows = self.db.execute("SELECT path, key, size, mtime_ns FROM pages")
        return {path: PageRow(key, size, mtime_ns) for path, key, size, mtime_ns in rows}

    def planned(self, paths) -> dict[str, PlannedRow]:
        """The plan entries of pages, for the paths with a sound row."""
        return {path: PlannedRow(shape, json.loads(page))
                for path, shape, page in self._sound_pages(paths)}

    def shapes_and_papers(self, paths) -> dict[str, ShapeRow]:
        """The shape stored with each page's plan entry and the ids of the papers it shows, for
        the paths with a sound row (a damaged one is stored anew)."""
        return {path: ShapeRow(shape, json.loads(page)["ids"])
                for path, shape, page in self._sound_pages(paths)}

    def _sound_pages(self, paths):
        """(path, shape, plan entry as stored) of the paths whose row is sound."""
        paths = sorted(paths)
        for start in range(0, len(paths), 900):
            part = paths[start : start + 900]
            marks = ",".join("?" * len(part))
            query = f"SELECT path, shape, page, checksum FROM pages WHERE path IN ({marks})"
            for path, shape, page, checksum in self.db.execute(query, part):
                if page is not None and self.seal(f"{shape}\x00{page}") == checksum:
                    yield path, shape, page

    def pages_showing(self, paper_ids) -> set[str]:
        ids = sorted(paper_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            query = f"SELECT path FROM page_papers WHERE paper IN ({','.join('?' * len(part))})"
            found |= {row[0] for row in self.db.execute(query, part)}
        return found

    def put_pages(self, rows: dict[str, PageEntry], same_papers=frozenset()) -> None:
        """same_papers: paths whose page shows the papers it showed, whose page-to-paper rows are
        kept."""
        def data():
            for path, (key, size, mtime_ns, shape, page, _) in rows.items():
                # key order kept: it is the plan's
                text = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
                yield path, key, size, mtime_ns, shape, text, self.seal(f"{shape}\x00{text}")

        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)", data())
        changed = [path for path in rows if path not in same_papers]
        # A first build stores every page's rows into an empty table: with the indexes made
        # afterwards, 2.3 million rows (100,000 papers) went in in 5.2 s instead of 7.2 s.
        empty = self.db.execute("SELECT 1 FROM page_papers LIMIT 1").fetchone() is None
        bulk = len(changed) >= BULK_PAGES and empty
        if bulk:
            for name in PAGE_PAPERS_INDEXES:
                self.db.execute(f"DROP INDEX IF EXISTS {name}")
        else:
            self.db.executemany("DELETE FROM page_papers WHERE path = ?", ((p,) for p in changed))
        self.db.executemany("INSERT INTO page_papers VALUES (?, ?)",
                            ((i, p) for p in changed for i in rows[p].paper_ids))
        if bulk:
            for sql in PAGE_PAPERS_INDEXES.values():
                self.db.execute(sql)

    def touch_pages(self, rows: dict[str, PageRow]) -> None:
        """New key, size and time for pages whose plan entry did not change."""
        self.db.executemany("UPDATE pages SET key = ?, size = ?, mtime_ns = ? WHERE path = ?",
                            [(*v, p) for p, v in rows.items()])

    def drop_pages(self, paths) -> None:
        self.db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in paths])
        self.db.executemany("DELETE FROM page_papers WHERE path = ?", [(p,) for p in paths])

