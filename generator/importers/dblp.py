"""A person's publications on DBLP, by pid (`11/1649`) or profile URL, from DBLP's BibTeX
export of the person (https://dblp.org/pid/PID.bib), read by the BibTeX importer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..problems import Problem
from .bibtex import parse_bibtex
from .common import Candidate
from .web import Client, Service, not_found

# DBLP asks for moderate use; a person's whole list is one request
DBLP = Service("dblp.org", per_second=1.0)
BIBTEX = "application/x-bibtex"
PID = re.compile(r"^(?:https?://(?:www\.)?dblp(?:\.uni-trier\.de|\.org|\.dagstuhl\.de)/pid/)?"
                 r"([a-z0-9]+/[A-Za-z0-9_-]+?)(?:\.(?:html|xml|bib|rdf|nt|ttl))?/?$")


def dblp_pids(sources: list[str]) -> tuple[list[str], list[Problem]]:
    pids, problems = [], []
    for source in sources:
        match = PID.match(source.strip())
        if not match:
            why = (f"{source[:80]!r} is not a DBLP pid (such as 11/1649) or profile URL "
                   "(https://dblp.org/pid/11/1649.html)")
            problems.append(Problem("command line", 0, 0, "", why))
        elif match.group(1) not in pids:
            pids.append(match.group(1))
    return pids, problems


def fetch(sources: list[str], client: Client, log: Callable[[str], None] = lambda line: None
          ) -> tuple[list[Candidate], list[Problem]]:
    pids, problems = dblp_pids(sources)
    found, trouble = fetch_people(pids, client, log)
    return found, problems + trouble


def fetch_people(pids: list[str], client: Client,
                 log: Callable[[str], None] = lambda line: None
                 ) -> tuple[list[Candidate], list[Problem]]:
    candidates, problems = [], []
    for n, pid in enumerate(pids, 1):
        if len(pids) > 1:
            log(f"dblp.org: person {n} of {len(pids)}")
        url = f"https://dblp.org/pid/{pid}.bib"
        response = client.get(DBLP, url, BIBTEX)
        gone = not_found(response, DBLP, f"DBLP person {pid}")
        if gone:
            problems.append(gone)
            continue
        text = response.content.decode("utf-8", "replace")
        found, trouble = parse_bibtex(text, f"dblp.org/pid/{pid}.bib")
        candidates += [_without_doi_link(c) for c in found]
        problems += trouble
    return candidates, problems


def _without_doi_link(candidate: Candidate) -> Candidate:
    """DBLP's `url` of an entry with a DOI is the DOI's address (with LaTeX's `\\_`): the
    record's DOI links it already."""
    links = candidate.record.get("links", {})
    if not candidate.record.get("doi") or "doi.org/" not in links.get("project", ""):
        return candidate
    record = dict(candidate.record)
    record["links"] = {k: v for k, v in links.items() if k != "project"}
    if not record["links"]:
        del record["links"]
    return replace(candidate, record=record)
