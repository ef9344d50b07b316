"""BibTeX entries for papers, from the record's own fields only."""

from __future__ import annotations

import re

from anyascii import anyascii

from .bibtex_text import bibtex_name, bibtex_text
from .latex import plain_text
from .model import Author, Paper
from .names import editor_parts, family_word, name_parts
from .publication import cited_year, publication
from .slug import STOP_WORDS

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


def _verbatim(text: str) -> str:
    """URLs and identifiers are verbatim in BibTeX: only braces need care."""
    return text.replace("{", "%7B").replace("}", "%7D")


# `bib` fields written after volume, number and pages, in this order, as they are kept
DETAILS = ("pagetotal", "publisher", "address", "institution", "school", "edition", "isbn", "issn")
# Record links written as al-folio's link fields, which the BibTeX import reads back.
LINK_FIELDS = ("pdf", "code", "html", "slides", "video", "poster", "website", "blog", "supp",
               "project", "data")


def bibtex_entry(paper: Paper, abstract: bool = False) -> str:
    """The record's `bibtex` override, or an entry built from what the record says: where it was
    published (`publication`), with the arXiv preprint as its eprint; abstract: with the
    abstract (paragraphs kept)."""
    if paper.bibtex:
        return paper.bibtex.strip() + "\n"
    fields = [("author", " and ".join(bibtex_name(vars(a)) for a in paper.authors)),
              ("title", bibtex_text(paper.title, protect_case=True))]
    entry_type, container, where = publication(paper.type, dict(paper.bib), paper.venue)
    places = {"journal": paper.bib_field("journal"), "booktitle": paper.bib_field("booktitle")}
    if container:
        places[container] = places.get(container) or where
    fields += [(name, bibtex_text(text or "")) for name, text in places.items()]
    fields += [(name, bibtex_text(paper.bib_field(name) or ""))
               for name in ("maintitle", "series", "volume", "number", "pages", *DETAILS)]
    editors = paper.bib_field("editor")
    fields.append(("editor", " and ".join(bibtex_name(n) for n in editor_parts(editors or ""))))
    year = cited_year(paper.venue, paper.date, paper.arxiv)
    fields += [("year", year or ""), ("month", _month(paper, year)), ("date", _date(paper, year))]
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archiveprefix", "arXiv")]
    fields.append(("doi", _verbatim(paper.doi or "")))
    url = paper.link("pdf") or paper.link("project")
    fields.append(("url", _verbatim(url) if url and "://" in url else ""))
    fields += _link_fields(paper, url)
    fields.append(("note", bibtex_text(paper.bib_field("note") or "")))
    fields.append(("keywords", ", ".join(bibtex_text(tag) for tag in paper.tags)))
    if abstract and paper.abstract:
        fields.append(("abstract", _paragraphs(paper.abstract)))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@{entry_type}{{{paper.citekey or citation_key(paper)},\n{body}}}\n"


def paper_of_data(data: dict) -> Paper:
    """The Paper whose `paper_data` data is (as the build cache keeps it)."""
    names = {f for f in Paper.__dataclass_fields__ if f != "origin"}
    values = {name: value for name, value in data.items() if name in names}
    values["authors"] = tuple(Author(**a) for a in data.get("authors", ()))
    for name in ("topics", "tags"):
        values[name] = tuple(data.get(name, ()))
    for name in ("bib", "links"):
        values[name] = tuple(data.get(name, {}).items())
    return Paper(**values)


def _month(paper: Paper, year: str | None) -> str:
    """The month's English name in braces, not a macro such as `mar`: no @string to define.
    The date's month only when the date is in the year cited (not a preprint's earlier one)."""
    number = paper.bib_field("month") or ""
    start = (paper.date or "").split("/")[0]
    if not number and len(start) >= 7 and start[:4] == year:
        number = start[5:7]
    return MONTH_NAMES[int(number) - 1] if number.isdigit() and 1 <= int(number) <= 12 else ""


def _link_fields(paper: Paper, url: str | None) -> list[tuple[str, str]]:
    """Links as al-folio's fields, but not the `url` when an import names it right from the URL
    alone (a link ending in .pdf is the pdf, another the project)."""
    guess = "pdf" if (url or "").lower().endswith(".pdf") else "project"
    return [(name, _verbatim(link)) for name, link in paper.links
            if name in LINK_FIELDS and "://" in link and not (link == url and name == guess)]


def _date(paper: Paper, year: str | None) -> str:
    """biblatex's `date` (which BibTeX ignores) when the record's date says more than the year:
    a day, a month, a season or a range; only when it is in the year cited."""
    date = paper.date or ""
    return date if len(date) > 4 and date[:4] == year else ""


def _paragraphs(text: str) -> str:
    """Text whose paragraphs stay apart: a blank line in a field is a paragraph break to TeX."""
    paragraphs = (bibtex_text(p) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def citation_key(paper: Paper) -> str:
    """A stable key for a record without one: lastnameYEARword (vaswani2017attention)."""
    last = ""
    if paper.authors:
        family = family_word(name_parts(vars(paper.authors[0])))
        words = re.findall(r"[a-z]+", anyascii(family).lower())
        last = words[-1] if words else ""
    folded = anyascii(plain_text(paper.title)).lower()
    title_words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in STOP_WORDS]
    key = f"{last}{paper.year or ''}{title_words[0] if title_words else ''}"
    return key if re.match(r"[a-z]", key) else paper.id


ENTRY_KEY = re.compile(r"^(\s*@[A-Za-z]+\s*[{(]\s*)([^,\s]*)")


CHOSEN = "!"  # starts the listed entry of a record that chose its key; an entry starts with `@`


def listed_entry(paper: Paper) -> str:
    """The entry as listings (and the build cache) keep it: marked when the record set its own
    `citekey`, so that the .bib files can let a made-up key win over it (`distinct_keys`)."""
    entry = bibtex_entry(paper)
    return CHOSEN + entry if paper.citekey else entry


def unlisted(listed: str) -> tuple[str, bool]:
    """(entry, whether the record chose its key) of a `listed_entry`."""
    return (listed[len(CHOSEN):], True) if listed.startswith(CHOSEN) else (listed, False)


def distinct_keys(entries) -> list[str]:
    """Entries for one .bib file, from (entry, whether the record chose its key) pairs: a key used
    before gets a letter (smith2020deepb), so the file parses and each \\cite finds one entry.
    Chosen keys differ from each other (validation checks) but may be another paper's made-up
    key: the chosen one gets the letter wherever it stands, so no record takes another's \\cite."""
    entries = [(entry, chosen, ENTRY_KEY.match(entry)) for entry, chosen in entries]
    made_up = {match.group(2).lower() for _, chosen, match in entries if match and not chosen}
    seen: set[str] = set()
    out = []
    for entry, chosen, match in entries:
        if match is not None:
            key = match.group(2)
            low = key.lower()
            if low in seen or (chosen and low in made_up):
                key = _unused(key, seen, made_up if chosen else NONE)
                entry = entry[:match.start(2)] + key + entry[match.end(2):]
                low = key.lower()
            seen.add(low)
        out.append(entry)
    return out


NONE: frozenset[str] = frozenset()


def _unused(key: str, seen: set[str], reserved: frozenset[str] | set[str]) -> str:
    """key, or key with the first letter that makes it neither seen nor reserved (lowercase)."""
    n, found = 0, key
    while found.lower() in seen or found.lower() in reserved:
        n += 1
        found = key + _suffix(n)
    return found


def _suffix(n: int) -> str:
    letters = ""
    n += 1  # the first repeat is "b"
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(97 + r) + letters
    return letters
