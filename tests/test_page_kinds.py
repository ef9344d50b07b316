"""Every kind of page, as a reader sees it in Chromium: structure, layout at phone and desktop
widths, light and dark. Screenshots of each go to test-artifacts/pages/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from conftest import ARTIFACTS, REPO
from httpserve import serve_directory
from sitetools import copy_project, mkdocs_build

from generator.collection import load_collection
from generator.order import folded_title

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"phone": 390, "desktop": 1280}
SCHEMES = ("light", "dark")
RICH = REPO / "tests" / "golden" / "project"


@pytest.fixture(scope="module")
def shipped_url(shipped_site):
    site, _, _ = shipped_site
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """The golden fixture collection (dates, tags, sub-topics) built with the project's own config."""
    project = copy_project(tmp_path_factory.mktemp("rich"), data=RICH / "data")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("      per_page: 50", "      per_page: 50\n      author_pages_from: 1"), "utf-8")
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    collection, _ = load_collection(RICH / "data", RICH)
    with serve_directory(project / "site") as url:
        yield url, collection


def topic_papers(collection, topic) -> list:
    """Papers in the topic or any of its sub-topics, each once."""
    ids = {topic.id} | {t.id for t in collection.topics if t.parent == topic.id}
    return [p for p in collection.papers if ids & set(p.topics)]


def topic_count(collection, topic) -> int:
    return len(topic_papers(collection, topic))


def open_page(browser, url: str, width: str = "desktop", scheme: str = "light"):
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    return context, page


def card_texts(page) -> list[tuple[str, str]]:
    """(title, whole text) of each card in the article's card grid; a card holds exactly one title."""
    cards = page.locator("article .grid.cards > ul > li")
    assert all(cards.nth(i).locator("a strong").count() == 1 for i in range(cards.count()))
    return [(cards.nth(i).locator("a strong").inner_text(), cards.nth(i).inner_text()) for i in range(cards.count())]


@pytest.mark.parametrize("path", ["/", "/topics/"])
def test_topic_grid_has_one_card_per_topic_with_its_own_title_and_count(browser, shipped_url, shipped_site, path):
    _, collection, _ = shipped_site
    context, page = open_page(browser, shipped_url + path)
    try:
        cards = card_texts(page)
        top = [t for t in collection.topics if t.parent is None]
        assert [title for title, _ in cards] == [t.title for t in top]
        for (_, text), topic in zip(cards, top, strict=True):
            counts = re.findall(r"\b(\d+) papers?\b", text)
            assert counts == [str(topic_count(collection, topic))], text
            assert text.startswith(topic.title), text
    finally:
        context.close()


def test_topics_index_cards_name_their_sub_topics(browser, rich):
    url, collection = rich
    context, page = open_page(browser, url + "/topics/")
    try:
        cards = dict(card_texts(page))
        assert set(cards) == {"Learning & Co", "Speech"}
        assert "sub-topics: Vision" in cards["Learning & Co"] and "sub-topics" not in cards["Speech"]
    finally:
        context.close()


def test_topic_page_shows_exactly_its_papers_newest_first(browser, rich):
    url, collection = rich
    context, page = open_page(browser, url + "/topics/learning/")
    try:
        titles = page.locator("article .paper-entry__title > a").all_inner_texts()
        expected = sorted((p for p in collection.papers if "learning" in p.topics), key=lambda p: p.date or "", reverse=True)
        assert [t.rstrip("¶") for t in titles] == [p.title for p in expected]
    finally:
        context.close()


def test_year_and_tag_pages_list_their_papers(browser, rich):
    url, collection = rich
    context, page = open_page(browser, url + "/years/2024/")
    try:
        assert page.locator("article h1").inner_text().rstrip("¶") == "2024"
        titles = [t.rstrip("¶") for t in page.locator("article .paper-entry__title > a").all_inner_texts()]
        assert titles == [p.title for p in collection.papers if p.year == "2024"]
        page.goto(url + "/tags/deep-learning/")
        titles = sorted(t.rstrip("¶") for t in page.locator("article .paper-entry__title > a").all_inner_texts())
        assert titles == sorted(p.title for p in collection.papers if "Deep Learning" in p.tags)
    finally:
        context.close()


