"""People in the browser, on the lab-style collection built by MkDocs: declared people's names
highlighted in listings and on paper pages (light and dark), a person's page and feed, and an
author with no page of their own found through the search page."""

from __future__ import annotations

import re

import feedparser
import pytest
from httpserve import serve_directory
from labtools import lab_project
from sitetools import mkdocs_build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# How a highlighted name is marked besides its colour (axe checks the contrast, below).
STYLE = """el => ({weight: Number(getComputedStyle(el.querySelector('strong') || el).fontWeight),
                 background: getComputedStyle(el).backgroundColor})"""


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    project = lab_project(tmp_path_factory.mktemp("lab-site"), whole=True)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    with serve_directory(project / "site") as url:
        yield url


@pytest.fixture(params=["light", "dark"])
def scheme_page(request, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=request.param)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.mark.parametrize(("path", "members"), [
    ("/topics/language-models/", ["Wei Zhang", "A. Lima", "M. Shoeybi", "Ana P. Lima",
                                  "Mohammad Shoeybi"]),
    ("/papers/zhang-member/", ["Wei Zhang", "A. Lima"]),
])
def test_declared_people_are_highlighted_in_listings_and_on_paper_pages(lab_url, scheme_page,
                                                                       path, members):
    page = scheme_page
    page.goto(lab_url + path)
    names = page.locator("article a.author--member")
    assert names.all_inner_texts() == members
    for index in range(names.count()):
        style = names.nth(index).evaluate(STYLE)
        assert style["weight"] >= 700 and style["background"] != "rgba(0, 0, 0, 0)", style
    others = page.locator("article :is(.paper-authors, .paper-entry__byline)"
                          " > a:not(.author--member):not(.paper-badge)")
    assert others.count() >= 1
    assert others.first.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    href = names.first.get_attribute("href")
    names.first.click()
    page.wait_for_url(re.compile(r"/people/[a-z-]+/$"))
    assert href.rstrip("/").rsplit("/", 1)[1] in page.url


def test_a_persons_page_lists_their_papers_by_year_and_links_their_feed(lab_url, page):
    page.goto(lab_url + "/people/mohammad-shoeybi/")
    assert page.locator("article h1").inner_text().rstrip("¶") == "Mohammad Shoeybi"
    assert page.locator("article h2.person-year").all_inner_texts() == ["2021", "2019"]
    titles = page.locator("article .paper-entry__title").all_inner_texts()
    assert [t.rstrip("¶") for t in titles] == [
        "Efficient Large-Scale Language Model Training on GPU Clusters",
        "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism"]
    photo = page.locator("article img.person-photo")
    assert photo.get_attribute("loading") == "lazy"
    assert photo.get_attribute("alt") == "Portrait of Mohammad Shoeybi"
    photo.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.person-photo').naturalWidth > 0")
    links = page.locator("article .person-links a").all_inner_texts()
    assert links == ["Homepage", "Google Scholar", "DBLP", "Semantic Scholar"]
    feed_link = page.locator("article a[type='application/atom+xml']")
    response = page.request.get(page.evaluate("a => a.href", feed_link.element_handle()))
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.feed.title.endswith(": Mohammad Shoeybi")
    assert [e.title for e in feed.entries] == [t.rstrip("¶") for t in titles]
    head = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    assert any(h.endswith("/feeds/people/mohammad-shoeybi.xml")
               for h in (head.nth(i).get_attribute("href") for i in range(head.count())))


def test_an_author_without_a_page_leads_to_their_papers_in_the_search(lab_url, page):
    page.goto(lab_url + "/papers/doe-spelling/")
    page.locator("article .paper-authors a", has_text="Single Author Person").click()
    page.wait_for_url(re.compile(r"/search/\?author=Single"))
    results = page.locator(".papers-result")
    results.first.wait_for(state="visible")
    page.wait_for_timeout(500)
    assert results.count() == 1
    assert "Video Object Segmentation in Real Time" in results.first.inner_text()


def test_the_members_page_groups_people_by_role(lab_url, page):
    page.goto(lab_url + "/")
    page.locator("article a", has_text="Members").click()
    page.wait_for_url(re.compile(r"/people/$"))
    assert page.locator("article h2").all_inner_texts() == ["Principal investigator",
                                                            "PhD students"]
    assert page.locator("article .people-list a.author--member").all_inner_texts() == [
        "Mohammad Shoeybi", "Wei Zhang", "Ana Lima"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violation_on_people_pages_and_highlighted_names(browser, lab_url,
                                                                          scheme):
    from test_accessibility import check_page

    for kind, path in (("person", "/people/mohammad-shoeybi/"), ("members", "/people/"),
                       ("topic", "/topics/language-models/"), ("paper", "/papers/zhang-member/"),
                       ("home", "/")):
        check_page(browser, lab_url + path, kind, scheme)
