"""A person's publications on DBLP, by pid (`11/1649`) or profile URL, from DBLP's BibTeX
export of the person (https://dblp.org/pid/PID.bib), read by the BibTeX importer; and the
papers of a venue's volume (a table of contents: `db/conf/focs/focs2019` or its dblp.org
page), from DBLP's search API, made into the records the BibTeX export would give."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace

from ..problems import NOTE, WARNING, Problem
from .bibtex import parse_bibtex
from .common import Candidate
from .serviceitems import (
    candidates,
    entries,
    fetch_each,
    issued,
    mapping,
    person,
    read_sources,
)
from .web import Client, Service, ServiceError, not_found, read_json

# DBLP asks for moderate use; a person's whole list is one request
DBLP = Service("dblp.org", per_second=1.0)
BIBTEX = "application/x-bibtex"
PID = re.compile(r"^(?:https?://(?:www\.)?dblp(?:\.uni-trier\.de|\.org|\.dagstuhl\.de)/pid/)?"
                 r"([a-z0-9]+/[A-Za-z0-9_-]+?)(?:\.(?:html|xml|bib|rdf|nt|ttl))?/?$")
# a volume's table of contents: db/conf/focs/focs2019, or its page on dblp.org
VOLUME = re.compile(r"^(?:https?://(?:www\.)?dblp(?:\.uni-trier\.de|\.org|\.dagstuhl\.de)/)?"
                    r"db/((?:conf|journals|series|books)/[a-z0-9_-]+/[A-Za-z0-9_-]+?)"
                    r"(?:\.(?:html|bht))?/?$")
SEARCH = "https://dblp.org/search/publ/api"
HITS = 1000  # the most DBLP's search gives in one answer
HITS_MAX = 10_000  # a volume past this is no table of contents: its tail is not asked for
VOLUME_ITSELF = "Editorship"  # the proceedings (its editors), listed among its papers
TYPES = {"Conference and Workshop Papers": "paper-conference",
         "Journal Articles": "article-journal", "Parts in Books or Collections": "chapter",
         "Books and Theses": "book", "Informal and Other Publications": "article",
         "Data and Artifacts": "dataset", "Reference Works": "entry"}
HOMONYM = re.compile(r"\s+\d{4}$")  # DBLP tells homonyms apart by a number after the name


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


def dblp_volumes(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """The volumes (conf/focs/focs2019) of db/ keys or their dblp.org pages, each once."""
    pairs, problems = read_sources(sources, _volume, _VOLUME_EXPECTED)
    return [volume for _, volume in pairs], problems


_VOLUME_EXPECTED = ("a DBLP volume (db/conf/focs/focs2019) nor its page "
                    "(https://dblp.org/db/conf/focs/focs2019.html)")


def _volume(text: str) -> tuple[str, str] | None:
    match = VOLUME.match(text)
    return ("volume", match.group(1)) if match else None


def _person_or_volume(text: str) -> tuple[str, str] | None:
    match = PID.match(text)
    return ("person", match.group(1)) if match else _volume(text)


def fetch(sources: list[str], client: Client, log: Callable[[str], None] = lambda line: None
          ) -> tuple[list[Candidate], list[Problem]]:
    pairs, problems = read_sources(sources, _person_or_volume, (
        "a DBLP pid (such as 11/1649) or profile URL (https://dblp.org/pid/11/1649.html) nor "
        + _VOLUME_EXPECTED.replace(" nor ", " or ")))
    pids = [ident for kind, ident in pairs if kind == "person"]
    found, trouble = fetch_people(pids, client, log)
    volumes = [ident for kind, ident in pairs if kind == "volume"]
    more, other = fetch_volumes(volumes, client, log)
    return found + more, problems + trouble + other


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


def fetch_volumes(volumes: list[str], client: Client,
                  log: Callable[[str], None] = lambda line: None
                  ) -> tuple[list[Candidate], list[Problem]]:
    return fetch_each([("volume", v) for v in volumes],
                      {"volume": lambda v: fetch_volume(v, client, log)}, [])


def fetch_volume(volume: str, client: Client, log: Callable[[str], None]
                 ) -> tuple[list[Candidate], list[Problem]]:
    """The papers of a volume's table of contents, asked HITS at a time."""
    display = f"dblp.org/db/{volume}"
    hits, total = [], None
    while total is None or len(hits) < min(total, HITS_MAX):
        answer = _toc_page(client, volume, len(hits))
        if isinstance(answer, Problem):
            return [], [answer]
        page = mapping(mapping(answer.get("result")).get("hits"))
        total = _number(page.get("@total"))
        more = entries(page.get("hit"))
        if not more:
            break  # a page that brings nothing would be asked for again and again
        hits += more
        if total > len(hits):
            log(f"dblp.org: {volume}: {len(hits)} of {total} entries so far")
    if not hits:
        why = (f"no papers in that volume: DBLP lists none under db/{volume} (check the key "
               "on the volume's dblp.org page)")
        return [], [Problem(display, 0, 0, "", why, WARNING)]
    return _volume_candidates(hits, display)


