"""Hugging Face Papers: the daily papers of a day (`2024-10-25`, the day's page
huggingface.co/papers/date/2024-10-25, or `today`, the day in UTC), one request a day to
`/api/daily_papers?date=DAY`. Each paper there is an arXiv paper: its arXiv id, title, authors,
abstract, the day arXiv published it and, where someone gave them, its code and project page.

huggingface_hub, Hugging Face's client, keeps its own requests session (its own retries, no
cache, no pacing per service); going through it would bypass the one client every importer
shares, so the API is asked over plain HTTP here. No key is needed. A collection
(huggingface.co/collections/...) is not read: it is refused with a word saying so."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable

from ..problems import Problem
from .common import Candidate
from .fields import ARXIV_ID
from .serviceitems import arxiv_url, candidates, issued, mapping, person
from .web import Client, Service, read_json

# 500 API requests in 5 minutes for a client without a token (Hub rate limits); a day is one
HF = Service("Hugging Face", per_second=1.0)
API = "https://huggingface.co/api/daily_papers"
TODAY = "today"
DAY = re.compile(r"^(?:https?://(?:www\.)?huggingface\.co/papers(?:/date/|\?date=))?"
                 r"(\d{4}-\d{2}-\d{2})/?$")
COLLECTION = re.compile(r"^(?:https?://(?:www\.)?huggingface\.co/)?(?:api/)?collections/",
                        re.IGNORECASE)
# the fields each daily entry's `paper` must have for a record, and what each must be
REQUIRED = ("id", "title", "summary", "authors", "publishedAt")
LINKS = (("githubRepo", "code"), ("projectPage", "project"))


def daily_days(sources: list[str]) -> tuple[list[str], list[Problem]]:
    """Days as YYYY-MM-DD (or `today`, resolved when asked), each once, in the order given."""
    days, problems = [], []
    for source in sources:
        text = source.strip()
        match = DAY.match(text)
        day = TODAY if text.lower() == TODAY else match.group(1) if match else None
        if day not in (None, TODAY):
            day = day_of(day)
        if day is None:
            problems.append(Problem("command line", 0, 0, "", _refusal(source)))
        elif day not in days:
            days.append(day)
    return days, problems


def day_of(text) -> str | None:
    """The YYYY-MM-DD that text starts with, if it is a day of the calendar."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day = map(int, match.groups())
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return match.group(0)


def _refusal(source: str) -> str:
    shown = repr(source[:80])
    if COLLECTION.match(source.strip()):
        return (f"{shown}: a Hugging Face collection is not supported; only the daily papers "
                "of a day (2024-10-25, or `today`)")
    return (f"{shown} is not a day of Hugging Face's daily papers (2024-10-25, "
            "https://huggingface.co/papers/date/2024-10-25, or `today`)")


def fetch(sources: list[str], client: Client,
          log: Callable[[str], None] = lambda line: None) -> tuple[list[Candidate], list[Problem]]:
    """The candidates of every day named in sources (the `import huggingface` command's
    arguments; also what a sync source lists, `today` when it names no day)."""
    days, problems = daily_days(sources)
    found: list[Candidate] = []
    for day in dict.fromkeys(_resolved(d, client) for d in days):
        if len(days) > 1:
            log(f"Hugging Face: daily papers of {day}")
        more, trouble = fetch_day(day, client)
        found += more
        problems += trouble
    return found, problems


def _resolved(day: str, client: Client) -> str:
    """A day as asked for: `today` is the day in UTC by the client's clock (which tests set)."""
    if day != TODAY:
        return day
    return client.now().astimezone(datetime.UTC).date().isoformat()


def fetch_day(day: str, client: Client) -> tuple[list[Candidate], list[Problem]]:
    what = f"daily papers of {day}"
    answer = read_json(client.get(HF, f"{API}?date={day}", "application/json"), HF, what)
    if isinstance(answer, Problem):
        return [], [answer]
    display = f"huggingface.co/papers/date/{day}"
    if not isinstance(answer.get("items"), list):
        why = "not imported: the answer is not a list of daily papers"
        return [], [Problem(display, 0, 0, "", why)]
    items, problems = [], []
    for n, entry in enumerate(answer["items"], 1):
        paper = mapping(mapping(entry).get("paper"))
        label = f"item {n}" + (f", paper {paper['id']}" if _plain(paper.get("id")) else "")
        why = _unfit(paper)
        if why:
            field, message = why
            problems.append(Candidate({}, display, 0, label).problem(
                f"not imported: {message}", field))
        else:
            items.append((label, paper_item(paper), _links(paper)))
    found, trouble = candidates(items, display)
    return found, problems + trouble


def _unfit(paper: dict) -> tuple[str, str] | None:
    """(field, why) of the first required field of a paper that is missing or not what it
    must be; None for a paper to import."""
    for name in REQUIRED:
        value = paper.get(name)
        if value is None:
            return f"paper.{name}", "missing"
        why = CHECKS[name](value)
        if why:
            return f"paper.{name}", why
    return None


def _arxiv_check(value) -> str | None:
    match = ARXIV_ID.fullmatch(value) if isinstance(value, str) else None
    return None if match else f"expected an arXiv id, got {_shown(value)}"


def _text_check(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return f"expected a non-empty text, got {_shown(value)}"


def _authors_check(value) -> str | None:
    if not isinstance(value, list):
        return f"expected a list of authors, got {_shown(value)}"
    for n, author in enumerate(value):
        name = mapping(author).get("name")
        if not (isinstance(name, str) and name.strip()):
            return f"author {n + 1}: expected a name, got {_shown(author)}"
    return None


def _date_check(value) -> str | None:
    if day_of(value):
        return None
    return f"expected a date and time (2024-10-22T13:59:59.000Z), got {_shown(value)}"


CHECKS = {"id": _arxiv_check, "title": _text_check, "summary": _text_check,
          "authors": _authors_check, "publishedAt": _date_check}


def paper_item(paper: dict) -> dict:
    """A CSL-JSON item of a daily paper (checked by _unfit): an arXiv preprint, dated the day
    arXiv published it (not the day it was listed)."""
    return {
        "type": "article",
        "title": paper["title"],
        "author": [p for p in (person(a.get("name")) for a in paper["authors"]) if p],
        "issued": issued(*day_of(paper["publishedAt"]).split("-")),
        "abstract": paper["summary"],
        "URL": arxiv_url(paper["id"]),
    }


def _links(paper: dict) -> dict:
    """The paper's code and project page as record links (the schema checks each URL); a
    project page on arXiv is the paper itself, whose links the arXiv id makes."""
    links = {}
    for key, name in LINKS:
        url = paper.get(key)
        if isinstance(url, str) and url.strip() and "arxiv.org/" not in url:
            links[name] = url.strip()
    return {"links": links} if links else {}


def _plain(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 40 and value.isprintable()


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
