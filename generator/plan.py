"""The page plan: every generated file as (path, template, context, paper ids), before rendering.

The writer, the incremental build (which pages depend on which records) and the tests all work
from the plan; nothing here renders or touches the disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby

from .charts import home_charts
from .facets import FACETS, Facet, FacetTerms, Term, group_terms
from .feeds import STYLESHEET, added_day, feed_date, newest_for_feed
from .order import OTHER_LETTER, initial, orders
from .people import People, Person
from .peopleplan import (
    Targets,
    author_facet,
    author_terms,
    members_page,
    people_feed_path,
    person_pages,
    person_papers,
    with_bylines,
)
from .venues import VenueNames

FULL, ENTRY = "full", "entry"  # what a page shows of each of its papers
HOME = "_generated/home.md"
BIBTEX = "downloads/papers.bib"
BIBTEX_ABSTRACTS = "downloads/papers-with-abstracts.bib"
PAPERS_JSON = "downloads/papers.json"
CSL_JSON = "downloads/papers.csl.json"
MAP_PAGE = "map/index.md"
MAP_DATA = "downloads/map.json"
MAIN_FEED = "feeds/all.xml"
GENERATED_DIRS = ("papers", "topics", *(f.name for f in FACETS), "_generated", "downloads", "feeds",
                  "map", "people")
LETTERS = (OTHER_LETTER, *"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class Page:
    path: str  # relative to docs/
    template: str
    kind: str
    context: dict  # small, JSON-serializable values: what the template needs beyond the papers
    paper_ids: tuple[str, ...] = ()  # the papers it shows, in order
    shows: str = ENTRY  # FULL: everything of each paper; ENTRY: its compact listing entry


def page_value(page: Page) -> dict:
    return {"path": page.path, "template": page.template, "kind": page.kind,
            "context": page.context, "ids": list(page.paper_ids), "shows": page.shows}


def page_from_value(value: dict) -> Page:
    return Page(value["path"], value["template"], value["kind"], value["context"],
                tuple(value["ids"]), value["shows"])


@dataclass(frozen=True)
class PlanSettings:
    per_page: int = 50  # papers on one listing page
    terms_per_page: int = 200  # terms on one page of a facet index
    cards_per_page: int = 60  # topic cards on one page of the topics index
    recent: int = 10  # recently added papers on the home page
    author_pages_from: int = 2  # papers an author needs for a page of their own
    feeds: bool = False  # only with an absolute site_url: a feed's links must be absolute
    related: int = 5  # related papers on a paper page; 0: none, and no map
    venues: tuple[tuple[str, str], ...] = ()  # venue (or pattern with `*`) -> short name
    bibtex_abstracts: bool = False  # also the BibTeX of every paper with its abstract


@dataclass
class SitePlan:
    pages: list[Page]
    facets: dict[str, FacetTerms]  # including "topics"
    top_level: tuple[str, ...] = ()  # ids of the topics without a parent
    left_out_of_feeds: int | None = None  # papers with no `added`, `date` or commit; None: no feeds

    def by_path(self) -> dict[str, Page]:
        return {page.path: page for page in self.pages}


def chunks(items: tuple, size: int) -> list[tuple]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [()]


def _pages_folder(first: str) -> str:
    return first[: -len("index.md")] if first.endswith("index.md") else first[: -len(".md")] + "/"


def numbered_path(first: str, number: int) -> str:
    """Page 1 at the listing's own path, page n at `<listing>/page/n`."""
    return first if number == 1 else f"{_pages_folder(first)}page/{number}.md"


def block_path(first: str, block: int) -> str:
    """Block 0 (the newest papers) at the listing's own path, block k at `<listing>/page/k`."""
    return first if block == 0 else f"{_pages_folder(first)}page/{block}.md"


def paginate(first: str, template: str, kind: str, ids: tuple, size: int, context: dict,
             shows: str = ENTRY) -> list[Page]:
    """Pages numbered from the start of the list: for lists whose new items land anywhere (A-Z,
    indexes of terms)."""
    parts = chunks(ids, size)
    return [
        Page(numbered_path(first, n), template, kind,
             {**context, "number": n, "pages": len(parts), "first": first}, part, shows)
        for n, part in enumerate(parts, 1)
    ]


