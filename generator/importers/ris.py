"""RIS, as Zotero, Mendeley, EndNote and publishers' sites export it.

Lines are `TY  - value`; a record runs from TY to ER. EndNote continues a value on lines
with no tag, and some exporters number records or put blank lines first: all are read.
"""

from __future__ import annotations

import re

from ..names import editor_text, held_parts, record_name, split_name
from ..problems import WARNING, Problem
from .common import Candidate
from .fields import (
    arxiv_from,
    citation_key,
    clean_doi,
    date_of,
    extra_doi,
    link_for,
    split_tags,
    thesis_type,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|)$")
TYPES = {"JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
         "CONF": "inproceedings", "CPAPER": "inproceedings", "BOOK": "book", "EBOOK": "book",
         "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection", "THES": "phdthesis",
         "RPRT": "techreport", "UNPB": "unpublished"}
# Where each type was published, as Zotero's RIS translator maps the tags: T2 is a chapter's
# book, a conference paper's conference (C3, its proceedings, comes first, as Zotero's BibTeX
# export writes it), a journal article's journal, but a book's or report's series; T3 is
# always a series. A book or thesis has no venue.
JOURNAL = ("T2", "JF", "JO", "JA", "J2", "BT")
CONTAINERS = {"article": JOURNAL, "misc": JOURNAL, "unpublished": JOURNAL,
              "incollection": ("T2", "BT"), "inproceedings": ("C3", "T2", "JO", "BT"),
              "book": (), "phdthesis": (), "mastersthesis": (), "techreport": ()}
BOOKS = {"book"}  # BT is the title of a book, the book of anything else
PAGE_COUNTS = {"book", "phdthesis", "mastersthesis"}
# T2 of these is their series (T3 is everyone's), as Zotero reads it.
SERIES = {"book": ("T3", "T2"), "techreport": ("T3", "T2")}
# Who published a report or thesis, in BibTeX's field for it (PB in RIS).
PUBLISHER_FIELDS = {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}
ISSN = re.compile(r"[0-9]{4}-?[0-9]{3}[0-9Xx]")
# A2 and A3 by type: editors, or series editors and advisors (not kept: no field holds them).
EDITORS = {"article": ("A2",), "incollection": ("A2",), "inproceedings": ("A2",),
           "misc": ("A2",), "book": ("A3",)}
# What the common tags hold, to name the ones left out (the RIS specification's names).
TAG_NAMES = {"A2": "secondary authors", "A3": "tertiary authors", "A4": "translators",
             "AD": "address", "AN": "accession number", "C1": "custom 1", "C3": "custom 3",
             "CN": "call number", "CY": "place", "DB": "database", "DP": "database provider",
             "ET": "edition", "EP": "end page", "J2": "abbreviation", "JA": "journal abbreviation",
             "JO": "journal abbreviation", "L1": "file", "L2": "full text link",
             "LA": "language", "M1": "miscellaneous", "M3": "type of work", "N1": "notes",
             "NV": "number of volumes", "SN": "ISBN/ISSN", "ST": "short title",
             "SP": "pages, or a book's number of pages", "T2": "secondary title", "T3": "series",
             "UR": "URL", "Y2": "access date"}


def parse_ris(text: str, display: str) -> tuple[list[Candidate], list[Problem]]:
    candidates, problems = [], []
    for start, tags in records_of(text, display, problems):
        where = Candidate({}, display, start, tags.get("ID", [""])[0])
        record, unkept = tags_record(tags)
        if record is None:
            why = "not imported: the record has no title (TI, T1, CT, BT or ST)"
            problems.append(where.problem(why, "TI"))
            continue
        candidates.append(Candidate(record, display, start, where.label, tuple(unkept)))
    return candidates, problems


