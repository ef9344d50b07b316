"""RIS, as Zotero, Mendeley, EndNote and publishers' sites export it.

Lines are `TY  - value`; a record runs from TY to ER. EndNote continues a value on lines
with no tag, and some exporters number records or put blank lines first: all are read.
"""

from __future__ import annotations

import re

from ..problems import WARNING, Problem
from .common import Candidate
from .fields import arxiv_from, citation_key, clean_doi, date_of, link_for, split_tags

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*)|)$")
TYPES = {"JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article", "CONF": "inproceedings",
         "CPAPER": "inproceedings", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "incollection",
         "ECHAP": "incollection", "THES": "phdthesis", "RPRT": "techreport", "UNPB": "unpublished"}


def parse_ris(text: str, display: str) -> tuple[list[Candidate], list[Problem]]:
    candidates, problems = [], []
    for start, tags in records_of(text, display, problems):
        where = Candidate({}, display, start, tags.get("ID", [""])[0])
        record = tags_record(tags)
        if record is None:
            problems.append(where.problem("not imported: the record has no title (TI, T1, CT, BT or ST)", "TI"))
            continue
        candidates.append(Candidate(record, display, start, where.label))
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


def _first(tags: dict, *names: str) -> str:
    for name in names:
        for value in tags.get(name, []):
            if value.strip():
                return " ".join(value.split())
    return ""


def _names(tags: dict, *names: str) -> list[str]:
    people = []
    for name in names:
        for value in tags.get(name, []):
            people += [_person(line) for line in value.split("\n") if line.strip()]
    return people


def _person(value: str) -> str:
    """`Last, First` (as RIS writes names) as `First Last`."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) >= 2 and parts[1]:
        return " ".join([parts[1], parts[0]]) + "".join(f", {p}" for p in parts[2:] if p)
    return " ".join(value.split())


def tags_record(tags: dict) -> dict | None:
    title = _first(tags, "TI", "T1", "CT", "BT", "ST")
    if not title:
        return None
    record: dict = {"title": title}
    authors = _names(tags, "AU", "A1")
    if authors:
        record["authors"] = authors
    date = date_of(_first(tags, "PY", "Y1", "DA"))
    if date:
        record["date"] = date
    abstract = _first(tags, "AB", "N2")
    if abstract:
        record["abstract"] = abstract
    tags_found = split_tags(";".join(v for value in tags.get("KW", []) for v in value.split("\n")))
    if tags_found:
        record["tags"] = tags_found
    entry_type = TYPES.get(_first(tags, "TY").upper(), "misc")
    container = _first(tags, "JF", "JO", "T2", "JA", "J2", "BT") if title != _first(tags, "BT") else _first(tags, "T2")
    if container:
        record["venue"] = container
    urls = [u for value in tags.get("UR", []) for u in value.split() if u.startswith("http")]
    arxiv = arxiv_from({"url": " ".join(urls)})
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(_first(tags, "DO"))
    if doi:
        record["doi"] = doi
    # EndNote and Mendeley number their records in ID; some exporters write a URI there
    key = _first(tags, "ID")
    key = None if key.isdigit() else citation_key(key)
    if key:
        record["citekey"] = key
    record["type"] = entry_type
    bib = _bib(tags, entry_type, container)
    if bib:
        record["bib"] = bib
    links = link_for(_first(tags, "L1") or (urls[0] if urls else ""), arxiv)
    if links:
        record["links"] = links
    return record


def _bib(tags: dict, entry_type: str, container: str) -> dict:
    start, end = _first(tags, "SP"), _first(tags, "EP")
    pages = f"{start}–{end}" if start and end and start != end else start
    bib = {"journal" if entry_type == "article" else "booktitle": container, "volume": _first(tags, "VL", "VO"),
           "number": _first(tags, "IS"), "pages": pages, "publisher": _first(tags, "PB"), "note": _first(tags, "N1")}
    editors = _names(tags, "ED") + (_names(tags, "A2") if entry_type in ("book", "incollection") else [])
    if editors:
        bib["editor"] = " and ".join(editors)
    return {k: v for k, v in bib.items() if v}
