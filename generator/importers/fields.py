"""Field values as reference managers write them, made into what a record holds."""

from __future__ import annotations

import re

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MONTHS = {name[:3].lower(): f"{n:02d}" for n, name in enumerate(MONTH_NAMES, 1)}
ONE_DATE = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-2[1-4])?"
PERIOD = re.compile(rf"{ONE_DATE}(/{ONE_DATE})?")
YEAR_RANGE = re.compile(r"([0-9]{4})\s*(?:--?|–|/)\s*([0-9]{4})")
ARXIV_NEW = r"[0-9]{4}\.[0-9]{4,5}"
# Archive names are short (cond-mat, astro-ph): bounded, so "a-a-a-..." is read in linear time.
ARXIV_OLD = r"[a-z][a-z-]{0,15}(?:\.[A-Z]{2})?/[0-9]{7}"
ARXIV_ID = re.compile(rf"(?<![\w.])({ARXIV_NEW}|{ARXIV_OLD})(v[0-9]+)?(?![\w])")
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
TAG_SEPARATORS = re.compile(r"[,;]")
# What BibTeX ends a key at (space, comma, braces) and what \cite{} or a .bib file cannot hold
# unescaped: the record schema refuses the same characters.
KEY_REFUSED = re.compile(r"[\s,{}()\"'#%~\\=]")
KEY_MAX = 200
MASTERS = re.compile(r"master|\bM\.?(?:A|Sc?|Phil)\b|magister|diplom", re.IGNORECASE)
URI = re.compile(r"^[a-z][a-z0-9+.-]*:/", re.IGNORECASE)
# Zotero keeps a pinned key in the Extra field (CSL `note`) as a line "Citation Key: x".
EXTRA_DOI = re.compile(r"^\s*DOI:\s*(10\.[0-9]{4,9}/\S+)\s*$", re.IGNORECASE | re.MULTILINE)
EXTRA_KEY = re.compile(r"^\s*citation key\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
# An arXiv id on a line of its own ("arXiv: 2401.12345"), which the record holds as `arxiv`.
EXTRA_ARXIV = re.compile(r"^\s*arxiv\s*:\s*\S+\s*$", re.IGNORECASE | re.MULTILINE)


def month_number(value: str) -> str | None:
    """'Feb', 'february', '2', '02' -> '02'; anything else (another language) -> None."""
    value = value.strip().lower()
    if value.isdigit():  # any digits (5,000 of them, a superscript two): only 1 to 12 is a month
        return f"{int(value):02d}" if re.fullmatch(r"0?[1-9]|1[0-2]", value) else None
    word = re.match(r"[a-z]+", value)
    return MONTHS.get(word.group()[:3]) if word and len(word.group()) >= 3 else None


def date_of(value: str, month: str = "") -> str | None:
    """A record date from a year or date field (and a month field): `YYYY-00-00` loses its
    zeros, `1984--1986` becomes the range `1984/1986`; text with no year gives None."""
    value = value.strip()
    value = re.sub(r"(-00)+$", "", value)
    if PERIOD.fullmatch(value):
        if len(value) == 4 and month_number(month):
            return f"{value}-{month_number(month)}"
        return value
    if match := YEAR_RANGE.fullmatch(value):
        first, last = match.groups()
        return f"{first}/{last}" if first <= last else first
    if (match := re.match(r"([0-9]{4})[-/ ]([A-Za-z]+)", value)) and month_number(match.group(2)):
        return f"{match.group(1)}-{month_number(match.group(2))}"
    if match := re.match(r"([0-9]{4})(?:[-/]([0-9]{1,2}))?(?:[-/]([0-9]{1,2}))?", value):
        year, m, day = match.groups()
        if m and 1 <= int(m) <= 12:
            day = f"-{int(day):02d}" if day and 1 <= int(day) <= 31 else ""
            return f"{year}-{int(m):02d}{day}"
        return year
    return None


def thesis_type(kind: str) -> str:
    """The BibTeX type of a thesis from its kind ("Master's thesis", "MSc", "PhD Thesis"), as
    Zotero's BibTeX export chooses it."""
    return "mastersthesis" if MASTERS.search(kind) else "phdthesis"


def citation_key(value: str) -> str | None:
    """value as a record's citekey; None for an item URI (Zotero's id of an item without a key,
    such as http://zotero.org/users/local/x/items/Y) or text BibTeX cannot use as a key, so
    that the usual key (lastnameYEARword) is made up for it."""
    value = value.strip()
    if not value or len(value) > KEY_MAX or KEY_REFUSED.search(value) or URI.match(value):
        return None
    return value


def extra_key(note: str) -> str | None:
    match = EXTRA_KEY.search(note)
    return citation_key(match.group(1)) if match else None


def extra_doi(note: str) -> str | None:
    """The DOI of a "DOI: 10..." line, as Zotero keeps a DOI in the Extra field of item types
    that have no DOI field (Extra is CSL's `note`, BibTeX's `note`, RIS's `N1`)."""
    match = EXTRA_DOI.search(note)
    return match.group(1) if match else None


def without_extra_lines(note: str) -> str:
    """The note less its "Citation Key:", "DOI:" and "arXiv:" lines, which the record holds
    elsewhere."""
    for line in (EXTRA_KEY, EXTRA_DOI, EXTRA_ARXIV):
        note = line.sub("", note)
    return " ".join(note.split())


def unkept(names, kept: set[str]) -> tuple[str, ...]:
    """The names (of fields with a value) that no record field holds."""
    return tuple(name for name in names if name.lower() not in kept)


def split_tags(value: str) -> list[str]:
    tags: list[str] = []
    for tag in TAG_SEPARATORS.split(value):
        tag = " ".join(tag.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:30]


def clean_doi(value: str) -> str | None:
    value = DOI_PREFIX.sub("", value.strip())
    return value or None


def arxiv_id(text: str) -> str | None:
    """The arXiv id in an id, `arXiv:` reference or arxiv.org URL, without its version."""
    match = ARXIV_ID.search(text)
    return match.group(1) if match else None


def arxiv_from(fields: dict) -> str | None:
    """The arXiv id of a BibTeX entry: eprint with an arXiv prefix, an arxiv.org URL, or an
    `arXiv:` reference in journal or note (as Google Scholar and arXiv itself write them)."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and prefix in ("arxiv", ""):
        found = arxiv_id(fields["eprint"])
        if found:
            return found
    for name in ("url", "journal", "note", "howpublished"):
        value = fields.get(name, "")
        if "arxiv" in value.lower():
            found = arxiv_id(value)
            if found:
                return found
    return None


def link_for(url: str, arxiv: str | None) -> dict[str, str]:
    """A URL as a named link; an arXiv URL needs none (the arXiv id makes its links)."""
    url = url.strip()
    if not url or (arxiv and "arxiv.org" in url):
        return {}
    return {"pdf" if url.lower().endswith(".pdf") else "project": url}