def records_of(text: str, display: str, problems: list) -> list[tuple[int, dict[str, list[str]]]]:
    """(line of TY, values by tag) for each record."""
    records, current, start, stray = [], None, 0, 0
    last: list[str] | None = None  # lines of the value read last, which continuation lines extend
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip()
        match = TAG_LINE.match(line.lstrip("\ufeff"))
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                if current is not None:
                    problems.append(_no_er(display, start, "before the next TY: imported up to it"))
                    records.append((start, current))
                last = [value]
                current, start, stray = {"TY": [last]}, number, 0
            elif tag == "ER":
                if current is not None:
                    records.append((start, current))
                current, last = None, None
                continue
            elif current is not None:
                current.setdefault(tag, []).append(last := [value])
            elif not stray:
                stray = number  # a record whose TY line is missing: reported once, not guessed at
                why = "a tag line outside any record (no TY line before it): it and the lines up to"
                problems.append(Problem(display, number, 1, tag, f"{why} the next TY are left out"))
        elif line.strip() and current is not None and last is not None:
            last.append(line.strip())  # a continuation line (EndNote); a list, so this is linear
    if current is not None:
        problems.append(_no_er(display, start, "at the end of the file: imported up to there"))
        records.append((start, current))
    return [(start, {tag: ["\n".join(v) for v in values] for tag, values in tags.items()})
            for start, tags in records]


def _no_er(display: str, start: int, where: str) -> Problem:
    return Problem(display, start, 1, "", f"record has no ER line {where}", WARNING)


class Tags:
    """One record's values by tag, remembering which were read: the rest are named in the
    import's summary as not kept."""

    def __init__(self, values: dict[str, list[str]]):
        self.values = values
        self.read: set[tuple[str, int]] = {("TY", 0), ("ER", 0)}

    def first(self, *names: str) -> str:
        for name in names:
            for n, value in enumerate(self.values.get(name, [])):
                if value.strip():
                    self.read.add((name, n))
                    return " ".join(value.split())
        return ""

    def every(self, *names: str) -> list[str]:
        found = []
        for name in names:
            for n, value in enumerate(self.values.get(name, [])):
                self.read.add((name, n))
                found.append(value)
        return found

    def names(self, *tags: str) -> list[str | dict]:
        return [_person(line) for value in self.every(*tags) for line in value.split("\n")
                if line.strip()]

    def unread(self) -> list[str]:
        """Tags with a value that was not read, each named once."""
        found = []
        for name, values in self.values.items():
            if any(v.strip() and (name, n) not in self.read for n, v in enumerate(values)):
                found.append(f"{name} ({TAG_NAMES[name]})" if name in TAG_NAMES else name)
        return found


def _person(value: str) -> str | dict:
    """A name as RIS writes it (`Last, First, Suffix`) as a record holds it. A name of several
    words without a comma is one field, as Zotero reads it: a company's, kept whole."""
    parts = [" ".join(p.split()) for p in value.split(",")]
    if len(parts) >= 2 and parts[1]:
        family = split_name(f"{parts[0]}, {parts[1]}")  # "van der Horst": particle and family
        return record_name({**family, "suffix": ", ".join(p for p in parts[2:] if p)})
    if len(parts[0].split()) > 1:
        return {"literal": parts[0]}
    return parts[0]


def tags_record(values: dict) -> tuple[dict | None, list[str]]:
    """The record of one RIS record, read by its type as Zotero's RIS import reads it, and the
    tags it does not keep."""
    tags = Tags(values)
    record = _record(tags)
    return record, tags.unread() if record else []


