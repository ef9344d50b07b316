"""Facets, declared once: how a paper's terms are found, what makes two spellings one term,
how a term becomes a page name, how its pages are sorted and paginated, and where it shows.

A new kind of listing is one declaration here plus (optionally) its own templates.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .order import strip_accents
from .slug import RESERVED_NAMES, slugify
from .venues import DERIVED

# Characters that show nothing: soft hyphen, zero-width space and joiners, word joiner,
# byte-order mark, and the bidirectional marks, embeddings, overrides and isolates.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
                                  + BIDI_CONTROLS))


def fold_spacing(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold_invisible(text: str) -> str:
    """text without the characters that show nothing: with them, a term would get a second
    page that looks exactly like the first."""
    return text if text.isascii() else text.translate(INVISIBLE)


def name_key(text: str) -> str:
    """Names that differ only in Unicode form, case, spacing or invisible characters are one."""
    return fold_spacing(fold_invisible(text)).casefold()


def tag_key(text: str) -> str:
    """Tags that differ only in case, accents, Unicode form, spacing, hyphens, underscores or
    invisible characters are one."""
    text = fold_invisible(text).replace("-", " ").replace("_", " ")
    return " ".join(strip_accents(text.casefold()).split())


@dataclass(frozen=True)
class Facet:
    name: str  # folder of its pages and name in settings
    title: str  # heading of its index page and nav label
    singular: str  # one term's kind, for page titles ("Tag: x") and reserved-name prefixes
    terms_of: Callable  # paper -> iterable of terms as written
    key: Callable[[str], str] = name_key  # spellings with the same key are one term
    term_order: str = "name"  # on the index page: "name", "count" (most papers first) or "newest"
    paper_order: str = "newest"  # on a term page: "newest" or "title"
    nav: bool = True  # its index page stays in the navigation (when it has terms)
    heading: str = "{singular}: {label}"  # of a term page
    # terms with fewer papers get no page (their papers' pages show them unlinked)
    min_papers: int = 1
    # an Atom feed of each term's newest papers (written only with an absolute site_url)
    feeds: bool = False
    index_template: str = "facet-index.md.j2"
    term_template: str = "facet-term.md.j2"
    spelled: Callable = str  # a term as terms_of gives it -> its spelling


    def term_heading(self, label: str) -> str:
        return self.heading.format(singular=self.singular, label=label)


@dataclass(frozen=True)
class Term:
    facet: str
    key: str
    label: str  # the most common spelling
    slug: str
    paper_ids: tuple[str, ...]  # in the facet's paper order


@dataclass
class FacetTerms:
    facet: Facet
    terms: list[Term] = field(default_factory=list)  # in the facet's term order

    @property
    def empty(self) -> bool:
        return not self.terms

    @cached_property
    def slugs(self) -> dict[str, str]:
        return {term.key: term.slug for term in self.terms}


def _authors(paper) -> Iterable[str]:
    return (a.name for a in paper.authors)


FACETS = (
    Facet("years", "By year", "Year", lambda p: (p.year,) if p.year else (), key=str,
          term_order="newest", heading="{label}"),
    Facet("tags", "Tags", "Tag", lambda p: p.tags, key=tag_key, term_order="count"),
    # Most authors of a large collection have one paper there, and that paper's page already
    # names them: a page per author starts at two papers (setting `author_pages_from`).
    Facet("authors", "Authors", "Author", _authors, min_papers=2),
    # A venue's series (ICLR for "3rd International Conference on Learning Representations,
    # ICLR 2015, ..."): its page lists the series' years. The plan uses the `venues` setting's
    # names (venues.py); this declaration derives them alone.
    Facet("venues", "Venues", "Venue", DERIVED.terms, term_order="count",
          term_template="venue.md.j2"),
)
FACET_NAMES = tuple(f.name for f in FACETS)


def most_common_spelling(spellings: Counter) -> str:
    """The spelling used most; ties go to the first in code-point order (never to file order)."""
    return min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]


def group_terms(facet: Facet, papers: Iterable, min_papers: int | None = None,
                wanted: Callable[[str, int], bool] | None = None) -> FacetTerms:
    """Every term of the facet with its papers (kept in the order given: pass them in the
    facet's paper order); one page name per term, never two terms on one. wanted(key, papers):
    which terms get a page, instead of the least number of papers."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    members: dict[str, list] = defaultdict(list)
    known: dict[str, tuple[str, str]] = {}  # term as written -> (key, spelling): most terms repeat
    for paper in papers:
        seen = set()
        for term in facet.terms_of(paper):
            if term not in known:
                known[term] = (facet.key(term), fold_spacing(facet.spelled(term)))
            key, spelling = known[term]
            spellings[key][spelling] += 1
            if key not in seen:
                seen.add(key)
                members[key].append(paper)
    least = facet.min_papers if min_papers is None else min_papers
    wanted = wanted or (lambda key, count: count >= least)
    labels = {key: most_common_spelling(counts) for key, counts in spellings.items()
              if wanted(key, len(members[key]))}
    slugs = term_slugs(labels, facet.singular.lower())
    terms = [Term(facet.name, key, labels[key], slugs[key], tuple(p.id for p in members[key]))
             for key in labels]
    return FacetTerms(facet, sort_terms(facet, terms))


def sort_terms(facet: Facet, terms: list[Term]) -> list[Term]:
    by_name = sorted(terms, key=lambda t: (t.label.casefold(), t.label, t.key))
    if facet.term_order == "count":
        return sorted(by_name, key=lambda t: -len(t.paper_ids))
    if facet.term_order == "newest":
        return sorted(by_name, key=lambda t: t.label, reverse=True)
    return by_name


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def term_slugs(labels: dict[str, str], prefix: str) -> dict[str, str]:
    """Page names: readable, stable, one per term.

    A term keeps the plain slug of its label unless another term wants the same one; then
    the term whose key is exactly that slug's words keeps it and the others get a short hash
    of their key (`C` -> c, `C++` -> c-1a2b3c4d). The result depends on the set of terms,
    never on the order they were read in.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    for key, label in labels.items():
        base = slugify(label)
        if not base or base in RESERVED_NAMES:
            base = f"{prefix}-{base or _short_hash(key)}"
        wanted[base].append(key)
    slugs = {}
    for base, keys in wanted.items():
        plain = base.replace("-", " ")
        for key in keys:
            slugs[key] = base if len(keys) == 1 or key == plain else f"{base}-{_short_hash(key)}"
    return slugs
