"""Feeds, downloads and citation metadata of a real build: parsed by the tools that read them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import bibtexparser
import feedparser
import jsonschema
import pytest
from conftest import REPO
from sitetools import copy_project, mkdocs_build

from generator.citation import paper_data
from generator.collection import load_collection
from generator.feeds import AUTHORS, FEED_SIZE, feed_date, newest_for_feed
from generator.latex import plain_text
from generator.plan import PlanSettings, plan_site

pytestmark = pytest.mark.slow

SITE_URL = "https://example.org/lab/"
SCHEMA = REPO / "tests" / "fixtures" / "exports" / "csl-data.schema.json"


def with_site_url(project: Path, url: str | None) -> Path:
    config = project / "mkdocs.yml"
    text = re.sub(r"(?m)^site_url:.*$", f"site_url: {url}" if url else "", config.read_text("utf-8"))
    config.write_text(text, "utf-8")
    return project


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    project = with_site_url(copy_project(tmp_path_factory.mktemp("published")), SITE_URL)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    collection, _ = load_collection(project / "data", project)
    return project, collection, result


def page_url(paper_id: str) -> str:
    return f"{SITE_URL}papers/{paper_id}/"


def read_feed(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return feed


def test_every_feed_parses_and_lists_the_newest_papers_of_its_topic(published):
    project, collection, _ = published
    site = project / "site"
    main = read_feed(site / "feeds" / "all.xml")
    expected = newest_for_feed(collection.papers)
    assert 0 < len(expected) <= FEED_SIZE
    assert [e.link for e in main.entries] == [page_url(p.id) for p in expected]
    for entry, paper in zip(main.entries, expected, strict=True):
        assert entry.title == plain_text(paper.title)  # math and inline tags as readable text
        names = [a.name for a in paper.authors]
        assert [a.name for a in entry.get("authors", [])] == names[:AUTHORS] + (["et al."] if len(names) > AUTHORS else [])
        abstract = " ".join((paper.abstract or "").split())
        assert entry.summary == abstract or (entry.summary.endswith(" …") and abstract.startswith(entry.summary[:-2]))
        assert {t.term for t in entry.tags} == set(paper.topics)
        assert entry.updated.startswith(feed_date(paper))
    parent = {t.id: t.parent for t in collection.topics}
    for topic in collection.topics:
        feed = read_feed(site / "feeds" / "topics" / f"{topic.id}.xml")
        members = [p for p in collection.papers if topic.id in set(p.topics) | {parent[t] for t in p.topics if parent[t]}]
        assert [e.link for e in feed.entries] == [page_url(p.id) for p in newest_for_feed(members)], topic.id
        family = {topic.id} | {t for t, p in parent.items() if p == topic.id}
        assert all(family & {t.term for t in e.tags} for e in feed.entries), topic.id
    assert len([f for f in (site / "feeds" / "topics").iterdir() if f.name != "sitemap.xml"]) == len(collection.topics)


def test_a_paper_added_to_one_topic_is_in_its_feed_and_the_main_feed_only(published, tmp_path):
    project = with_site_url(copy_project(tmp_path / "p"), SITE_URL)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    collection, _ = load_collection(project / "data", project)
    parents = {t.parent for t in collection.topics if t.parent}
    leaf = next(t for t in collection.topics if t.parent is None and t.id not in parents)
    (project / "data" / "papers" / "a-new-paper.yml").write_text(
        f"title: A New Paper\ntopics: [{leaf.id}]\nadded: '2099-01-02'\nabstract: Something new.\n", "utf-8")
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    new = page_url("a-new-paper")
    feeds = project / "site" / "feeds"
    assert read_feed(feeds / "all.xml").entries[0].link == new
    holding = sorted(path.stem for path in (feeds / "topics").iterdir() if new in [e.link for e in read_feed(path).entries])
    assert holding == [leaf.id]


def test_feeds_need_an_absolute_site_url(tmp_path):
    project = with_site_url(copy_project(tmp_path / "p"), None)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    assert "no feeds written: they need an absolute `site_url`" in result.stderr
    assert not (project / "site" / "feeds").exists()
    home = (project / "site" / "index.html").read_text("utf-8")
    assert "application/atom+xml" not in home and "papers.csl.json" in home


def test_beside_every_alternate_link_the_theme_finds_a_sitemap(published):
    """Material's script fetches "sitemap.xml" beside every `<link rel="alternate">` of a page (it takes them for
    other languages' copies of the site): beside a feed there is one, empty, instead of a 404 on every view."""
    project, _, _ = published
    site = project / "site"
    asked = set()
    for html in site.rglob("*.html"):
        for href in re.findall(r'<link rel="alternate"[^>]*href="([^"]+)"', html.read_text("utf-8")):
            # the 404 page's links are absolute paths: from the site's own path (its `site_url`) on
            target = (site / href.removeprefix(urlsplit(SITE_URL).path)) if href.startswith("/") else (html.parent / href)
            asked.add(target.resolve().parent / "sitemap.xml")
    assert {path.relative_to(site.resolve()).as_posix() for path in asked} == {"feeds/sitemap.xml", "feeds/topics/sitemap.xml"}
    for path in asked:
        root = ElementTree.parse(path).getroot()
        assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset" and len(root) == 0


