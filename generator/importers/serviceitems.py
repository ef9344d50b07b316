"""What the services' own JSON becomes: CSL-JSON items, read by the CSL-JSON importer's item
reader, so that a paper from ORCID, Semantic Scholar or OpenAlex is the record a CSL-JSON
export of it would give."""

from __future__ import annotations

from collections.abc import Callable

from ..names import csl_name, split_name
from ..problems import Problem
from .common import Candidate
from .csljson import checked_record

COUNT_MAX = 999_999_999  # as the schema allows


def candidates(items: list[tuple], display: str
               ) -> tuple[list[Candidate], list[Problem]]:
    """Each (label, CSL item) as a candidate named display (label), with the record fields of a
    third member (fields CSL-JSON has none for) added; an item without a title or with a field
    no record can hold is reported and left out."""
    found, problems = [], []
    for label, item, *more in items:
        record, problem = checked_record(item, Candidate({}, display, 0, label))
        if problem:
            problems.append(problem)
        else:
            found.append(Candidate({**record, **(more[0] if more else {})}, display, 0, label))
    return found, problems


def counted(count, source: str, client) -> dict:
    """The record field `citations` of a service's citation count, dated the day it was fetched
    (client.now, so that tests set the day); nothing when the answer holds no count."""
    if type(count) is not int or not 0 <= count <= COUNT_MAX:
        return {}
    return {"citations": {"count": count, "date": client.now().date().isoformat(),
                          "source": source}}


def issued(year=None, month=None, day=None) -> dict | None:
    """A CSL date from its parts, as far as they are numbers (a 0 month or day, as Zotero
    writes an unknown one, ends the date)."""
    parts = []
    for part in (year, month, day):
        text = str(part or "").strip()
        if not text.isdigit() or not int(text):
            break
        parts.append(int(text))
    return {"date-parts": [parts]} if parts else None


def arxiv_url(arxiv) -> str | None:
    """arXiv's page of an id: the CSL-JSON reader takes a paper's arXiv id from its URL."""
    text = str(arxiv or "").strip()
    return f"https://arxiv.org/abs/{text}" if text else None


def person(name) -> dict | None:
    """A person's name as these services give it, one string ("Given Family"): its CSL parts,
    split as a record's plain name is (a literal would mark a company's name)."""
    text = " ".join(str(name or "").split())
    return csl_name(split_name(text)) if text else None


def field(value, *keys):
    """value[keys[0]][keys[1]]...: None where a step is missing or is not a mapping (a service's
    JSON is read as it comes, whatever its shape)."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def entries(value) -> list[dict]:
    """The mappings of a JSON list; anything else holds none."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def without_empty(item: dict) -> dict:
    return {k: v for k, v in item.items() if v not in (None, "", [], {})}


Fetched = tuple[list[Candidate], list[Problem]]


def read_sources(sources: list[str], classify: Callable[[str], tuple[str, str] | None],
                 expected: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Each source as a (kind, id) pair, each once, in the order given; one that classify does
    not know is a problem naming what was expected."""
    found, problems = [], []
    for source in sources:
        pair = classify(source.strip())
        if pair is None:
            why = f"{source[:80]!r} is neither {expected}"
            problems.append(Problem("command line", 0, 0, "", why))
        elif pair not in found:
            found.append(pair)
    return found, problems


def fetch_each(pairs: list[tuple[str, str]], fetchers: dict[str, Callable[[str], Fetched]],
               problems: list[Problem]) -> Fetched:
    """The candidates of every (kind, id), each asked of the fetcher of its kind."""
    found = []
    for kind, ident in pairs:
        more, trouble = fetchers[kind](ident)
        found += more
        problems = problems + trouble
    return found, problems