def all_pages_of(page, url: str) -> list:
    """The article of every page of a paginated list, following its Next links (at most 50)."""
    page.goto(url)
    for _ in range(50):
        yield page
        following = page.locator("article nav.pager a[rel=next]")
        if following.count() == 0:
            return
        following.first.click()
        page.wait_for_load_state()
    raise AssertionError("more than 50 pages")


def test_a_to_z_has_a_letter_bar_that_jumps_and_entries_with_authors_and_year(
        browser, shipped_url, shipped_site):
    """The A-Z list shows the compact entries of every listing (authors, venue, year, links, the
    start of the abstract) under its letters, page after page."""
    _, collection, _ = shipped_site
    context, page = open_page(browser, shipped_url + "/papers/")
    try:
        bar = page.locator("article .az-bar")
        assert bar.locator("a").count() == len({folded_title(p.title)[0].upper() for p in collection.papers})
        bar.locator("a", has_text=re.compile("^Y$")).click()
        page.wait_for_url(re.compile("#letter-y$"))
        assert page.locator("#letter-y").is_visible()
        ids, texts = [], []
        for current in all_pages_of(page, shipped_url + "/papers/"):
            entries = current.locator("article .paper-list .paper-entry")
            texts += entries.all_inner_texts()
            links = current.locator("article .paper-entry h3.paper-entry__title a")
            hrefs = links.evaluate_all("all => all.map(a => a.href)")
            ids += [link.split("/")[-2] for link in hrefs]
        assert len(ids) == len(collection.papers) == len(texts)
        by_id = {p.id: p for p in collection.papers}
        titles = [by_id[i].title for i in ids]
        assert titles == sorted(titles, key=folded_title)
        for paper, text in zip((by_id[i] for i in ids), texts, strict=True):
            assert all(a.name in text for a in paper.authors[:3]), paper.id
            assert (paper.year or "") in text, paper.id
    finally:
        context.close()


