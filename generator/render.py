"""Render planned pages to text: a function of the plan and what a page source gives of the
papers (pipeline.py's render stage supplies it from the store and the cache), touching no disk."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote_plus

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
)
from markupsafe import Markup

from .bibtex import bibtex_entry, distinct_keys, paper_of_data, unlisted
from .citation import formatted_reference, head_tags, ris_text
from .citecounts import cited_text
from .entries import paper_links
from .exports import csl_export, feed_export, json_export
from .facets import FACETS
from .html_text import code_block, fold, meta_json, meta_value, paragraphs
from .kinds import kind_of
from .latex import plain_text, rich_title
from .mapdata import map_json
from .notes import render_notes
from .order import OTHER_LETTER, initial
from .pageurls import root_prefix, site_url
from .pictures import Pictures
from .plan import ENTRY, Page, block_path, numbered_path
from .problems import DataError, Problem
from .searchdata import filter_text, search_fields
from .venues import VenueNames

FACETS_BY_NAME = {f.name: f for f in FACETS}
# Entries are rendered once per paper with this stand-in for the way back to the site root,
# then reused on every listing page, where it is replaced by that page's own prefix. Records
# cannot contain NUL, so the stand-in never meets record text.
ROOT = "\x00"
# Material's script takes every <link rel="alternate"> for another language's copy of the site and
# fetches "sitemap.xml" beside it: beside a feed that was a 404 on every page view. An empty one
# there answers it.
EMPTY_SITEMAP = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n')
ENTRY_TEMPLATE = '{% from "_macros.md.j2" import entry with context %}{{ entry(e) }}'


@dataclass(frozen=True)
class SiteSettings:
    directory_urls: bool = True
    # absolute (http or https) or empty: feeds, canonical links and exports need it
    site_url: str = ""
    site_name: str = ""
    # a CSL style shipped in generator/styles ("acm", "apa"), or "none"
    reference_style: str = "acm"
    venues: tuple[tuple[str, str], ...] = ()  # as PlanSettings.venues: the names pages show
    citation_counts: bool = True  # paper pages and listings show a record's `citations`
    thumbnails: bool = True  # the first page of a local PDF as the paper's picture

    def absolute(self, docs_path: str) -> str:
        """The address of a page (or file) under docs/ on the published site; site-relative without
        a site_url."""
        root = self.site_url.rstrip("/") + "/" if self.site_url else "/"
        return root + site_url(docs_path, self.directory_urls)


_ENVIRONMENTS: dict[tuple, Environment] = {}


def environment(templates_dir: Path | None = None) -> Environment:
    """Templates from templates_dir (if it exists) win over the package's own.

    Compiling templates takes a noticeable part of a small rebuild, so an environment is kept
    for as long as its templates do not change (under `mkdocs serve`), and compiled templates
    are kept in the user's cache folder between runs (never in the project, whose files may
    come from anyone)."""
    own = templates_dir and templates_dir.is_dir()
    loaders = [FileSystemLoader(str(templates_dir))] if own else []
    loaders.append(PackageLoader("generator", "templates"))
    loader = ChoiceLoader(loaders)
    probe = Environment(loader=loader)
    key = (str(templates_dir), tuple(template_sources(probe)))
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS.clear()
        _ENVIRONMENTS[key] = _new_environment(loader)
    return _ENVIRONMENTS[key]


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = cache_home / "papersite" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def _new_environment(loader) -> Environment:
    env = Environment(
        loader=loader,
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        finalize=fold,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # kept only while the sources are unchanged: no need to stat them on every page
        auto_reload=False,
    )
    env.filters.update(
        rich_title=rich_title, plain=plain_text,
        paragraphs=paragraphs, meta=meta_value, meta_json=meta_json, code_block=code_block,
        notes=render_notes, bibtex=bibtex_entry,
        papers_count=lambda n: f"{n} paper" if n == 1 else f"{n} papers",
        anchor=lambda letter: ("letter-other" if letter == OTHER_LETTER
                               else f"letter-{letter.lower()}"),
    )
    return env


def template_sources(env: Environment) -> list[tuple[str, str]]:
    """Every template the environment can load, with its source: part of each page's inputs."""
    names = sorted(env.list_templates(extensions=["j2"]))
    return [(name, env.loader.get_source(env, name)[0]) for name in names]


