"""Semantic Scholar's Academic Graph API: an author's papers (`author:ID` or the author's page
URL), paged 100 at a time, the papers a search finds (`search:QUERY`, at most SEARCH_MAX), or
papers by id (a DOI, `arXiv:ID`, `CorpusId:ID`, an S2 paper id or page URL), one request
each. An API key is optional: without one, requests share a pool that answers 429 when busy
(retried); with $SEMANTIC_SCHOLAR_API_KEY they are the key's own."""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Callable

from ..problems import Problem
from .common import Candidate
from .serviceitems import (
    arxiv_url,
    candidates,
    counted,
    entries,
    fetch_each,
    issued,
    mapping,
    person,
    read_sources,
    without_empty,
)
from .web import Client, Service, ServiceError, read_json

KEY_ENV = "SEMANTIC_SCHOLAR_API_KEY"
# a key's published limit is one request a second; the shared pool allows no more
S2 = Service("Semantic Scholar", per_second=1.0)
API = "https://api.semanticscholar.org/graph/v1"
FIELDS = ("title,authors,year,publicationDate,venue,journal,externalIds,abstract,"
          "publicationTypes,citationCount")
PAGE = 100
AUTHOR = re.compile(r"^(?:author:|https?://(?:www\.)?semanticscholar\.org/author/(?:[^/]+/)?)"
                    r"(\d+)/?$", re.IGNORECASE)
SEARCH = re.compile(r"^search:\s*(\S.*)$", re.IGNORECASE | re.DOTALL)
SEARCH_MAX = 1000  # the relevance search gives no more than the first thousand papers
PAPER_PAGE = re.compile(r"^https?://(?:www\.)?semanticscholar\.org/paper/(?:[^/]+/)?"
                        r"([0-9a-f]{40})/?$")
PAPER = re.compile(r"^(?:[0-9a-f]{40}|(?:CorpusId|DOI|ARXIV|MAG|ACL|PMID|PMCID|URL):\S+|"
                   r"10\.\d{4,9}/\S+)$", re.IGNORECASE)
TYPES = {"JournalArticle": "article-journal", "Conference": "paper-conference",
         "Book": "book", "BookSection": "chapter", "Review": "article-journal"}


