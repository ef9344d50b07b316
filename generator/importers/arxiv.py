"""arXiv ids or URLs, looked up with the arXiv API (export.arxiv.org), at most one request
every 3 seconds as arXiv asks. The fetch function is a parameter, so tests replay recorded
responses and never use the network."""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from ..problems import DataError, Problem
from .common import Candidate, EntryError, latex_field, read_text
from .fields import ARXIV_ID, clean_doi
from .sniff import looks_like
from .web import Service

API = "https://export.arxiv.org/api/query"
BATCH = 50  # ids per request
PAUSE = 3.0  # seconds between requests (arXiv API terms of use)
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
SOURCE = "arXiv API"
ARXIV_API = Service(SOURCE, per_second=1 / PAUSE)

Fetch = Callable[[str], tuple[int, bytes]]


def arxiv_ids(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """Ids (without version) from ids, `arXiv:` references, abs/pdf URLs, or files listing them."""
    ids, problems, refused = [], [], []
    for source in sources:
        path = Path(source)
        text = read_text(path) if path.is_file() else source
        kind = looks_like(text) if path.is_file() else "plain text"
        if not kind.startswith(("plain text", "an empty file")):
            why = f"not imported: expected arXiv ids or URLs, but the file looks like {kind}"
            refused.append(Problem(path.as_posix(), 0, 0, "", why))
            continue
        tokens = text.split() if path.is_file() else [source]
        for token in tokens:
            match = ARXIV_ID.search(token)
            if not match:
                where = source if len(tokens) > 1 else "command line"
                why = f"{token[:60]!r} is not an arXiv id or URL"
                problems.append(Problem(where, 0, 0, "", why))
            elif match.group(1) not in ids:
                ids.append(match.group(1))
    if refused:
        raise DataError(refused)
    return ids, problems


def urllib_fetch(url: str) -> tuple[int, bytes]:
    """An answer through the HTTP client every service shares (User-Agent, retries on 429 and
    5xx); a failure no retry mends is one problem, and nothing is imported."""
    from .web import Client, ServiceError, cached_session, contact_address

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        client = Client(cached_session(None), contact_address(None), log=log)
        response = client.get(ARXIV_API, url, "application/atom+xml")
    except ServiceError as err:
        why = str(err).removeprefix(f"{SOURCE}: ")
        raise DataError([Problem(SOURCE, 0, 0, "", why)]) from None
    return response.status_code, response.content


def fetch_entries(ids: list[str], fetch: Fetch | None = None,
                  log: Callable[[str], None] = lambda line: None,
                  sleep: Callable[[float], None] = time.sleep
                  ) -> tuple[list[Candidate], list[Problem]]:
    fetch = fetch or urllib_fetch
    candidates, problems, last = [], [], None
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        if last is not None:
            sleep(max(0.0, PAUSE - (time.monotonic() - last)))
        if len(ids) > BATCH:
            log(f"arXiv: asking for {start + 1}-{start + len(batch)} of {len(ids)} ids")
        status, body = fetch(f"{API}?id_list={','.join(batch)}&max_results={len(batch)}")
        last = time.monotonic()
        found, trouble, broken = parse_feed(body, status)
        problems += trouble + list(broken.values())
        by_id = {c.label: c for c in found}
        for paper_id in batch:
            if paper_id in by_id:
                candidates.append(by_id[paper_id])
            elif not trouble and paper_id not in broken:
                problems.append(Problem(SOURCE, 0, 0, "", f"{paper_id}: not found on arXiv"))
    return candidates, problems


def parse_feed(body: bytes, status: int = 200) -> tuple[list[Candidate], list[Problem], dict]:
    """The entries of an answer; problems of the answer; and by arXiv id, entries left out."""
    try:
        feed = ET.fromstring(body)
    except ET.ParseError as err:
        why = f"HTTP {status}: the answer is not an Atom feed ({err})"
        return [], [Problem(SOURCE, 0, 0, "", why)], {}
    candidates, problems, broken = [], [], {}
    for entry in feed.iter(f"{ATOM}entry"):
        link = entry.findtext(f"{ATOM}id", "")
        if "/api/errors" in link:
            summary = entry.findtext(f"{ATOM}summary", "error").strip()
            problems.append(Problem(SOURCE, 0, 0, "", f"HTTP {status}: {summary}"))
            continue
        match = ARXIV_ID.search(link.split("/abs/")[-1])
        if not match:
            continue
        try:
            record = entry_record(entry, match.group(1))
            candidates.append(Candidate(record, SOURCE, 0, match.group(1)))
        except EntryError as err:
            why = f"{match.group(1)}: not imported: {err.message}"
            broken[match.group(1)] = Problem(SOURCE, 0, 0, err.field_name, why)
    if status != 200 and not problems:
        problems.append(Problem(SOURCE, 0, 0, "", f"HTTP {status} from {API}"))
    return candidates, problems, broken


def _text(entry, tag: str) -> str:
    return " ".join((entry.findtext(tag) or "").split())


def entry_record(entry, arxiv: str) -> dict:
    record: dict = {"title": latex_field(_text(entry, f"{ATOM}title"), "title")}
    authors = [" ".join((a.findtext(f"{ATOM}name") or "").split())
               for a in entry.findall(f"{ATOM}author")]
    if any(authors):
        record["authors"] = [a for a in authors if a]
    published = _text(entry, f"{ATOM}published")[:10]
    if published:
        record["date"] = published
    summary = (entry.findtext(f"{ATOM}summary") or "").strip()
    abstract = latex_field(summary, "abstract", paragraphs=True)
    if abstract:
        record["abstract"] = abstract
    record["arxiv"] = arxiv
    doi = clean_doi(_text(entry, f"{ARXIV}doi"))
    if doi:
        record["doi"] = doi
    record["type"] = "misc"
    journal = _text(entry, f"{ARXIV}journal_ref")
    if journal:
        record["bib"] = {"note": journal}
    return record
