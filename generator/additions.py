"""Adding records (by `new` or `import`): choose free ids, check the records exactly as they
will be written against the whole collection, and only then write them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .checks import check_collection
from .latex import plain_text
from .model import Collection, Paper
from .problems import ERROR, DataError, Problem, display_path
from .recordfile import dump_record, write_new_record
from .records import load_paper_text, record_files
from .slug import FreeNames, title_slug


class _Folding(dict):
    """str.translate's table for title_key, filled in as characters are met: punctuation,
    spaces and controls separate words; invisible format characters (a soft hyphen copied from
    a PDF) are dropped; a symbol (C++, x^2) is a word of its own."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        kind = unicodedata.category(char)
        if kind == "Cf":
            self[code] = ""
        else:
            self[code] = " " if kind[0] in "PZC" else f" {char} " if kind[0] == "S" else char
        return self[code]


_FOLDING = _Folding()
# Accents of Latin letters, as NFKD sets them apart: sources write Schrödinger or Schrodinger.
# Marks of other scripts stay: Russian й is a letter of its own, not и with an accent.
_LATIN_ACCENTS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")


def title_key(title: str) -> str:
    """What two titles share when they name one paper, for every command that adds papers:
    the words of the title as a page shows it (math as Unicode, inline tags dropped), with case,
    punctuation, spacing, compatibility forms (NFKC: ligatures, full-width letters) and the
    accents of Latin letters folded. Words of other scripts are compared as written, not
    transliterated (中文 and 忠文 are two titles). A title of punctuation only is its own key."""
    folded = unicodedata.normalize("NFKD", plain_text(title)).casefold()
    text = unicodedata.normalize("NFKD", folded)  # case folding may give forms NFKD changes
    words = _LATIN_ACCENTS.sub("", text).translate(_FOLDING).split()
    return " ".join(words) or " ".join(title.casefold().split())


@dataclass(frozen=True)
class Addition:
    path: Path
    display: str
    text: str


class Planner:
    """Free ids and known titles of a collection, updated as additions are planned."""

    def __init__(self, collection: Collection, papers_dir: Path, root: Path):
        self.collection = collection
        self.papers_dir = papers_dir
        self.root = root
        taken = {p.id for p in collection.papers} | {p.stem for p in record_files(papers_dir)}
        self.names = FreeNames(taken)
        self.titles = {title_key(p.title): p for p in collection.papers}
        self.planned: list[tuple[Addition, Paper | None]] = []
        self.problems: list[Problem] = []

    def known(self, title: str) -> Paper | None:
        """The paper, in the collection or added before, that has this title (title_key)."""
        return self.titles.get(title_key(title))

    def free_id(self, base: str) -> str:
        """The id add would give a record with this base: base unless taken or reserved."""
        return self.names.free(base)

    def add(self, record: dict, suffix: str = "", base: str | None = None) -> Addition:
        paper_id = self.names.take(base or title_slug(record["title"]))
        path = self.papers_dir / f"{paper_id}.yml"
        display = display_path(path, self.root)
        addition = Addition(path, display, dump_record(record) + suffix)
        papers, problems = load_paper_text(addition.text, display, paper_id)
        self.problems += problems
        self.planned.append((addition, papers[0] if papers else None))
        if papers:
            self.titles[title_key(record["title"])] = papers[0]
        return addition

    def check(self) -> None:
        """Raise DataError, before anything is written, if an addition has a problem."""
        new = [paper for _, paper in self.planned if paper is not None]
        ours = {a.display for a, _ in self.planned}
        found = check_collection([*self.collection.papers, *new], list(self.collection.topics))
        self.problems += [p for p in found if p.file in ours and p.severity == ERROR]
        if self.problems:
            raise DataError(self.problems)

    def write(self) -> list[Path]:
        self.check()
        for addition, _ in self.planned:
            write_new_record(addition.path, addition.text)
        return [a.path for a, _ in self.planned]
