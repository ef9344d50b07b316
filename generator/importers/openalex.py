"""OpenAlex: an author's works (`author:A5023888391`, or the author's openalex.org URL), paged
200 at a time by cursor, or works by id (`W2741809807`, its URL, a DOI). The works become
CSL-JSON items.

pyalex, OpenAlex's Python client, keeps its own requests session (its own retries, no cache, no
pacing per service); going through it would bypass the one client every importer shares, so the
API is asked over plain HTTP here, as pyalex does it: the key as a bearer token."""

from __future__ import annotations

import os
import re
import sys
import urllib.parse
from collections.abc import Callable

from ..problems import Problem
from .common import Candidate
from .fields import arxiv_id, clean_doi
from .serviceitems import (
    arxiv_url,
    candidates,
    counted,
    entries,
    fetch_each,
    field,
    issued,
    mapping,
    person,
    read_sources,
    without_empty,
)
from .web import Client, Service, ServiceError, read_json

KEY_ENV = "OPENALEX_API_KEY"
KEY_PAGE = "https://openalex.org/settings/api"
# 100 requests a second at most; a list page costs 10 of a day's credits, a work 1
OPENALEX = Service("OpenAlex", per_second=10.0)
API = "https://api.openalex.org"
PAGE = 200
AUTHOR = re.compile(r"^(?:author:|https?://(?:api\.)?openalex\.org/(?:authors/)?)?(A\d+)/?$",
                    re.IGNORECASE)
WORK = re.compile(r"^(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?(W\d+)/?$", re.IGNORECASE)
ARXIV_DOI = "10.48550/arxiv."
TYPES = {"article": "article-journal", "book": "book", "book-chapter": "chapter",
         "dissertation": "thesis", "report": "report", "preprint": "article",
         "proceedings-article": "paper-conference"}


def openalex_sources(sources: list[str]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """('author', A...) and ('work', W... or doi:...) pairs, each once, in the order given."""
    return read_sources(sources, _classify, "an OpenAlex author (author:A5023888391) nor a "
                        "work (W2741809807, or a DOI)")


def _classify(text: str) -> tuple[str, str] | None:
    author, work, doi = AUTHOR.match(text), WORK.match(text), clean_doi(text)
    if author:
        return "author", author.group(1).upper()
    if work or (doi and doi.startswith("10.")):
        return "work", work.group(1).upper() if work else f"doi:{doi}"
    return None


def fetch(sources: list[str], client: Client,
          log: Callable[[str], None] = lambda line: None) -> tuple[list[Candidate], list[Problem]]:
    pairs, problems = openalex_sources(sources)
    if pairs and not _key():
        log(f"OpenAlex: no ${KEY_ENV}: without a key OpenAlex allows 100 credits a day (a page "
            f"of an author's works costs 10); a free key: {KEY_PAGE}")
    return fetch_each(pairs, {"author": lambda a: fetch_author(a, client, log),
                              "work": lambda w: fetch_work(w, client)}, problems)


def fetch_author(author: str, client: Client, log: Callable[[str], None]
                 ) -> tuple[list[Candidate], list[Problem]]:
    works, cursor = [], "*"
    while cursor:
        url = (f"{API}/works?filter=author.id:{author}&per-page={PAGE}"
               f"&cursor={urllib.parse.quote(cursor, safe='*')}")
        answer = _answer(client, url, f"OpenAlex author {author}")
        if isinstance(answer, Problem):
            return [], [answer]
        page = entries(answer.get("results"))
        works += page
        following = field(answer, "meta", "next_cursor") if page else None
        # a cursor that does not move on would be asked for ever
        cursor = following if isinstance(following, str) and following != cursor else None
        if cursor:
            log(f"OpenAlex: author {author}: {len(works)} works so far")
    items = [(_short(w.get("id")), work_item(w), _counted(w, client)) for w in works]
    return candidates(items, f"openalex.org/{author}")


def fetch_work(work: str, client: Client) -> tuple[list[Candidate], list[Problem]]:
    answer = _answer(client, f"{API}/works/{urllib.parse.quote(work, safe=':/')}",
                     f"OpenAlex work {work}")
    if isinstance(answer, Problem):
        return [], [answer]
    return candidates([(_short(answer.get("id")) or work, work_item(answer),
                        _counted(answer, client))], "openalex.org")


def _counted(work: dict, client: Client) -> dict:
    return counted(work.get("cited_by_count"), "openalex", client)


def _key() -> str:
    return os.environ.get(KEY_ENV, "").strip()


def _answer(client: Client, url: str, what: str) -> dict | Problem:
    key = _key()
    response = client.get(OPENALEX, url, "application/json",
                          {"Authorization": f"Bearer {key}"} if key else None)
    if response.status_code in (401, 403):
        told = "was refused" if key else "is needed"
        raise ServiceError(f"OpenAlex: HTTP {response.status_code} for {url}: an API key "
                           f"{told}; get a free one at {KEY_PAGE} and set ${KEY_ENV} "
                           "(nothing was written)")
    return read_json(response, OPENALEX, what)


def _short(openalex_id) -> str:
    return str(openalex_id or "").rsplit("/", 1)[-1]


def work_item(work: dict) -> dict:
    """A CSL-JSON item of an OpenAlex work."""
    source = mapping(field(work, "primary_location", "source"))
    biblio = mapping(work.get("biblio"))
    doi = clean_doi(str(field(work, "ids", "doi") or work.get("doi") or ""))
    arxiv = _arxiv(work, doi)
    item = {
        "type": _type(work, source),
        "title": work.get("title") or work.get("display_name"),
        "author": [p for p in (person(field(a, "author", "display_name")
                                      or a.get("raw_author_name"))
                               for a in entries(work.get("authorships"))) if p],
        "issued": issued(*str(work.get("publication_date") or "").split("-"))
        or issued(work.get("publication_year")),
        "container-title": source.get("display_name") if source.get("type") != "repository"
        else None,
        "volume": biblio.get("volume"),
        "issue": biblio.get("issue"),
        "page": _pages(biblio.get("first_page"), biblio.get("last_page")),
        "abstract": abstract_text(work.get("abstract_inverted_index")),
        "DOI": None if arxiv and doi and doi.lower().startswith(ARXIV_DOI) else doi,
        "URL": arxiv_url(arxiv),
    }
    return without_empty(item)


def _type(work: dict, source: dict) -> str:
    kind = str(work.get("type") or "")
    if kind == "article" and source.get("type") == "conference":
        return "paper-conference"
    return TYPES.get(kind, "article")


def _pages(first, last) -> str | None:
    first, last = str(first or "").strip(), str(last or "").strip()
    if first and last and first != last:
        return f"{first}-{last}"
    return first or last or None


def _arxiv(work: dict, doi: str | None) -> str | None:
    """The arXiv id of a work: its arXiv DOI, or an arXiv location of it."""
    if doi and doi.lower().startswith(ARXIV_DOI):
        return arxiv_id(doi[len(ARXIV_DOI):])
    for location in entries(work.get("locations")):
        url = str(location.get("landing_page_url") or "")
        if "arxiv.org/" in url and arxiv_id(url):
            return arxiv_id(url)
    return None


def abstract_text(index) -> str:
    """The abstract OpenAlex gives as an inverted index (word: positions), as text."""
    if not isinstance(index, dict):
        return ""
    words: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int) and 0 <= position < sys.maxsize:
                words[position] = str(word)
    return " ".join(words[n] for n in sorted(words))