def blocks(ids: tuple, size: int) -> list[tuple[int, tuple]]:
    """A newest-first list cut into (block, ids), newest first, counted from its OLDEST end: block
    k >= 1 holds the k-th oldest `size` ids, block 0 the newest full block and the rest (size to
    2 * size - 1 ids, or all of fewer than 2 * size). Papers newer than all others land in block
    0 alone, so every other block keeps its ids."""
    full = len(ids) // size
    if full < 2:
        return [(0, ids)]
    end = len(ids)
    older = [(k, ids[end - k * size : end - (k - 1) * size]) for k in range(full - 1, 0, -1)]
    return [(0, ids[: end - (full - 1) * size]), *older]


def paginate_newest(first: str, template: str, kind: str, ids: tuple, size: int, context: dict,
                    whole: dict) -> list[Page]:
    """A newest-first listing whose older pages keep their papers and bytes as newer papers are
    added (a stable link to each): context is on every page, whole (what depends on the whole
    listing: counts, a list of its pages) on the first page alone. Each page links its newer
    and older neighbours (block 0: the first page; None: none), the first page and the oldest."""
    parts = blocks(ids, size)
    newest_older = parts[1][0] if len(parts) > 1 else None
    pages = [Page(first, template, kind, {**context, **whole, "first": first, "block": 0,
                                          "newer": None, "older": newest_older}, parts[0][1])]
    for block, part in parts[1:]:
        links = {"newer": block + 1 if block + 1 < len(parts) else 0,
                 "older": block - 1 or None}
        pages.append(Page(block_path(first, block), template, kind,
                          {**context, "first": first, "block": block, **links}, part))
    return pages


def topic_terms(collection, newest: list) -> FacetTerms:
    """Topics as a facet: a parent topic lists its own papers and its sub-topics' papers."""
    facet = Facet("topics", "Topics", "Topic", lambda p: p.topics, key=str, nav=True, feeds=True,
                  index_template="topics-index.md.j2", term_template="topic.md.j2")
    members: dict[str, list] = {t.id: [] for t in collection.topics}
    parents = {t.id: t.parent for t in collection.topics}
    for paper in newest:
        ids = set(paper.topics) | {parents[t] for t in paper.topics if parents.get(t)}
        for topic_id in ids:
            members[topic_id].append(paper)
    terms = [Term("topics", t.id, t.title, t.id, tuple(p.id for p in members[t.id]))
             for t in collection.topics]
    return FacetTerms(facet, terms)


def plan_site(collection, settings: PlanSettings, since: dict[str, str] | None = None,
              people: tuple[Person, ...] = ()) -> SitePlan:
    """since: paper id -> the day its file entered the git history, for papers without `added`;
    people: the declared people."""
    since = since or {}
    known = People(people)
    by_title, newest, by_letter = orders(collection.papers)
    facets = {"topics": topic_terms(collection, newest)}
    venues = VenueNames(settings.venues)
    for facet in FACETS:
        ordered = by_title if facet.paper_order == "title" else newest
        if facet.name == "authors":
            facet_terms = author_terms(author_facet(facet, known), ordered,
                                       settings.author_pages_from)
        elif facet.name == "venues":  # series named by the settings too
            facet_terms = group_terms(replace(facet, terms_of=venues.terms), ordered)
        else:
            facet_terms = group_terms(facet, ordered)
        facets[facet.name] = facet_terms
    targets = Targets(known, facets["authors"])
    pages = [
        _home(collection, newest, facets, settings, since, people),
        *(Page(paper_path(p.id), "paper.md.j2", "paper",
               {"terms": _term_links(p, facets), "authors": targets.of(p),
                "added": added_day(p, since)}, (p.id,), FULL)
          for p in collection.papers),
        *_a_to_z(by_letter, settings),
        *_topics(collection, facets["topics"], settings),
    ]
    for facet in FACETS:
        pages += _facet_pages(facets[facet.name], settings)
    pages += _series_pages(facets["venues"], settings, venues, collection.papers)
    pages += _people(known, newest, settings, since)
    pages += _downloads(collection, facets, settings)
    left_out = None
    if settings.feeds:
        pages += _feeds(collection, facets, since)
        left_out = sum(1 for p in collection.papers if feed_date(p, since) is None)
    pages = with_bylines(pages, collection.papers, targets)
    top = tuple(t.id for t in collection.topics if t.parent is None)
    return SitePlan(pages, facets, top, left_out)


