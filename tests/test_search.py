"""Search on the built shipped site: Pagefind's index of the paper pages, the search page with
facets (AND across filters, NOT to leave a value out, state in the URL), the header box and the
filter box of topic pages, in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import urlencode

import pytest
from browsertools import search_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def topic_titles(collection, paper) -> set[str]:
    """The topics a paper is found under: its own and their parent areas."""
    by_id = {t.id: t for t in collection.topics}
    ids = set(paper.topics) | {by_id[t].parent for t in paper.topics if by_id[t].parent}
    return {by_id[t].title for t in ids}


def shown_count(page) -> int:
    """The number of papers found, once the results and then the facets (drawn after the filter
    index arrived) are on the page."""
    status = page.locator(".papers-search__status")
    page.wait_for_function("() => /^\\d+ papers?$/.test(document.querySelector('.papers-search__status').textContent)")
    # attached: on a phone the facets wait in a closed panel
    page.locator(".papers-facet:not([data-pending])").first.wait_for(state="attached")
    return int(status.inner_text().split()[0])


def wait_for_results(page, count: int) -> None:
    """Wait until count results are drawn: they follow the status line that counts them."""
    page.wait_for_function("n => document.querySelectorAll('.papers-result').length === n",
                           arg=min(count, 20))


def open_search(page, site_url, params: list[tuple[str, str]]) -> int:
    page.goto(f"{site_url}/search/?{urlencode(params)}")
    return shown_count(page)


def test_only_paper_pages_are_indexed(shipped_site):
    site, collection, _ = shipped_site
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(collection.papers)
    assert not (site / "search" / "search_index.json").exists()  # no second, lunr index to download


def test_header_box_finds_a_paper_by_a_word_of_its_title(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    paper = next(p for p in collection.papers if p.title.startswith("Galactic"))
    page.goto(site_url + "/topics/")
    results = search_for(page, "Galactic")
    assert "q=Galactic" in page.url
    hit = results.filter(has_text=paper.title).first
    assert paper.authors[0].name in hit.locator(".papers-result__byline").inner_text()
    assert "mark" in hit.locator(".papers-result__excerpt").inner_html()
    hit.locator("a").first.click()
    page.wait_for_url(re.compile(f"/papers/{paper.id}/$"))


def test_topic_and_year_narrow_together(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    topic = "Robustness & Adaptation"
    in_topic = [p for p in collection.papers if topic in topic_titles(collection, p)]
    year = max({p.year for p in in_topic if p.year}, key=lambda y: sum(p.year == y for p in in_topic))
    both = [p for p in in_topic if p.year == year]
    assert 0 < len(both) < len(in_topic)
    assert open_search(page, site_url, [("topic", topic)]) == len(in_topic)
    assert open_search(page, site_url, [("topic", topic), ("year", year)]) == len(both)
    wait_for_results(page, len(both))
    shown = set(page.locator(".papers-result__title").all_inner_texts())
    assert shown == {p.title for p in both}


def test_not_leaves_a_value_out(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    topic, left_out = "Robustness & Adaptation", "Continual Learning"
    expected = [p for p in collection.papers if topic in topic_titles(collection, p) and left_out not in topic_titles(collection, p)]
    assert open_search(page, site_url, [("topic", topic), ("not-topic", left_out)]) == len(expected)
    # and from the page: press "not" on a tag, and the URL says so
    tag_row = page.locator(".papers-facet__values li", has=page.locator('[data-facet="tag"]')).first
    tag = tag_row.locator(".papers-facet__label").inner_text()
    tag_row.locator(".papers-facet__not").click()
    page.wait_for_url(re.compile("not-tag="))
    without = [p for p in expected if tag not in p.tags]
    status = f"{len(without)} paper" + ("" if len(without) == 1 else "s")
    page.wait_for_function("text => document.querySelector('.papers-search__status').textContent === text", arg=status)
    assert set(page.locator(".papers-result__title").all_inner_texts()) <= {p.title for p in without}


def test_a_url_with_filters_restores_them(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    params = [("q", "learning"), ("topic", "Computer Vision"), ("not-year", "2023")]
    open_search(page, site_url, params)
    assert page.locator(".papers-search__form input").input_value() == "learning"
    chosen = page.locator('.papers-facet__value[aria-pressed="true"] .papers-facet__label').all_inner_texts()
    assert chosen == ["Computer Vision"]
    assert page.locator('li.is-excluded .papers-facet__label').all_inner_texts() == ["2023"]


def test_topic_page_filter_box(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    page.goto(site_url + "/topics/continual-learning/")
    entries = page.locator(".paper-list .paper-entry")
    total = entries.count()
    word = "replay"
    expected = sum(word in e.lower() for e in entries.all_inner_texts())
    page.locator(".papers-filter input").fill(word)
    assert page.locator(".paper-list .paper-entry:visible").count() == expected < total
    link = page.locator(".papers-filter__status a")
    link.click()
    page.wait_for_url(re.compile("/search/"))
    assert shown_count(page) >= expected
    assert page.locator('.papers-facet__value[aria-pressed="true"] .papers-facet__label').all_inner_texts() == ["Continual Learning"]


# Where the first result is each time the page changes, from the moment it is added.
RESULT_TOPS = """
window.resultTops = [];
new MutationObserver(() => {
  const first = document.querySelector('.papers-result');
  if (first) window.resultTops.push(first.getBoundingClientRect().top + window.scrollY);
}).observe(document, { childList: true, subtree: true });
"""


def test_results_on_a_phone_stay_where_they_appeared_when_the_facets_are_counted(browser, site_url, shipped_site):
    """On a phone the facets sit above the results, and their counts come after the results: drawn
    only then, they pushed the results the reader had started on down the page. (A search from the
    header box opens the search page with its words in the URL, as here.)"""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.add_init_script(RESULT_TOPS)
        page.goto(f"{site_url}/search/?q=learning")
        shown_count(page)
        page.wait_for_function("() => document.querySelectorAll('.papers-result').length === 20")
        page.locator(".papers-facet__value").first.wait_for(state="attached")
        tops = page.evaluate("window.resultTops")
        assert tops and max(tops) - min(tops) < 1, tops
        headings = page.locator(".papers-facet > summary").all_text_contents()
        assert headings == ["Topic", "Year", "Venue", "Tag", "Author"]
        assert page.locator(".papers-facet[data-pending]").count() == 0
    finally:
        context.close()


@pytest.fixture(scope="module")
def parted_site_url(shipped_site, tmp_path_factory):
    """The shipped site indexed again in parts of 30 papers (as a big collection is), served."""
    import subprocess
    import sys

    from httpserve import serve_directory

    from generator.searchindex import indexed_pages

    site, collection, _ = shipped_site
    parted = tmp_path_factory.mktemp("parted") / "site"
    shutil.copytree(site, parted)
    shutil.rmtree(parted / "pagefind")
    done = subprocess.run([sys.executable, "-m", "generator.searchindex", str(parted), "--part-pages", "30"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    parts = json.loads((parted / "pagefind" / "parts.json").read_text())
    assert len(parts) == -(-len(collection.papers) // 30) - 1
    assert indexed_pages(parted) == len(collection.papers)
    assert not list((parted / "pagefind" / "parts").rglob("*.js"))  # a part holds its index, not Pagefind's scripts again
    with serve_directory(parted) as url:
        yield url


def facet_counts(page) -> list[tuple[str, str, str]]:
    """(facet, value, count) of every value drawn, in the order drawn."""
    return page.locator(".papers-facet__value").evaluate_all(
        "els => els.map(e => [e.dataset.facet, e.dataset.value, e.querySelector('.papers-facet__count').textContent])")


@pytest.mark.parametrize("params", [[("q", "learning")], [("q", "video")], [("topic", "Computer Vision")],
                                    [("q", "learning"), ("topic", "Robustness & Adaptation"), ("not-year", "2023")], []],
                         ids=["word", "rare-word", "facet", "word-and-facets", "empty"])
def test_an_index_in_parts_finds_and_counts_the_same(page, site_url, parted_site_url, params):
    """The search page merges the parts: the same papers found, the same facet counts drawn."""
    seen = []
    for url in (site_url, parted_site_url):
        page.goto(f"{url}/search/?{urlencode(params)}")
        if params:
            shown_count(page)
            page.locator(".papers-result").first.wait_for()
        else:
            page.wait_for_function("() => document.querySelector('.papers-search__status').textContent.startsWith('Type')")
        page.locator(".papers-facet:not([data-pending])").first.wait_for()
        more = page.locator(".papers-search__more")
        status = page.locator(".papers-search__status").inner_text()
        total = int(status.split()[0]) if status[0].isdigit() else 0
        shown = min(total, 20)  # a page of results, then another one for each press of the button
        while True:
            page.wait_for_function(f"() => document.querySelectorAll('.papers-result').length === {shown}")
            if shown == total:
                break
            more.click()
            shown = min(total, shown + 20)
        assert not more.is_visible()  # every result shown (or none asked for): no button to press
        seen.append((page.locator(".papers-search__status").inner_text(), sorted(page.locator(".papers-result__title").all_inner_texts()),
                     facet_counts(page)))
    assert seen[0] == seen[1]
    assert seen[0][2]  # facets were drawn
