"""Related papers and the map of the collection, on the built shipped site and in the build."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from colourvision import VISION, ciede2000, contrast, rgb, seen

from generator.plan import PlanSettings

RELATED = PlanSettings().related


def related_ids(site, paper_id: str) -> list[str]:
    html = (site / "papers" / paper_id / "index.html").read_text("utf-8")
    block = html.split('class="papers-related"', 1)[1].split("</ul>", 1)[0] if "papers-related" in html else ""
    return re.findall(r'href="(?:\.\./)+papers/([a-z0-9-]+)/"', block)


def test_every_paper_page_lists_at_most_five_related_papers_that_exist(shipped_site):
    site, collection, _ = shipped_site
    ids = {p.id for p in collection.papers}
    lists = {p.id: related_ids(site, p.id) for p in collection.papers}
    assert all(len(found) <= RELATED for found in lists.values())
    assert all(set(found) <= ids - {paper_id} for paper_id, found in lists.items())
    assert sum(bool(found) for found in lists.values()) > 0.9 * len(ids)  # nearly every paper has some


@pytest.mark.browser
def test_related_links_open_the_papers_they_name(page, site_url, shipped_site):
    _, collection, _ = shipped_site
    titles = {p.id: p.title for p in collection.papers}
    paper = next(p for p in collection.papers if p.title.startswith("Galactic"))
    page.goto(f"{site_url}/papers/{paper.id}/")
    links = page.locator(".papers-related a")
    targets = links.evaluate_all("links => links.map(a => [a.textContent, a.href])")
    assert 0 < len(targets) <= RELATED
    for text, href in targets:
        response = page.goto(href)
        assert response.status == 200
        paper_id = href.rstrip("/").rsplit("/", 1)[1]
        assert page.locator("article h1").inner_text().rstrip("¶") == titles[paper_id] == text


def dot_on_screen(page, x: float, y: float) -> tuple[float, float]:
    """Where the script draws the map point (x, y): inside the margin it leaves at the edges."""
    canvas = page.locator(".papers-map canvas")
    box, margin = canvas.bounding_box(), float(canvas.get_attribute("data-margin"))
    return (box["x"] + margin + x * (box["width"] - 2 * margin),
            box["y"] + margin + (1 - y) * (box["height"] - 2 * margin))


def lone_dot(site) -> list:
    """A paper of the map that no other paper shares its place with."""
    data = json.loads((site / "downloads" / "map.json").read_text("utf-8"))
    places = [(x, y) for x, y, *_ in data["papers"]]
    return next(p for p in data["papers"] if places.count((p[0], p[1])) == 1)


@pytest.mark.browser
def test_a_map_dot_shows_its_title_and_opens_its_paper(page, site_url, shipped_site):
    site, collection, _ = shipped_site
    data = json.loads((site / "downloads" / "map.json").read_text("utf-8"))
    assert len(data["papers"]) == len(collection.papers)
    x, y, _, title, url, _ = lone_dot(site)
    page.goto(f"{site_url}/map/")
    page.wait_for_selector(".papers-map[data-drawn]")
    px, py = dot_on_screen(page, x, y)
    page.mouse.move(px, py)
    assert page.locator(".papers-map__tip").inner_text().startswith(title)
    page.mouse.click(px, py)
    page.wait_for_url(re.compile(re.escape(url) + "$"))
    assert page.locator("article h1").inner_text().rstrip("¶") == title


@pytest.mark.browser
def test_map_colours_follow_the_legend_in_both_schemes(browser, site_url):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/map/")
        page.wait_for_selector(".papers-map[data-drawn]")
        swatches = page.locator(".papers-map__legend .papers-map__swatch").evaluate_all(
            "spans => spans.map(s => getComputedStyle(s).backgroundColor)")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert len(set(swatches)) == len(swatches) and background not in swatches
        context.close()


@pytest.mark.browser
def test_a_tap_on_a_map_dot_shows_its_title_and_a_link_and_a_tap_elsewhere_hides_it(
        browser, site_url, shipped_site):
    x, y, _, title, url, _ = lone_dot(shipped_site[0])
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/map/")
        page.wait_for_selector(".papers-map[data-drawn]")
        px, py = dot_on_screen(page, x, y)
        page.touchscreen.tap(px + 6, py - 6)  # a fingertip a little off the dot's centre
        tip = page.locator(".papers-map__tip")
        assert tip.inner_text().startswith(title)
        assert tip.locator("a").get_attribute("href").endswith(url)
        assert page.url == f"{site_url}/map/"  # a tap does not leave the page
        assert tip.bounding_box()["y"] < page.viewport_size["height"]  # shown where it is seen
        page.tap("h1")
        assert tip.inner_text().strip() == ""
        page.touchscreen.tap(px, py)
        tip.locator("a").tap()
        page.wait_for_url(re.compile(re.escape(url) + "$"))
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_map_legend_shows_with_the_plot_at_390_and_1280_px(browser, site_url, scheme):
    """Above the plot on a phone, beside it on a wide screen; in the first screenful either way."""
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{site_url}/map/")
        page.wait_for_selector(".papers-map[data-drawn]")
        legend = page.locator(".papers-map__legend").bounding_box()
        plot = page.locator(".papers-map__canvas").bounding_box()
        assert legend["y"] + legend["height"] <= height, (width, legend)
        if width < 600:
            assert legend["y"] + legend["height"] <= plot["y"], (legend, plot)
            assert plot["y"] + plot["height"] / 2 <= height  # and the plot's upper half too
        else:
            assert legend["x"] >= plot["x"] + plot["width"], (legend, plot)
            assert plot["y"] + plot["height"] <= height  # the whole plot
        context.close()


def test_the_map_spreads_its_dots_over_the_plot(shipped_site):
    """The middle 80% of the papers on each axis span most of the plot, not a corner of it (18%
    of the plot on the shipped collection when a few outliers set the scale)."""
    data = json.loads((shipped_site[0] / "downloads" / "map.json").read_text("utf-8"))
    area = 1.0
    for axis in (0, 1):
        values = sorted(paper[axis] for paper in data["papers"])
        area *= values[int(0.9 * (len(values) - 1))] - values[int(0.1 * (len(values) - 1))]
    assert area >= 0.4, area


def test_the_map_says_what_its_places_mean(shipped_site):
    html = (shipped_site[0] / "map" / "index.html").read_text("utf-8")
    caption = " ".join(html.split('class="papers-map__caption"', 1)[1].split("</p>", 1)[0].split())
    assert "no units" in caption and "similar words" in caption and "own words" in caption


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_map_colours_are_told_apart_with_colour_blindness_and_read_on_the_page(
        browser, site_url, scheme):
    """Every two area colours (and the grey of no topic) at least 8 apart in CIEDE2000 as seen with
    normal vision, protanopia, deuteranopia and tritanopia; each at least 3:1 against the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site_url}/map/")
    page.wait_for_selector(".papers-map[data-drawn]")
    names = [f"--papers-map-{n}" for n in range(10)] + ["--papers-map-other"]
    found = page.evaluate("""names => names.map(name => {
      const probe = document.createElement("span");
      probe.style.color = `var(${name})`;
      document.body.append(probe);
      const colour = getComputedStyle(probe).color;
      probe.remove();
      return colour;
    })""", names)
    page_colour = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    context.close()
    colours = [rgb(colour) for colour in found]
    low = min(contrast(colour, page_colour) for colour in colours)
    assert low >= 3, low
    for vision in VISION:
        closest = min((ciede2000(seen(a, vision), seen(b, vision)), found[i], found[j])
                      for (i, a), (j, b) in itertools.combinations(enumerate(colours), 2))
        assert closest[0] >= 8, (vision, closest)


