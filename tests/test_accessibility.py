"""Every kind of page meets WCAG 2.1 A and AA, as Chromium shows it: axe-core's rules on the
shipped site and on a lab's collection made by `init --from` a real bibliography, in light and
dark; and, measured with the keyboard, what axe cannot see: a visible focus on every control,
focus kept on the search page's facets, a skip link, the map, the header box's contrast."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import REPO
from httpserve import serve_directory
from sitetools import mkdocs_build

from generator.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Where `make test` installs axe-core from npm (see the Makefile).
AXE = Path(sys.executable).parent.parent / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Chromium's own notice above a page drawn by XSLT (the feed) is not the site's.
RUN_AXE = """async tags => {
  const found = await axe.run({exclude: [["xslt-warning-banner"]]},
                              {runOnly: {type: "tag", values: tags}});
  return found.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n =>
    ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""
LAB_BIB = REPO / "tests" / "fixtures" / "import" / "bibtex-d2l-trimmed-300plus.bib"
SCHEMES = {"light": "default", "dark": "slate"}
FACETS = ("years", "tags", "venues", "authors")
# What each page kind needs drawn before it is checked.
READY = {
    "search": ".papers-facet:not([data-pending])",
    "search-filtered": ".papers-result",
    "map": ".papers-map[data-drawn]",
}


def axe_path() -> Path:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing: `make test` installs it into {AXE.parent}")
        pytest.skip("axe-core is not installed (`make test` installs it when npm is there)")
    return AXE


def first_term(site: Path, facet: str) -> str | None:
    """The address of the first term page of a facet (years/2019/ and the like), if any."""
    terms = sorted(p.parent.name for p in (site / facet).glob("*/index.html"))
    terms = [t for t in terms if t != "page"]
    return f"/{facet}/{terms[0]}/" if terms else None


def page_kinds(site: Path) -> dict[str, str]:
    """Page kind -> address of one page of that kind in a built site."""
    topic = sorted(p.parent.name for p in (site / "topics").glob("*/index.html"))[0]
    papers = sorted(p.parent.name for p in (site / "papers").glob("*/index.html"))
    paper = [p for p in papers if p != "page"][0]
    kinds = {"home": "/", "topics": "/topics/", "topic": f"/topics/{topic}/", "a-z": "/papers/",
             "paper": f"/papers/{paper}/", "search": "/search/", "map": "/map/", "about": "/about/",
             "feed": "/feeds/all.xml", "404": "/404.html"}
    for facet in FACETS:
        kinds[facet] = f"/{facet}/"
        term = first_term(site, facet)
        if term:
            kinds[facet[:-1]] = term
    return kinds


def filtered_search(site: Path) -> str:
    """The search page with a word, a topic chosen and a year left out, as a reader's address."""
    index = json.loads((site / "downloads" / "map.json").read_text("utf-8"))
    word = index["papers"][0][3].split()[0]
    return f"/search/?q={word}&topic={index['areas'][0]}&not-year=1999"


@pytest.fixture(scope="module")
def shipped(shipped_site):
    site, _, _ = shipped_site
    with serve_directory(site) as url:
        yield url, site


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A lab's site: `init --from` a textbook's bibliography, so it has author and venue pages."""
    project = tmp_path_factory.mktemp("lab") / "site"
    assert main(["init", str(project), "--from", str(LAB_BIB)]) == 0
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    with serve_directory(project / "site") as url:
        yield url, project / "site"


@contextlib.contextmanager
def opened(browser, url: str, scheme: str = "light", width: int = 1280):
    """A page of its own browser context, at url."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(url)
        yield page
    finally:
        context.close()


def wait_until_drawn(page, kind: str, whole: bool = True) -> None:
    """Wait for what the page draws; whole: the map's list of papers opened too."""
    if kind in READY:
        page.wait_for_selector(READY[kind], state="attached")
    if kind == "map" and whole:
        page.locator(".papers-map__list summary").click()
        page.wait_for_selector(".papers-map__list li")


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(axe_path()))
    return page.evaluate(RUN_AXE, WCAG)


