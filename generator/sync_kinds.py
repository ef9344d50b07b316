"""The kinds of source `sync` can follow, one entry each in KINDS: the key of data/sources.yml
that names what to fetch, what it holds (for messages), how its values are checked before
anything is asked, and how they are fetched (the same functions `import KIND` uses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .importers.common import Candidate
from .problems import Problem

Found = tuple[list[Candidate], list[Problem]]
# values from the sources file -> (values in the form fetch takes, problems of values)
Parse = Callable[[list[str]], tuple[list[str], list[Problem]]]
# values, the shared HTTP client, a progress log -> records found, problems of entries
Fetch = Callable[[list[str], object, Callable[[str], None]], Found]


@dataclass(frozen=True)
class Kind:
    param: str  # the key of a source that holds what to fetch: one value or a list
    what: str
    fetch: Fetch
    parse: Parse | None = None  # None: values are handed to fetch as written
    default: tuple[str, ...] = ()  # the values of a source without the key; (): it is required


def _service(fmt: str) -> Fetch:
    """Fetch as `import FMT` does, through the importers' dispatch."""
    def fetch(values: list[str], client, log) -> Found:
        from .importers.services import fetch_candidates

        return fetch_candidates(fmt, values, client, log)
    return fetch


def _parse_dois(values: list[str]):
    from .importers.doi import doi_list

    return doi_list(values)


def _parse_pids(values: list[str]):
    from .importers.dblp import dblp_pids

    return dblp_pids(values)


def _parse_volumes(values: list[str]):
    from .importers.dblp import dblp_volumes

    return dblp_volumes(values)


def _fetch_volumes(volumes: list[str], client, log) -> Found:
    from .importers.dblp import fetch_volumes

    return fetch_volumes(volumes, client, log)


def _fetch_searches(queries: list[str], client, log) -> Found:
    from .importers.semanticscholar import fetch_searches

    return fetch_searches(queries, client, log)


def _parse_arxiv(values: list[str]):
    from .importers.arxiv import arxiv_ids

    return arxiv_ids(values)


def _parse_orcids(values: list[str]):
    from .importers.orcid import orcid_ids

    return orcid_ids(values)


def _parse_days(values: list[str]):
    from .importers.huggingface import daily_days

    return daily_days(values)


def _fetch_arxiv(ids: list[str], client, log) -> Found:
    from .importers.arxiv import ARXIV_API, fetch_entries

    def fetch(url: str) -> tuple[int, bytes]:
        response = client.get(ARXIV_API, url, "application/atom+xml")
        return response.status_code, response.content

    return fetch_entries(ids, fetch=fetch, log=log)


KINDS: dict[str, Kind] = {
    "doi": Kind("dois", "DOIs or doi.org URLs", _service("doi"), _parse_dois),
    "dblp": Kind("person", "DBLP pids (11/1649) or profile URLs", _service("dblp"), _parse_pids),
    "dblp-venue": Kind("volume", "DBLP volumes (db/conf/focs/focs2019) or their dblp.org pages",
                       _fetch_volumes, _parse_volumes),
    "arxiv": Kind("ids", "arXiv ids or URLs", _fetch_arxiv, _parse_arxiv),
    "orcid": Kind("person", "ORCID iDs or orcid.org URLs", _service("orcid"), _parse_orcids),
    "semantic-scholar": Kind("ids", "Semantic Scholar author:ID or paper ids",
                             _service("semantic-scholar")),
    "semantic-scholar-search": Kind("query", "a Semantic Scholar search (its words)",
                                    _fetch_searches),
    "openalex": Kind("ids", "OpenAlex author:A… or work ids", _service("openalex")),
    "zotero": Kind("library", "Zotero libraries (users/ID, groups/ID, …/collections/KEY)",
                   _service("zotero")),
    "huggingface": Kind("days", "days of Hugging Face's daily papers (2024-10-25 or today)",
                        _service("huggingface"), _parse_days, default=("today",)),
}
