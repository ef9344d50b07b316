"""The collection in data/ is the seed listing, character for character, and passes --strict."""

from __future__ import annotations

from collections import Counter

from conftest import REPO, SEED

from generator.cli import main
from generator.collection import load_collection
from generator.importer import links_in, parse_listing


def shipped():
    return load_collection(REPO / "data", REPO, strict=True)[0]


def test_every_seed_paper_is_shipped_with_exact_title_and_abstract():
    entries = parse_listing(SEED.read_text("utf-8"), "seed")[0].entries
    by_title = {p.title: p for p in shipped().papers}
    assert len(by_title) == len(entries) == 109
    for entry in entries:
        paper = by_title[entry.title]
        assert paper.abstract == entry.abstract, paper.id
        assert dict(paper.links) == links_in(entry.abstract), paper.id


def test_no_invented_facts():
    for paper in shipped().papers:
        assert (paper.authors, paper.date, paper.arxiv, paper.doi, paper.venue) == ((), None, None, None, None), paper.id


def test_taxonomy_fits_the_collection():
    collection = shipped()
    assert 8 <= len(collection.topics) <= 14
    counts = Counter(t for p in collection.papers for t in p.topics)
    assert all(p.topics for p in collection.papers)
    assert set(counts) == {t.id for t in collection.topics if t.parent is None} | {t.id for t in collection.topics if t.parent}
    assert max(counts.values()) <= 0.4 * len(collection.papers)
    assert all(t.description.strip() for t in collection.topics)


def test_validate_strict_passes_on_the_shipped_data(capsys):
    assert main(["-f", str(REPO / "mkdocs.yml"), "validate", "--strict"]) == 0
    assert capsys.readouterr().out == "ok: 109 papers, 14 topics\n"
