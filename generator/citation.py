"""A paper as data for other tools: the record as plain JSON values, a CSL-JSON item, RIS, a
reference formatted by a CSL processor, and the citation tags of its page's <head>.

Everything here works from `paper_data` (plain values), so the build cache can keep it per
paper and feeds and downloads of the whole collection never read the records again.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import rispy

from . import names
from .latex import plain_text
from .model import Author
from .names import csl_name, name_parts, sorted_form
from .publication import cited_year, publication

STYLES = {"apa": Path(__file__).parent / "styles" / "apa.csl",
          "acm": Path(__file__).parent / "styles" / "acm-sig-proceedings.csl"}
DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
             "conference": "paper-conference", "book": "book", "incollection": "chapter",
             "inbook": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
             "techreport": "report", "proceedings": "book", "manual": "report",
             "unpublished": "manuscript", "online": "webpage", "thesis": "thesis",
             "report": "report", "patent": "patent", "collection": "book",
             "periodical": "periodical", "misc": "article"}


def _published(data: dict) -> tuple[str, str | None, str | None]:
    """(BibTeX entry type, field, text) of where the paper appeared, as its BibTeX says it."""
    return publication(data.get("type"), data.get("bib", {}), data.get("venue"))


CONTAINER_TYPES = {"journal": "article-journal", "booktitle": "paper-conference"}


def _csl_type(entry_type: str, place: str | None) -> str:
    return CSL_TYPES.get(entry_type) or CONTAINER_TYPES.get(place or "", "article")


def _dated(data: dict, parts_of: Callable) -> tuple[list[int] | None, str | None]:
    """(the date's parts, the year cited): the parts only when the date is in that year, as a
    preprint's date is not when the venue names a later one."""
    year = cited_year(data.get("venue"), data.get("date"), data.get("arxiv"))
    parts = parts_of(data.get("date"))
    return (parts if parts and str(parts[0]) == year else None), year


AUTHOR_FIELDS = dataclasses.fields(Author)


def paper_data(paper) -> dict:
    """Every field the record has, as JSON values, plus the page it gets (`path`, under docs/)."""
    data: dict = {}
    for item in dataclasses.fields(paper):
        value = getattr(paper, item.name)
        if item.name == "origin" or value is None or value == ():
            continue
        if item.name == "authors":
            # field by field: `dataclasses.asdict` deep-copies
            # each string, a tenth of reading a record
            value = [{f.name: getattr(a, f.name) for f in AUTHOR_FIELDS
                      if getattr(a, f.name) is not None}
                     for a in value]
        elif item.name in ("links", "bib", "citations"):
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        data[item.name] = value
    if paper.year:
        data["year"] = paper.year
    data["path"] = f"papers/{paper.id}.md"
    return data


def split_name(name: str) -> dict[str, str]:
    """CSL name parts of a plain name (see `names.split_name`)."""
    return csl_name(names.split_name(name))


def date_parts(text: str | None) -> list[int] | None:
    match = DATE.match(text or "")
    if not match:
        return None
    return [int(g) for g in match.groups() if g is not None and int(g) > 0]


def calendar_parts(text: str | None) -> list[int] | None:
    """Year, month and day as a calendar has them: a
    season (months 21 to 24) keeps only its year."""
    parts = date_parts(text)
    return parts[:1] if parts and len(parts) > 1 and parts[1] > 12 else parts


# each feed sorts its papers by date: many papers, few distinct dates
@functools.lru_cache(maxsize=2**16)
def moment(text: str | None) -> datetime | None:
    """A date of the record as a time for a feed: its first day, at midnight UTC."""
    parts = calendar_parts(text)
    if not parts:
        return None
    year, month, day = (parts + [1, 1])[:3]
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return datetime(year, 1, 1, tzinfo=UTC)


# (field of `bib`, its CSL variable); a report's institution and a thesis's school are its
# publisher, as Zotero has them
CSL_BIB_FIELDS = (("volume", "volume"), ("number", "issue"), ("pages", "page"),
                  ("publisher", "publisher"), ("institution", "publisher"),
                  ("school", "publisher"), ("note", "note"), ("series", "collection-title"),
                  ("pagetotal", "number-of-pages"), ("address", "publisher-place"),
                  ("edition", "edition"), ("isbn", "ISBN"), ("issn", "ISSN"))


def _issued(data: dict) -> dict | None:
    """CSL's `issued`: the date (both ends of a range) when it is in the year cited, else that
    year alone."""
    parts, year = _dated(data, date_parts)
    if not (parts or year):
        return None
    dates = [parts or [int(year)]]
    end = (data.get("date") or "").partition("/")[2]
    if parts and date_parts(end):
        dates.append(date_parts(end))
    return {"date-parts": dates}


def csl_item(data: dict, url: str) -> dict:
    """A CSL-JSON item (the format Zotero, Pandoc and citeproc read)."""
    entry_type, place, where = _published(data)
    item: dict = {"id": data["id"], "type": _csl_type(entry_type, place), "title": data["title"]}
    if data.get("citekey"):
        item["citation-key"] = data["citekey"]  # as Better BibTeX writes it
    if entry_type == "mastersthesis":
        item["genre"] = "Master's thesis"
    if data.get("authors"):
        item["author"] = [csl_name(name_parts(a)) for a in data["authors"]]
    issued = _issued(data)
    if issued:
        item["issued"] = issued
    if place in CONTAINER_TYPES:
        item["container-title"] = where
    bib = data.get("bib", {})
    for field, csl in CSL_BIB_FIELDS:
        if field == "number" and item["type"] == "report":
            csl = "number"  # a report's number; a journal's issue
        if bib.get(field) and csl not in item:
            item[csl] = bib[field].replace("--", "–") if field == "pages" else bib[field]
    if bib.get("editor"):
        item["editor"] = [split_name(name) for name in bib["editor"].split(" and ")]
    if data.get("tags"):
        item["keyword"] = ", ".join(data["tags"])
    if data.get("abstract"):
        item["abstract"] = data["abstract"]
    if data.get("doi"):
        item["DOI"] = data["doi"]
    if where and place not in CONTAINER_TYPES:
        item.setdefault("publisher", where)  # as `howpublished`: "Title. PhD thesis, KU Leuven."
    if data.get("arxiv") and not where:
        item["number"] = f"arXiv:{data['arxiv']}"
        item.setdefault("publisher", "arXiv")
    elif data.get("arxiv"):  # a line of the note, as Zotero keeps an id in Extra
        item["note"] = "\n".join(filter(None, [item.get("note"), f"arXiv: {data['arxiv']}"]))
    item["URL"] = url
    return item


RIS_TYPES = {"journal": "JOUR", "booktitle": "CPAPER"}
# RIS types by entry type, as Zotero's RIS export writes them; others go by where it appeared
RIS_ENTRY_TYPES = {"book": "BOOK", "incollection": "CHAP", "inbook": "CHAP",
                   "phdthesis": "THES", "mastersthesis": "THES", "thesis": "THES",
                   "techreport": "RPRT", "report": "RPRT"}
# (field of `bib`, rispy's name of its tag): VL, IS, PB, CY, ET, T3
RIS_BIB_FIELDS = (("volume", "volume"), ("number", "number"), ("publisher", "publisher"),
                  ("institution", "publisher"), ("school", "publisher"),
                  ("address", "place_published"), ("edition", "edition"),
                  ("series", "tertiary_title"))
CONTAINER_TAGS = {"journal": "citation_journal_title", "booktitle": "citation_conference_title"}
BIB_TAGS = (("volume", "citation_volume"), ("number", "citation_issue"),
            ("publisher", "citation_publisher"), ("isbn", "citation_isbn"),
            ("issn", "citation_issn"), ("school", "citation_dissertation_institution"),
            ("institution", "citation_technical_report_institution"))


def ris_text(data: dict, url: str) -> str:
    entry_type, place, container = _published(data)
    kind = RIS_ENTRY_TYPES.get(entry_type) or RIS_TYPES.get(place or "", "GEN")
    entry: dict = {"type_of_reference": kind, "title": plain_text(data["title"])}
    if data.get("authors"):
        entry["authors"] = [sorted_form(name_parts(a)) for a in data["authors"]]
    parts, year = _dated(data, calendar_parts)
    if parts:
        # RIS dates are YYYY/MM/DD/other, empty parts kept: 2023///, 2014/09//, 2024/03/13/
        entry["date"] = _slashed(parts) + "/" * (4 - len(parts))
        entry["year"] = str(parts[0])
    elif year:
        entry["year"] = year
    if container:
        entry["secondary_title"] = container
    entry |= _ris_bib(data.get("bib", {}), kind)
    if data.get("doi"):
        entry["doi"] = data["doi"]
    # no abstract: the page shows it once already, and a reference manager has the link
    entry["urls"] = [url]
    return rispy.dumps([entry], implementation=_RisWriter, skip_unknown_tags=True).strip() + "\n"


def _ris_bib(bib: dict, kind: str) -> dict:
    """The `bib` fields RIS has tags for: SP and EP of pages, but SP of a book or thesis is its
    number of pages; SN is the ISBN or ISSN (rispy's `issn` names the tag)."""
    entry = {}
    for field, name in RIS_BIB_FIELDS:
        if bib.get(field):
            entry.setdefault(name, bib[field])
    pages = re.split(r"\s*[-–]+\s*", bib.get("pages", ""), maxsplit=1)
    if kind in ("BOOK", "THES"):
        pages = [bib.get("pagetotal", "")]
    if pages[0]:
        entry["start_page"] = pages[0]
    if len(pages) > 1 and pages[1]:
        entry["end_page"] = pages[1]
    if bib.get("isbn") or bib.get("issn"):
        entry["issn"] = bib.get("isbn") or bib["issn"]
    return entry


def _slashed(parts: list[int]) -> str:
    """Date parts as 2014/09/05: the year as it is, month and day in two digits."""
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # no "1." line before the entry: a copied reference starts at TY


@functools.cache
def _style(name: str):
    from citeproc import CitationStylesStyle

    style = CitationStylesStyle(str(STYLES[name]), validate=False)
    locales = getattr(style.root, "locales", None) or ()
    for locale in locales:
        _keep_terms(locale)
    style.kept_elements = _keep_queries([style.root, *locales])
    return style


def _keep_queries(roots) -> list:
    """citeproc finds most of what it needs by an XPath query from an element of the style: each
    macro from the root (half of formatting an APA reference), and from the element at hand its
    layout, its enclosing bibliography, its date parts, its et-al. The trees never change, so each
    element keeps the answer to each of its queries.

    Returns the elements: lxml makes a new Python object for an element that nothing holds, which
    would not have the kept answers, so the caller holds them as long as the style."""
    from citeproc.model import CitationStylesElement

    elements = [e for root in roots for e in root.iter() if isinstance(e, CitationStylesElement)]
    for element in elements:
        element.xpath_search = _kept(element.xpath_search)
    return elements


def _kept(search):
    known: dict[str, list] = {}

    def xpath_search(expression):
        if expression not in known:
            known[expression] = search(expression)
        return list(known[expression])

    return xpath_search


def _keep_terms(locale) -> None:
    """citeproc finds a term ("et al.", "accessed", month names) by an XPath query over its locale's
    XML each time it is used: about a third of formatting a reference, which is most of rendering a
    paper page. The locale never changes, so each answer (the term's element, or that there is none)
    is kept for the next query. citeproc keeps its own state on these elements the same way (the
    style's `locales`, each locale's `style`)."""
    find = locale.get_term
    known: dict[tuple, object] = {}

    def get_term(name, form=None, zero_padded=False):
        key = (name, form, zero_padded)
        if key not in known:
            try:
                known[key] = find(name, form, zero_padded=zero_padded)
            except IndexError:
                known[key] = None
        if known[key] is None:
            raise IndexError(f"no term {name!r} in this locale")  # as citeproc's own lookup says so
        return known[key]

    locale.get_term = get_term


def formatted_reference(data: dict, url: str, style: str = "acm") -> str:
    """The reference in a CSL style shipped with the package ("acm" or "apa"), as plain text."""
    return reference_in(_style(style), data, url)


def reference_in(style, data: dict, url: str) -> str:
    """The reference in a loaded citeproc style, as plain text."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    # math and inline tags as readable text
    item = {**csl_item(data, url), "title": _whole_title(data)}
    item.pop("citation-key", None)  # citeproc-py warns of variables it does not know
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(data["id"])]))
    text = " ".join(str(bibliography.bibliography()[0]).split())
    # a numeric style numbers its one entry: a reference to copy has no number
    return re.sub(r"^\[1\]\s*", "", text)


def _whole_title(data: dict) -> str:
    """The title as a reference shows it: after the multi-volume work's (biblatex `maintitle`),
    which CSL styles (as citeproc-py formats them) would leave out."""
    main = data.get("bib", {}).get("maintitle")
    title = plain_text(data["title"])
    return f"{plain_text(main)}. {title}" if main else title


def _scholar_name(author: dict) -> str:
    """As Google Scholar reads an author: "Family, Given" when the record gives a name's parts
    with a particle or suffix, which would make "Given Family" ambiguous; else as shown."""
    if author.get("family") and (author.get("particle") or author.get("suffix")):
        return sorted_form(name_parts(author))
    return author["name"]


def head_tags(data: dict, url: str, address: Callable[[str], str] = str) -> list[list[str]]:
    """[attribute, name, content] of the <meta> tags that Google Scholar, Zotero's connector and
    link previews read (Highwire Press, Open Graph, Twitter cards); address: where a file under
    docs/ (a local PDF) is found from the page."""
    title = plain_text(data["title"])
    tags = [["name", "citation_title", title]]
    tags += [["name", "citation_author", _scholar_name(a)] for a in data.get("authors", [])]
    parts, year = _dated(data, calendar_parts)
    if parts:
        tags.append(["name", "citation_publication_date", _slashed(parts)])
    elif year:
        tags.append(["name", "citation_publication_date", year])
    _, place, container = _published(data)
    if place in CONTAINER_TAGS:
        tags.append(["name", CONTAINER_TAGS[place], container])
    bib = data.get("bib", {})
    for field, name in BIB_TAGS:
        if bib.get(field):
            tags.append(["name", name, bib[field]])
    pages = re.split(r"\s*[-–]+\s*", bib.get("pages", ""), maxsplit=1)
    if pages[0]:
        tags.append(["name", "citation_firstpage", pages[0]])
        if len(pages) > 1 and pages[1]:
            tags.append(["name", "citation_lastpage", pages[1]])
    pdf = dict(data.get("links", {})).get("pdf")
    if not pdf and data.get("arxiv"):
        pdf = f"https://arxiv.org/pdf/{data['arxiv']}"
    if pdf:
        tags.append(["name", "citation_pdf_url", pdf if "://" in pdf else address(pdf)])
    if data.get("doi"):
        tags.append(["name", "citation_doi", data["doi"]])
    if data.get("arxiv"):
        tags.append(["name", "citation_arxiv_id", data["arxiv"]])
    description = " ".join((data.get("abstract") or "").split())[:300]
    tags += [["property", "og:type", "article"], ["property", "og:title", title],
             ["property", "og:url", url]]
    tags += [["name", "twitter:card", "summary"], ["name", "twitter:title", title]]
    if description:
        tags += [["property", "og:description", description],
                 ["name", "twitter:description", description]]
    return tags

