"""Related papers and the map of the collection, attached to the page plan.

Both come from every paper's text at once (TF-IDF weights depend on the whole collection), so
they are computed again only when some paper's title, abstract or tags changed: the result is
kept in the build cache under a key made of every paper's text digest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .cache import canonical, digest
from .plan import MAP_DATA, Page


@dataclass(frozen=True)
class Discovery:
    key: str
    related: dict[str, tuple[str, ...]]
    layout: dict[str, tuple[float, float]]

    def payload(self) -> dict:
        return {"key": self.key, "related": {k: list(v) for k, v in self.related.items()},
                "layout": {k: list(v) for k, v in self.layout.items()}}

    @staticmethod
    def from_payload(value: dict) -> Discovery:
        return Discovery(value["key"], {k: tuple(v) for k, v in value["related"].items()},
                         {k: (v[0], v[1]) for k, v in value["layout"].items()})


def discovery_key(text_digests: dict[str, str], count: int) -> str:
    return digest(canonical([count, sorted(text_digests.items())]))


def discover(texts: dict[str, str], key: str, count: int) -> Discovery:
    """texts: each paper's id and its `summaries.paper_text`; count: related papers per paper
    (0: neither related papers nor the map are computed)."""
    if count == 0:
        return Discovery(key, {}, {})
    from threadpoolctl import threadpool_limits

    from .similarity import layout, related, tfidf  # scikit-learn loads in about a second: only when needed

    ids = sorted(texts)
    # One BLAS thread: with several, sums are added in a varying order, and a coordinate or a
    # score near a rounding boundary could differ between two builds of the same data.
    with threadpool_limits(limits=1):
        matrix = tfidf([texts[i] for i in ids])
        return Discovery(key, related(ids, matrix, count), layout(ids, matrix))


def attach(pages: list[Page], found: Discovery) -> list[Page]:
    """Paper pages list their related papers (and are keyed on what those records say), and
    the map's data file carries every paper's place."""
    return [_attached(page, found) for page in pages]


def _attached(page: Page, found: Discovery) -> Page:
    if page.kind == "paper":
        own = page.paper_ids[0]
        near = found.related.get(own, ())
        return replace(page, context={**page.context, "related": list(near)}, paper_ids=(own, *near))
    if page.path == MAP_DATA:
        return replace(page, context={**page.context, "points": [[round(float(v), 4) for v in found.layout[i]] for i in page.paper_ids]})
    return page