@pytest.fixture(scope="module")
def paged(tmp_path_factory, shipped_site):
    """The shipped collection built with 7 papers per listing page."""
    project = copy_project(tmp_path_factory.mktemp("paged"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("      per_page: 50", "      per_page: 7"), "utf-8")
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    with serve_directory(project / "site") as url:
        yield url, shipped_site[1]


def test_the_older_pages_of_a_list_show_the_next_papers_counted_from_the_oldest(browser, paged):
    """The first page shows the newest 7 to 13 papers; its Older links lead through page/F-1 ...
    page/1, 7 papers each, the oldest last; each older page links the newest and the oldest."""
    url, collection = paged
    from generator.order import orders

    topic = max(collection.topics, key=lambda t: topic_count(collection, t))
    expected = [p.title for p in orders(topic_papers(collection, topic))[1]]
    assert len(expected) > 21
    older = len(expected) // 7 - 1  # full blocks of 7 but the newest one, on the first page
    context, page = open_page(browser, f"{url}/topics/{topic.id}/")
    try:
        seen = []
        for number, current in enumerate(all_pages_of(page, f"{url}/topics/{topic.id}/")):
            titles = [t.rstrip("¶") for t in current.locator("article .paper-entry__title > a").all_inner_texts()]
            pager = current.locator("article nav.pager[aria-label=Pages]")
            if number == 0:
                assert 7 <= len(titles) < 14
                assert pager.locator(".pager__current").inner_text() == "Newest"
            else:
                block = older + 1 - number
                assert len(titles) == 7
                assert current.url.endswith(f"/topics/{topic.id}/page/{block}/")
                assert pager.locator("[aria-current=page]").inner_text() == f"Page {block}"
                newest = pager.locator(".pager__first").evaluate("a => a.href")
                assert newest == f"{url}/topics/{topic.id}/"
                assert pager.locator("a[rel=prev]").count() == 1
            seen += titles
        assert number == older
        assert seen == expected
    finally:
        context.close()


def test_empty_facets_are_hidden_from_visitors(browser, shipped_url, shipped_site):
    _, collection, _ = shipped_site
    context, page = open_page(browser, shipped_url + "/")
    try:
        tabs = page.locator(".md-tabs__link").all_inner_texts()
        has_dates = any(p.date for p in collection.papers)
        has_tags = any(p.tags for p in collection.papers)
        assert ("By year" in tabs) == has_dates and ("Tags" in tabs) == has_tags
        links = page.locator("article a").all_inner_texts()
        assert ("By year" in links) == has_dates and ("Tags" in links) == has_tags
        page.goto(shipped_url + "/tags/")
        assert "tags: [" not in page.locator("article").inner_text()
    finally:
        context.close()


def test_urls_in_abstracts_are_links_with_the_text_unchanged(browser, shipped_url, shipped_site):
    _, collection, _ = shipped_site
    paper = next(p for p in collection.papers if p.abstract and "https://" in p.abstract)
    context, page = open_page(browser, f"{shipped_url}/papers/{paper.id}/")
    try:
        links = page.locator(".paper-abstract a")
        assert links.count() >= 1
        first = links.first
        assert first.get_attribute("href") == first.inner_text() and first.inner_text() in paper.abstract
        assert first.get_attribute("rel") == "noopener"
        assert " ".join(paper.abstract.split()) in " ".join(page.locator(".paper-abstract").inner_text().split())
    finally:
        context.close()


CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let bg = 'rgba(0, 0, 0, 0)', node = el;
  while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  const a = lum(getComputedStyle(el).color), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_link_buttons_have_aa_contrast(browser, rich, scheme):
    url, collection = rich
    paper = next(p for p in collection.papers if p.arxiv)
    context, page = open_page(browser, f"{url}/papers/{paper.id}/", scheme=scheme)
    try:
        buttons = page.locator("article a.md-button")
        assert buttons.count() >= 2
        for i in range(buttons.count()):
            assert buttons.nth(i).evaluate(CONTRAST) >= 4.5, buttons.nth(i).inner_text()
        page.goto(f"{url}/topics/learning/")
        badge = page.locator("article a.paper-badge").first
        assert badge.evaluate(CONTRAST) >= 4.5
    finally:
        context.close()


# Contrast of an SVG shape's fill with what is behind it (the first ancestor with a background), alpha blended.
FILL_CONTRAST = """(el) => {
  const rgba = (c) => { const v = c.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = 'rgba(0, 0, 0, 0)', node = el.closest('svg');
  while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  const back = rgba(bg), fill = rgba(getComputedStyle(el).fill);
  const seen = [0, 1, 2].map(i => fill[3] * fill[i] + (1 - fill[3]) * back[i]);
  const a = lum(seen), b = lum(back);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_home_charts_show_a_bar_per_top_level_topic_readable_in_both_schemes(browser, shipped_url, shipped_site, scheme):
    _, collection, _ = shipped_site
    top = [t for t in collection.topics if t.parent is None]
    context, page = open_page(browser, shipped_url + "/", "phone", scheme)
    try:
        chart = page.get_by_role("group", name=re.compile("^Papers per topic"))
        assert chart.locator("rect.papers-chart__bar").count() == len(top)
        expected = {t.title: topic_count(collection, t) for t in top}
        tips = chart.locator("a.papers-chart__link > title").all_text_contents()
        assert sorted(tips) == sorted(f"{title}: {n} paper{'s' if n != 1 else ''}" for title, n in expected.items())
        page.locator("#chart-topics summary").click()
        cells = page.locator("#chart-topics table tbody td").all_inner_texts()
        assert dict(zip(cells[::2], map(int, cells[1::2]), strict=True)) == expected
        assert (page.locator("#chart-years svg").count() == 1) == any(p.year for p in collection.papers)
        assert (page.locator("#chart-added svg").count() == 1) == any(p.added for p in collection.papers)
        texts = page.locator(".papers-chart__svg text")
        assert texts.count() > len(top)
        for i in range(texts.count()):
            assert texts.nth(i).evaluate(FILL_CONTRAST) >= 4.5, texts.nth(i).text_content()
        assert page.locator(".papers-chart__svg .papers-chart__bar").first.evaluate(FILL_CONTRAST) >= 3
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    finally:
        context.close()


@pytest.mark.parametrize("block", ["paper-bibtex", "paper-reference", "paper-ris"])
def test_citations_wrap_on_a_phone_and_the_copy_button_covers_no_text(browser, shipped_url, shipped_site, block):
    _, collection, _ = shipped_site
    longest = max(collection.papers, key=lambda p: len(p.title))
    context, page = open_page(browser, f"{shipped_url}/papers/{longest.id}/", width="phone")
    try:
        code = page.locator(f".{block} pre > code")
        assert code.evaluate("el => el.scrollWidth <= el.clientWidth")
        button = page.locator(f".{block} .md-code__button, .{block} .md-clipboard").first
        box = button.bounding_box()
        overlapping = code.evaluate("""(el, b) => {
            const range = document.createRange(); range.selectNodeContents(el);
            return [...range.getClientRects()].filter(r => r.width > 0 && r.left < b.x + b.width && r.right > b.x
                                                        && r.top < b.y + b.height && r.bottom > b.y).length; }""", box)
        assert overlapping == 0
    finally:
        context.close()


def first_term_page(site, facet: str) -> str:
    """The first term page a facet of the built site has, e.g. /tags/benchmark/."""
    names = sorted(d.name for d in (site / facet).iterdir() if d.is_dir() and d.name != "page")
    return f"/{facet}/{names[0]}/"


def page_kinds(shipped_collection, rich_collection, shipped_dir) -> list[tuple[str, str, str]]:
    longest = max(shipped_collection.papers, key=lambda p: len(p.title))
    topic = max(shipped_collection.topics, key=lambda t: topic_count(shipped_collection, t))
    special = next(p for p in rich_collection.papers if p.authors)
    return [
        ("home", "shipped", "/"), ("topics-index", "shipped", "/topics/"), ("topic", "shipped", f"/topics/{topic.id}/"),
        ("paper", "shipped", f"/papers/{longest.id}/"), ("a-to-z", "shipped", "/papers/"),
        ("years-index", "rich", "/years/"), ("year", "rich", "/years/2024/"), ("tags-index", "rich", "/tags/"),
        ("tag", "rich", "/tags/deep-learning/"), ("paper-full", "rich", f"/papers/{special.id}/"), ("about", "shipped", "/about/"),
        ("authors-index", "rich", "/authors/"), ("author", "rich", "/authors/grace-hopper/"),
        ("person", "rich", "/people/ada-lovelace/"), ("members", "rich", "/people/"), ("venues-index", "rich", "/venues/"),
        ("venue", "rich", "/venues/neurips/"), ("list-page-1", "paged", f"/topics/{topic.id}/page/1/"),
        *((f"shipped-{facet[:-1]}", "shipped", first_term_page(shipped_dir, facet)) for facet in ("years", "tags", "authors", "venues")),
        ("map", "shipped", "/map/"), ("search", "shipped", "/search/?q=learning&topic=Computer+Vision&not-year=2023"),
    ]


# What a page kind draws in the browser after it loads, waited for before its screenshot.
DRAWN = {"map": ".papers-map[data-drawn]", "search": ".papers-facet:not([data-pending])"}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_kind_fits_the_screen_and_is_saved_as_a_screenshot(browser, shipped_url, shipped_site, rich, paged, width, scheme):
    _, shipped_collection, _ = shipped_site
    rich_url, rich_collection = rich
    sites = {"shipped": shipped_url, "rich": rich_url, "paged": paged[0]}
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    context, page = open_page(browser, shipped_url + "/", width, scheme)
    try:
        for kind, site, path in page_kinds(shipped_collection, rich_collection, shipped_site[0]):
            response = page.goto(sites[site] + path)
            assert response.ok, path
            if kind in DRAWN:
                page.wait_for_selector(DRAWN[kind], state="attached")  # phones fold the facets
            assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == ("slate" if scheme == "dark" else "default")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than a {width} screen"
            page.screenshot(path=str(folder / f"{kind}-{WIDTHS[width]}-{scheme}.png"), full_page=True)
    finally:
        context.close()