def _people(people: People, newest: list, settings: PlanSettings, since: dict[str, str]):
    """A page (and a feed) per declared person, and the members page."""
    if not people.people:
        return []
    papers = person_papers(people, newest)
    pages = [members_page(people, papers)]
    for person in people.people:
        feed = people_feed_path(person.id) if settings.feeds else None
        pages += person_pages(person, papers[person.id], settings.per_page, feed)
        if feed:
            context = {"page": person.page, "facet": "people", "term": person.id,
                       "label": person.name}
            pages.append(_feed(feed, context, papers[person.id], since))
    if settings.feeds and all(person.id != "sitemap" for person in people.people):
        pages.append(Page("feeds/people/sitemap.xml", "", "feed-sitemap", {}))
    return pages


def _downloads(collection, facets: dict[str, FacetTerms], settings: PlanSettings) -> list[Page]:
    every = tuple(p.id for p in collection.papers)
    pages = [Page(BIBTEX, "", "bibtex", {}, every, FULL),
             Page(PAPERS_JSON, "", "json", {}, every, FULL),
             Page(CSL_JSON, "", "csl-json", {}, every, FULL)]
    if settings.bibtex_abstracts:
        pages.append(Page(BIBTEX_ABSTRACTS, "", "bibtex-abstracts", {}, every, FULL))
    if settings.related:
        areas = [t.id for t in collection.topics if t.parent is None]
        pages += [Page(MAP_DATA, "", "map", {}, every, FULL),
                  Page(MAP_PAGE, "map.md.j2", "map-page", {"areas": areas, "count": len(every)})]
    # per topic only BibTeX: a record is in up to 10 topics, and a BibTeX entry is bounded
    # (CSL-JSON carries the abstract)
    pages += [Page(topic_download(t.slug), "", "bibtex", {}, t.paper_ids, FULL)
              for t in facets["topics"].terms]
    return pages


def _feeds(collection, facets: dict[str, FacetTerms], since: dict[str, str]) -> list[Page]:
    summaries = {p.id: p for p in collection.papers}
    pages = [_feed(MAIN_FEED, {"page": "index.md"}, collection.papers, since),
             Page(STYLESHEET, "feed.xsl.j2", "feed-style", {})]
    for terms in facets.values():
        if terms.facet.feeds:
            pages += [_feed_page(terms.facet, t, [summaries[i] for i in t.paper_ids], since)
                      for t in terms.terms]
    # Beside each feed, an empty sitemap for the theme's script (see `render.EMPTY_SITEMAP`); a
    # term's own feed named so (a topic `sitemap`) is answer enough, and keeps its place.
    taken = {page.path for page in pages if page.kind == "feed"}
    folders = ["feeds", *(f"feeds/{terms.facet.name}" for terms in facets.values()
                          if terms.facet.feeds and terms.terms)]
    pages += [Page(f"{folder}/sitemap.xml", "", "feed-sitemap", {}) for folder in folders
              if f"{folder}/sitemap.xml" not in taken]
    return pages


def paper_path(paper_id: str) -> str:
    return f"papers/{paper_id}.md"


def topic_download(slug: str) -> str:
    return f"downloads/topics/{slug}.bib"


def feed_path(facet: str, slug: str) -> str:
    return f"feeds/{facet}/{slug}.xml"


def _feed(path: str, context: dict, papers, since: dict[str, str]) -> Page:
    """A feed of the newest papers; the days from git it lists by are part of its inputs."""
    newest = newest_for_feed(papers, since)
    days = {p.id: since[p.id] for p in newest if not p.added and p.id in since}
    context = {**context, **({"added": days} if days else {})}
    return Page(path, "", "feed", context, tuple(p.id for p in newest), FULL)


def _feed_page(facet: Facet, term: Term, papers: list, since: dict[str, str]) -> Page:
    context = {"page": f"{facet.name}/{term.slug}.md", "facet": facet.name, "term": term.key,
               "label": term.label}
    return _feed(feed_path(facet.name, term.slug), context, papers, since)


