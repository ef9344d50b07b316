"""Every kind of generated file, declared once: how it is rendered, what it shows of each of
its papers, and what the incremental build keeps of it. A new kind of page is one declaration
here, its planning in plan.py and, for a new way of rendering, a method in render.py."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    # How it is rendered: "template" (its plan entry's template, with the kind's extra context),
    # or the name of one of the Renderer's own writers (see `Renderer.WRITERS`).
    output: str = "template"
    context: str | None = None  # the Renderer's extra context for a template (`CONTEXTS`)
    part: str | None = None  # what a download or feed shows of each paper: the cached
    # part of it the page is keyed on and rendered from
    pieces: bool = False  # a whole-collection file made of one cached piece per paper
    related: bool = False  # a paper's own page, which lists its related papers
    points: bool = False  # the map's data, which carries every paper's place
    at_root: bool = False  # shown at the site's root, whatever its own path


DECLARED = (
    Kind("home", context="cards", at_root=True),
    Kind("paper", context="paper", related=True),
    Kind("a-to-z", context="sections"),
    Kind("topics-index", context="cards"),
    Kind("topic", context="topic"),
    Kind("facet-index", context="facet"),
    Kind("term", context="facet"),
    Kind("venue", context="venue"),  # a venue series: its years, each with its papers
    Kind("map-page"),
    Kind("person"),
    Kind("members"),
    Kind("bibtex", output="bibtex", part="bib"),
    Kind("bibtex-abstracts", output="bibtex-abstracts", part="data"),
    Kind("json", output="json", part="data", pieces=True),
    Kind("csl-json", output="csl-json", part="data", pieces=True),
    Kind("map", output="map", part="data", pieces=True, points=True),
    Kind("feed", output="feed", part="data"),
    Kind("feed-style", output="stylesheet"),
    Kind("feed-sitemap", output="empty-sitemap"),
)
KINDS = {kind.name: kind for kind in DECLARED}
FRAGMENT_KINDS = tuple(kind.name for kind in DECLARED if kind.pieces)
PART_OF_KIND = {kind.name: kind.part for kind in DECLARED if kind.part}


def kind_of(page) -> Kind:
    return KINDS[page.kind]
