"""A feed opened in a browser is a readable page with a hint on how to subscribe (an XSLT stylesheet
served by the site itself); feed readers still get a valid Atom feed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import ARTIFACTS
from lxml import etree

SITE = "https://example.org/lab/"
RECORDS = {
    "a.yml": "title: A <script>alert(1)</script> Paper\ntopics: [vision]\nadded: '2024-01-02'\n"
             "authors: [Ada One, Bo Two]\nabstract: Words of the abstract.\n",
    "b.yml": "title: B Paper\ntopics: [speech]\ndate: '2023-05'\n",
}


@pytest.fixture
def built(project, cli):
    root = project(RECORDS)
    (root / "mkdocs.yml").write_text(f"site_name: Lab papers\nsite_url: {SITE}\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code == 0, err
    return root / "docs"


def test_every_feed_names_the_stylesheet_relative_to_itself_and_stays_valid(built):
    for path, href in (("feeds/all.xml", "feed.xsl"), ("feeds/topics/vision.xml", "../feed.xsl")):
        text = (built / path).read_text("utf-8")
        assert text.splitlines()[1] == f'<?xml-stylesheet type="text/xsl" href="{href}"?>', path
        feed = feedparser.parse(text.encode("utf-8"))
        assert not feed.bozo, (path, feed.get("bozo_exception"))
    assert (built / "feeds/feed.xsl").is_file()


def test_the_stylesheet_shows_the_papers_and_how_to_subscribe(built):
    transform = etree.XSLT(etree.parse(str(built / "feeds/feed.xsl")))
    html = transform(etree.parse(str(built / "feeds/all.xml")))
    text = " ".join("".join(html.getroot().itertext()).split())
    assert "Subscribe" in text and "copy this address into your feed reader" in text
    assert html.getroot().xpath("string(//code[@class='address'])") == f"{SITE}feeds/all.xml"
    links = html.getroot().xpath("//li//h3/a")
    assert [a.get("href") for a in links] == [f"{SITE}papers/a/", f"{SITE}papers/b/"]
    assert links[0].text == "A <script>alert(1)</script> Paper"  # text, never markup
    assert not html.getroot().xpath("//script")
    assert "2024-01-02 · Ada One, Bo Two" in text and "Vision" in text
    assert "Words of the abstract." in text
    assert html.getroot().xpath("string(//div[@class='bar']//a/@href)") == SITE


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
def test_a_feed_opened_in_chromium_is_a_readable_page(browser, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(site_url + "/feeds/all.xml")
        assert page.locator("h1").inner_text() == "Paper collection"
        assert page.locator(".subscribe").inner_text().startswith("Subscribe")
        assert page.locator(".address").inner_text().endswith("/feeds/all.xml")
        assert page.locator("li h3 a").count() > 0
        # nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        (ARTIFACTS / "feeds").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "feeds" / f"feed-{width}.png"))
        # entry links are absolute (the build's site_url, not this server's): their page is there
        path = urlsplit(page.locator("li h3 a").first.get_attribute("href")).path
        assert re.fullmatch(r"/papers/[a-z0-9-]+/", path)
        assert page.goto(site_url + path).ok
    finally:
        page.close()