def report(found: list[dict]) -> str:
    lines = []
    for rule in found:
        lines.append(f"{rule['id']}: {rule['help']}")
        for node in rule["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
        if len(rule["nodes"]) > 5:
            lines.append(f"    and {len(rule['nodes']) - 5} more")
    return "\n".join(lines)


def check_page(browser, url: str, kind: str, scheme: str, width: int = 1280) -> None:
    with opened(browser, url, scheme, width) as page:
        if kind != "feed":
            shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == SCHEMES[scheme]
        wait_until_drawn(page, kind)
        found = violations(page)
        assert found == [], f"{url} ({scheme}):\n{report(found)}"


SHIPPED_KINDS = ["home", "topics", "topic", "a-z", "years", "year", "tags", "tag", "venues",
                 "venue", "authors", "author", "paper", "search", "search-filtered", "map",
                 "about", "feed", "404"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", SHIPPED_KINDS)
def test_axe_finds_no_wcag_violation_on_the_shipped_site(browser, shipped, kind, scheme):
    url, site = shipped
    kinds = {**page_kinds(site), "search-filtered": filtered_search(site)}
    check_page(browser, url + kinds[kind], kind, scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", ["home", "paper", "search-filtered", "map"])
def test_axe_finds_no_wcag_violation_on_a_phone(browser, shipped, kind, scheme):
    """On a phone the tabs give way to the drawer and the facets sit above the results."""
    url, site = shipped
    kinds = {**page_kinds(site), "search-filtered": filtered_search(site)}
    check_page(browser, url + kinds[kind], kind, scheme, width=390)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_wcag_violation_on_a_lab_collection(browser, lab, scheme):
    url, site = lab
    kinds = {**page_kinds(site), "search-filtered": filtered_search(site)}
    assert {"author", "venue", "year"} <= set(kinds), sorted(kinds)
    for kind, path in kinds.items():
        check_page(browser, url + path, kind, scheme)


# ---- the keyboard ---------------------------------------------------------------------------

# What a control looks like: the properties a focus indicator can change.
LOOK = """node => { const s = getComputedStyle(node);
  return [s.outlineStyle === "none" ? "" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          s.boxShadow, s.backgroundColor, s.borderColor, s.textDecorationLine]; }"""
FOCUSED = """() => { const node = document.activeElement;
  if (!node || node === document.body) return null;
  const box = node.getBoundingClientRect();
  return {tag: node.tagName, text: (node.getAttribute("aria-label") || node.textContent).trim()
          .slice(0, 60), cls: String(node.className.baseVal ?? node.className), w: box.width,
          h: box.height}; }"""


def focus_stops(page, limit: int = 400) -> list[dict]:
    """Tab through the page: each stop's name and its look with and without focus."""
    stops, seen = [], set()
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info is None:
            break
        key = page.evaluate("() => { const n = document.activeElement; "
                            "n.dataset.stop = n.dataset.stop || String(Math.random()); "
                            "return n.dataset.stop; }")
        if key in seen:
            break
        seen.add(key)
        focused = page.evaluate(f"({LOOK})(document.activeElement)")
        handle = page.evaluate_handle("document.activeElement")
        # Material's header and tabs move aside while a page scrolls: compare at rest
        page.evaluate("node => { node.blur(); }", handle)
        page.wait_for_timeout(20)
        rest = handle.evaluate(LOOK)
        handle.focus()
        stops.append({**info, "focused": focused, "rest": rest})
    return stops


FOCUS_KINDS = ["home", "topic", "a-z", "year", "author", "paper", "search-filtered", "map",
               "about", "404"]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", FOCUS_KINDS)
def test_every_control_shows_that_it_has_focus(browser, shipped, kind, scheme):
    url, site = shipped
    kinds = {**page_kinds(site), "search-filtered": filtered_search(site)}
    with opened(browser, url + kinds[kind], scheme) as page:
        wait_until_drawn(page, kind, whole=False)  # the list's links are links like any other
        stops = focus_stops(page)
        assert len(stops) > 5
        unseen = [s for s in stops if s["w"] and s["h"] and s["focused"] == s["rest"]]
        assert unseen == [], "no visible focus on:\n" + "\n".join(
            f"  {s['tag']}.{s['cls']} {s['text']!r}" for s in unseen)
        rings = [s for s in stops if s["focused"][0]]
        assert rings, "no control has an outline when focused"


@pytest.mark.parametrize("kind", [k for k in SHIPPED_KINDS if k != "search-filtered"])
def test_every_page_kind_starts_with_a_skip_link_to_its_content(browser, shipped, kind):
    url, site = shipped
    with opened(browser, url + page_kinds(site)[kind]) as page:
        page.keyboard.press("Tab")
        for _ in range(5):  # past Chromium's notice above a feed drawn by XSLT
            if not page.evaluate("Boolean(document.activeElement.closest('xslt-warning-banner'))"):
                break
            page.keyboard.press("Tab")
        page.wait_for_timeout(400)  # Material fades the link in
        link = page.evaluate("""() => { const a = document.activeElement;
            const target = a.hash && document.getElementById(decodeURIComponent(a.hash.slice(1)));
            return {text: a.textContent.trim(), visible: getComputedStyle(a).opacity !== "0",
                    target: Boolean(target),
                    inMain: Boolean(target && !target.closest("header"))}; }""")
        assert link == {"text": "Skip to content", "visible": True, "target": True, "inMain": True}


CONTROL = """node => { const li = node.closest("li");
  const value = li && li.querySelector(".papers-facet__value");
  return [node.classList[0], value ? value.dataset.value : node.textContent,
          node.getAttribute("aria-pressed")]; }"""


def press_and_follow(page, control, pressed: str) -> list:
    """Press a facet control with the keyboard; wait for the facets to be drawn again."""
    control.focus()
    before = control.evaluate(CONTROL)
    # the facets are drawn again inside their panel
    marker = page.evaluate("() => { const f = document.querySelector('.papers-search__groups');"
                           " f.firstElementChild.dataset.old = '1'; return true; }")
    assert marker
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('.papers-search__groups [data-old]')")
    page.wait_for_timeout(200)
    after = page.evaluate(f"({CONTROL})(document.activeElement)")
    assert after == [before[0], before[1], pressed], (before, after)
    return after


def test_focus_stays_on_the_facet_control_just_used(browser, shipped):
    url, site = shipped
    with opened(browser, url + "/search/") as page:
        page.wait_for_selector(".papers-facet:not([data-pending]) .papers-facet__value")
        topic = page.locator(".papers-facet__value").first
        press_and_follow(page, topic, "true")
        press_and_follow(page, page.locator(".papers-facet__value[aria-pressed=true]"), "false")
        press_and_follow(page, page.locator(".papers-facet__not").first, "true")
        press_and_follow(page, page.locator(".papers-facet__not[aria-pressed=true]"), "false")
        more = page.locator(".papers-facet__more").first
        more.focus()
        page.keyboard.press("Enter")
        revealed = page.evaluate(f"({CONTROL})(document.activeElement)")
        assert revealed[0] == "papers-facet__value", revealed
        press_and_follow(page, page.locator(":focus"), "true")


def test_the_map_works_from_the_keyboard_and_lists_its_papers_by_area(browser, shipped):
    url, site = shipped
    data = json.loads((site / "downloads" / "map.json").read_text("utf-8"))
    with opened(browser, url + "/map/") as page:
        page.wait_for_selector(".papers-map[data-drawn]")
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.tagName") == "CANVAS":
                break
        assert page.evaluate("document.activeElement.tagName") == "CANVAS"
        tip = page.locator(".papers-map__tip")
        titles = {paper[3] for paper in data["papers"]}
        first = tip.inner_text().split(" (")[0].split(": Enter")[0]
        assert first in titles
        scrolled = page.evaluate("window.scrollY")
        page.keyboard.press("ArrowRight")
        second = tip.inner_text().split(" (")[0].split(": Enter")[0]
        assert second in titles and second != first
        # the arrows move on the map, not the page
        assert page.evaluate("window.scrollY") == scrolled
        page.locator(".papers-map__list summary").click()
        # the list is filled on the details' toggle event, which the browser fires a task later
        page.wait_for_selector(".papers-map__list[data-filled] li a", timeout=10_000)
        links = page.locator(".papers-map__list li a")
        assert links.count() == len(data["papers"])
        headings = page.locator(".papers-map__list h2").all_inner_texts()
        assert [h.rsplit(" (", 1)[0] for h in headings] == [
            a for i, a in enumerate(data["areas"]) if any(p[2] == i for p in data["papers"])
        ] + (["No topic"] if any(p[2] < 0 or p[2] >= len(data["areas"]) for p in data["papers"])
             else [])
        page.locator(".papers-map__canvas").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/papers/**")


CONTRAST = """(node, pseudo) => {
  const rgba = text => (text.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  const over = (top, under) => top.slice(0, 3).map((c, i) => c * top[3] + under[i] * (1 - top[3]));
  const header = rgba(getComputedStyle(document.querySelector(".md-header")).backgroundColor);
  const box = over(rgba(getComputedStyle(node).backgroundColor), header);
  const ink = over(rgba(getComputedStyle(node, pseudo).color), box);
  const light = rgb => { const [r, g, b] = rgb.map(c => { c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [light(ink), light(box)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_header_search_box_is_readable(browser, shipped, scheme):
    url, _ = shipped
    with opened(browser, url + "/", scheme) as page:
        box = page.locator(".papers-header-search input")
        placeholder = box.evaluate(CONTRAST, "::placeholder")
        box.fill("attention")
        typed = box.evaluate(CONTRAST, None)
        assert typed >= 4.5 and placeholder >= 4.5, (typed, placeholder)


class Counted(SimpleHTTPRequestHandler):
    """Serves files and counts what is asked of the server (a file the browser cached is not)."""

    asked: Counter

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.asked[self.path.split("?")[0]] += 1
        super().do_GET()


@contextlib.contextmanager
def counting_server(site: Path):
    """The site served on a loopback port: (its address, how often each path was asked for)."""
    handler = type("Handler", (Counted,), {"asked": Counter()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.asked
    finally:
        server.shutdown()
        server.server_close()


def test_no_page_loads_a_script_it_does_not_use_nor_anything_twice(browser, shipped):
    _, site = shipped
    kinds = page_kinds(site)
    for kind in ("home", "paper", "search", "map"):
        with counting_server(site) as (root, asked), opened(browser, root + kinds[kind]) as page:
            wait_until_drawn(page, kind)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            assert asked["/assets/papers-map.js"] == (kind == "map"), (kind, asked)
            assert asked["/pagefind/pagefind.js"] == (kind == "search"), (kind, asked)
            assert [path for path, n in asked.items() if n > 1] == [], (kind, asked)


HEADINGS = "() => Array.from(document.querySelectorAll('article :is(h1,h2,h3,h4,h5,h6)'))" \
           ".map(h => Number(h.tagName[1]))"


@pytest.mark.parametrize("kind", ["home", "topic", "a-z", "year", "tag", "author", "venue",
                                  "paper", "search-filtered", "map"])
def test_headings_go_down_one_level_at_a_time(browser, shipped, kind):
    url, site = shipped
    kinds = {**page_kinds(site), "search-filtered": filtered_search(site)}
    with opened(browser, url + kinds[kind]) as page:
        wait_until_drawn(page, kind)
        levels = page.evaluate(HEADINGS)
        assert levels[0] == 1 and levels.count(1) == 1, levels
        jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert jumps == [], levels


def test_controls_and_regions_have_names_of_their_own(browser, shipped):
    url, site = shipped
    with opened(browser, url + page_kinds(site)["paper"]) as page:
        page.wait_for_selector(".md-code__nav[aria-label]", state="attached")
        copies = page.locator(".md-code__button").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('aria-label') || n.title)")
        assert len(copies) == 3 and len(set(copies)) == 3, copies
        assert any("BibTeX" in name for name in copies) and any("RIS" in name for name in copies)
        navs = page.locator(".md-code__nav").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('aria-label'))")
        assert None not in navs and len(set(navs)) == len(navs), navs
        assert page.locator(".md-dialog__inner").get_attribute("role") == "status"
        page.goto(url + "/search/")
        regions = page.locator("[role=search]").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('aria-label'))")
        assert len(regions) == 2 and None not in regions and len(set(regions)) == 2, regions


def test_the_colour_toggle_answers_space(browser, shipped):
    url, _ = shipped
    with opened(browser, url + "/about/") as page:
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('md-option')"):
                break
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        assert page.evaluate(scheme) == "default"
        page.keyboard.press(" ")
        page.wait_for_function(f"{scheme} === 'slate'")
        page.keyboard.press(" ")
        page.wait_for_function(f"{scheme} === 'default'")


def test_a_button_under_the_pointer_keeps_its_contrast(browser, shipped):
    url, site = shipped
    with opened(browser, url + page_kinds(site)["paper"]) as page:
        button = page.locator("article .md-button").first
        button.hover()
        page.wait_for_timeout(400)  # Material fades the colours in
        page.add_script_tag(path=str(axe_path()))
        found = button.evaluate("""async node => (await axe.run(node,
            {runOnly: {type: "rule", values: ["color-contrast"]}})).violations""")
        assert found == [], report([{**v, "nodes": [{"target": " ".join(n["target"]),
                                                      "summary": n["failureSummary"]}
                                                     for n in v["nodes"]]} for v in found])


def test_a_skip_link_leads_past_the_filters_to_the_results(browser, shipped):
    url, site = shipped
    with opened(browser, url + filtered_search(site)) as page:
        page.wait_for_selector(".papers-result")
        page.locator(".papers-search__form input").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip the filters to the results"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("Boolean(document.activeElement.closest('.papers-result'))")
