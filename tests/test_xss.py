"""Nothing executed: records full of script payloads, built by MkDocs and opened in Chromium."""

from __future__ import annotations

import pytest
from browsertools import search_for
from httpserve import serve_directory
from sitetools import copy_project, folded, mkdocs_build

from generator.recordfile import dump_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = [
    "<script>window.__xss='script';alert(1)</script>",
    "<img src=x onerror=\"window.__xss='img';alert(2)\">",
    "\"><svg onload=\"window.__xss='svg';alert(3)\">",
    "'><iframe src=\"javascript:window.__xss='iframe';alert(4)\"></iframe>",
    "</textarea></title><script>window.__xss='close';alert(5)</script>",
    "{{ 7*7 }} {% raw %} ${alert(6)}",
    "[click](javascript:alert(7)) <a href=\"javascript:alert(8)\">a</a>",
]
P = " ".join(PAYLOADS)
# Inline math is drawn as MathML: text in it, its attributes and its sizes are attack surface.
MATH_PAYLOADS = [
    r"$\text{</mtext></math><script>window.__xss='mtext';alert(21)</script>}$",
    r"$\mbox{<img/src/onerror=window.__xss='mbox';alert(22)>}$",
    r"$\hbox{<svg onload=window.__xss='hbox';alert(23)>}$",
    r"$\fbox{</math><img src=x onerror=window.__xss='fbox';alert(24)>}$",
    r"$\textrm{<iframe src=javascript:window.__xss='textrm';alert(25)></iframe>}$",
    r"$\style{position:fixed;inset:0;background:red;z-index:99}{X}$",
    r"$\href{javascript:window.__xss='href';alert(26)}{click}$",
    r"$\class{md-overlay}{x} \Huge{\Huge{\Huge{\Huge{\Huge{\Huge X}}}}} \raise{200em}{x}$",
    "$" + r"\rule{5em}{5em}" * 20 + "$",
]
M = " ".join(MATH_PAYLOADS)
# A right-to-left override written as a character reference (the page would reverse what
# follows), and negative space that adds up from formula to formula.
BIDI = r"Attack $\text{&#x202E;}$ gnp.exe"
SHIFTS = "X" + r"$\hspace{-3em}$" * 25 + "Y"
NOTES = P + "\n\n[js link](javascript:alert(9)) <b onclick=\"alert(10)\">bold</b> <details open ontoggle=alert(11)>x</details>"


def records() -> dict[str, dict]:
    return {
        "xss-everywhere": {
            "title": f"Title {P}", "added": "2024-05-01", "authors": [*(f"Author {p}" for p in PAYLOADS), {"name": f"Named {PAYLOADS[1]}", "affiliation": f"Lab {P}"}],
            "venue": f"Workshop {' '.join(PAYLOADS[:4])}", "topics": ["evil"],
            "tags": [f"tag {PAYLOADS[0]}", f"tag2 {PAYLOADS[1]}"],
            "abstract": f"Abstract {P}\n\nSecond {P}", "notes": NOTES,
            "links": {"<svg onload=alert(3)>": "https://example.org/a?b=%22%3E", "code": "https://github.com/x/y"},
            "citekey": "x",
            "bibtex": "@misc{x, title = {</code></pre><script>window.__xss='bib';alert(12)</script>"
                      "},\nnote = {\n--8<-- \"about.md\"\n}}\n",
        },
        "xss-second": {"title": PAYLOADS[1], "topics": ["evil"], "abstract": PAYLOADS[3]},
        "xss-math": {
            # All but the \rule payload (in the notes and abstract): a title has 1,000 characters.
            "title": f"Formula {SHIFTS} {BIDI} {' '.join(MATH_PAYLOADS[:-1])}",
            "added": "2024-05-02", "date": "2024-05-06",
            "authors": [f"Author {PAYLOADS[0]}", f"Mathy {MATH_PAYLOADS[0]}"],
            "venue": f"Venue {MATH_PAYLOADS[6]}", "topics": ["evil"], "notes": M,
            "tags": [f"tag {PAYLOADS[0]}", f"math {MATH_PAYLOADS[1]}"],
            "abstract": f"Abstract {P} A $\\mbox{{<img/src/onerror=alert(2)>}}$ B {M}\n\nMore {M}"
                        f"\n\n{SHIFTS} {BIDI}",
        },
    }


