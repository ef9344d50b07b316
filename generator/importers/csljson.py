"""CSL-JSON, as Zotero, Better BibTeX and Mendeley export it: a list of items.

CSL text is Unicode already; titles may carry Zotero's inline HTML (<i>, <sub>, <sup>),
which pages show as markup, so it is kept.
"""

from __future__ import annotations

import json
import math
import re

from ..names import display_name, editor_text, record_name
from ..problems import WARNING, Problem
from .common import Candidate, EntryError
from .fields import (
    arxiv_from,
    citation_key,
    clean_doi,
    date_of,
    extra_doi,
    extra_key,
    link_for,
    split_tags,
    thesis_type,
    unkept,
    without_extra_lines,
)

# CSL item types as BibTeX entry types; anything else is @misc.
TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "book": "book", "chapter": "incollection",
    "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished",
}
# The CSL variables a record holds (id and type name the item); the rest are named as not kept.
KEPT = {"id", "type", "title", "author", "issued", "abstract", "keyword", "container-title", "url",
        "doi", "citation-key", "citationkey", "note", "volume", "issue", "page", "publisher",
        "editor", "publisher-place", "isbn", "issn", "edition", "collection-title",
        "number-of-pages"}
# (`bib` field, CSL variable) of the details kept as they are
DETAILS = (("series", "collection-title"), ("pagetotal", "number-of-pages"),
           ("address", "publisher-place"), ("edition", "edition"), ("isbn", "ISBN"),
           ("issn", "ISSN"))
# Who published a report or thesis, in BibTeX's field for it (CSL, as Zotero, says publisher).
PUBLISHER_FIELDS = {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}
SEASONS = {"1": "21", "2": "22", "3": "23", "4": "24"}
# Items nest five levels deep (issued, date-parts, a date); far deeper nesting is refused.
DEPTH_MAX = 64
# What the nesting of JSON text depends on: strings (skipped whole, brackets in them do not
# count), brackets and commas. A string left open ends the text: had it needed its closing quote,
# a failed string would be sought again from each quote in it (quadratic time on `"\"\"\"...`).
# Possessive, so the engine keeps no state to backtrack into (that grew with the string).
JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{},]')


def parse_csl_json(text: str, display: str) -> tuple[list[Candidate], list[Problem]]:
    text, too_deep = _without_deep_items(text)
    try:
        items = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as err:
        return [], [Problem(display, err.lineno, err.colno, "", f"not valid JSON: {err.msg}")]
    except RecursionError:  # nesting outside the list of items, which _without_deep_items leaves
        why = f"not imported: nested more than {DEPTH_MAX} levels deep"
        return [], [Problem(display, 1, 1, "", why)]
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]  # some exports wrap the list
    elif isinstance(items, dict) and ("type" in items or "title" in items):
        items = [items]  # one item, as Zotero's own import takes it
    if not isinstance(items, list):
        return [], [Problem(display, 1, 1, "", "expected a CSL-JSON list of items")]
    if _zotero_items(items):
        why = ("not imported: expected CSL-JSON (items with `type`), but the file holds Zotero's "
               "item JSON (items with `itemType`); export the items as CSL JSON instead")
        return [], [Problem(display, 1, 1, "", why)]
    candidates, problems = [], []
    for n, item in enumerate(items, 1):
        known = isinstance(item, dict) and _plain(item.get("id"))
        label = f"item {n}" + (f", id {_text(item, 'id')[:60]}" if known else "")
        where = Candidate({}, display, 0, label)
        record, problem = checked_record(item, where, n in too_deep)
        if problem:
            problems.append(problem)
            continue
        given = _text(item, "citation-key") or _text(item, "citationKey")
        if given and "citekey" not in record:
            why = f"left out: {given[:60]!r} cannot be a BibTeX key; a key is made up"
            problems.append(where.problem(why, "citation-key", WARNING))
        names = [name for name, value in item.items() if value not in (None, "", [], {})]
        kept = KEPT | {_container_variable(item)}
        kept |= {"genre"} if "thesis" in record["type"] else set()  # a thesis's kind: its type
        if "arxiv" in record and "arxiv" in _text(item, "number").lower():
            kept.add("number")  # the arXiv id it holds
        if _report_number(item, record["type"]):
            kept.add("number")
        candidates.append(Candidate(record, display, 0, label, unkept(names, kept)))
    return candidates, problems


def _zotero_items(items: list) -> bool:
    """Whether the items are Zotero's own JSON (the API's, Better BibTeX JSON's): they have
    `itemType` (at the top or under `data`) and no CSL `type`. Read as CSL they would give
    records with a title and nothing else."""
    def zotero(item) -> bool:
        if not isinstance(item, dict) or "type" in item:
            return False
        data = item.get("data")
        return "itemType" in item or (isinstance(data, dict) and "itemType" in data)
    return any(zotero(item) for item in items[:100])


