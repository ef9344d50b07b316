"""DOIs resolved by content negotiation at doi.org: the registration agency (Crossref, DataCite,
mEDRA and others) answers with CSL-JSON, which the CSL-JSON importer reads as it reads a file.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..problems import Problem
from .common import Candidate, read_text
from .csljson import parse_csl_json
from .fields import clean_doi
from .web import Client, Service, not_found

DOI_ORG = Service("doi.org", per_second=5.0)  # Crossref's public pool: 5 requests a second
CSL_JSON = "application/vnd.citationstyles.csl+json"
DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")
# Crossref's own bookkeeping beside the CSL variables: not bibliographic, never kept
BOOKKEEPING = {"indexed", "reference-count", "reference", "content-domain", "created",
               "deposited", "source", "is-referenced-by-count", "prefix", "member", "score",
               "link", "license", "references-count", "relation", "resource", "journal-issue",
               "short-container-title", "original-title", "update-policy", "assertion",
               "published", "published-print", "published-online", "issued-print",
               "alternative-id", "issn-type", "isbn-type", "update-to"}
# Crossref's work types, which some answers carry instead of CSL's
CROSSREF_TYPES = {"journal-article": "article-journal", "proceedings-article": "paper-conference",
                  "book-chapter": "chapter", "posted-content": "article",
                  "monograph": "book", "edited-book": "book", "dissertation": "thesis"}
JATS_TAG = re.compile(r"</?jats:[^>]*>")


def doi_list(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """DOIs from the command line (bare, `doi:`, or doi.org URLs) or files listing them."""
    dois, problems, seen = [], [], set()  # seen: DOIs are case-insensitive
    for source in sources:
        path = Path(source)
        tokens = read_text(path).split() if path.is_file() else [source]
        where = path.as_posix() if path.is_file() else "command line"
        for token in tokens:
            doi = clean_doi(urllib.parse.unquote(token))
            if not doi or not DOI.match(doi):
                problems.append(Problem(where, 0, 0, "", f"{token[:60]!r} is not a DOI"))
            elif doi.lower() not in seen:
                seen.add(doi.lower())
                dois.append(doi)
    return dois, problems


def fetch(sources: list[str], client: Client, log: Callable[[str], None] = lambda line: None
          ) -> tuple[list[Candidate], list[Problem]]:
    dois, problems = doi_list(sources)
    found, trouble = fetch_dois(dois, client, log)
    return found, problems + trouble


def fetch_dois(dois: list[str], client: Client,
               log: Callable[[str], None] = lambda line: None
               ) -> tuple[list[Candidate], list[Problem]]:
    candidates, problems = [], []
    for n, doi in enumerate(dois, 1):
        if len(dois) >= 10 and n % 10 == 0:
            log(f"doi.org: {n} of {len(dois)} DOIs")
        url = "https://doi.org/" + urllib.parse.quote(doi, safe="/:;()[]<>")
        response = client.get(DOI_ORG, url, CSL_JSON)
        gone = not_found(response, DOI_ORG, doi)
        if gone:
            problems.append(gone)
            continue
        found, trouble = _candidates(doi, response.content.decode("utf-8", "replace"))
        candidates += found
        problems += trouble
    return candidates, problems


def _candidates(doi: str, text: str) -> tuple[list[Candidate], list[Problem]]:
    """The answer read as a CSL-JSON file named after the DOI."""
    try:
        item = json.loads(text)
    except json.JSONDecodeError:
        why = f"{doi}: not imported: the answer is not CSL-JSON"
        return [], [Problem("doi.org", 0, 0, "", why)]
    if isinstance(item, dict):
        item = _as_csl(item)
    found, problems = parse_csl_json(json.dumps(item), f"doi.org ({doi})")
    return [replace(c, file="doi.org", label=doi) for c in found], problems


def _as_csl(item: dict) -> dict:
    """The CSL variables of an answer, with Crossref's type names and JATS markup made CSL."""
    item = {k: v for k, v in item.items() if k not in BOOKKEEPING}
    kind = item.get("type")
    if isinstance(kind, str):
        item["type"] = CROSSREF_TYPES.get(kind, kind)
    if isinstance(item.get("abstract"), str):
        item["abstract"] = " ".join(JATS_TAG.sub(" ", item["abstract"]).split())
    if isinstance(item.get("title"), list):  # Crossref's own JSON gives a list of titles
        item["title"] = item["title"][0] if item["title"] else ""
    item.pop("id", None)  # a DOI URL or a number: names no citation key
    if "doi.org/" in str(item.get("URL", "")):
        item.pop("URL")  # the DOI's own link, which the record's DOI makes
    return item