def _counts(topics: FacetTerms | dict, ids: list[str]) -> dict[str, int]:
    """Paper counts of the topics a page shows (part of its inputs)."""
    terms = topics["topics"] if isinstance(topics, dict) else topics
    sizes = {term.key: len(term.paper_ids) for term in terms.terms}
    return {topic_id: sizes.get(topic_id, 0) for topic_id in ids}


def _term_links(paper, facets: dict[str, FacetTerms]) -> dict[str, dict[str, str]]:
    """The page names of the terms a paper page links to, by facet and term key: part of its
    inputs, since a term's page name can change when other papers change."""
    links: dict[str, dict[str, str]] = {}
    for facet in FACETS:
        if facet.name == "authors":
            continue  # told by position, in the page's "authors"
        slugs = facets[facet.name].slugs
        terms_of = facets[facet.name].facet.terms_of  # venues: as the settings name them
        # the terms with a page
        keys = [key for key in (facet.key(term) for term in terms_of(paper)) if key in slugs]
        if keys:
            links[facet.name] = {key: slugs[key] for key in keys}
    return links


def _home(collection, newest: list, facets: dict[str, FacetTerms], settings: PlanSettings,
          since: dict[str, str], people: tuple[Person, ...] = ()) -> Page:
    added = {p.id: day for p in newest if (day := added_day(p, since))}
    recent = sorted((p for p in newest if p.id in added), key=lambda p: added[p.id], reverse=True)
    recent = recent[: settings.recent]
    # the curator's choice, newest first; bounded as a listing page is
    selected = [p for p in newest if p.selected][: settings.per_page]
    top = [t.id for t in collection.topics if t.parent is None]
    cards = top[: settings.cards_per_page]
    sizes = _counts(facets, top)
    titles = {t.id: t.title for t in collection.topics}
    # The charts' data (counts, and the geometry charts.py derives from them): part of the
    # page's inputs
    years = [(t.label, len(t.paper_ids)) for t in facets["years"].terms]
    charts = home_charts([(t, titles[t], sizes[t]) for t in top], years,
                         sorted(added.values()))
    context = {
        "papers": len(collection.papers), "topics": len(collection.topics), "cards": cards,
        "counts": {t: sizes[t] for t in cards},
        "more_topics": max(0, len(top) - settings.cards_per_page),
        "nonempty": sorted(n for n, f in facets.items() if not f.empty),
        "feed": MAIN_FEED if settings.feeds else None, "charts": charts,
        "added": [added[p.id] for p in recent],  # `added`, or the day from git
        "bib_abstracts": BIBTEX_ABSTRACTS if settings.bibtex_abstracts else None,
        "selected": len(selected),  # the first papers are the selected ones, then the recent
        "members": bool(people),  # the members page is there
    }
    return Page(HOME, "home.md.j2", "home", context, tuple(p.id for p in [*selected, *recent]))


