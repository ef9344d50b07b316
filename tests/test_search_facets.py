"""Facet values of any text can be chosen on the search page: a small site whose tags, authors,
venues and topic titles hold quotes, backslashes, commas, colons, markup, odd spacing, percent
signs and non-Latin text, built by MkDocs, indexed by Pagefind and searched in Chromium."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from httpserve import serve_directory
from sitetools import copy_project, mkdocs_build
from test_search import facet_counts, shown_count, wait_for_results

from generator.recordfile import dump_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARKUP = "it's <b>&amp;</b> <img src=x onerror=window.__xss=1>"
TAGS = ['say "hi"', "back\\slash", "a, b: c", MARKUP, "  padded \t tag\n ", "日本語のタグ",
        "100% %22 %zz", "Ελληνικά", "x" * 190 + '"\\']
AUTHORS = ['Tim "The Tool" O\'Brien', "Back\\Slash, Jr.", "Имя Фамилия", "Plain Person"]
VENUES = ['"Quoted" Conf: A, B & <C>', "Venue \\ 2024"]
ODD_TOPIC = ' Topic "quoted" \\ back, colon: & <b>it\'s</b>  '
TOPICS = [
    {"id": "odd", "title": ODD_TOPIC, "description": "Odd title."},
    {"id": "plain", "title": "Plain Topic", "description": "An ordinary one."},
]
RECORDS = {
    "first-paper": {"title": "First replay paper", "date": "2023-05-01", "authors": AUTHORS[:2],
                    "venue": VENUES[0], "topics": ["odd"], "tags": TAGS[:5],
                    "abstract": "Replay of words."},
    "second-paper": {"title": "Second replay paper", "date": "2024-05-01", "authors": AUTHORS[1:3],
                     "venue": VENUES[1], "topics": ["odd", "plain"], "tags": TAGS[3:],
                     "abstract": "Replay again."},
    "third-paper": {"title": "Third paper", "date": "2024-05-01", "authors": AUTHORS[3:],
                    "topics": ["plain"], "tags": ["ordinary"], "abstract": "Nothing odd."},
}
CHOSEN = '.papers-facet__value[aria-pressed="true"] .papers-facet__label'


def shown(value: str) -> str:
    """A value as the search page lists it: Pagefind collapses and trims its spaces."""
    return " ".join(value.split())


def expected_papers() -> dict[tuple[str, str], set[str]]:
    """(facet, value as the search page shows it) -> titles of the papers filed under it."""
    titles = {t["id"]: t["title"] for t in TOPICS}
    found: dict[tuple[str, str], set[str]] = {}
    for record in RECORDS.values():
        values = [("topic", titles[t]) for t in record["topics"]]
        values += [("tag", t) for t in record["tags"]] + [("author", a) for a in record["authors"]]
        values += [("year", record["date"][:4])]
        values += [("venue", record["venue"])] if "venue" in record else []
        for name, value in values:
            found.setdefault((name, shown(value)), set()).add(record["title"])
    return found


@pytest.fixture(scope="module")
def facets_site(tmp_path_factory):
    import yaml

    data = tmp_path_factory.mktemp("data")
    (data / "papers").mkdir()
    (data / "topics.yml").write_text(yaml.safe_dump(TOPICS, allow_unicode=True), "utf-8")
    for paper_id, record in RECORDS.items():
        (data / "papers" / f"{paper_id}.yml").write_text(dump_record(record), "utf-8")
    project = copy_project(tmp_path_factory.mktemp("facets"), data=data)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    with serve_directory(project / "site") as url:
        yield url


def open_search(page, url: str, params: list[tuple[str, str]]) -> int:
    """The number of papers found, once all of them are listed (they follow the count)."""
    page.goto(f"{url}/search/?{urlencode(params)}")
    count = shown_count(page)
    wait_for_results(page, count)
    return count


def test_every_listed_value_finds_its_papers(page, facets_site):
    expected = expected_papers()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))
    page.goto(f"{facets_site}/search/")
    page.wait_for_function("() => document.querySelector('.papers-search__status')"
                           ".textContent.startsWith('Type')")
    page.locator(".papers-facet__value").first.wait_for(state="attached")
    listed = {(name, value): int(count) for name, value, count in facet_counts(page)}
    assert listed == {key: len(titles) for key, titles in expected.items()}
    for (name, value), titles in expected.items():
        assert open_search(page, facets_site, [(name, value)]) == len(titles), (name, value, errors)
        assert set(page.locator(".papers-result__title").all_inner_texts()) == titles, (name, value)
        assert page.locator(CHOSEN).all_inner_texts() == [value]
        left = open_search(page, facets_site, [(f"not-{name}", value)])
        assert left == len(RECORDS) - len(titles), (name, value)
    assert page.evaluate("window.__xss") is None


def test_pressing_a_value_filters_by_it(page, facets_site):
    open_search(page, facets_site, [("q", "replay")])
    page.locator(".papers-facet__value", has_text='say "hi"').click()
    page.wait_for_url(re.compile("tag=say"))
    page.wait_for_function("() => document.querySelectorAll('.papers-result').length === 1")
    assert page.locator(".papers-search__status").inner_text() == "1 paper"
    assert page.locator(".papers-result__title").all_inner_texts() == ["First replay paper"]


def test_topic_page_links_to_its_topic_on_the_search_page(page, facets_site):
    page.goto(f"{facets_site}/topics/odd/")
    page.locator(".papers-filter input").fill("replay")
    page.locator(".papers-filter__status a").click()
    page.wait_for_url(re.compile("/search/"))
    assert shown_count(page) == 2
    assert page.locator(CHOSEN).all_inner_texts() == [shown(ODD_TOPIC)]


def test_values_in_the_address_stay_text(page, facets_site):
    payload = "<img src=x onerror=window.__xss=2>"
    for params in ([("tag", MARKUP)], [("tag", payload), ("not-author", payload), ("q", payload)]):
        open_search(page, facets_site, params)
        assert page.locator(".papers-search img, .papers-search__facets b").count() == 0
        assert page.evaluate("window.__xss") is None
    open_search(page, facets_site, [("tag", MARKUP)])
    assert page.locator(CHOSEN).inner_text() == MARKUP
