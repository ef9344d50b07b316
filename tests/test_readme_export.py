"""`export readme`: the collection as an awesome-list README, rendered by a CommonMark renderer
(GitHub's Markdown is CommonMark) as written, and updated in place between its markers."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from conftest import REPO
from markdown_it import MarkdownIt

from generator.collection import load_collection
from generator.latex import plain_text
from generator.readme import END, START

SITE = "https://lab.example.org/papers/"
# titles of every kind that Markdown reads as syntax, and ones that try to close the list early
HOSTILE = [
    "Stars *and* _under_ __scores__ [brackets](https://evil.example/) | pipes | <b>bold</b>",
    "Math $O(n^2)$ costs, $\\alpha$-nets and 5$ ~~struck~~ `code` &amp; &lt;tag&gt;",
    "<!-- papersite:end --> escaped <script>alert(1)</script>",
    "# Not a heading \\ back\\slash ![img](x.png) <https://auto.example/> [^1]",
]


class Rendered(HTMLParser):
    """Headings (level, text), links (href, text), the tags used and the list items' text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings, self.links, self.items, self.tags = [], [], [], set()
        self._open = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._open.append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        name, attrs, text = self._open.pop()
        assert name == tag, (name, tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append((int(tag[1]), text))
        elif tag == "a":
            self.links.append((attrs.get("href"), text))
        elif tag == "li":
            self.items.append(text)
        if self._open:
            self._open[-1][2] += text

    def handle_data(self, data):
        if self._open:
            self._open[-1][2] += data

    def handle_comment(self, data):
        self.tags.add("!--")


def render(markdown: str) -> Rendered:
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    parsed = Rendered()
    parsed.feed(html)
    parsed.close()
    return parsed


def titled(papers: dict[str, str]) -> dict[str, str]:
    return {f"{name}.yml": f"title: {json.dumps(title)}\nauthors: [A. Person]\ndate: '2021-03-01'\n"
            f"topics: [{topic}]\narxiv: '2101.0000{i}'\n"
            for i, (name, (title, topic)) in enumerate(papers.items())}


def test_shipped_collection_renders_grouped_by_topic_with_every_paper_linked(cli):
    code, out, err = cli(REPO, "export", "readme", "--site-url", SITE)
    assert code == 0, err
    collection, _ = load_collection(REPO / "data")
    topics = {t.id: t for t in collection.topics}
    page = render(out)
    # one heading per topic, a sub-topic one level under its parent, in the order of topics.yml
    expected = []
    for topic in collection.topics:
        if topic.parent is None:
            expected.append((2, topic.title))
            expected += [(3, t.title) for t in collection.topics if t.parent == topic.id]
    assert page.headings == expected
    # every paper under each of its topics, its title linking to its page on the site
    links = {}
    for href, label in page.links:
        links.setdefault(href, set()).add(label)
    for paper in collection.papers:
        assert links[f"{SITE}papers/{paper.id}/"] == {plain_text(paper.title)}, paper.id
        if paper.arxiv:
            assert links[f"https://arxiv.org/abs/{paper.arxiv}"] == {"arXiv"}
    listed = sum(len([t for t in p.topics if t in topics]) for p in collection.papers)
    assert len(page.items) == listed
    # nothing but text, links, bold titles and the structure: no stray emphasis, code or HTML
    assert page.tags <= {"h2", "h3", "p", "ul", "li", "a", "strong", "!--"}
    assert "\\" not in "".join(page.items)
    assert out.startswith(START + "\n") and out.endswith(END + "\n")


def test_hostile_titles_render_as_written_and_stay_inside_the_markers(project, cli):
    root = project(titled({f"p{i}": (title, "vision") for i, title in enumerate(HOSTILE)}))
    code, out, err = cli(root, "export", "readme", "--site-url", SITE)
    assert code == 0, err
    page = render(out)
    shown = {label for href, label in page.links if href.startswith(SITE + "papers/")}
    assert shown == {plain_text(t) for t in HOSTILE}
    assert not {"script", "b", "em", "code", "img", "del", "table", "h1"} & page.tags
    assert out.count(END) == 1 and out.rstrip("\n").endswith(END)


def test_updating_in_place_keeps_everything_outside_the_markers_and_settles(project, cli):
    root = project(titled({"a": (HOSTILE[2], "vision"), "b": ("Plain", "speech")}))
    before = "# My list\r\n\r\nIntro *kept* as written  \r\n"
    after = "\r\n## Contributing\r\nNo final line break"
    readme = root / "README.md"
    readme.write_bytes(f"{before}{START}\r\nold list\r\n{END}\r\n{after}".encode())
    assert cli(root, "export", "readme", "--output", str(readme))[0] == 0
    once = readme.read_bytes()
    assert once.startswith(before.encode()) and once.endswith(f"{END}\r\n{after}".encode())
    assert b"old list" not in once and b"Plain" in once
    assert b"\n" not in once.replace(b"\r\n", b"")  # the file's line endings throughout
    assert cli(root, "export", "readme", "--output", str(readme))[0] == 0
    assert readme.read_bytes() == once


def test_a_topic_alone_and_a_new_file(project, cli):
    topics = ("- {id: vision, title: Vision, description: Seeing.}\n"
              "- {id: depth, title: Depth, parent: vision, description: '1. Far > near.'}\n"
              "- {id: speech, title: Speech, description: Hearing.}\n")
    root = project(titled({"a": ("Seen", "depth"), "b": ("Heard", "speech")}), topics=topics)
    readme = root / "VISION.md"
    code, _, err = cli(root, "export", "readme", "--topic", "vision", "--output", str(readme))
    assert code == 0, err
    page = render(readme.read_text("utf-8"))
    assert page.headings == [(2, "Vision"), (3, "Depth")]
    assert [label for _, label in page.links if label in ("Seen", "Heard")] == ["Seen"]
    assert "ol" not in page.tags and "blockquote" not in page.tags  # a description stays text


def test_missing_markers_or_an_unknown_topic_are_refused_and_nothing_is_written(project, cli):
    root = project(titled({"a": ("Seen", "vision")}))
    readme = root / "README.md"
    readme.write_text(f"# List\n{END}\n{START}\n", encoding="utf-8")
    code, _, err = cli(root, "export", "readme", "--output", str(readme))
    assert code == 1 and f"README.md:2:0: expected one line {START}" in err
    assert readme.read_text("utf-8") == f"# List\n{END}\n{START}\n"
    code, _, err = cli(root, "export", "readme", "--topic", "nope")
    assert code == 1 and "no topic 'nope' in topics.yml" in err and "Traceback" not in err


def test_a_preview_address_is_not_linked(project, cli):
    root = project(titled({"a": ("Seen", "vision")}))
    code, out, _ = cli(root, "export", "readme", "--site-url", "http://127.0.0.1:8000/")
    assert code == 0 and "127.0.0.1" not in out
    assert ("https://arxiv.org/abs/2101.00000", "Seen") in render(out).links