def paper_sources(sources: list[str]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """('author', id) and ('paper', id) pairs, each once, in the order given."""
    return read_sources(sources, _classify, "an author (author:1723755, or the author's page "
                        "URL), a search (search:QUERY) nor a paper id (a DOI, arXiv:2106.15928, "
                        "CorpusId:215416146)")


def _classify(text: str) -> tuple[str, str] | None:
    author, page, search = AUTHOR.match(text), PAPER_PAGE.match(text), SEARCH.match(text)
    if search:
        return "search", " ".join(search.group(1).split())
    if author:
        return "author", author.group(1)
    if page or PAPER.match(text):
        return "paper", page.group(1) if page else text
    return None


def fetch(sources: list[str], client: Client,
          log: Callable[[str], None] = lambda line: None) -> tuple[list[Candidate], list[Problem]]:
    pairs, problems = paper_sources(sources)
    return fetch_each(pairs, {"author": lambda a: fetch_author(a, client, log),
                              "search": lambda q: fetch_search(q, client, log),
                              "paper": lambda p: fetch_paper(p, client)}, problems)


def fetch_author(author: str, client: Client, log: Callable[[str], None]
                 ) -> tuple[list[Candidate], list[Problem]]:
    papers = _pages(client, f"{API}/author/{author}/papers?fields={FIELDS}", f"author {author}",
                    log)
    if isinstance(papers, Problem):
        return [], [papers]
    return _paper_candidates(papers, client, f"semanticscholar.org/author/{author}")


def fetch_searches(queries: list[str], client: Client, log: Callable[[str], None]
                   ) -> tuple[list[Candidate], list[Problem]]:
    return fetch_each([("search", q) for q in queries],
                      {"search": lambda q: fetch_search(q, client, log)}, [])


def fetch_search(query: str, client: Client, log: Callable[[str], None]
                 ) -> tuple[list[Candidate], list[Problem]]:
    """The papers a relevance search finds, in its order."""
    quoted = urllib.parse.quote(query, safe="")
    papers = _pages(client, f"{API}/paper/search?query={quoted}&fields={FIELDS}",
                    f"search {query!r}", log, SEARCH_MAX)
    if isinstance(papers, Problem):
        return [], [papers]
    return _paper_candidates(papers, client, f"semanticscholar.org/search?q={quoted}")


def _pages(client: Client, base: str, what: str, log: Callable[[str], None],
           most: int | None = None) -> list[dict] | Problem:
    """The papers of every page of a list, following each answer's `next`, up to most."""
    papers, offset = [], 0
    while offset is not None and (most is None or offset < most):
        limit = PAGE if most is None else min(PAGE, most - offset)
        answer = _answer(client, f"{base}&offset={offset}&limit={limit}",
                         f"Semantic Scholar {what}")
        if isinstance(answer, Problem):
            return answer
        papers += entries(answer.get("data"))
        following = answer.get("next")
        # a next page that does not move on would be asked for ever
        offset = following if type(following) is int and following > offset else None
        if offset is not None:
            log(f"Semantic Scholar: {what}: {len(papers)} papers so far")
    return papers


def _paper_candidates(papers: list[dict], client: Client, display: str
                      ) -> tuple[list[Candidate], list[Problem]]:
    items = [(f"paper {p.get('paperId')}", paper_item(p), _counted(p, client)) for p in papers]
    return candidates(items, display)


def fetch_paper(paper: str, client: Client) -> tuple[list[Candidate], list[Problem]]:
    url = f"{API}/paper/{urllib.parse.quote(paper, safe='/:')}?fields={FIELDS}"
    answer = _answer(client, url, f"Semantic Scholar paper {paper}")
    if isinstance(answer, Problem):
        return [], [answer]
    return candidates([(paper, paper_item(answer), _counted(answer, client))],
                      "semanticscholar.org")


def _counted(paper: dict, client: Client) -> dict:
    return counted(paper.get("citationCount"), "semantic-scholar", client)


def _answer(client: Client, url: str, what: str) -> dict | Problem:
    key = os.environ.get(KEY_ENV, "").strip()
    response = client.get(S2, url, "application/json", {"x-api-key": key} if key else None)
    if response.status_code == 403:
        raise ServiceError(f"Semantic Scholar: HTTP 403 for {url}: the API key in ${KEY_ENV} "
                           "was refused; check it, or unset it to use the shared pool (a key: "
                           "https://www.semanticscholar.org/product/api#api-key-form)")
    return read_json(response, S2, what)


def paper_item(paper: dict) -> dict:
    """A CSL-JSON item of a Semantic Scholar paper."""
    ids, journal = mapping(paper.get("externalIds")), mapping(paper.get("journal"))
    kinds = paper.get("publicationTypes") if isinstance(paper.get("publicationTypes"), list) else []
    date = str(paper.get("publicationDate") or "").split("-")
    item = {
        "type": next((TYPES[k] for k in kinds if isinstance(k, str) and k in TYPES),
                     "article" if ids.get("ArXiv") and not journal.get("name") else
                     "article-journal"),
        "title": paper.get("title"),
        "author": [p for p in (person(a.get("name")) for a in entries(paper.get("authors")))
                   if p],
        "issued": issued(*date) if date[0] else issued(paper.get("year")),
        "container-title": journal.get("name") or paper.get("venue"),
        "volume": journal.get("volume"),
        "page": " ".join(str(journal.get("pages") or "").split()),
        "abstract": paper.get("abstract"),
        "DOI": ids.get("DOI"),
        "URL": arxiv_url(ids.get("ArXiv")),
    }
    return without_empty(item)
