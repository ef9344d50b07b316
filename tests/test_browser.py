"""The built site in headless Chromium: browse, search, dark mode, and phone-width layout."""

from __future__ import annotations

import re

import pytest
from browsertools import search_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_browse_from_home_to_topic_to_paper(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    page.goto(site_url + "/")
    first_topic = collection.topics[0]
    page.locator(".grid.cards a", has_text=first_topic.title).first.click()
    page.wait_for_url(re.compile(f"/topics/{first_topic.id}/$"))
    assert page.locator("article h1").inner_text().rstrip("¶") == first_topic.title
    link = page.locator("article .paper-entry__title a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/papers/[a-z0-9-]+/$"))
    paper_id = page.url.rstrip("/").rsplit("/", 1)[1]
    paper = next(p for p in collection.papers if p.id == paper_id)
    assert page.locator("article h1").inner_text().rstrip("¶") == paper.title == title.rstrip("¶")
    parents = {t.id: t.parent for t in collection.topics}
    assert first_topic.id in set(paper.topics) | {parents[t] for t in paper.topics}  # a parent lists its sub-topics' papers
    bibtex = page.locator("article .paper-bibtex pre").inner_text()
    assert bibtex.startswith("@") and paper.authors[0].name.split()[-1] in bibtex
    assert page.locator("article .paper-ris pre").inner_text().startswith("TY  - ")
    for block in ("paper-bibtex", "paper-reference", "paper-ris"):  # Material's copy button on each citation block
        assert page.locator(f"article .{block} :is(.md-code__button, .md-clipboard)").count() == 1, block


def test_search_finds_a_paper_by_a_word_of_its_title(page, site_url):
    page.goto(site_url + "/")
    results = search_for(page, "Galactic")
    result = results.filter(has_text="Galactic: Scaling End-to-End Reinforcement Learning")
    result.first.wait_for(state="visible")
    result.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/papers/galactic-[a-z0-9-]+/"))


def test_dark_mode_toggle(page, site_url):
    page.goto(site_url + "/")
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    assert scheme() == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.reload()
    assert scheme() == "slate"


def test_every_request_a_page_makes_is_answered(page, site_url, shipped_site):
    """Nothing a page of the site asks for is missing: the theme's script asks for a sitemap beside every
    `<link rel="alternate">`, the feeds' too, and a page that asked for something not there showed an error in
    the browser's console on every view."""
    _, collection, _ = shipped_site
    topic = next(t for t in collection.topics if t.parent is None)
    failed = []
    page.on("response", lambda response: failed.append((response.status, response.url)) if response.status >= 400 else None)
    page.on("requestfailed", lambda request: failed.append((request.failure, request.url)))
    for path in ("/", f"/topics/{topic.id}/", f"/papers/{collection.papers[0].id}/", "/search/?q=learning", "/map/", "/404.html"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    feeds = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feeds.count() >= 1  # the feeds are there to be found, and asked about
    assert failed == []