class LongNumber:
    """A JSON integer too long for Python to convert (4,300 digits): an error where it is used."""

    def __init__(self, digits: str):
        self.digits = len(digits)


def _integer(digits: str) -> int | LongNumber:
    return int(digits) if len(digits) <= 4_000 else LongNumber(digits)


def _without_deep_items(text: str) -> tuple[str, set[int]]:
    """text with each item nested deeper than DEPTH_MAX replaced by null, and the numbers of
    those items: the json module would run out of Python's stack on them."""
    depth, top, number, start, deep, cuts = 0, 0, 0, 0, False, []
    for match in JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deep = deep or depth > DEPTH_MAX
            if token == "[" and not top:
                top, number, start = depth, 1, match.end()  # the list of items (bare or wrapped)
        elif token in ("]", "}") or (token == "," and depth == top):
            if depth == top and deep:
                cuts.append((number, start, match.start()))
            if depth == top:
                number, start, deep = number + 1, match.end(), False
            depth -= token != ","
    if not cuts:
        return text, set()
    pieces, last = [], 0
    for _, begin, end in cuts:
        pieces += [text[last:begin], "null"]
        last = end
    return "".join(pieces) + text[last:], {n for n, _, _ in cuts}


def _plain(value) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a number" if math.isfinite(value) else "a number that is not finite"
    if isinstance(value, LongNumber):
        return f"a number of {value.digits:,} digits"
    kinds = {list: "a list", dict: "a mapping", int: "a number", str: "text", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


def _value(value, field: str) -> str:
    """Text of a value CSL gives as text or a number; anything else is an error of the item."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    raise EntryError(field, f"expected text or a number, got {_kind(value)}")


def _text(item: dict, name: str, field: str = "") -> str:
    return " ".join(_value(item.get(name), field or name).split())


def checked_record(item, where: Candidate, too_deep: bool = False
                   ) -> tuple[dict | None, Problem | None]:
    """The record of an item, or the problem of where it is that leaves it out."""
    try:
        record = item_record(item, too_deep)
    except EntryError as err:
        return None, where.problem(f"not imported: {err.message}", err.field_name)
    if record is None:
        return None, where.problem("not imported: an item needs a title", "title")
    return record, None


def item_record(item, too_deep: bool = False) -> dict | None:
    if too_deep:
        raise EntryError("", f"nested more than {DEPTH_MAX} levels deep")
    if not isinstance(item, dict):
        raise EntryError("", f"expected an item (a mapping of fields), got {_kind(item)}")
    title = _text(item, "title")
    if not title:
        return None
    record: dict = {"title": title}
    authors = _names(item, "author")
    if authors:
        record["authors"] = authors
    date = _date(item.get("issued"))
    if date:
        record["date"] = date
    # Text, as CSL defines it: a list (of paragraphs?) would be a guess at what the exporter meant.
    abstract = _value(item.get("abstract"), "abstract").strip()
    if abstract:
        record["abstract"] = abstract
    tags = split_tags(_text(item, "keyword"))
    if tags:
        record["tags"] = tags
    container = _text(item, _container_variable(item))
    if container:
        record["venue"] = container
    note = _text(item, "number") + " " + _text(item, "note")
    arxiv = arxiv_from({"url": _text(item, "URL"), "note": note})
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(_text(item, "DOI")) or extra_doi(_value(item.get("note"), "note"))
    if doi:
        record["doi"] = doi
    key = _citekey(item)
    if key:
        record["citekey"] = key
    record["type"] = TYPES.get(_text(item, "type"), "misc")
    if record["type"] == "phdthesis" and _text(item, "genre"):
        record["type"] = thesis_type(_text(item, "genre"))  # genre: the thesis's kind
    bib = _bib(item, record["type"])
    if arxiv and not container and bib.get("publisher") == "arXiv":
        del bib["publisher"]  # a preprint's: its arXiv id says it
    if bib:
        record["bib"] = bib
    links = link_for(_text(item, "URL"), arxiv)
    if links:
        record["links"] = links
    return record


def _citekey(item: dict) -> str | None:
    """Better BibTeX's `citation-key`, a "Citation Key:" line of Zotero's Extra (the note), or
    the id when it can be a key: Zotero's own export gives an item without a key its URI."""
    given = _text(item, "citation-key") or _text(item, "citationKey")
    if given:
        return citation_key(given)
    item_id = _text(item, "id")  # a number there counts items, it names none
    return extra_key(_value(item.get("note"), "note")) or (
        None if item_id.isdigit() else citation_key(item_id))


def _names(item: dict, field: str) -> list[str | dict]:
    """Names as a record holds them (`record_name`)."""
    return [record_name(parts) for parts in _name_parts(item, field)]


def _name_parts(item: dict, field: str) -> list[dict]:
    people = item.get(field)
    if people in (None, ""):
        return []
    if not isinstance(people, list):
        raise EntryError(field, f"expected a list of names, got {_kind(people)}")
    found = []
    for n, person in enumerate(people):
        if not isinstance(person, dict):
            why = f"expected a name (family and given, or literal), got {_kind(person)}"
            raise EntryError(f"{field}[{n}]", why)
        found.append(_name(person, f"{field}[{n}]"))
    return [parts for parts in found if parts]


def _name(person: dict, field: str) -> dict:
    """The parts of a CSL name. Both of CSL's particles ("de" dropping, "la" non-dropping) go
    in one: written out in full they stand together, "John de la Doe"."""
    if person.get("literal"):
        return {"literal": _text(person, "literal", f"{field}.literal")}
    text = {part: _text(person, part, f"{field}.{part}") for part in CSL_NAME_PARTS}
    particle = " ".join(p for p in (text["dropping-particle"], text["non-dropping-particle"]) if p)
    parts = {"given": text["given"], "particle": particle, "family": text["family"],
             "suffix": text["suffix"]}
    parts = {key: value for key, value in parts.items() if value}
    if "family" not in parts and parts:  # a name in one field: kept whole
        return {"literal": display_name(parts)}
    return parts


CSL_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def _date(value) -> str | None:
    """`date-parts` as a date or range (an open end is left off); a season as EDTF 21-24; a
    date given as text (as some tools write it) read as text."""
    if value is None or isinstance(value, str):
        return date_of(value or "") or None
    if not isinstance(value, dict):
        raise EntryError("issued", f"expected a date (date-parts in a mapping), got {_kind(value)}")
    parts = value.get("date-parts")
    parts = [] if parts is None else parts
    if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
        why = "expected a list of dates, each a list of year, month and day"
        raise EntryError("issued.date-parts", why)
    dates = [_one_date(p) for p in parts[:2] if p and p != [0]]
    dates = [d for d in dates if d]
    season = _value(value.get("season"), "issued.season").strip()
    if dates and len(dates[0]) == 4 and season in SEASONS:
        dates[0] += f"-{SEASONS[season]}"
    if len(dates) == 2 and dates[0] != dates[1]:
        return date_of(f"{dates[0]}/{dates[1]}") or dates[0]
    if dates:
        return dates[0]
    return date_of(_text(value, "raw", "issued.raw") or _text(value, "literal", "issued.literal"))


def _one_date(parts: list) -> str | None:
    numbers = [_date_number(p) for p in parts[:3]]
    if None in numbers or not 0 < numbers[0] < 10000:
        return None  # years before the common era: left out
    return date_of("-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(numbers)))


def _date_number(part) -> int | None:
    if isinstance(part, float) and math.isfinite(part) and part.is_integer():
        part = int(part)
    text = _value(part, "issued.date-parts").strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,6}", text) else None


def _texts(item: dict, name: str) -> str:
    """Text, or a list of texts joined (Crossref gives ISSN and ISBN as lists: print, online)."""
    value = item.get(name)
    if isinstance(value, list):
        found = [_value(v, f"{name}[{n}]").strip() for n, v in enumerate(value)]
        return ", ".join(dict.fromkeys(v for v in found if v))
    return _text(item, name)


def _report_number(item: dict, entry_type: str) -> str:
    """A report's number (CSL `number`), which BibTeX keeps in `number` as it keeps an issue."""
    return _text(item, "number") if entry_type == "techreport" else ""


def _container_variable(item: dict) -> str:
    """Where the item was published: its container, or for a conference paper without
    proceedings (Zotero's proceedings title) the conference (its conference name)."""
    if _text(item, "container-title") or _text(item, "type") != "paper-conference":
        return "container-title"
    return next((name for name in ("event-title", "event") if _text(item, name)), "container-title")


def _bib(item: dict, entry_type: str) -> dict:
    container = "journal" if entry_type == "article" else "booktitle"
    bib = {container: _text(item, _container_variable(item)), "volume": _text(item, "volume"),
           "number": _text(item, "issue") or _report_number(item, entry_type),
           "pages": _text(item, "page"),
           PUBLISHER_FIELDS.get(entry_type, "publisher"): _text(item, "publisher"),
           "note": without_extra_lines(_value(item.get("note"), "note"))}
    bib |= {name: _texts(item, variable) for name, variable in DETAILS}
    editors = _name_parts(item, "editor")
    if editors:
        bib["editor"] = " and ".join(editor_text(parts) for parts in editors)
    return {k: v for k, v in bib.items() if v}
