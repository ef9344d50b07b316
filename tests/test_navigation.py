"""Finding one's way on the built shipped site, in headless Chromium: a sub-topic's page keeps
the sidebar and the Topics tab, and on a phone the header shows the site's whole name."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def sub_topics(collection):
    return [t for t in collection.topics if t.parent]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_sub_topic_page_is_in_the_navigation_under_its_parent(browser, site_url, shipped_site,
                                                                width):
    _, collection, _ = shipped_site
    parents = {t.id: t for t in collection.topics}
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for topic in sub_topics(collection)[:3]:
            page.goto(f"{site_url}/topics/{topic.id}/")
            nav = page.locator(".md-sidebar--primary .md-nav")
            active = nav.locator("a.md-nav__link--active")
            assert active.count() == 1 and active.inner_text().strip() == topic.title
            # the parent's section is the one open around it, its own page first in it
            section = nav.locator("li.md-nav__item--active.md-nav__item--nested").last
            links = section.locator("a.md-nav__link").all_inner_texts()
            assert links[0].strip() == parents[topic.parent].title
            if width == 1280:
                assert page.locator(".md-sidebar--primary").is_visible()
                assert page.locator(".md-tabs__item--active").inner_text().strip() == "Topics"
    finally:
        context.close()


def test_on_a_phone_the_header_shows_the_whole_site_name_and_a_way_to_search(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/papers/")
        name = page.locator(".md-header__topic:not([data-md-component]) .md-ellipsis, "
                            ".md-header__topic .md-ellipsis").first
        assert name.inner_text() == "Paper collection"
        assert name.evaluate("n => n.scrollWidth <= n.clientWidth")
        search = page.get_by_role("link", name="Search papers")
        assert search.is_visible()
        search.click()
        page.wait_for_url("**/search/")
        assert page.locator(".papers-search__form input").is_visible()
    finally:
        context.close()
