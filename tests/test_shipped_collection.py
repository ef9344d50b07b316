"""The collection in data/ is the seed listing, character for character, and passes --strict."""

from __future__ import annotations

import re
from collections import Counter

import yaml
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


EVIDENCE = REPO / "tests" / "fixtures" / "shipped-metadata.yml"
ADDED = ("authors", "date", "venue", "arxiv", "doi")
NEW_STYLE_ARXIV = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}$")


def evidence():
    return {entry["id"]: entry for entry in yaml.safe_load(EVIDENCE.read_text("utf-8"))}


def test_every_added_fact_is_the_one_in_the_evidence_file():
    confirmed = evidence()
    papers = {p.id: p for p in shipped().papers}
    assert set(confirmed) <= set(papers)
    for paper in papers.values():
        entry = confirmed.get(paper.id, {})
        recorded = {
            "authors": [a.name for a in paper.authors] or None, "date": paper.date, "venue": paper.venue,
            "arxiv": paper.arxiv, "doi": paper.doi,
        }
        assert recorded == {field: entry.get(field) for field in ADDED}, paper.id
        sources = entry.get("sources", {})
        assert set(sources) == {field for field in ADDED if entry.get(field)}, paper.id
        assert all(url.startswith(("https://", "http://")) for url in sources.values()), paper.id


def test_arxiv_ids_are_well_formed_unique_and_carry_no_version():
    ids = [p.arxiv for p in shipped().papers if p.arxiv]
    assert ids, "the shipped collection has arXiv ids"
    assert all(NEW_STYLE_ARXIV.match(i) for i in ids), [i for i in ids if not NEW_STYLE_ARXIV.match(i)]
    assert len(ids) == len(set(ids))


def test_most_papers_have_an_identifier_and_authors():
    papers = shipped().papers
    complete = [p for p in papers if (p.arxiv or p.doi) and p.authors]
    assert len(complete) >= 0.9 * len(papers), len(complete)


def test_tags_are_shared_and_spelled_one_way():
    papers = shipped().papers
    uses = Counter(t for p in papers for t in p.tags)
    assert all(3 <= len(p.tags) <= 6 for p in papers)
    assert sum(1 for n in uses.values() if n == 1) <= 0.2 * len(uses)
    spellings = Counter(t.casefold() for t in uses)
    assert max(spellings.values()) == 1


def test_taxonomy_fits_the_collection():
    collection = shipped()
    parent = {t.id: t.parent for t in collection.topics}
    assert 6 <= sum(1 for p in parent.values() if p is None) <= 12
    assert all(p.topics for p in collection.papers)
    # a paper in a sub-topic is listed on its parent's page too, so it counts there once
    counts = Counter(t for p in collection.papers for t in set(p.topics) | {parent[t] for t in p.topics if parent[t]})
    assert set(counts) == set(parent), "every topic has papers"
    assert max(counts.values()) <= 0.4 * len(collection.papers), counts.most_common(3)
    assert all(parent[t] not in p.topics for p in collection.papers for t in p.topics), "a parent next to its own sub-topic"
    assert all(t.description.strip() for t in collection.topics)


def test_validate_strict_passes_on_the_shipped_data(capsys):
    assert main(["-f", str(REPO / "mkdocs.yml"), "validate", "--strict"]) == 0
    assert capsys.readouterr().out == "ok: 109 papers, 27 topics\n"


YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def test_a_shipped_papers_citations_give_the_year_its_venue_names():
    """A record naming `CVPR 2020` is cited in 2020 (its arXiv id and date may say 2019)."""
    from generator.bibtex import bibtex_entry
    from generator.citation import formatted_reference, paper_data
    from generator.publication import venue_year

    checked = 0
    for paper in shipped().papers:
        year = venue_year(paper.venue)
        if not year:
            continue
        data = paper_data(paper)
        for style in ("acm", "apa"):
            line = formatted_reference(data, "https://e.org/p/", style)
            assert set(YEAR.findall(line)) == {year}, (paper.id, style, line)
        assert f"  year = {{{year}}},\n" in bibtex_entry(paper), paper.id
        checked += 1
    assert checked >= 40
