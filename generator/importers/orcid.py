"""A researcher's public works on ORCID (public API v3.0, no key): the list of works, then the
works themselves in bulk (up to 100 a request) for their contributors. The works become CSL-JSON
items. A work's own `citation` is not read: it is whatever the depositor typed (a BibTeX entry,
or, as recorded, a web page's HTML), while the structured fields are checked by ORCID."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..problems import Problem
from .common import Candidate
from .fields import clean_doi
from .serviceitems import (
    arxiv_url,
    candidates,
    entries,
    field,
    issued,
    person,
    without_empty,
)
from .web import Client, Service, read_json

# ORCID's public API allows 24 requests a second (bursts of 40); a slower pace costs little
ORCID = Service("ORCID", per_second=8.0)
API = "https://pub.orcid.org/v3.0"
JSON = "application/json"
BULK = 100  # works a bulk request may name
ORCID_ID = re.compile(r"^(?:https?://(?:www\.|sandbox\.)?orcid\.org/)?"
                      r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.IGNORECASE)
TYPES = {"journal-article": "article-journal", "conference-paper": "paper-conference",
         "book": "book", "book-chapter": "chapter", "edited-book": "book",
         "dissertation-thesis": "thesis", "dissertation": "thesis", "report": "report",
         "working-paper": "report", "preprint": "article", "manual": "book"}


def orcid_ids(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """ORCID iDs, bare or as orcid.org URLs, whose check digit is right."""
    ids, problems = [], []
    for source in sources:
        match = ORCID_ID.match(source.strip())
        orcid = match.group(1).upper() if match else None
        if orcid is None or not _check_digit_fits(orcid):
            why = (f"{source[:80]!r} is not an ORCID iD (such as 0000-0002-1825-0097 or "
                   "https://orcid.org/0000-0002-1825-0097)")
            problems.append(Problem("command line", 0, 0, "", why))
        elif orcid not in ids:
            ids.append(orcid)
    return ids, problems


def _check_digit_fits(orcid: str) -> bool:
    """ISO 7064 11,2, as ORCID computes the last character."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def fetch(sources: list[str], client: Client,
          log: Callable[[str], None] = lambda line: None) -> tuple[list[Candidate], list[Problem]]:
    """The candidates of every researcher named in sources (the `import orcid` command's
    arguments; also what a sync source lists)."""
    ids, problems = orcid_ids(sources)
    found = []
    for n, orcid in enumerate(ids, 1):
        if len(ids) > 1:
            log(f"ORCID: researcher {n} of {len(ids)}")
        more, trouble = fetch_works(orcid, client, log)
        found += more
        problems += trouble
    return found, problems


def fetch_works(orcid: str, client: Client, log: Callable[[str], None]
                ) -> tuple[list[Candidate], list[Problem]]:
    listing = _answer(client, f"{API}/{orcid}/works", f"ORCID iD {orcid}")
    if isinstance(listing, Problem):
        return [], [listing]
    codes = [code for code in map(_preferred, entries(listing.get("group"))) if code]
    works = []
    for start in range(0, len(codes), BULK):
        if len(codes) > BULK:
            log(f"ORCID: {orcid}: works {start + 1} to {min(start + BULK, len(codes))} "
                f"of {len(codes)}")
        chunk = ",".join(codes[start:start + BULK])
        answer = _answer(client, f"{API}/{orcid}/works/{chunk}", f"works of ORCID iD {orcid}")
        if isinstance(answer, Problem):
            return [], [answer]
        works += [entry.get("work") for entry in entries(answer.get("bulk"))]
    items = [(f"work {work.get('put-code')}", work_item(work)) for work in works
             if isinstance(work, dict)]
    return candidates(items, f"orcid.org/{orcid}")


def _answer(client: Client, url: str, what: str) -> dict | Problem:
    return read_json(client.get(ORCID, url, JSON), ORCID, what)


def _preferred(group) -> str | None:
    """The put-code of the version ORCID shows for a group of versions of one work: the one the
    researcher ranked highest (display-index), else the first."""
    summaries = entries(field(group, "work-summary"))
    if not summaries:
        return None
    code = max(summaries, key=_rank).get("put-code")  # the first of equals
    return str(code) if code is not None else None


def _rank(summary: dict) -> int:
    text = str(summary.get("display-index") or "0")
    return int(text) if text.isdigit() else 0


def work_item(work: dict) -> dict:
    """A CSL-JSON item of an ORCID work."""
    ids = _external_ids(work)
    url = _value(work.get("url"))
    item = {
        "type": TYPES.get(str(work.get("type") or "").lower(), "article"),
        "title": _title(work),
        "author": [p for p in map(person, _contributors(work)) if p],
        "issued": issued(*(_value(field(work, "publication-date", k)) for k in ("year", "month",
                                                                        "day"))),
        "container-title": _value(work.get("journal-title")),
        "abstract": work.get("short-description"),
        "DOI": ids.get("doi"),
        "URL": arxiv_url(ids.get("arxiv")) or (None if "doi.org/" in url else url),
    }
    return without_empty(item)


def _value(field) -> str:
    return str(field.get("value") or "") if isinstance(field, dict) else ""


def _title(work: dict) -> str:
    main, sub = _value(field(work, "title", "title")), _value(field(work, "title", "subtitle"))
    return f"{main}: {sub}" if main and sub else main


def _contributors(work: dict) -> list[str]:
    names = []
    for contributor in entries(field(work, "contributors", "contributor")):
        role = field(contributor, "contributor-attributes", "contributor-role")
        if role in (None, "author", "http://credit.niso.org/contributor-roles/"):
            names.append(_value(contributor.get("credit-name")))
    return names


def _external_ids(work: dict) -> dict[str, str]:
    """The work's own DOI and arXiv id (relationship self), not those of what it is part of."""
    found = {}
    for ext in entries(field(work, "external-ids", "external-id")):
        if ext.get("external-id-relationship") not in (None, "self"):
            continue
        kind, value = str(ext.get("external-id-type") or ""), str(ext.get("external-id-value"))
        if kind == "doi" and clean_doi(value):
            found.setdefault("doi", clean_doi(value))
        elif kind == "arxiv":
            found.setdefault("arxiv", value.removeprefix("arXiv:").removeprefix("arxiv:"))
    return found
