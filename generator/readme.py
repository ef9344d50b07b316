"""The collection (or one topic) as an awesome-list README: Markdown grouped by topic, each paper
with its links as text badges, written between two marker lines of an existing README so that
everything around them stays as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .entries import paper_links
from .latex import plain_text
from .model import Topic, date_sort_key
from .order import folded_title
from .problems import DataError, Problem

START = "<!-- papersite:start -->"
END = "<!-- papersite:end -->"
# The ASCII characters that start Markdown syntax inside a line (emphasis, links, code, HTML,
# entities, tables, a heading's closing hashes, GitHub's math and strikethrough), backslash-escaped
# (CommonMark allows a backslash before any ASCII punctuation); the rest stay readable.
SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~&])")
# what makes a line that starts a paragraph a list, a quote, a heading or a rule
BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=>])")
# characters a link's destination cannot hold as written (it would end the link or the line)
URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
HEADING_LEVELS = 6


@dataclass(frozen=True)
class Listing:
    """What the README lists: the papers, the topics, where the site is (or "")."""

    papers: tuple
    topics: tuple[Topic, ...]
    site_url: str = ""


def text(value: str) -> str:
    """Record text as Markdown that shows it as written: one line, math as Unicode, every
    character that Markdown reads as syntax escaped."""
    return SPECIAL.sub(r"\\\1", " ".join(plain_text(str(value)).split()))


def paragraph(value: str) -> str:
    """text() for a paragraph of its own: a start that Markdown would read as a block escaped."""
    return BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(1)
                           else "\\" + m.group(3), text(value))


def destination(url: str) -> str:
    return quote(url, safe=URL_SAFE)


def public_site(site_url: str) -> str:
    """The site's address for links, or "" for a preview address (localhost) no reader can open."""
    host = urlsplit(site_url).hostname if site_url else None
    return "" if not host or host in LOOPBACK else site_url.rstrip("/") + "/"


def page_url(site_url: str, paper_id: str) -> str:
    return f"{site_url}papers/{quote(paper_id)}/" if site_url else ""


def paper_line(paper, site_url: str) -> str:
    """One list item: the title (linked to its page on the site, or else its first link), the
    authors, year and venue, then a text badge per link."""
    links = paper_links(paper)
    home = page_url(site_url, paper.id) or (links[0][1] if links else "")
    title = f"[{text(paper.title)}]({destination(home)})" if home else text(paper.title)
    names = [a.name for a in paper.authors]
    line = f"- **{title}**" + "".join(f", {text(n)}" for n in names[:3])
    line += " et al." if len(names) > 3 else ""
    when = ", ".join(text(v) for v in (paper.year, paper.venue) if v)
    line += f" ({when})" if when else ""
    badges = [f"[{text(label)}]({destination(url)})" for label, url in links]
    return " · ".join([line] + badges)


def _newest_first(papers) -> list:
    """By date, newest first (a record without one by the year of its arXiv id), then by title."""
    by_title = sorted(papers, key=lambda p: (folded_title(p.title), p.title, p.id))
    return sorted(by_title, key=lambda p: date_sort_key(p.date) or p.year or "", reverse=True)


def _section(topic: Topic, depth: int, listing: Listing, children: dict) -> list[str]:
    level = "#" * min(HEADING_LEVELS, 2 + depth)
    lines = [f"{level} {text(topic.title)}", ""]
    if topic.description:
        lines += [paragraph(topic.description), ""]
    papers = [p for p in listing.papers if topic.id in p.topics]
    lines += [paper_line(p, listing.site_url) for p in _newest_first(papers)]
    if papers:
        lines.append("")
    for child in children.get(topic.id, ()):
        lines += _section(child, depth + 1, listing, children)
    return lines


def readme_block(listing: Listing, topic_id: str | None = None) -> str:
    """The Markdown between the markers (the markers included), ending in a line break."""
    children: dict[str | None, list[Topic]] = {}
    for topic in listing.topics:
        children.setdefault(topic.parent, []).append(topic)
    known = {t.id: t for t in listing.topics}
    tops = [known[topic_id]] if topic_id else children.get(None, [])
    shown = _under(tops, children)
    papers = [p for p in listing.papers if shown & set(p.topics)]
    count = f"{len(papers)} paper" + ("" if len(papers) == 1 else "s")
    head = f"{count}; [browse them on the site]({destination(listing.site_url)})" if (
        listing.site_url) else count
    lines = [START, "<!-- Written from the records by `papersite export readme`: edit the records "
             "and export again; changes made here are replaced. -->", "", head, ""]
    for top in tops:
        lines += _section(top, 0, listing, children)
    if not topic_id:
        lines += _untopiced(listing)
    return "\n".join(lines + [END]) + "\n"


def _under(tops: list[Topic], children: dict) -> set[str]:
    found, todo = set(), list(tops)
    while todo:
        topic = todo.pop()
        if topic.id not in found:
            found.add(topic.id)
            todo += children.get(topic.id, [])
    return found


def _untopiced(listing: Listing) -> list[str]:
    known = {t.id for t in listing.topics}
    rest = [p for p in listing.papers if not known & set(p.topics)]
    if not rest:
        return []
    return ["## Other papers", ""] + [paper_line(p, listing.site_url)
                                      for p in _newest_first(rest)] + [""]


def check_topic(listing: Listing, topic_id: str) -> None:
    if topic_id not in {t.id for t in listing.topics}:
        known = ", ".join(t.id for t in listing.topics[:10])
        raise DataError([Problem("--topic", 0, 0, "topic",
                                 f"no topic {topic_id!r} in topics.yml (topics: {known})")])


def updated(existing: str, block: str, where: str) -> str:
    """existing with the lines from START to END replaced by block; every other byte kept. The
    markers must stand on lines of their own, once each, START first."""
    lines = re.findall(r"[^\n]*\n|[^\n]+$", existing)
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise DataError([Problem(where, min(starts + ends, default=0) + 1, 0, "",
                                 f"expected one line {START} and, after it, one line {END} "
                                 f"(found {len(starts)} and {len(ends)})")])
    newline = "\r\n" if lines[starts[0]].endswith("\r\n") else "\n"
    inner = block.replace("\n", newline)
    tail = lines[ends[0]]
    if not tail.endswith(("\n", "\r")):  # the end marker closed the file: so does the new one
        inner = inner[: -len(newline)]
    return "".join(lines[: starts[0]]) + inner + "".join(lines[ends[0] + 1:])


def read_text(path) -> str:
    """A README's text, exactly (a byte-order mark kept): only strict UTF-8 is read."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DataError([Problem(str(path), line, 0, "", "expected UTF-8 text")]) from None
