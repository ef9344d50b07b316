"""`import doi|dblp ...`: importers that ask a service over the network, with the file
importers' options (dry run, update, topics) and two of their own: a contact address for the
User-Agent and a way around the HTTP cache."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from ..problems import Problem
from .common import Candidate

CONTACT_ENV = "PAPERSITE_MAILTO"

SERVICES = {
    "doi": ("DOI", "DOIs or doi.org URLs (a file of them too), resolved at doi.org to CSL-JSON"),
    "dblp": ("PID", "a person's publications on DBLP, by pid (11/1649) or profile URL, or a "
                    "volume's papers (db/conf/focs/focs2019 or its page); a CoRR preprint and "
                    "its published version become one record"),
    "orcid": ("ORCID", "a researcher's public works on ORCID, by iD or orcid.org URL"),
    "semantic-scholar": ("ID", "Semantic Scholar: an author's papers (author:ID or author page "
                               "URL), a search's (search:QUERY) or papers by id (DOI, "
                               "arXiv:ID, CorpusId:ID, S2 id)"),
    "openalex": ("ID", "OpenAlex: an author's works (author:A5023888391) or works by id "
                       "(W2741809807, a DOI); key from $OPENALEX_API_KEY"),
    "zotero": ("LIBRARY", "a Zotero library (users/ID or groups/ID) or one of its collections "
                          "(users/ID/collections/KEY); key from $ZOTERO_API_KEY if private"),
    "huggingface": ("DAY", "Hugging Face Papers: the daily papers of a day (2024-10-25, its "
                           "huggingface.co/papers/date/ URL, or today in UTC)"),
}
# the module of each service, with its fetch(sources, client, log) -> (candidates, problems)
MODULES = {"doi": "doi", "dblp": "dblp", "orcid": "orcid",
           "semantic-scholar": "semanticscholar", "openalex": "openalex",
           "zotero": "zotero", "huggingface": "huggingface"}


def import_arguments(fmt: argparse.ArgumentParser, metavar: str) -> argparse.ArgumentParser:
    """What every importer of records takes: what to import, topics, a dry run, updates."""
    fmt.add_argument("sources", nargs="+", metavar=metavar)
    fmt.add_argument("--topic", action="append", dest="topics", metavar="ID",
                     help="give every new record this topic (repeat for more)")
    fmt.add_argument("--dry-run", action="store_true",
                     help="list the records that would be created or updated, write nothing")
    fmt.add_argument("--update", action="store_true",
                     help="fill in empty fields of papers already present (never overwrite)")
    return fmt


def add_commands(formats, run: Callable[[argparse.Namespace], int]) -> None:
    """A subcommand of `import` for each service."""
    for name, (metavar, what) in SERVICES.items():
        fmt = import_arguments(formats.add_parser(name, help=what), metavar)
        fmt.add_argument("--mailto", metavar="ADDRESS",
                         help=f"contact address sent with each request (default: ${CONTACT_ENV})")
        fmt.add_argument("--no-cache", action="store_true",
                         help="neither read nor keep answers in the HTTP cache")
        fmt.set_defaults(run=run)


def client_for(args: argparse.Namespace, cache_dir: Path):
    """A client whose answers are cached under the build cache's folder."""
    from .web import Client, cached_session, contact_address  # requests: only when used

    session = cached_session(None if args.no_cache else cache_dir)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    return Client(session, contact_address(args.mailto), log=log)


def fetch_candidates(fmt: str, sources: list[str], client,
                     log: Callable[[str], None]) -> tuple[list[Candidate], list[Problem]]:
    """What a service gives for sources (the command's arguments), before any is written:
    candidates and the problems of entries left out. A failed request raises ServiceError."""
    module = importlib.import_module(f".{MODULES[fmt]}", __package__)
    return module.fetch(sources, client, log)
