"""What a listing page shows of one paper: a compact entry, the same on every listing.

Entries are small and bounded whatever the record holds (authors shortened, the abstract cut
to a snippet), so no listing page grows with the size of its records.
"""

from __future__ import annotations

import re
from urllib.parse import quote

SHOWN_AUTHORS = 3
# a listing entry stays small whatever the record holds; the paper page has every link
SHOWN_BADGES = 5
SNIPPET_HEAD = 160  # shown collapsed: about two lines
SNIPPET_TOTAL = 400  # shown when expanded; the paper page has the rest
LINK_LABELS = {"pdf": "PDF", "code": "Code", "project": "Project", "video": "Video",
               "slides": "Slides", "data": "Data"}


def cut_at_word(text: str, limit: int) -> tuple[str, str]:
    """(head, rest): head is at most limit characters and ends at a word boundary when it can."""
    if len(text) <= limit:
        return text, ""
    space = text.rfind(" ", limit // 2, limit + 1)
    end = space if space > 0 else limit
    return text[:end], text[end:].lstrip()


def snippet(abstract: str | None) -> tuple[str, str, bool]:
    """(head, tail, cut): the first two lines, what expanding adds, and whether more remains."""
    text = " ".join((abstract or "").split())
    shown, rest = cut_at_word(text, SNIPPET_TOTAL)
    head, tail = cut_at_word(shown, SNIPPET_HEAD)
    return head, tail, bool(rest)


def paper_links(paper) -> list[tuple[str, str]]:
    """Button label and URL for each way to reach the paper, in a fixed order."""
    found = []
    if paper.arxiv:
        found.append(("arXiv", f"https://arxiv.org/abs/{paper.arxiv}"))
    links = dict(paper.links)
    if "pdf" not in links and paper.arxiv:
        found.append(("PDF", f"https://arxiv.org/pdf/{paper.arxiv}"))
    for name in ("pdf", "code", "project"):
        if name in links:
            found.append((LINK_LABELS[name], links[name]))
    if paper.doi:
        found.append(("DOI", "https://doi.org/" + quote(paper.doi, safe="/:;()[]._-~!$&'*+,=@")))
    found += [(_label(name), url) for name, url in paper.links
              if name not in ("pdf", "code", "project")]
    return found


def _label(name: str) -> str:
    match = re.fullmatch(r"(.*?)-([0-9]+)", name)
    base, number = (match.group(1), f" {match.group(2)}") if match else (name, "")
    return LINK_LABELS.get(base, base) + number


def entry_data(paper) -> dict:
    """Everything a listing shows of a paper, as plain JSON-able values."""
    head, tail, cut = snippet(paper.abstract)
    names = [a.name for a in paper.authors]
    return {
        "id": paper.id, "title": paper.title, "authors": names[:SHOWN_AUTHORS],
        "more_authors": max(0, len(names) - SHOWN_AUTHORS),
        "year": paper.year, "venue": paper.venue,
        "venue_short": paper.venue_short, "added": paper.added,
        "topic": paper.topics[0] if paper.topics else None,
        "badges": [list(link) for link in paper_links(paper)[:SHOWN_BADGES]],
        "head": head, "tail": tail, "cut": cut,
        "image": paper.image, "image_alt": paper.image_alt, "local_pdf": paper.local_pdf,
        # only when the record has one, so that other entries (and their digests) stay as they were
        **({"cited": paper.cited} if paper.cited else {}),
    }
