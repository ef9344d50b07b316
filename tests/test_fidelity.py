"""Nothing lost: arbitrary Unicode in every text field appears exactly in the built page's text.

Each hypothesis example is one real `mkdocs build` of a batch of records, so the number of
builds stays small. Run more with HYPOTHESIS_PROFILE=thorough."""

from __future__ import annotations

import html
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitetools import article_text, copy_project, folded, mkdocs_build

from generator.entries import SHOWN_AUTHORS, snippet
from generator.html_text import PARAGRAPH_BREAK
from generator.latex import rich_html, rich_title
from generator.recordfile import dump_record
from generator.records import unclosed_bidi

pytestmark = pytest.mark.slow

settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TRICKY = [
    "*bold*", "_under_", "__strong__", "a|b|c", "| --- |", "<script>alert(1)</script>", "<b>tag</b>", "&amp;", "&#42;",
    "{{ jinja }}", "{% if x %}", "{#", "`code`", "```", "~~~", "# heading", "## two #", "---", "===", "1. item",
    "2) item", "- item", "+ item", "> quote", "[link](http://x)", "![img](x)", "[TOC]", "{: .cls }", "{ #id }",
    ":smile:", "$x^2$", "^sup^", "==mark==", "++key++", "[^1]", "*[HTML]: x", "<!-- c -->", "\\", "\\*",
    "emoji \U0001F600 \U0001F469\u200d\U0001F469\u200d\U0001F467", "\u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "e\u0301 a\u0308\u0323", "\u202eevil\u202c", "x" * 300, "tab\tand  spaces", "line\nbreak", "C# & C++", "'quotes' \"double\"",
    "@user", "https://example.org/a_b_c", '!!! danger "Retracted"', '??? note "Click me"', '--8<-- "about.md"', "<https://example.org>", "a  \n", "NUL-free \u00a0nbsp",
]
# A bidirectional control that a value opens and never closes is refused by validation.
BIDI_OPENERS = "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters=BIDI_OPENERS)
PIECE = st.one_of(st.sampled_from(TRICKY), st.text(alphabet=CHARS, min_size=1, max_size=40))
VALUE = st.lists(PIECE, min_size=1, max_size=4).map(" ".join).filter(lambda s: s.strip())


def valid(text: str) -> bool:
    # a value cut short may leave one open
    return bool(text.strip()) and unclosed_bidi(text) is None


CAPPED = VALUE.map(lambda s: s[:300]).filter(valid)  # names and venues are at most 300 characters
RECORD = st.fixed_dictionaries({
    "title": VALUE,
    "authors": st.lists(CAPPED, min_size=1, max_size=3),
    "venue": CAPPED,
    "tag": VALUE.map(lambda s: s[:80]).filter(valid),  # tags are at most 100 characters
    "abstract": st.lists(VALUE, min_size=1, max_size=3).map("\n\n".join),
})

TOPICS = "- id: vision\n  title: Vision\n  description: Seeing.\n"


def write_collection(data: Path, records: list[dict]) -> None:
    (data / "papers").mkdir(parents=True)
    (data / "topics.yml").write_text(TOPICS, "utf-8")
    for n, value in enumerate(records):
        record = {
            "title": value["title"], "authors": value["authors"], "venue": value["venue"],
            "topics": ["vision"], "tags": [f"tag{n}x {value['tag']}"], "abstract": value["abstract"],
        }
        (data / "papers" / f"p{n}.yml").write_text(dump_record(record), "utf-8")


@given(records=st.lists(RECORD, min_size=10, max_size=25))
def test_every_value_appears_exactly_in_the_built_page(records):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_collection(tmp / "data", records)
        project = copy_project(tmp / "project", data=tmp / "data")
        result, _ = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        topic_pages = sorted((project / "site" / "topics" / "vision").rglob("index.html"))
        listing = " ".join(article_text(page) for page in topic_pages)
        for n, value in enumerate(records):
            text = article_text(project / "site" / "papers" / f"p{n}" / "index.html")
            title, abstract = as_rich_text(value["title"], tags=True), as_rich_text(value["abstract"])
            for expected in [title, value["venue"], f"tag{n}x {value['tag']}", abstract, *value["authors"]]:
                assert shown(expected) in text, (n, expected)
            head = snippet(unicodedata.normalize("NFC", value["abstract"]))[0]  # listings show the start of the abstract
            for expected in [title, value["venue"], head, *value["authors"][:SHOWN_AUTHORS]]:
                assert shown(expected) in listing, (n, expected)


def as_rich_text(value: str, tags: bool = False) -> str:
    """The text a reader sees of a title or abstract: inline math ($x^2$) is shown as MathML and
    Zotero's <i>, <sub>, <sup> in titles as markup; everything else exactly as written."""
    value = unicodedata.normalize("NFC", value)
    paragraphs = [" ".join(part.split()) for part in ([value] if tags else PARAGRAPH_BREAK.split(value))]  # abstracts: per paragraph
    rich = rich_title if tags else rich_html
    shown = (html.unescape(re.sub(r"<[^>]*>", "", str(rich(part)))) for part in paragraphs if part)
    return " ".join(shown)


def shown(value: str) -> str:
    """A value as a page shows it: Unicode NFC (how records are read), whitespace folded."""
    return folded(unicodedata.normalize("NFC", value))
