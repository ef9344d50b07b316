"""The build cache's rows made from one paper each: its pieces of whole-collection files (a
download's line) and its term counts (for related papers), both keyed by what they were made
from."""

from __future__ import annotations


class PieceRows:
    """Methods of `cache.BuildCache` (self.db, self.seal) for its fragments and terms tables."""

    # pieces of whole-collection files -------------------------------------------------------
    def fragments(self, kinds) -> dict[tuple[str, str], tuple[str, str]]:
        """(kind, paper id) -> (key of what it was made from, text), sound rows of the kinds asked
        for."""
        found = {}
        for kind in sorted(kinds):
            query = "SELECT id, key, text, checksum FROM fragments WHERE kind = ?"
            for paper_id, key, text, checksum in self.db.execute(query, (kind,)):
                if self.seal(f"{key}\0{text}") == checksum:
                    found[kind, paper_id] = (key, text)
        return found

    def put_fragments(self, rows: dict[tuple[str, str], tuple[str, str]]) -> None:
        sealed = ((kind, i, key, text, self.seal(f"{key}\0{text}"))
                  for (kind, i), (key, text) in rows.items())
        self.db.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?, ?, ?, ?)", sealed)

    # term counts, for related papers ---------------------------------------------------------
    def terms(self) -> dict[str, tuple[str, bytes, bytes]]:
        """Each paper's term counts: id -> (digest of the text counted, columns, counts), sound rows
        only."""
        rows = self.db.execute("SELECT id, text, indices, counts, checksum FROM terms")
        return {i: (text, indices, counts) for i, text, indices, counts, checksum in rows
                if self._terms_sum(text, indices, counts) == checksum}

    def put_terms(self, rows: dict[str, tuple[str, bytes, bytes]]) -> None:
        sealed = ((i, t, a, b, self._terms_sum(t, a, b)) for i, (t, a, b) in rows.items())
        self.db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?, ?, ?)", sealed)

    def _terms_sum(self, text: str, indices: bytes, counts: bytes) -> str:
        return self.seal(text.encode("utf-8") + b"\0" + indices + b"\0" + counts)

    def drop_orphans(self) -> None:
        """Forget the pieces and term counts of papers no longer in any data file (after put_files).
        """
        for table in ("fragments", "terms"):
            self.db.execute(f"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM papers)")
