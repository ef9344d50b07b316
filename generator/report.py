"""What a build tells: its result, the navigation MkDocs needs, and notes for the curator."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Settings
from .gitdates import SHALLOW_NOTE
from .model import Collection
from .plan import MAP_PAGE, SitePlan
from .problems import WARNING, Problem
from .write import WriteReport


@dataclass
class NavInfo:
    """What the MkDocs navigation needs: top-level topics (title, page) and facets with terms;
    and the collection's size, for messages."""

    topics: list[tuple[str, ...]]  # (title, page) of top-level ones; (title, page, parent's page)
    nonempty: list[str]
    papers: int = 0
    topic_count: int = 0
    left_out_of_feeds: int | None = None  # None: no feeds (no absolute site_url)
    shallow_history: bool = False  # a shallow git clone: record files not dated by their commits


@dataclass
class Generated:
    collection: Collection | None  # None when not read whole (nothing the plan reads changed)
    warnings: list[Problem]
    report: WriteReport
    nav: NavInfo
    notes: list[str] = field(default_factory=list)
    discovery_deferred: bool = False  # related papers and the map left as they were (see generate)


HINTS = {"years": "no paper has a `date`", "tags": "no paper has `tags`",
         "venues": "no paper has a `venue`",
         "authors": "no author has enough papers for a page of their own (`author_pages_from`)"}


def curator_notes(nav: NavInfo) -> list[str]:
    """Hints for whoever keeps the collection: printed by the build, never shown to visitors."""
    notes = [f"{hint}, so its index page is left out of the navigation and the home page"
             for name, hint in HINTS.items() if name not in nav.nonempty]
    if nav.left_out_of_feeds is None:
        notes.append("no feeds written: they need an absolute `site_url` (http:// or https://) "
                     "in mkdocs.yml")
    elif nav.left_out_of_feeds:
        notes.append(f"{nav.left_out_of_feeds} paper(s) have no `added`, no `date` and no commit "
                     "that added their file, so no feed lists them")
    if nav.shallow_history:
        notes.append(SHALLOW_NOTE)
    return notes


def foreign_warnings(report: WriteReport, settings: Settings) -> list[Problem]:
    docs_dir, root = settings.docs_dir, settings.root
    docs = docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir)
    message = "not written by the generator, so it was left in place; delete it if it is stale"
    return [Problem(f"{docs}/{path}", 0, 0, "", message, WARNING) for path in report.foreign]


def nav_info(plan: SitePlan, collection: Collection, shallow: bool = False) -> NavInfo:
    terms = plan.facets["topics"].terms
    top = [(t.label, t.slug) for t in terms if t.key in plan.top_level]
    # sub-topics too, each with its parent's page, so that their pages are in the navigation
    slugs = {t.key: t.slug for t in terms}
    parents = {t.id: t.parent for t in collection.topics}
    top += [(t.label, t.slug, slugs[parents[t.key]]) for t in terms
            if t.key not in plan.top_level and parents.get(t.key) in slugs]
    nonempty = sorted(name for name, terms in plan.facets.items() if not terms.empty)
    nonempty += ["map"] if any(page.path == MAP_PAGE for page in plan.pages) else []
    return NavInfo(top, nonempty, len(collection.papers), len(collection.topics),
                   plan.left_out_of_feeds, shallow)