def _a_to_z(ordered: list, settings: PlanSettings) -> list[Page]:
    ids = tuple(p.id for p in ordered)
    first_page: dict[str, int] = {}
    for index, (letter, _) in enumerate((initial(p.title), p) for p in ordered):
        first_page.setdefault(letter, index // settings.per_page + 1)
    context = {"letters": [[letter, first_page.get(letter)] for letter in LETTERS],
               "count": len(ids)}
    return paginate("papers/index.md", "papers-index.md.j2", "a-to-z", ids, settings.per_page,
                    context)


def _topics(collection, topics: FacetTerms, settings: PlanSettings) -> list[Page]:
    top = tuple(t.id for t in collection.topics if t.parent is None)
    context = {"count": len(collection.topics), "papers": len(collection.papers)}
    pages = paginate("topics/index.md", "topics-index.md.j2", "topics-index", top,
                     settings.cards_per_page, context)
    children = {t.id: [c.id for c in collection.topics if c.parent == t.id]
                for t in collection.topics}
    # a page's ids are of topics, not papers: its cards
    pages = [Page(p.path, p.template, p.kind, {
        **p.context, "cards": list(p.paper_ids),
        "counts": _counts(topics, [c for t in p.paper_ids for c in (t, *children[t])])}, ())
        for p in pages]
    for term in topics.terms:
        feed = feed_path("topics", term.slug) if settings.feeds else None
        context = {"facet": "topics", "term": term.key, "feed": feed}
        whole = {"count": len(term.paper_ids), "counts": _counts(topics, children[term.key]),
                 "bib": topic_download(term.slug)}
        pages += paginate_newest(f"topics/{term.slug}.md", "topic.md.j2", "topic",
                                 term.paper_ids, settings.per_page, context, whole)
    return pages


def _facet_pages(terms: FacetTerms, settings: PlanSettings) -> list[Page]:
    facet = terms.facet
    rows = tuple((t.label, t.slug, len(t.paper_ids)) for t in terms.terms)
    papers = len({paper_id for t in terms.terms for paper_id in t.paper_ids})
    pages = []
    parts = chunks(rows, settings.terms_per_page)
    for n, part in enumerate(parts, 1):
        context = {"facet": facet.name, "number": n, "pages": len(parts),
                   "first": f"{facet.name}/index.md",
                   "rows": [list(row) for row in part], "terms": len(rows), "papers": papers}
        path = numbered_path(f"{facet.name}/index.md", n)
        pages.append(Page(path, facet.index_template, "facet-index", context))
    for term in terms.terms if facet.name != "venues" else ():  # venues: _series_pages
        feed = feed_path(facet.name, term.slug) if facet.feeds and settings.feeds else None
        context = {"facet": facet.name, "term": term.key, "label": term.label, "feed": feed}
        pages += paginate_newest(f"{facet.name}/{term.slug}.md", facet.term_template, "term",
                                 term.paper_ids, settings.per_page, context,
                                 {"count": len(term.paper_ids)})
    return pages


TITLES_SHOWN = 3  # full venue titles named under a year of a series page


def _series_pages(terms: FacetTerms, settings: PlanSettings, venues: VenueNames,
                  papers) -> list[Page]:
    """A venue series' pages: its years, newest first, each with its papers (newest first)
    and the full titles its papers give the venue that year."""
    summaries = {p.id: p for p in papers}
    pages = []
    for term in terms.terms:
        years: dict[str, list] = {}
        for paper_id in term.paper_ids:
            name = venues.of(summaries[paper_id])
            years.setdefault(name.year or "", []).append((paper_id, name))
        order = sorted(years, key=lambda year: (year != "", year), reverse=True)  # undated last
        ids = tuple(paper_id for year in order for paper_id, _ in years[year])
        block_of = {paper_id: block for block, part in blocks(ids, settings.per_page)
                    for paper_id in part}
        starts = [[year, len(years[year]), block_of[years[year][0][0]]] for year in order]
        context = {"facet": "venues", "term": term.key, "label": term.label}
        whole = {"count": len(ids), "years": starts}
        names = dict(paper for year in order for paper in years[year])
        year_of = {paper_id: year for year in order for paper_id, _ in years[year]}
        for page in paginate_newest(f"venues/{term.slug}.md", "venue.md.j2", "venue", ids,
                                    settings.per_page, context, whole):
            pages.append(replace(page, context={**page.context,
                                                "groups": _year_groups(page, year_of, names)}))
    return pages


def _year_groups(page: Page, year_of: dict, names: dict) -> list[list]:
    """[year, papers, full titles] of the runs of one year on a series page; the titles from
    the papers of this page alone, so an older page keeps them as newer papers come."""
    groups = []
    for year, run in groupby(page.paper_ids, key=year_of.__getitem__):
        members = [(paper_id, names[paper_id]) for paper_id in run]
        groups.append([year, len(members), _full_titles(members)])
    return groups


def _full_titles(members: list) -> list[str]:
    """The full venue titles of a series' year that its short name is not, most used first
    (ties by text)."""
    counts = Counter(name.full for _, name in members if name.full not in (None, name.short))
    shown: dict[str, str] = {}  # one spelling of titles differing only in case and spacing
    for title in sorted(counts, key=lambda title: (-counts[title], title)):
        shown.setdefault(" ".join(title.split()).casefold(), title)
    return list(shown.values())[:TITLES_SHOWN]