def test_every_bib_file_parses_with_one_entry_per_paper(published):
    project, collection, _ = published
    downloads = project / "site" / "downloads"
    library = bibtexparser.parse_string((downloads / "papers.bib").read_text("utf-8"))
    assert not library.failed_blocks
    assert len(library.entries) == len(collection.papers)
    parent = {t.id: t.parent for t in collection.topics}
    for topic in collection.topics:
        library = bibtexparser.parse_string((downloads / "topics" / f"{topic.id}.bib").read_text("utf-8"))
        members = [p for p in collection.papers if topic.id in set(p.topics) | {parent[t] for t in p.topics if parent[t]}]
        assert not library.failed_blocks and len(library.entries) == len(members), topic.id


def test_csl_json_follows_its_schema_and_a_csl_processor_formats_every_item(published):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    project, collection, _ = published
    items = json.loads((project / "site" / "downloads" / "papers.csl.json").read_text("utf-8"))
    jsonschema.validate(items, json.loads(SCHEMA.read_text("utf-8")))
    assert [i["id"] for i in items] == [p.id for p in collection.papers]
    for style_file in sorted((REPO / "generator" / "styles").glob("*.csl")):
        style = CitationStylesStyle(str(style_file), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        formatted = [str(entry) for entry in bibliography.bibliography()]
        assert len(formatted) == len(items), style_file.name
    by_id = {p.id: p for p in collection.papers}
    for item in items:
        assert item["title"] == by_id[item["id"]].title and item["URL"] == page_url(item["id"])


def test_papers_json_round_trips_to_the_records(published):
    project, collection, _ = published
    exported = json.loads((project / "site" / "downloads" / "papers.json").read_text("utf-8"))
    assert exported["site"] == SITE_URL
    records = [{k: v for k, v in p.items() if k != "url"} for p in exported["papers"]]
    assert records == [paper_data(p) for p in collection.papers]
    assert [p["url"] for p in exported["papers"]] == [page_url(p.id) for p in collection.papers]


def test_home_and_topic_pages_link_their_feeds_and_downloads(published):
    project, collection, _ = published
    site = project / "site"
    home = (site / "index.html").read_text("utf-8")
    for target in ("feeds/all.xml", "downloads/papers.bib", "downloads/papers.csl.json", "downloads/papers.json"):
        assert f'href="{target}"' in home, target
    topic = collection.topics[0]
    page = (site / "topics" / topic.id / "index.html").read_text("utf-8")
    for target in (f"feeds/topics/{topic.id}.xml", f"downloads/topics/{topic.id}.bib"):
        assert f'href="../../{target}"' in page, target
    assert page.count('type="application/atom+xml"') >= 3  # head: site feed and topic feed; body: the link


def test_a_topic_named_sitemap_keeps_its_feed(tmp_path):
    """The empty sitemap beside the topic feeds gives way to a topic's own feed of that name."""
    project = copy_project(tmp_path / "p")
    topics = project / "data" / "topics.yml"
    topics.write_text(topics.read_text("utf-8") + "- id: sitemap\n  title: Sitemaps\n  description: Papers about sitemaps.\n", "utf-8")
    record = sorted((project / "data" / "papers").glob("*.yml"))[0]
    record.write_text(record.read_text("utf-8").replace("topics:\n", "topics:\n- sitemap\n", 1), "utf-8")
    collection, _ = load_collection(project / "data", project)
    pages = plan_site(collection, PlanSettings(feeds=True)).pages
    assert len({page.path for page in pages}) == len(pages)
    kinds = {page.path: page.kind for page in pages if page.path.endswith("sitemap.xml")}
    assert kinds == {"feeds/sitemap.xml": "feed-sitemap", "feeds/topics/sitemap.xml": "feed"}


def test_a_citekey_set_to_another_papers_made_up_key_gets_the_letter(project, cli):
    """`aaa` comes first in every .bib file, yet the paper whose key was made up keeps it plain,
    also when a cached build renders the files again from the listings it kept."""
    real = "title: Bounds on Things\nauthors: [Ada Lovelace]\ndate: '2024'\ntopics: [vision]\n"
    taken = "title: Taken\ntopics: [vision]\ncitekey: lovelace2024bounds\n"
    root = project({"aaa.yml": taken, "zzz.yml": real})
    for edit in ("", "bib: {volume: '2'}\n"):
        (root / "data/papers/zzz.yml").write_text(real + edit, "utf-8")
        code, _, err = cli(root, "build")
        assert code == 0, err
        for path in ("papers.bib", "topics/vision.bib"):
            library = bibtexparser.parse_string((root / "docs/downloads" / path).read_text("utf-8"))
            titles = {entry.key: entry["title"] for entry in library.entries}
            assert titles == {"lovelace2024bounds": "Bounds on Things",
                              "lovelace2024boundsb": "Taken"}
