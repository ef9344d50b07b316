"""The discover stage: related papers and the map of the collection, attached to the page plan
(`attach` patches the plan's paper pages and the map's data with them).

Both come from every paper's text at once (TF-IDF weights depend on the whole collection), so
they are computed again only when some paper's title, abstract or tags changed: the result is
kept in the build cache under a key made of every paper's text digest. So are each paper's term
counts, under its own text digest: after an edit only the edited texts are read and counted, and
only the papers whose related list can change are compared with the collection again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib.metadata import version

from .cache import canonical, digest
from .kinds import kind_of
from .plan import Page

# An edit that changes more weight vectors than this share of the collection (a word becoming
# common, say) ranks every paper again: cheaper then than merging lists.
UPDATE_SHARE = 1 / 8


TextsOf = Callable[[list[str]], dict[str, str]]  # paper ids -> the words each is compared by


@dataclass(frozen=True)
class Discovery:
    key: str
    related: dict[str, tuple[str, ...]]
    layout: dict[str, tuple[float, float]]
    # of each related paper, exact
    scores: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def payload(self) -> dict:
        return {"key": self.key, "related": {k: list(v) for k, v in self.related.items()},
                "layout": {k: list(v) for k, v in self.layout.items()},
                "scores": {k: list(v) for k, v in self.scores.items()}}

    @staticmethod
    def from_payload(value: dict) -> Discovery:
        return Discovery(value["key"], {k: tuple(v) for k, v in value["related"].items()},
                         {k: (v[0], v[1]) for k, v in value["layout"].items()},
                         {k: tuple(v) for k, v in value["scores"].items()})


@dataclass(frozen=True)
class Terms:
    """One paper's term counts (its row of `similarity.counts`), and what they come from: the text's
    digest and the libraries' versions (`_libraries`), as "digest:versions"."""
    text: str
    indices: bytes | memoryview  # int32 columns
    counts: bytes | memoryview  # int32 counts


@functools.cache
def _libraries() -> str:
    """The versions of what the words are counted and weighed with: scikit-learn's stop words, and
    NumPy's and SciPy's arithmetic. A newer one may count or round differently, so nothing computed
    by an older one is reused (the generator's own code is part of the cache's identity already)."""
    return "+".join(version(name) for name in ("numpy", "scipy", "scikit-learn"))


def discovery_key(text_digests: dict[str, str], count: int) -> str:
    return digest(canonical([count, _libraries(), sorted(text_digests.items())]))


def discover(text_digests: dict[str, str], count: int, texts_of: TextsOf,
             terms: dict[str, Terms] | None = None, before: Discovery | None = None,
             keep: Callable[[dict[str, Terms]], None] | None = None,
             ) -> tuple[Discovery, dict[str, Terms]]:
    """Related papers (count per paper; 0: neither they nor the map) and the map, for the papers
    whose text digests are given; and the term counts made in doing so.

    texts_of gives the `cachecodec.paper_text` of papers by id; it is asked only for those whose
    counts are not in terms. before: the last result, computed from the counts in terms. keep: given
    the term counts made as soon as they are weighed, which are then let go instead of returned (at
    100,000 papers they take about 450 MB, held through the costliest steps otherwise)."""
    key = discovery_key(text_digests, count)
    if count == 0:
        return Discovery(key, {}, {}), {}
    import numpy as np

    # scikit-learn loads in about a second: only when needed
    from .similarity import changed_rows, ranked, reweighed_rows, weights

    ids = sorted(text_digests)
    libraries = _libraries()
    terms = {i: row for i, row in (terms or {}).items() if row.text.endswith(f":{libraries}")}
    stale = [i for i in ids if i not in terms or terms[i].text != f"{text_digests[i]}:{libraries}"]
    fresh = _count(stale, texts_of, libraries)
    counts = _stack([fresh.get(i) or terms[i] for i in ids])
    counted = {i: terms[i].text.rsplit(":", 1)[0] for i in ids if i in terms}
    lists = suspects = None
    whole = before is not None and len(counted) == len(ids)
    if whole and before.key == discovery_key(counted, count):
        # Only the rows an edit can change are weighed as they were, to tell which did (at 100,000
        # papers weighing every row again took 1.4 s of an edit).
        edited = np.array([row for row, i in enumerate(ids) if i in fresh], dtype=np.int64)
        suspects, df = reweighed_rows(counts, edited, _stack([terms[ids[row]] for row in edited]))
        suspected = weights(_stack([terms[ids[row]] for row in suspects]), reuse=True,
                            frequencies=(len(ids), df))
    matrix = weights(counts, reuse=True)
    del counts  # weighed in place
    if keep is not None:
        keep(fresh)
        fresh = {}
    if suspects is not None:
        changed = suspects[changed_rows(suspected, matrix[suspects])]
        if changed.size == 0:  # the edits did not change what papers are compared by (spacing, say)
            return replace(before, key=key), fresh
        lists = _merged(matrix, count, ids, before, changed)
    if lists is None:
        lists = ranked(matrix, count)
    return _found(key, ids, matrix, lists), fresh


