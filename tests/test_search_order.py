"""The search page on the built shipped site, in headless Chromium: excerpts quote the abstract,
results sort by date or title, a range of years narrows them, and on a phone the filters wait
in a closed panel so the results come first."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from test_search import open_search, topic_titles

from generator.latex import plain_text
from generator.searchdata import sort_keys

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOPIC = "Computer Vision"


def words(text: str) -> str:
    return " ".join(text.split())


def by_title(collection) -> dict:
    return {plain_text(p.title): p for p in collection.papers}


def all_results(page) -> list[str]:
    """Every result's title, in order, pressing "More results" until none are left."""
    total = int(page.locator(".papers-search__status").inner_text().split()[0])
    while True:  # the page of results drawn, then either all of them or a "More results" button
        page.wait_for_function("n => { const shown = document.querySelectorAll('.papers-result')"
                               ".length; return shown === n || (shown > 0 && shown % 20 === 0"
                               " && !document.querySelector('.papers-search__more').hidden); }",
                               arg=total)
        if page.locator(".papers-result").count() == total:
            return page.locator(".papers-result__title").all_inner_texts()
        # pressed from the keyboard: a click's scroll into view races the results growing
        page.locator(".papers-search__more").press("Enter")


def test_excerpts_quote_the_abstract_around_the_words_found(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    papers = by_title(collection)
    open_search(page, site_url, [("q", "training")])
    page.wait_for_function("() => document.querySelectorAll('.papers-result__excerpt').length"
                           " >= 10")
    for result in page.locator(".papers-result").all()[:10]:
        paper = papers[result.locator(".papers-result__title").inner_text()]
        excerpt = result.locator(".papers-result__excerpt")
        quoted = words(excerpt.inner_text().replace("…", ""))
        assert quoted and quoted in words(paper.abstract), paper.id
        marked = excerpt.locator("mark").all_inner_texts()
        assert marked and all("train" in m.lower() for m in marked), (paper.id, marked)  # stemmed


def test_without_words_the_excerpt_is_the_start_of_the_abstract(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    papers = by_title(collection)
    open_search(page, site_url, [("topic", TOPIC)])
    page.locator(".papers-result__excerpt").first.wait_for()
    for result in page.locator(".papers-result").all()[:5]:
        paper = papers[result.locator(".papers-result__title").inner_text()]
        quoted = words(result.locator(".papers-result__excerpt").inner_text().removesuffix("…"))
        assert words(paper.abstract).startswith(quoted), paper.id


@pytest.mark.parametrize("order, key, reverse", [("newest", "date", True),
                                                ("oldest", "date", False),
                                                ("title", "title", False)])
def test_results_sort_by_date_or_title(page, site_url, shipped_site, order, key, reverse):
    _, collection, _ = shipped_site
    papers = by_title(collection)
    in_topic = [p for p in collection.papers if TOPIC in topic_titles(collection, p)]
    assert open_search(page, site_url, [("topic", TOPIC), ("sort", order)]) == len(in_topic)
    titles = all_results(page)
    assert sorted(titles) == sorted(plain_text(p.title) for p in in_topic)
    shown = [sort_keys(papers[t])[key] for t in titles]
    assert shown == sorted(shown, reverse=reverse)
    assert page.locator(".papers-search__sort select").input_value() == order


def test_the_sort_control_reorders_a_search_and_the_url_keeps_it(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    papers = by_title(collection)
    open_search(page, site_url, [("q", "learning")])
    relevance = page.locator(".papers-result__title").all_inner_texts()
    page.locator(".papers-search__sort select").select_option("newest")
    page.wait_for_url(re.compile("sort=newest"))
    page.wait_for_function("old => (document.querySelector('.papers-result__title') || {})"
                           ".textContent !== old", arg=relevance[0])
    newest = all_results(page)
    assert sorted(newest) == sorted(all_results_of(page, site_url, [("q", "learning")]))
    dates = [sort_keys(papers[t])["date"] for t in newest]
    assert dates == sorted(dates, reverse=True) and newest[:20] != relevance


def all_results_of(page, site_url, params) -> list[str]:
    open_search(page, site_url, params)
    return all_results(page)


def test_a_range_of_years_narrows_the_results(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    in_topic = [p for p in collection.papers if TOPIC in topic_titles(collection, p)]
    inside = [p for p in in_topic if p.year and "2020" <= p.year <= "2022"]
    assert 0 < len(inside) < len(in_topic)
    found = open_search(page, site_url, [("topic", TOPIC), ("from", "2020"), ("to", "2022")])
    assert found == len(inside)
    assert set(all_results(page)) == {plain_text(p.title) for p in inside}
    # typed on the page: from 2023 on (no upper bound), and the URL follows
    page.locator(".papers-search__years input[name=to]").fill("")
    page.locator(".papers-search__years input[name=from]").fill("2023")
    page.wait_for_url(lambda url: "from=2023" in url and "to=" not in url)
    later = [p for p in in_topic if p.year and p.year >= "2023"]
    status = f"{len(later)} paper" + ("" if len(later) == 1 else "s")
    page.wait_for_function("s => document.querySelector('.papers-search__status').textContent"
                           " === s", arg=status)
    # a range with no paper in it finds nothing
    assert open_search(page, site_url, [("topic", TOPIC), ("from", "1900"), ("to", "1901")]) == 0


@pytest.mark.parametrize("params", [[("q", "learning")],
                                    [("q", "learning"), ("topic", TOPIC), ("year", "2024")]])
def test_on_a_phone_the_first_result_is_above_the_fold(browser, site_url, params):
    """390 by 664 pixels: a phone's window under its browser's bars. With filters chosen their
    groups opened above the results and pushed them out of sight."""
    context = browser.new_context(viewport={"width": 390, "height": 664})
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{site_url}/search/?{urlencode(params)}")
        page.locator(".papers-facet:not([data-pending])").first.wait_for(state="attached")
        page.locator(".papers-result__excerpt").first.wait_for()
        title = page.locator(".papers-result").first.bounding_box()
        assert title["y"] + 60 < 664, title
        summary = page.locator(".papers-search__panel > summary")
        chosen = len(params) - 1
        assert summary.inner_text() == (f"Filters ({chosen} chosen)" if chosen else "Filters")
        summary.click()  # and the filters are one tap away
        assert page.locator(".papers-facet > summary").first.is_visible()
    finally:
        context.close()