def _added(page: Page) -> dict:
    """The day a paper was added, written on its page: the search index is cut by it."""
    day = page.context.get("added")
    return {"added": day} if day else {}


def _term_path(terms: dict, facet: str, term: str) -> str | None:
    slug = terms.get(facet, {}).get(FACETS_BY_NAME[facet].key(term))
    return None if slug is None else f"{facet}/{slug}.md"


def _author_search(url: Callable[[str], Markup], name: str) -> Markup:
    """The search page filtered to an author with no page of their own."""
    value = quote_plus(filter_text(plain_text(name)), safe="")
    return Markup(url("search.md") + "?author=" + value)


def pager_numbers(current: int, total: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and a window around the current one (None is a
    gap)."""
    wanted = sorted({1, total, *range(max(1, current - around), min(total, current + around) + 1)})
    numbers: list[int | None] = []
    for n in wanted:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


def _template_fault(err: Exception) -> bool:
    """Whether a template caused err: a template error, or an exception whose innermost frames
    after the last template line are not the generator's own code (Jinja, the standard library)."""
    if isinstance(err, TemplateError):
        return True
    frames = traceback.extract_tb(err.__traceback__)
    last_template = max((i for i, f in enumerate(frames) if f.filename.endswith(".j2")),
                        default=None)
    if last_template is None:
        return False
    package = str(Path(__file__).parent)
    return not any(f.filename.startswith(package) and f.filename.endswith(".py")
                   for f in frames[last_template + 1 :])


def _template_problem(template: str, err: Exception) -> Problem:
    """Where a template failed: its file and line, from the error or from the traceback."""
    name, line = getattr(err, "filename", None) or template, getattr(err, "lineno", None)
    if line is None:
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename.endswith(".j2")]
        if frames:
            name, line = frames[-1].filename, frames[-1].lineno
    if isinstance(err, TemplateError):
        what = err.message or str(err)
    else:
        what = f"{type(err).__name__}: {err}"
    return Problem(str(name), line or 0, 0 if line is None else 1, "", f"template error: {what}")


class PaperSource(Protocol):
    """What pages show of papers: `paper`, a full record (for paper pages); `parts`, its entry,
    BibTeX and data (all three for a paper whose page is rendered); `fragment`, a paper's piece
    of a whole-collection file, made by make() unless a kept one is still right."""

    def paper(self, paper_id: str): ...

    def parts(self, paper_id: str) -> dict: ...

    def fragment(self, kind: str, paper_id: str, make: Callable[[], str]) -> str: ...