def _record(tags: Tags) -> dict | None:
    entry_type = TYPES.get(tags.first("TY").upper(), "misc")
    if entry_type == "phdthesis" and tags.first("M3"):
        entry_type = thesis_type(tags.first("M3"))  # M3: the thesis's kind
    title = tags.first("TI", "T1", "CT", *(("BT",) if entry_type in BOOKS else ()), "ST")
    if not title:
        return None
    record: dict = {"title": title}
    authors = tags.names("AU", "A1")
    if authors:
        record["authors"] = authors
    date = _date(tags)
    if date:
        record["date"] = date
    abstract = tags.first("AB", "N2")
    if abstract:
        record["abstract"] = abstract
    keywords = [v for value in tags.every("KW") for v in value.split("\n")]
    found = split_tags(";".join(keywords))
    if found:
        record["tags"] = found
    container = _container(tags, entry_type)
    if container:
        record["venue"] = container
    urls = [u for value in tags.every("UR") for u in value.split() if u.startswith("http")]
    arxiv = arxiv_from({"url": " ".join(urls)})
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(tags.first("DO")) or extra_doi("\n".join(tags.values.get("N1", [])))
    if doi:
        record["doi"] = doi
    # EndNote and Mendeley number their records in ID; some exporters write a URI there
    key = tags.first("ID")
    key = None if key.isdigit() else citation_key(key)
    if key:
        record["citekey"] = key
    record["type"] = entry_type
    bib = _bib(tags, entry_type, container)
    if bib:
        record["bib"] = bib
    links = _links(tags, urls, arxiv)
    if links:
        record["links"] = links
    return record


def _container(tags: Tags, entry_type: str) -> str:
    """The venue; tags that repeat it (JF and T2 both) are read too."""
    names = CONTAINERS.get(entry_type, CONTAINERS["misc"])
    container = tags.first(*names)
    for name in names:
        for n, value in enumerate(tags.values.get(name, [])):
            if " ".join(value.split()).casefold() == container.casefold():
                tags.read.add((name, n))
    return container


def _date(tags: Tags) -> str | None:
    """DA (or Y1, its older name) first: Zotero writes the full date there (2014/06/01/) and
    only the year in PY, which it reads when DA gives no date."""
    found = [(name, n, date_of(value), value) for name in ("DA", "Y1", "PY")
             for n, value in enumerate(tags.values.get(name, []))]
    date = next((date for _, _, date, _ in found if date), None)
    for _, _, other, value in found:
        # a fuller date of the same day, month or year (PMC: Y1 2013, PY 2013/04/18); one with
        # words after it (2013/02/15/received) is the date of something else
        if date and other and other.startswith(date) and not re.search("[A-Za-z]", value):
            date = other
    for name, n, other, _ in found:
        if date and other and date.startswith(other):  # repeats it (PY: its year); others are
            tags.read.add((name, n))                   # dates of something else: not kept
    return date


def _bib(tags: Tags, entry_type: str, container: str) -> dict:
    pages = total = ""
    if entry_type not in PAGE_COUNTS:
        start, end = tags.first("SP"), tags.first("EP")
        pages = f"{start}–{end}" if start and end and start != end else start or end
    else:  # in a book or thesis, SP is its number of pages
        total = tags.first("SP")
    bib = {"journal" if entry_type == "article" else "booktitle": container,
           "series": tags.first(*SERIES.get(entry_type, ("T3",))),
           "volume": tags.first("VL", "VO"), "number": tags.first("IS"), "pages": pages,
           "pagetotal": total, PUBLISHER_FIELDS.get(entry_type, "publisher"): tags.first("PB"),
           "address": tags.first("CY"), "edition": tags.first("ET"), "note": tags.first("N1")}
    number = tags.first("SN")  # ISBN or ISSN, as its form says
    bib["issn" if ISSN.fullmatch(number) else "isbn"] = number
    editors = tags.names("ED", *EDITORS.get(entry_type, ()))
    if editors:
        bib["editor"] = " and ".join(editor_text(held_parts(e)) for e in editors)
    return {k: v for k, v in bib.items() if v}


def _links(tags: Tags, urls: list[str], arxiv: str | None) -> dict[str, str]:
    """UR is the link; L1 (a file attachment) is a PDF link only when it is a URL, never in
    place of UR: Zotero writes a local path there."""
    links = link_for(urls[0], arxiv) if urls else {}
    pdf = next((v.strip() for v in tags.values.get("L1", []) if v.strip()), "")
    if pdf.startswith(("http://", "https://")) and "pdf" not in links:
        tags.first("L1")
        found = link_for(pdf, arxiv)
        if found:
            links["pdf"] = next(iter(found.values()))
    return links
