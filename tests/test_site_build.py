"""The shipped collection, built by the real MkDocs with Material: pages, lists and links."""

from __future__ import annotations

import re

import pytest
from sitetools import article_text, broken_links, folded

from generator.latex import MATH

pytestmark = pytest.mark.slow


def test_build_is_clean_under_strict(shipped_site):
    _, _, result = shipped_site
    assert "WARNING" not in result.stderr


def test_every_paper_page_shows_its_exact_title_and_abstract(shipped_site):
    site, collection, _ = shipped_site
    for paper in collection.papers:
        html = (site / "papers" / paper.id / "index.html").read_text("utf-8")
        text = article_text(site / "papers" / paper.id / "index.html")
        # inline math ($...$) is shown as MathML; the text around it exactly as written
        for title_text in MATH.sub("\0", paper.title).split("\0"):
            assert folded(title_text.strip()) in text, paper.id
        assert ("<math" in html.split('class="paper-title"', 1)[1].split("</h1>", 1)[0]) == bool(MATH.search(paper.title)), paper.id
        assert folded(paper.abstract) in text, paper.id


def test_every_topic_page_lists_exactly_its_papers(shipped_site):
    site, collection, _ = shipped_site
    from sitetools import parse_page

    for topic in collection.topics:
        page = parse_page(site / "topics" / topic.id / "index.html")
        linked = {ref.split("/")[-2] for ref in page.article_refs if ref.startswith("../../papers/")}
        family = {topic.id} | {t.id for t in collection.topics if t.parent == topic.id}
        expected = {p.id for p in collection.papers if family & set(p.topics)}  # a parent lists its sub-topics' papers
        assert linked == expected, topic.id


def test_every_internal_link_and_anchor_resolves(shipped_site):
    site, _, _ = shipped_site
    assert broken_links(site) == []


def test_navigation_lists_topics_but_not_papers(shipped_site):
    site, collection, _ = shipped_site
    from sitetools import parse_page

    # the About page links no paper of its own: any paper link on it would be the nav's
    about = parse_page(site / "about" / "index.html")
    nav_papers = [ref for _, ref in about.refs if ref.startswith("../papers/")
                  and ref != "../papers/"]
    assert nav_papers == []
    for topic in collection.topics:  # sub-topics too, under their parent
        assert ("a", f"../topics/{topic.id}/") in about.refs


def test_site_has_search_index_sitemap_and_bibtex_download(shipped_site):
    site, collection, _ = shipped_site
    assert (site / "pagefind" / "pagefind-entry.json").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "sitemap.xml").is_file()
    bib = (site / "downloads" / "papers.bib").read_text("utf-8")
    entries = re.findall(r"^@(misc|inproceedings|article)\{", bib, re.MULTILINE)
    assert len(entries) == len(collection.papers)  # the type follows the venue


def test_site_loads_nothing_from_other_servers(shipped_site):
    site, _, _ = shipped_site
    from sitetools import parse_page

    external = set()
    for path in site.rglob("*.html"):
        for tag, ref in parse_page(path).refs:
            if tag in ("script", "img", "iframe", "link") and ref.startswith(("http:", "https:", "//")) and "127.0.0.1" not in ref:
                external.add((tag, ref))
    assert external == set()
