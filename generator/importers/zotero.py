"""A Zotero library through the Zotero Web API (v3): a user's or a group's top-level items, or
one collection's, 100 a request, read as Zotero's own item JSON and made CSL-JSON items (as
Zotero's CSL export maps them). A public library needs no key; a private one needs a key with
read access in $ZOTERO_API_KEY, sent as the `Zotero-API-Key` header.

pyzotero is Zotero's maintained Python client, but it keeps its own HTTP session (its own
backoff, no cache), which would bypass the client every importer shares; its requests are the
plain GETs made here."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from ..problems import Problem
from .common import Candidate
from .fields import arxiv_id, clean_doi
from .serviceitems import (
    arxiv_url,
    candidates,
    entries,
    fetch_each,
    field,
    issued,
    read_sources,
    without_empty,
)
from .web import Client, Service, ServiceError, read_json

KEY_ENV = "ZOTERO_API_KEY"
KEY_PAGE = "https://www.zotero.org/settings/keys"
# Zotero publishes no fixed rate; it asks clients to honour Backoff and Retry-After
ZOTERO = Service("Zotero", per_second=2.0)
API = "https://api.zotero.org"
PAGE = 100
LIBRARY = re.compile(r"^(?:https?://(?:www\.|api\.)?zotero\.org/)?(users|groups)/(\d+)"
                     r"(?:/collections/([A-Z0-9]{8}))?(?:/items(?:/top)?)?/?$")
TYPES = {"journalArticle": "article-journal", "conferencePaper": "paper-conference",
         "book": "book", "bookSection": "chapter", "thesis": "thesis", "report": "report",
         "manuscript": "manuscript", "preprint": "article", "magazineArticle":
         "article-magazine", "newspaperArticle": "article-newspaper", "webpage": "webpage"}
CONTAINERS = ("publicationTitle", "proceedingsTitle", "bookTitle", "encyclopediaTitle",
              "dictionaryTitle", "blogTitle", "repository")
NOT_PAPERS = {"note", "attachment", "annotation"}


def library_sources(sources: list[str]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """('library', 'users/475425' or 'groups/36222/collections/KEY') pairs."""
    return read_sources(sources, _classify, "a Zotero library (users/475425, groups/36222) nor "
                        "one of its collections (users/475425/collections/9KH9TNSJ)")


def _classify(text: str) -> tuple[str, str] | None:
    match = LIBRARY.match(text)
    if not match:
        return None
    kind, number, collection = match.groups()
    path = f"{kind}/{number}" + (f"/collections/{collection}" if collection else "")
    return "library", path


def fetch(sources: list[str], client: Client,
          log: Callable[[str], None] = lambda line: None) -> tuple[list[Candidate], list[Problem]]:
    pairs, problems = library_sources(sources)
    return fetch_each(pairs, {"library": lambda path: fetch_library(path, client, log)},
                      problems)


def fetch_library(path: str, client: Client, log: Callable[[str], None]
                  ) -> tuple[list[Candidate], list[Problem]]:
    found, start = [], 0
    while start is not None:
        url = f"{API}/{path}/items/top?format=json&limit={PAGE}&start={start}"
        response = client.get(ZOTERO, url, "application/json", _headers())
        if response.status_code == 403:
            raise ServiceError(f"Zotero: HTTP 403 for {url}: the library is private or the key "
                               f"in ${KEY_ENV} cannot read it; create a key with read access at "
                               f"{KEY_PAGE} (nothing was written)")
        answer = read_json(response, ZOTERO, f"Zotero library {path}")
        if isinstance(answer, Problem):
            return [], [answer]
        page = entries(answer.get("items"))
        found += page
        start = start + PAGE if _has_next(response, len(page)) else None
        if start is not None:
            log(f"Zotero: {path}: {len(found)} items so far")
    papers = [e for e in found if _data(e).get("itemType") not in NOT_PAPERS]
    items = [(f"item {_data(e).get('key') or e.get('key')}", item_of(e)) for e in papers]
    return candidates(items, f"zotero.org/{path}")


def _headers() -> dict[str, str]:
    key = os.environ.get(KEY_ENV, "").strip()
    return {"Zotero-API-Version": "3", **({"Zotero-API-Key": key} if key else {})}


def _has_next(response, count: int) -> bool:
    """Zotero names the next page in a Link header; an answer without one is the last."""
    links = response.headers.get("Link")
    if links is not None:
        return 'rel="next"' in links
    return count == PAGE


def _data(entry: dict) -> dict:
    data = entry.get("data")
    return data if isinstance(data, dict) else {}


def item_of(entry: dict) -> dict:
    """A CSL-JSON item of a Zotero item (its `data`, and `meta.parsedDate` for the date)."""
    data = _data(entry)
    parsed = str(field(entry, "meta", "parsedDate") or "").split("-")
    doi = clean_doi(str(data.get("DOI") or ""))
    arxiv = arxiv_id(str(data.get("archiveID") or "")) or (
        arxiv_id(str(data.get("url") or "")) if "arxiv.org" in str(data.get("url")) else None)
    item = {
        "type": TYPES.get(str(data.get("itemType")), "article"),
        "title": data.get("title"),
        "author": [n for n in map(_name, _creators(data, "author")) if n],
        "editor": [n for n in map(_name, _creators(data, "editor")) if n],
        "issued": issued(*parsed),
        "container-title": next((data[k] for k in CONTAINERS if data.get(k)), None),
        "volume": data.get("volume"),
        "issue": data.get("issue"),
        "page": data.get("pages"),
        "publisher": data.get("publisher"),
        "abstract": data.get("abstractNote"),
        "DOI": doi,
        "URL": arxiv_url(arxiv) or data.get("url"),
        "note": data.get("extra"),
    }
    return without_empty(item)


def _creators(data: dict, role: str) -> list[dict]:
    return [c for c in entries(data.get("creators")) if c.get("creatorType") == role]


def _name(creator: dict) -> dict | None:
    if creator.get("name"):
        return {"literal": str(creator["name"])}
    family, given = str(creator.get("lastName") or ""), str(creator.get("firstName") or "")
    if not (family or given):
        return None
    # a last name alone is a family name, as Zotero's own CSL-JSON export gives it
    return {"family": family, "given": given} if given else {"family": family}
