"""The collection as the rest of the program sees it: frozen, checked, sorted."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from .names import display_name
from .problems import ERROR, Problem
from .yamlread import Document, field_label


@dataclass(frozen=True)
class Origin:
    """Where a record came from, to point messages at the right line."""

    doc: Document = field(compare=False, repr=False)
    prefix: tuple = ()

    @property
    def file(self) -> str:
        return self.doc.file

    def at(self, *path) -> tuple[int, int]:
        return self.doc.mark(self.prefix + path)

    def problem(self, path: tuple, message: str, severity: str = ERROR) -> Problem:
        """A problem located at the value under path (relative to this record)."""
        line, col = self.at(*path)
        return Problem(self.file, line, col, field_label(path), message, severity)


@dataclass(frozen=True)
class Author:
    """name: as shown (and as author pages group names); the parts, when the record gives
    them, are what citations use instead of splitting the name."""

    name: str
    affiliation: str | None = None
    orcid: str | None = None
    url: str | None = None
    literal: str | None = None
    family: str | None = None
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None


def year_of(date: str | None, arxiv: str | None) -> str | None:
    """The year of `date`, else the year of first submission that an arXiv id encodes
    (new style YYMM.NNNNN from 2007 on, old style archive/YYMMNNN from 1991)."""
    if date:
        return date[:4]
    if not arxiv:
        return None
    digits = arxiv.split("/")[-1][:2]
    if not digits.isdigit():
        return None
    century = "19" if "/" in arxiv and int(digits) >= 91 else "20"
    return century + digits


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    authors: tuple[Author, ...] = ()
    date: str | None = None
    added: str | None = None
    selected: bool | None = None  # True, or None
    abstract: str | None = None
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    venue: str | None = None
    venue_short: str | None = None  # a short name for display; citations keep `venue`
    arxiv: str | None = None
    doi: str | None = None
    citekey: str | None = None
    type: str | None = None
    bib: tuple[tuple[str, str], ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    citations: tuple[tuple[str, object], ...] = ()  # count, date, source
    notes: str | None = None
    image: str | None = None  # a picture's path under docs/
    image_alt: str | None = None
    bibtex: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def year(self) -> str | None:
        return year_of(self.date, self.arxiv)

    @property
    def cited(self) -> dict | None:
        """The citation count a service gave ({count, date, source}), when the record has one."""
        return dict(self.citations) or None

    @property
    def has_abstract(self) -> bool:
        return self.abstract is not None

    def link(self, name: str) -> str | None:
        return dict(self.links).get(name)

    @property
    def local_pdf(self) -> str | None:
        """The PDF's path under docs/ (percent-encoded), when the record links a file there."""
        pdf = self.link("pdf")
        return pdf if pdf and "://" not in pdf else None

    def bib_field(self, name: str) -> str | None:
        return dict(self.bib).get(name)


@dataclass(frozen=True)
class PaperSummary:
    """What checks across records and the page plan need of a paper, kept in the build cache
    so an unchanged record is not read again. It is never rendered: pages get full papers."""

    id: str
    title: str
    authors: tuple[Author, ...] = ()
    date: str | None = None
    added: str | None = None
    selected: bool = False
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    venue: str | None = None
    venue_short: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    citekey: str | None = None
    has_abstract: bool = False
    local_pdf: str | None = None
    image: str | None = None
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def year(self) -> str | None:
        return year_of(self.date, self.arxiv)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str
    parent: str | None = None
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    origin: Origin | None = field(default=None, compare=False, repr=False)


# A paper as checks across records and the page plan see it: read whole in this build, or its
# summary kept by the build cache. Only what both have may be read of it.
Listed = Paper | PaperSummary


@dataclass(frozen=True)
class Collection:
    papers: tuple[Listed, ...]
    topics: tuple[Topic, ...]


def paper_from_record(record: dict, default_id: str, origin: Origin) -> Paper:
    """A Paper from a record that already passed the schema."""
    values = dict(record)
    values.setdefault("id", default_id)
    values["authors"] = tuple(_author(a) for a in values.get("authors", ()))
    for name in ("topics", "tags"):
        values[name] = tuple(values.get(name, ()))
    links = (values.get("links") or {}).items()
    values["links"] = tuple((name, encode_url(url)) for name, url in links)
    values["bib"] = tuple((values.get("bib") or {}).items())
    values["citations"] = tuple((values.get("citations") or {}).items())
    # None, not False, when not selected: exports list the fields a record has
    values["selected"] = True if values.get("selected") in ("true", True) else None
    return Paper(**values, origin=origin)


def encode_url(url: str) -> str:
    """A URL as browsers and BibTeX need it: characters such as `|` or `{` percent-encoded,
    existing escapes and the URL's own delimiters left alone."""
    return quote(url, safe=URL_SAFE)


# RFC 3986 reserved and unreserved characters, and `%` so existing escapes stay as they are.
URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def date_sort_key(date: str | None) -> str:
    """Dates order by their start; a season (YYYY-21..24) sorts with its first month."""
    if not date:
        return ""
    start = date.split("/")[0]
    if len(start) == 7 and start[5] == "2":
        start = f"{start[:4]}-{SEASON_MONTHS[start[5:]]}"
    return start


SEASON_MONTHS = {"21": "03", "22": "06", "23": "09", "24": "12"}


def _author(value: str | dict) -> Author:
    if isinstance(value, str):
        return Author(name=value)
    return Author(**{"name": value.get("name") or display_name(value), **value})


def topic_from_record(record: dict, origin: Origin) -> Topic:
    values = dict(record)
    for name in ("keywords", "exclude"):
        values[name] = tuple(values.get(name, ()))
    return Topic(**values, origin=origin)