SPARSE_ATTENTION = {f"p{n}.yml": f"title: Paper {n} on sparse attention\ntopics: [vision]\nabstract: Sparse attention, part {n}.\n"
                    for n in range(4)}


def forbid_comparing(monkeypatch):
    """Make a build that compares papers fail: every comparison counts the papers' terms or
    weighs them (a cached build weighs the counts it kept)."""

    def no_similarity(*args, **kwargs):
        raise AssertionError("the papers were compared")

    for name in ("counts", "weights"):
        monkeypatch.setattr(f"generator.similarity.{name}", no_similarity)


def test_the_guard_against_comparing_stops_a_build_that_compares(project, cli, monkeypatch):
    root = project(SPARSE_ATTENTION)
    (root / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - papers:\n      related: 1\n", "utf-8")
    forbid_comparing(monkeypatch)
    with pytest.raises(AssertionError, match="the papers were compared"):
        cli(root, "build", "--no-cache")


def test_related_zero_computes_neither_related_papers_nor_the_map(project, cli, monkeypatch):
    root = project(SPARSE_ATTENTION)
    (root / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - papers:\n      related: 0\n", "utf-8")
    forbid_comparing(monkeypatch)
    code, _, err = cli(root, "build")
    assert code == 0, err
    assert not (root / "docs" / "map").exists() and not (root / "docs" / "downloads" / "map.json").exists()
    assert "Related papers" not in (root / "docs" / "papers" / "p0.md").read_text("utf-8")
    import time

    time.sleep(2.1)  # out of the clock tick of the first build
    assert cli(root, "build")[0] == 0
    (root / "data/papers/p2.yml").write_text("title: Paper 2 on sparse attention\ntopics: [vision]\nabstract: New words.\n", "utf-8")
    monkeypatch.setattr("generator.pipeline.plan_site", lambda *a, **k: (_ for _ in ()).throw(AssertionError("planned again")))
    code, _, err = cli(root, "build")  # an abstract edit stays an edit of the pages that show the paper
    assert code == 0, err
    assert "New words." in (root / "docs" / "papers" / "p2.md").read_text("utf-8")
    monkeypatch.undo()
    (root / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - papers:\n      related: 21\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code != 0 and "related" in err and "from 0 to 20" in err


def test_the_map_leaves_the_nav_when_related_papers_are_off():
    from generator.plugin import _site_nav
    from generator.report import NavInfo

    nav = [{"Home": "index.md"}, {"Map": "map/index.md"}, {"Search": "search.md"}]
    shown = NavInfo([], ["map"], 1, 1, None)
    assert _site_nav(nav, shown, 30) == nav
    assert _site_nav(nav, NavInfo([], [], 1, 1, None), 30) == [{"Home": "index.md"}, {"Search": "search.md"}]


def test_discover_from_cached_counts_after_edits_equals_discover_afresh():
    """What a build does after an edit (counts kept per text digest, the last result merged) gives
    what a build without a cache gives; only the edited texts are read again."""
    import random
    from pathlib import Path

    import yaml

    from generator.cache import digest
    from generator.cachecodec import paper_text
    from generator.discovery import discover

    data = Path(__file__).resolve().parent.parent / "data" / "papers"
    texts = {p.stem: paper_text(yaml.safe_load(p.read_text("utf-8"))) for p in sorted(data.glob("*.yml"))}
    rng = random.Random(5)
    asked: list[str] = []

    def texts_of(ids):
        asked.extend(ids)
        return {i: texts[i] for i in ids}

    found, terms = discover({i: digest(t) for i, t in texts.items()}, RELATED, texts_of)
    assert sorted(asked) == sorted(texts)
    for _ in range(3):
        edited = rng.sample(sorted(texts), 2)
        texts[edited[0]] += " a sentence added about robots"
        texts[edited[1]] = texts[edited[1]].replace("the", "a")
        asked.clear()
        again, fresh = discover({i: digest(t) for i, t in texts.items()}, RELATED, texts_of, terms, found)
        assert sorted(asked) == sorted(edited)
        afresh, _ = discover({i: digest(t) for i, t in texts.items()}, RELATED, texts_of)
        assert again == afresh
        found, terms = again, {**terms, **fresh}


def test_counts_made_with_other_library_versions_are_not_reused(monkeypatch):
    from generator import discovery
    from generator.cache import digest

    texts = {"a": "sparse attention for long context", "b": "sparse attention for long documents", "c": "robot soccer"}
    digests = {i: digest(t) for i, t in texts.items()}
    asked: list[str] = []

    def texts_of(ids):
        asked.extend(ids)
        return {i: texts[i] for i in ids}

    found, terms = discovery.discover(digests, RELATED, texts_of)
    asked.clear()
    assert discovery.discover(digests, RELATED, texts_of, terms, found)[0] == found and not asked
    monkeypatch.setattr(discovery, "_libraries", lambda: "numpy 99")
    again, _ = discovery.discover(digests, RELATED, texts_of, terms, found)
    assert sorted(asked) == ["a", "b", "c"] and again.key != found.key and again.related == found.related