TOPICS = [{"id": "evil", "title": f"Topic {PAYLOADS[1]}",
           "description": f"Description {PAYLOADS[0]} {M}"}]


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    import yaml

    data = tmp_path_factory.mktemp("data")
    (data / "papers").mkdir()
    (data / "topics.yml").write_text(yaml.safe_dump(TOPICS, allow_unicode=True), "utf-8")
    for paper_id, record in records().items():
        (data / "papers" / f"{paper_id}.yml").write_text(dump_record(record), "utf-8")
    project = copy_project(tmp_path_factory.mktemp("xss"), data=data)
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    pages = sorted("/" + p.parent.relative_to(project / "site").as_posix().removeprefix(".") + "/"
                   for p in (project / "site").rglob("index.html") if "search" not in p.parts and "assets" not in p.parts)
    with serve_directory(project / "site") as url:
        yield url, [p.replace("//", "/") for p in pages]


def test_every_page_kind_is_checked(xss_site):
    _, pages = xss_site
    kinds = {p.split("/")[1] for p in pages}
    assert {"", "papers", "topics", "tags", "authors", "venues", "years", "about"} <= kinds, pages


def test_no_payload_runs_and_the_text_is_shown(browser, xss_site):
    url, pages = xss_site
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in pages:
            page.goto(url + path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(100)
            assert dialogs == [], path
            assert page.evaluate("window.__xss") is None, path
            if path == "/papers/xss-everywhere/":
                text = folded(page.locator("article").inner_text())
                for payload in PAYLOADS:
                    assert folded(payload) in text
                assert '--8<-- "about.md"' in text and "This site is built from plain YAML records" not in text
            for href, rel in page.eval_on_selector_all(
                "article a[href]", "links => links.filter(a => a instanceof HTMLAnchorElement && a.host !== location.host).map(a => [a.href, a.rel])"
            ):
                assert "noopener" in rel, (path, href)
    finally:
        page.close()


MATH_CHECK = """() => {
    const maths = [...document.querySelectorAll("math")];
    const inside = maths.flatMap(m => [m, ...m.querySelectorAll("*")]);
    const inline = e => getComputedStyle(e).display.startsWith("inline");
    const column = e => inline(e) ? column(e.parentElement) : e;
    const em = e => parseFloat(getComputedStyle(e).fontSize);
    // What a field's math may shift back in all (MAX_SHIFT), and a pixel for rounding.
    const left = m => column(m.parentElement).getBoundingClientRect().left - 3 * em(m) - 1;
    return {
        count: maths.length, related: document.querySelectorAll(".papers-related math").length,
        foreign: inside.filter(e => e.namespaceURI !== "http://www.w3.org/1998/Math/MathML").length,
        risky: inside.filter(e => ["style", "href", "class", "src"].some(a => e.hasAttribute(a))
                          || [...e.attributes].some(a => a.name.startsWith("on"))).length,
        placed: inside.filter(e => ["fixed", "absolute"].includes(getComputedStyle(e).position))
            .length,
        largest: Math.max(0, ...maths.map(m => m.getBoundingClientRect().height)),
        shifted: maths.filter(m => [m, ...m.querySelectorAll("*")]
            .some(e => e.getBoundingClientRect().left < left(m))).length,
        hidden: maths.filter(m => /[\\p{Cc}\\p{Cf}\\p{Cs}\\u2028\\u2029\\uFFFE\\uFFFF]/u
            .test(m.textContent.replace(/[\\u2061-\\u2064]/g, ""))).length,
        wide: maths.filter(m => m.getBoundingClientRect().width > column(m.parentElement)
            .clientWidth).length,
        javascript: document.querySelectorAll("[href^='javascript:' i], [src^='javascript:' i]")
            .length,
    };
}"""


def test_math_draws_only_math_of_bounded_size(browser, xss_site):
    url, pages = xss_site
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs, with_math, related = [], set(), 0
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for path in pages:
            page.goto(url + path)
            found = page.evaluate(MATH_CHECK)
            assert dialogs == [] and page.evaluate("window.__xss") is None, path
            bad = ("foreign", "risky", "placed", "javascript", "wide", "shifted", "hidden")
            assert [found[key] for key in bad] == [0] * len(bad), (path, found)
            assert found["largest"] < 200, (path, found)  # no formula drawn over the page
            with_math |= {path.split("/")[1]} if found["count"] else set()
            related += found["related"]
        page.goto(url + "/papers/xss-math/")
        title = folded(page.locator("h1").inner_text())
        assert "</mtext></math><script>window.__xss='mtext';alert(21)</script>" in title
        assert BIDI in title  # the reference shown as written, not read
    finally:
        page.close()
    assert {"", "papers", "topics", "tags", "authors", "venues", "years"} <= with_math, with_math
    assert related, "no related-papers list showed a title's math"


def test_notes_are_sanitized(browser, xss_site):
    url, _ = xss_site
    page = browser.new_page()
    try:
        page.goto(url + "/papers/xss-everywhere/")
        notes = page.locator(".paper-notes")
        html = notes.inner_html()
        for needle in ("<script", "onerror=", "onclick=", "ontoggle=", "<iframe", "<svg"):
            assert needle not in html.lower(), needle
        hrefs = notes.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
        assert all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs if h), hrefs  # javascript: links stay text
        assert "bold" in notes.inner_text()
    finally:
        page.close()


