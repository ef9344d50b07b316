"""Raw HTML blocks set aside while MkDocs converts a page (`generator/rawhtml.py`) give the
bytes and anchor ids of the conversion of the page as written: every page of the shipped site,
and Markdown written to trip the block finder up."""

from __future__ import annotations

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.rawhtml import Stash

TRICKY = {
    "nested": '<div class="a">\n<div>\n\n<p>inner</p>\n</div>\n</div>\n\nText *after*.\n',
    "blank line in pre": '<div class="x"><pre><code>one\n\ntwo</code></pre></div>\n\n# Head\n',
    "fence": '```html\n<div class="x">\n\n</div>\n```\n\n<div>after a fence</div>\n',
    "comment": '<!-- note -->\n\n<div>kept</div>\n\n<p>para</p>\n',
    "text after close": '<div>one</div> and text\n\n<ul>\n<li>a</li>\n</ul>\n',
    "two blocks in one chunk": '<div>one</div>\n<div>two</div>\n\n*x*\n',
    "unclosed": '<div class="open">\n\n<p>in it</p>\n\n</div>\n\n<p>out</p>\n',
    "inline start": '<span>inline</span> text\n\n<div id="d1">block</div>\n',
    "void and heading": '<hr>\n\n<h2 id="h">Head</h2>\n\n## Markdown {#md}\n',
    "attribute with >": '<div title="a>b">x</div>\n\n<p>y</p>\n',
    "indented": '    <div>code</div>\n\n<div>real</div>\n',
    "list then block": '- item\n\n<div>block</div>\n\n1. one\n',
    "last block": 'Intro.\n\n<div class="end">\n<p>last</p>\n</div>\n',
    "leading blank lines": ('\n\n\n<h1 class="t">T</h1>\n\n<a name="n1"></a>\n\n'
                            '<p id="p&amp;1">x</p>'),
    "crlf": '<div>\r\none\r\n</div>\r\n\r\n<p>two</p>\r\n',
    "whitespace blank line": '<div>a</div>\n   \n<div>b</div>\n\t\n<p>c</p>\n',
    "stash look-alike": 'papersrawhtmlblock000000x\n\n<div>z</div>\n',
    "single-quoted ids": ("<div id='s1'><a id='a1' name='n&amp;2'>x</a></div>\n\n"
                          '<p id="d" name="not-an-anchor">y</p>\n'),
    "tab": '<div>\tindented</div>\n\n<p>a\tb</p>\n',
    "snippet": '<div>\n--8<-- "about.md"\n</div>\n\n<p>x</p>\n',
    "md_in_html attribute": '<div markdown="1">\n*emphasis*\n</div>\n\n<div>y</div>\n',
}


@pytest.fixture(scope="module")
def mkdocs_config(shipped_site):
    site, _, _ = shipped_site
    return load_config(str(site.parent / "mkdocs.yml")), site.parent / "docs"


def convert(config, docs, uri: str, markdown: str, stash: Stash | None):
    file = File(uri, str(docs), str(docs.parent / "out"), config.use_directory_urls)
    page = Page(None, file, config)
    page.markdown = stash.take(markdown) if stash else markdown
    page.render(config, Files([file]))
    if stash is None:
        return page.content, page.present_anchor_ids
    return stash.restore(page.content), page.present_anchor_ids | stash.anchor_ids()


def test_every_shipped_page_converts_to_the_same_bytes_with_raw_blocks_set_aside(
        mkdocs_config, monkeypatch):
    config, docs = mkdocs_config
    monkeypatch.chdir(docs.parent)  # snippets are found from the project's folder
    pages = sorted(docs.rglob("*.md"))
    assert len(pages) > 300
    set_aside = {}
    for path in pages:
        uri = path.relative_to(docs).as_posix()
        markdown = path.read_text("utf-8").split("\n---\n", 1)[-1]
        stash = Stash()
        assert convert(config, docs, uri, markdown, stash) == \
            convert(config, docs, uri, markdown, None), uri
        set_aside[uri] = sum(map(len, stash.blocks)) / max(len(markdown), 1)
    papers = [share for uri, share in set_aside.items() if uri.startswith("papers/")
              and uri.count("/") == 1 and uri != "papers/index.md"]
    assert len(papers) == 109 and min(papers) > 0.8  # the HTML of a paper page is set aside


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_markdown_written_to_trip_the_block_finder_converts_the_same(mkdocs_config, name,
                                                                     monkeypatch):
    config, docs = mkdocs_config
    monkeypatch.chdir(docs.parent)
    if name.startswith("md_in_html"):  # a site may turn it on: Markdown inside such blocks
        config = load_config(str(docs.parent / "mkdocs.yml"))
        config.markdown_extensions.append("md_in_html")
    markdown = TRICKY[name]
    assert convert(config, docs, "x.md", markdown, Stash()) == \
        convert(config, docs, "x.md", markdown, None)
