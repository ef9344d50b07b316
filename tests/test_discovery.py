"""Related papers and the map of the collection, on the built shipped site and in the build."""

from __future__ import annotations

import json
import re

import pytest

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


@pytest.mark.browser
def test_a_map_dot_shows_its_title_and_opens_its_paper(page, site_url, shipped_site):
    site, collection, _ = shipped_site
    data = json.loads((site / "downloads" / "map.json").read_text("utf-8"))
    assert len(data["papers"]) == len(collection.papers)
    places = [(x, y) for x, y, *_ in data["papers"]]
    x, y, _, title, url, _ = next(p for p in data["papers"] if places.count((p[0], p[1])) == 1)
    page.goto(f"{site_url}/map/")
    page.wait_for_selector(".papers-map[data-drawn]")
    box = page.locator(".papers-map canvas").bounding_box()
    margin = 3.5 + 4  # the dot radius and the gap the script leaves at the canvas edge
    px = box["x"] + margin + x * (box["width"] - 2 * margin)
    py = box["y"] + margin + (1 - y) * (box["height"] - 2 * margin)
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