class Renderer:
    """Renders planned pages. Everything a page shows comes from its own plan entry (context and
    paper ids), the topics, and the papers, as the source gives them. How each kind of page is
    rendered is declared in kinds.py: by a writer of its own, or by a template with the
    kind's extra context."""

    def __init__(self, topics, env: Environment, site: SiteSettings, source: PaperSource,
                 docs_dir: Path | None = None):
        self.env = env
        self.pictures = Pictures(docs_dir, site.thumbnails) if docs_dir else None
        self.site = site
        self.source = source
        self.parts = source.parts
        self.topics = {t.id: t for t in topics}
        self.topic_titles = {t.id: t.title for t in topics}
        self.parents = {t.id: t.parent for t in topics}
        self.children = {t.id: [c for c in topics if c.parent == t.id] for t in topics}
        self.facets = [FACETS_BY_NAME[name] for name in FACETS_BY_NAME]
        self.entry_template = env.from_string(ENTRY_TEMPLATE)
        self.entry_html: dict[str, str] = {}
        self.venues = VenueNames(site.venues)

    def render(self, page: Page) -> str:
        output = kind_of(page).output
        if output != "template":
            return self.WRITERS[output](self, page)
        try:
            return self.env.get_template(page.template).render(self._context(page))
        except Exception as err:
            if not _template_fault(err):
                raise  # a bug in the generator itself: let it surface with its traceback
            raise DataError([_template_problem(page.template, err)]) from None

    def _data(self, paper_id: str) -> dict:
        return self.parts(paper_id)["data"]

    def _bibtex(self, page: Page) -> str:
        listed = (unlisted(self.parts(paper_id)["bib"]) for paper_id in page.paper_ids)
        return "\n".join(distinct_keys(listed))

    def _bibtex_abstracts(self, page: Page) -> str:
        entries = ((bibtex_entry(paper_of_data(data), abstract=True), bool(data.get("citekey")))
                   for data in map(self._data, page.paper_ids))
        return "\n".join(distinct_keys(entries))

    def _map(self, page: Page) -> str:
        urls = self.site.directory_urls
        return map_json(page, self._data, self.topics, urls, self.source.fragment)

    def _json(self, page: Page) -> str:
        return json_export(page, self._data, self.site, self.source.fragment)

    def _csl_json(self, page: Page) -> str:
        return csl_export(page, self._data, self.site, self.source.fragment)

    def _feed(self, page: Page) -> str:
        return feed_export(page, self._data, self.site, self.topic_titles)

    def _stylesheet(self, page: Page) -> str:
        return self.env.get_template(page.template).render()

    def _empty_sitemap(self, page: Page) -> str:
        return EMPTY_SITEMAP

    WRITERS: dict[str, Callable[[Renderer, Page], str]] = {
        "bibtex": _bibtex, "bibtex-abstracts": _bibtex_abstracts, "map": _map, "json": _json,
        "csl-json": _csl_json, "feed": _feed,
        "stylesheet": _stylesheet,
        "empty-sitemap": _empty_sitemap,
    }

    def _url_function(self, prefix: str) -> Callable[[str], Markup]:
        def url(docs_path: str) -> Markup:
            return Markup(prefix + site_url(docs_path, self.site.directory_urls))

        return url

    def _entries_html(self, paper_ids, prefix: str, bylines: dict) -> Markup:
        """The listing entries of paper_ids, each rendered once per build, for a page at prefix;
        bylines: where their authors' names lead (the same on every page of a build)."""
        missing = [i for i in paper_ids if i not in self.entry_html]
        if missing:
            context = {**self._globals(self._url_function(ROOT), "index.md"), "e": None}
            for paper_id in missing:
                e = self.parts(paper_id)["entry"]
                context["e"] = {**e, "byline": bylines.get(paper_id), "picture": self._picture(e)}
                self.entry_html[paper_id] = self.entry_template.render(context)
        return Markup("\n".join(self.entry_html[i] for i in paper_ids).replace(ROOT, prefix))

    def _picture(self, paper) -> dict | None:
        """A paper's (or a listing entry's) picture: src under docs/, width, height, alt."""
        if self.pictures is None:
            return None
        get = paper.get if isinstance(paper, dict) else lambda name: getattr(paper, name)
        return self.pictures.of(get("image"), get("image_alt"), get("local_pdf"))

    def _globals(self, url: Callable[[str], Markup], first: str) -> dict:
        return {
            "url": url, "page_url": lambda n: url(numbered_path(first, n)),
            "block_url": lambda block: url(block_path(first, block)),
            "topic_title": lambda t: self.topics[t].title if t in self.topics else t,
            "children": lambda t: self.children.get(t, []),
            "paper_links": paper_links, "pager_numbers": pager_numbers, "facets": self.facets,
            "venue_name": self.venues.name, "citation_counts": self.site.citation_counts,
            "cited_text": cited_text,
            "author_search": lambda name: _author_search(url, name),
        }

    def _context(self, page: Page) -> dict:
        # the home page is shown at the site's root
        shown_at = "index.md" if kind_of(page).at_root else page.path
        prefix = root_prefix(shown_at, self.site.directory_urls)
        url = self._url_function(prefix)

        context = {"page": page.context, **self._globals(url, page.context.get("first", page.path))}
        # only where the plan made the counts part of the page's inputs
        if "counts" in page.context:
            context["topic_count"] = page.context["counts"].__getitem__
        # the page names of the terms a paper page links to (None: a term with no page)
        if "terms" in page.context:
            terms = page.context["terms"]
            context["term_path"] = lambda facet, term: _term_path(terms, facet, term)
        if page.shows == ENTRY:
            bylines = dict(zip(page.paper_ids, page.context.get("bylines", ()), strict=False))
            context["entries"] = [{**self.parts(paper_id)["entry"], "byline": bylines.get(paper_id)}
                                  for paper_id in page.paper_ids]
            context["entries_html"] = lambda: self._entries_html(page.paper_ids, prefix, bylines)
            context["entries_of"] = lambda ids: self._entries_html(ids, prefix, bylines)
        else:
            context["p"] = self.source.paper(page.paper_ids[0]) if page.paper_ids else None
        return {**context, **self._kind_context(page, context)}

    def _kind_context(self, page: Page, context: dict) -> dict:
        name = kind_of(page).context
        return {} if name is None else self.CONTEXTS[name](self, page, context)

    def _topic(self, page: Page, context: dict) -> dict:
        topic = self.topics[page.context["term"]]
        return {"topic": topic, "parent": self.topics.get(topic.parent),
                "subtopics": self.children[topic.id], "search_topic": filter_text(topic.title)}

    def _facet(self, page: Page, context: dict) -> dict:
        return {"facet": FACETS_BY_NAME[page.context["facet"]]}

    def _cards(self, page: Page, context: dict) -> dict:
        return {"cards": [self.topics[t] for t in page.context["cards"]]}

    def _paper(self, page: Page, context: dict) -> dict:
        if context["p"] is None:
            return {}
        # The paper's parts hold its data and BibTeX already: made once per paper, not again
        # for its page.
        own = self.parts(context["p"].id)
        data = own["data"]
        url = self.site.absolute(page.path)
        style = self.site.reference_style
        reference = formatted_reference(data, url, style) if style != "none" else None
        label = {"acm": "ACM", "apa": "APA"}.get(style, style)
        # Readers of citation_pdf_url want it absolute: with a site_url it is; else it is at
        # least relative to the page, as the PDF button's link is.
        address = self.site.absolute if self.site.site_url else context["url"]
        related = page.context.get("related", ())
        return {"cite": {"reference": reference, "style": label, "ris": ris_text(data, url),
                         "head": head_tags(data, url, address),
                         "bibtex": unlisted(own["bib"])[0]},
                "search": {**search_fields(context["p"], self.topic_titles, self.parents,
                                           self.venues.terms(context["p"])),
                           **_added(page)},
                "related": [self.parts(paper_id)["entry"] for paper_id in related],
                "picture": self._picture(context["p"])}

    def _sections(self, page: Page, context: dict) -> dict:
        sections: list[tuple[str, list]] = []
        for e in context["entries"]:
            letter = initial(e["title"])
            if not sections or sections[-1][0] != letter:
                sections.append((letter, []))
            sections[-1][1].append(e)
        return {"sections": sections}

    def _venue(self, page: Page, context: dict) -> dict:
        """A series page's years on this page, each with its entries."""
        groups, at = [], 0
        for year, count, titles in page.context["groups"]:
            ids = page.paper_ids[at : at + count]
            groups.append((year, titles, context["entries_of"](ids)))
            at += count
        return {**self._facet(page, context), "groups": groups}

    CONTEXTS: dict[str, Callable[[Renderer, Page, dict], dict]] = {
        "topic": _topic, "facet": _facet, "cards": _cards, "paper": _paper, "sections": _sections,
        "venue": _venue,
    }
