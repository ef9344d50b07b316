"""BibTeX and BibLaTeX files (bibtexparser 2): @string macros and `#` joins, crossref, comments.

A broken entry is reported with its line and left out; the others import.
"""

from __future__ import annotations

import logging

from ..latex import latex_to_unicode
from .common import Candidate
from .fields import MONTH_NAMES, arxiv_from, clean_doi, date_of, link_for, month_number, split_tags

# Standard BibTeX styles define these macros; a .bib may use them without @string.
MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}
# Types whose title is the booktitle of the entries that crossref them.
CONTAINER_TYPES = {"proceedings", "book", "collection", "mvbook", "mvproceedings", "mvcollection", "periodical"}


def parse_bibtex(text: str, display: str) -> tuple[list[Candidate], list]:
    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failed blocks are reported below, with their line
    library = bibtexparser.parse_string(text, parse_stack=[])
    problems = [_failed(block, display) for block in library.failed_blocks]
    strings: dict[str, str] = {}
    for block in library.strings:
        strings[block.key.lower()] = resolve(block.value, strings)[0]
    entries = {}
    for entry in library.entries:
        fields, undefined = {}, set()
        for f in entry.fields:
            fields[f.key.lower()], missing = resolve(f.value, strings)
            undefined.update(missing)
        entries[entry.key.lower()] = (entry, fields, sorted(undefined))
    candidates = []
    for entry, fields, undefined in entries.values():
        fields = _with_crossref(fields, entries, display, entry, problems)
        candidate = Candidate({}, display, entry.start_line + 1, entry.key)
        if undefined:
            problems.append(candidate.problem(f"undefined @string macro(s) kept as their names: {', '.join(undefined)}", severity="warning"))
        record = entry_record(entry.entry_type.lower(), entry.key, fields)
        if record is None:
            problems.append(candidate.problem(f"@{entry.entry_type}{{{entry.key}}} has no title: not imported", "title"))
            continue
        candidates.append(Candidate(record, display, candidate.line, entry.key))
    return candidates, problems


def _failed(block, display: str):
    from ..problems import Problem

    reason = str(getattr(block, "error", "") or "").split("\n")[0] or "not valid BibTeX"
    if "Duplicate entry key" in reason:
        reason = f"{reason}: the second entry with this key is left out"
    return Problem(display, (block.start_line or 0) + 1, 1, "", f"entry not imported: {reason}")


def split_joined(raw: str) -> list[str]:
    """Parts of a value joined with `#` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return [p.strip() for p in parts]


def resolve(raw: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """A field's text: braces or quotes removed, macros replaced; and the macros no one defined."""
    text, undefined = [], []
    for part in split_joined(raw):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            text.append(part[1:-1])
        elif part.isdigit():
            text.append(part)
        elif part.lower() in strings:
            text.append(strings[part.lower()])
        elif part.lower() in MONTH_MACROS:
            text.append(MONTH_MACROS[part.lower()])
        elif part:
            undefined.append(part)
            text.append(part)
    return "".join(text), undefined


def _with_crossref(fields: dict, entries: dict, display: str, entry, problems: list) -> dict:
    parent_key = fields.get("crossref", "").strip().lower()
    if not parent_key:
        return fields
    if parent_key not in entries:
        where = Candidate({}, display, entry.start_line + 1, entry.key)
        problems.append(where.problem(f"{fields['crossref']!r} is not in the file: its fields are not inherited", "crossref", "warning"))
        return fields
    parent, parent_fields, _ = entries[parent_key]
    merged = dict(fields)
    for name, value in parent_fields.items():
        if name not in merged and name not in ("crossref", "key"):
            merged[name] = value  # as BibTeX does: every field the entry lacks
    if parent.entry_type.lower() in CONTAINER_TYPES and "title" in parent_fields and "booktitle" not in fields:
        merged["booktitle"] = parent_fields["title"]
    return merged


def entry_record(entry_type: str, key: str, fields: dict) -> dict | None:
    """The record for one entry's resolved fields; None when it has no title."""
    title = latex_to_unicode(fields.get("title", ""))
    if not title:
        return None
    record: dict = {"title": title}
    authors = person_names(fields.get("author", ""))
    if authors:
        record["authors"] = authors
    date = date_of(fields.get("date") or fields.get("year", ""), fields.get("month", ""))
    if date:
        record["date"] = date
    abstract = latex_to_unicode(fields.get("abstract", ""), paragraphs=True)
    if abstract:
        record["abstract"] = abstract
    tags = split_tags(latex_to_unicode(fields.get("keywords", "")))
    if tags:
        record["tags"] = tags
    venue = latex_to_unicode(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or "")
    if venue:
        record["venue"] = venue
    arxiv = arxiv_from(fields)
    if arxiv:
        record["arxiv"] = arxiv
    doi = clean_doi(fields.get("doi", ""))
    if doi:
        record["doi"] = doi
    record["citekey"] = key
    record["type"] = entry_type
    bib = bib_fields(fields)
    if bib:
        record["bib"] = bib
    links = link_for(fields.get("url", ""), arxiv)
    if links:
        record["links"] = links
    return record


def bib_fields(fields: dict) -> dict:
    bib = {}
    for name, source in (("journal", "journal"), ("journal", "journaltitle"), ("booktitle", "booktitle"), ("volume", "volume"),
                         ("number", "number"), ("number", "issue"), ("pages", "pages"), ("publisher", "publisher"), ("note", "note")):
        value = latex_to_unicode(fields.get(source, ""))
        if value and name not in bib:
            bib[name] = value
    month = month_number(fields.get("month", ""))
    if month:
        bib["month"] = str(int(month))
    editors = person_names(fields.get("editor", ""))
    if editors:
        bib["editor"] = " and ".join(editors)
    return bib


def person_names(value: str) -> list[str]:
    """Names as people write them (`First von Last, Jr`) from BibTeX's `Last, First and ...`."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names = []
    for raw in split_multiple_persons_names(" ".join(value.split())) if value.strip() else []:
        if raw.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception:  # an odd name is kept as written rather than lost
            names.append(latex_to_unicode(raw))
            continue
        name = " ".join(parts.first + parts.von + parts.last) + "".join(f", {jr}" for jr in parts.jr)
        names.append(latex_to_unicode(name))
    return [n for n in names if n.strip()]