def _merged(matrix, count: int, ids: list[str], before: Discovery, changed) -> list | None:
    """The last related lists with the changed rows' ranked again, when they are few enough."""
    from .similarity import update

    if changed.size > UPDATE_SHARE * len(ids):
        return None
    place = {paper: row for row, paper in enumerate(ids)}
    last = [[(place[o], s) for o, s in zip(before.related[i], before.scores[i], strict=True)]
            for i in ids]
    return update(matrix, count, last, changed)


def _found(key: str, ids: list[str], matrix, lists: list) -> Discovery:
    from threadpoolctl import threadpool_limits

    from .maplayout import layout

    # One BLAS thread: with several, sums are added in a varying order, and a coordinate near a
    # rounding boundary could differ between two builds of the same data. (Scores are exact.)
    with threadpool_limits(limits=1):
        points = layout(ids, matrix)
    related = {paper: tuple(ids[o] for o, _ in best)
               for paper, best in zip(ids, lists, strict=True)}
    scores = {paper: tuple(s for _, s in best) for paper, best in zip(ids, lists, strict=True)}
    return Discovery(key, related, points, scores)


def _count(ids: list[str], texts_of: TextsOf, libraries: str) -> dict[str, Terms]:
    import numpy as np

    from .similarity import counts

    if not ids:
        return {}
    texts = texts_of(ids)
    matrix = counts([texts[i] for i in ids])
    # Each row's counts are views of two arrays, not bytes of their own: let go, 200,000 small
    # objects would leave the heap in holes that the large arrays computed next cannot use.
    columns = memoryview(np.asarray(matrix.indices, dtype=np.int32)).cast("B")
    numbers = memoryview(matrix.data.astype(np.int32)).cast("B")
    found = {}
    for row, paper in enumerate(ids):
        a, b = 4 * int(matrix.indptr[row]), 4 * int(matrix.indptr[row + 1])
        # Under the digest of the text read, which differs from the recorded one if the file changed
        # meanwhile.
        found[paper] = Terms(f"{digest(texts[paper])}:{libraries}", columns[a:b], numbers[a:b])
    return found


def _stack(rows: list[Terms]):
    import numpy as np
    from scipy import sparse

    from .similarity import N_FEATURES

    indices = [np.frombuffer(row.indices, dtype=np.int32) for row in rows]
    counts = [np.frombuffer(row.counts, dtype=np.int32) for row in rows]
    indptr = np.concatenate([[0], np.cumsum([len(i) for i in indices])]).astype(np.int64)
    if not rows:
        return sparse.csr_matrix((0, N_FEATURES), dtype=np.float64)
    values = np.concatenate(counts).astype(np.float64)
    return sparse.csr_matrix((values, np.concatenate(indices), indptr),
                             shape=(len(rows), N_FEATURES))


def attach(pages: list[Page], found: Discovery) -> list[Page]:
    """Paper pages list their related papers (and are keyed on what those records say), and
    the map's data file carries every paper's place."""
    return [_attached(page, found) for page in pages]


def _attached(page: Page, found: Discovery) -> Page:
    kind = kind_of(page)
    if kind.related:
        own = page.paper_ids[0]
        near = found.related.get(own, ())
        context = {**page.context, "related": list(near)}
        return replace(page, context=context, paper_ids=(own, *near))
    if kind.points:
        # Every paper has its place, but in a preview's stale map (`pipeline.stale_discovery`).
        ids = tuple(i for i in page.paper_ids if i in found.layout)
        points = [[round(float(v), 4) for v in found.layout[i]] for i in ids]
        return replace(page, context={**page.context, "points": points}, paper_ids=ids)
    return page
