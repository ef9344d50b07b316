"""CSL-JSON, as Zotero, Better BibTeX and Mendeley export it: a list of items.

CSL text is Unicode already; titles may carry Zotero's inline HTML (<i>, <sub>, <sup>),
which pages show as markup, so it is kept.
"""

from __future__ import annotations

import json

from ..problems import Problem
from .common import Candidate
from .fields import arxiv_from, clean_doi, date_of, link_for, split_tags

# CSL item types as BibTeX entry types; anything else is @misc.
TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article", "paper-conference": "inproceedings",
    "book": "book", "chapter": "incollection", "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished",
}
SEASONS = {1: "21", 2: "22", 3: "23", 4: "24"}


def parse_csl_json(text: str, display: str) -> tuple[list[Candidate], list[Problem]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [Problem(display, err.lineno, err.colno, "", f"not valid JSON: {err.msg}")]
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]  # some exports wrap the list
    if not isinstance(items, list):
        return [], [Problem(display, 1, 1, "", "expected a CSL-JSON list of items")]
    candidates, problems = [], []
    for n, item in enumerate(items, 1):
        label = f"item {n}" + (f", id {item.get('id')}" if isinstance(item, dict) and item.get("id") else "")
        where = Candidate({}, display, 0, label)
        record = item_record(item) if isinstance(item, dict) else None
        if record is None:
            problems.append(where.problem("not imported: an item needs a title", "title"))
            continue
        candidates.append(Candidate(record, display, 0, label))
    return candidates, problems


def _text(value) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def item_record(item: dict) -> dict | None:
    title = _text(item.get("title"))
    if not title:
        return None
    record: dict = {"title": title}
    authors = [n for n in (_name(a) for a in item.get("author") or [] if isinstance(a, dict)) if n]
    if authors:
        record["authors"] = authors
    date = _date(item.get("issued"))
    if date:
        record["date"] = date
    abstract = str(item.get("abstract") or "").strip()
    if abstract:
        record["abstract"] = abstract
    tags = split_tags(_text(item.get("keyword")))
    if tags:
        record["tags"] = tags
    container = _text(item.get("container-title"))
    if container:
        record["venue"] = container
    arxiv = arxiv_from({"url": _text(item.get("URL")), "note": _text(item.get("number")) + " " + _text(item.get("note"))})
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(_text(item.get("DOI")))
    if doi:
        record["doi"] = doi
    key = _text(item.get("citation-key") or item.get("citationKey") or item.get("id"))
    if key:
        record["citekey"] = key
    record["type"] = TYPES.get(_text(item.get("type")), "misc")
    bib = _bib(item, record["type"])
    if bib:
        record["bib"] = bib
    links = link_for(_text(item.get("URL")), arxiv)
    if links:
        record["links"] = links
    return record


def _name(person: dict) -> str:
    if person.get("literal"):
        return _text(person["literal"])
    parts = [person.get("given"), person.get("non-dropping-particle"), person.get("family")]
    name = " ".join(_text(p) for p in parts if p)
    return name + (f", {_text(person['suffix'])}" if person.get("suffix") else "")


def _date(value) -> str | None:
    """`date-parts` as a date or range (an open end is left off); a season as EDTF 21-24."""
    if not isinstance(value, dict):
        return None
    parts = [p for p in value.get("date-parts") or [] if isinstance(p, list) and p and p != [0]]
    dates = [_one_date(p) for p in parts[:2]]
    dates = [d for d in dates if d]
    if dates and len(dates[0]) == 4 and value.get("season") in SEASONS:
        dates[0] += f"-{SEASONS[value['season']]}"
    if len(dates) == 2 and dates[0] != dates[1]:
        return date_of(f"{dates[0]}/{dates[1]}") or dates[0]
    if dates:
        return dates[0]
    return date_of(_text(value.get("raw") or value.get("literal")))


def _one_date(parts: list) -> str | None:
    try:
        numbers = [int(p) for p in parts[:3]]
    except (TypeError, ValueError):
        return None
    if not 0 < numbers[0] < 10000:
        return None  # years before the common era: left out
    return date_of("-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(numbers)))


def _bib(item: dict, entry_type: str) -> dict:
    container = "journal" if entry_type == "article" else "booktitle"
    bib = {container: _text(item.get("container-title")), "volume": _text(item.get("volume")), "number": _text(item.get("issue")),
           "pages": _text(item.get("page")), "publisher": _text(item.get("publisher")), "note": _text(item.get("note"))}
    editors = [n for n in (_name(a) for a in item.get("editor") or [] if isinstance(a, dict)) if n]
    if editors:
        bib["editor"] = " and ".join(editors)
    return {k: v for k, v in bib.items() if v}