def _toc_page(client: Client, volume: str, first: int) -> dict | Problem:
    # the query as DBLP's own table of contents pages ask it; f= only past the first page
    url = f"{SEARCH}?q=toc%3Adb/{volume}.bht%3A&h={HITS}&format=json"
    url += f"&f={first}" if first else ""
    return read_json(client.get(DBLP, url, "application/json"), DBLP, f"DBLP volume {volume}")


def _number(value) -> int:
    text = str(value or "").strip()
    if not text.isdigit():
        raise ServiceError("dblp.org: the answer holds no count of its hits; try again later "
                           "(nothing was written)")
    return int(text)


def _volume_candidates(hits: list[dict], display: str) -> tuple[list[Candidate], list[Problem]]:
    """The papers among the hits; the volume's own entry (its editors) is a note, not a paper."""
    items, notes = [], []
    for n, hit in enumerate(hits, 1):
        info = mapping(hit.get("info"))
        label = str(info.get("key") or f"hit {n}")
        if info.get("type") == VOLUME_ITSELF:
            why = "left out: the proceedings volume itself (its editors), not a paper"
            notes.append(Candidate({}, display, 0, label).problem(why, severity=NOTE))
        else:
            items.append((label, hit_item(info)))
    found, problems = candidates(items, display)
    return [_without_doi_link(c) for c in found], notes + problems


def hit_item(info: dict) -> dict:
    """A CSL-JSON item of a hit's `info`, with the fields of DBLP's BibTeX export of it."""
    authors = info.get("authors")
    names = mapping(authors).get("author")
    # one author is one object, more are a list
    people = entries(names) if isinstance(names, list) else entries([names])
    key = str(info.get("key") or "").strip()
    item = {
        "type": TYPES.get(_text(info.get("type")), "article"),
        "title": _title(info.get("title")),
        "author": [p for p in (person(_name(a.get("text"))) for a in people) if p],
        "issued": issued(info.get("year")),
        "container-title": _text(info.get("venue")),
        "volume": _text(info.get("volume")),
        "issue": _text(info.get("number")),
        "page": _text(info.get("pages")),
        "publisher": _text(info.get("publisher")),
        "DOI": _text(info.get("doi")),
        "URL": _text(info.get("ee")),
        "id": f"DBLP:{key}" if key else None,
    }
    return {k: v for k, v in item.items() if v not in (None, "", [])}


def _text(value) -> str:
    """A field's text; DBLP gives a list where an entry has more than one (its links)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return html.unescape(" ".join(value.split())) if isinstance(value, str) else ""


def _title(value) -> str:
    """DBLP ends every title with a period, which its BibTeX export leaves out."""
    text = _text(value)
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def _name(value) -> str:
    return HOMONYM.sub("", _text(value))