def test_search_for_payload_words_runs_nothing(browser, xss_site):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(xss_site[0] + "/")
        for word in ("Venue", "Formula"):
            search_for(page, word)
            page.wait_for_timeout(500)
            assert dialogs == [] and page.evaluate("window.__xss") is None, word
    finally:
        page.close()


def test_head_metadata_and_feeds_carry_the_payloads_as_text(browser, xss_site):
    import feedparser

    url, _ = xss_site
    record = records()["xss-everywhere"]
    page = browser.new_page()
    try:
        page.goto(url + "/papers/xss-everywhere/")
        metas = page.eval_on_selector_all(
            "head meta[name^='citation_'], head meta[property^='og:'], head meta[name^='twitter:']",
            "tags => tags.map(t => [t.getAttribute('name') || t.getAttribute('property'), t.getAttribute('content')])",
        )
        assert page.evaluate("window.__xss") is None
        assert page.eval_on_selector_all("head script:not([src])", "s => s.filter(x => x.textContent.includes('__xss')).length") == 0
    finally:
        page.close()
    found: dict[str, list[str]] = {}
    for name, content in metas:
        found.setdefault(name, []).append(content)
    authors = [a if isinstance(a, str) else a["name"] for a in record["authors"]]
    assert found["citation_title"] == [record["title"]] == found["og:title"] == found["twitter:title"]
    assert found["citation_author"] == authors
    assert found["citation_conference_title"] == [record["venue"]]
    feed = feedparser.parse(page_bytes(url + "/feeds/all.xml"))
    assert not feed.bozo
    entries = [(e.title, [a.name for a in e.authors]) for e in feed.entries]
    assert entries.count((record["title"], authors)) == 1


def page_bytes(address: str) -> bytes:
    from urllib.request import urlopen

    with urlopen(address, timeout=10) as response:
        return response.read()


def test_a_feed_opened_as_a_page_runs_nothing_and_shows_the_payloads_as_text(browser, xss_site):
    url, _ = xss_site
    record = records()["xss-everywhere"]
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(url + "/feeds/all.xml")  # shown through the site's stylesheet, feeds/feed.xsl
        page.wait_for_timeout(300)
        assert dialogs == [] and page.evaluate("window.__xss") is None
        assert page.locator("script, iframe, svg, img").count() == 0
        assert record["title"] in page.locator("li h3 a").all_text_contents()
    finally:
        page.close()
