"""The pages of people and authors: the authors facet told apart by declared people and ORCID
iDs, a page and a feed per person, the members page, and where each author's name leads.

Every name in an author list leads somewhere: to its person's page, to its author page, or
(an author with too few papers for a page) to the search page filtered to that name."""

from __future__ import annotations

from dataclasses import replace

from .entries import SHOWN_AUTHORS
from .facets import Facet, FacetTerms, group_terms
from .people import MEMBERS_PAGE, ORCID, PERSON, People, Person

NO_ROLE = "Members"


def author_facet(facet: Facet, people: People) -> Facet:
    """The authors facet with each author's key told by people (see `People.author_key`)."""
    return replace(facet, terms_of=lambda p: [(a.name, people.author_key(a.name, a.orcid))
                                              for a in p.authors],
                   key=lambda term: term[1], spelled=lambda term: term[0])


def author_terms(facet: Facet, papers: list, least: int) -> FacetTerms:
    """Author pages: from `least` papers, or from one for an author known by an ORCID iD (two
    people with one name are told apart only there); a declared person has a page of their own
    instead."""
    def wanted(key: str, count: int) -> bool:
        return not key.startswith(PERSON) and (count >= least or key.startswith(ORCID))

    return group_terms(facet, papers, wanted=wanted)


class Targets:
    """Where each author of a paper leads: a person's page ("@" and their id), an author page
    (its slug), or None (the search page, filtered to the name). Short: listing pages carry
    their entries' in their plan entries, about a tenth of the plan at 10,000 papers."""

    def __init__(self, people: People, authors: FacetTerms):
        self.people = people
        self.key = authors.facet.key
        self.terms_of = authors.facet.terms_of
        self.slugs = authors.slugs
        self.known: dict[str, list[str | None]] = {}

    def of(self, paper) -> list[str | None]:
        if paper.id not in self.known:
            self.known[paper.id] = [self._target(term) for term in self.terms_of(paper)]
        return self.known[paper.id]

    def _target(self, term) -> str | None:
        key = self.key(term)
        if key.startswith(PERSON):
            return "@" + key[len(PERSON):]
        return self.slugs.get(key)

    def byline(self, paper) -> list:
        """What a listing entry's byline needs beyond the entry: the targets of its shown authors,
        then (when there are any) the declared people among the others as [name, target]."""
        targets = self.of(paper)
        later = [[paper.authors[i].name, t] for i, t in enumerate(targets)
                 if i >= SHOWN_AUTHORS and t and t.startswith("@")]
        return targets[:SHOWN_AUTHORS] + ([later] if later else [])


def with_bylines(pages: list, papers, targets: Targets) -> list:
    """Listing pages with their entries' bylines in their context (part of their inputs: an
    author's page comes and goes with other papers)."""
    by_id = {p.id: p for p in papers}
    known: dict[str, list] = {}

    def byline(paper_id: str) -> list:
        if paper_id not in known:
            known[paper_id] = targets.byline(by_id[paper_id])
        return known[paper_id]

    return [replace(page, context={**page.context,
                                   "bylines": [byline(i) for i in page.paper_ids]})
            if page.shows == "entry" and page.paper_ids else page for page in pages]


def person_papers(people: People, papers: list) -> dict[str, list]:
    """Person id -> their papers, in the order given (newest first)."""
    found: dict[str, list] = {p.id: [] for p in people.people}
    for paper in papers:
        ids = {person.id for a in paper.authors
               if (person := people.person_of(a.name, a.orcid)) is not None}
        for person_id in sorted(ids):
            found[person_id].append(paper)
    return found


def by_year(papers: list) -> list:
    """Newest year first (papers with no year last), newest first within a year."""
    return sorted(papers, key=lambda p: p.year or "", reverse=True)


def year_groups(papers: list) -> list[list]:
    """[[year, [paper ids]]] of consecutive papers of one year ("" for none)."""
    groups: list[list] = []
    for paper in papers:
        year = paper.year or ""
        if not groups or groups[-1][0] != year:
            groups.append([year, []])
        groups[-1][1].append(paper.id)
    return groups


def person_pages(person: Person, papers: list, per_page: int, feed: str | None) -> list:
    from .plan import paginate_newest

    ordered = by_year(papers)
    context = {"person": person.card(), "feed": feed}
    pages = paginate_newest(person.page, "person.md.j2", "person", tuple(p.id for p in ordered),
                            per_page, context, {"count": len(ordered)})
    by_id = {p.id: p for p in ordered}
    return [replace(page, context={**page.context,
                                   "years": year_groups([by_id[i] for i in page.paper_ids])})
            for page in pages]


def members_page(people: People, papers: dict[str, list]):
    """The members page: everyone, grouped by role in the order roles are first declared."""
    from .plan import Page

    groups: dict[str, list] = {}
    for person in people.people:
        card = {**person.card(), "count": len(papers[person.id])}
        groups.setdefault(person.role or NO_ROLE, []).append(card)
    context = {"groups": [[role, cards] for role, cards in groups.items()],
               "count": len(people.people)}
    return Page(MEMBERS_PAGE, "people.md.j2", "members", context)


def people_feed_path(person_id: str) -> str:
    return f"feeds/people/{person_id}.xml"
