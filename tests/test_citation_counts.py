"""Citation counts: taken from Semantic Scholar's and OpenAlex's recorded real answers by
`import` and `sync`, dated the day they were fetched, and shown on the paper page as plain text
(nothing is fetched when a page is viewed)."""

from __future__ import annotations

import datetime
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from httpserve import serve_directory
from sitetools import mkdocs_build, parse_page
from sourcetools import FIXTURES, replay
from test_sync import TOPICS, recorded, summary, tree

from generator.cli import main
from generator.importers import web

WORK = "W2741809807"  # OpenAlex's "The state of OA"
TURING = "10.1093/mind/lix.236.433"
DAYS = [datetime.datetime(2026, 12, d, 6, 30, tzinfo=datetime.UTC) for d in (5, 6, 7)]
OA = "data/papers/state-oa-large-scale-analysis-prevalence-impact-open-access.yml"
SOURCES = f"- kind: openalex\n  ids: [{WORK}]\n  topic: physics\n"


@pytest.fixture
def today(monkeypatch):
    """Sets the day every client of the services sees as today (its `now` clock)."""
    day = {"now": DAYS[-1]}
    init = web.Client.__init__

    def dated(self, *args, **kwargs):
        init(self, *args, **{**kwargs, "now": lambda: day["now"]})

    monkeypatch.setattr(web.Client, "__init__", dated)

    def set_day(when: datetime.datetime) -> None:
        day["now"] = when
    return set_day


def answer(name: str, index: int) -> dict:
    cassette = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return json.loads(cassette["interactions"][index]["response"]["body"]["string"])


def read(root: Path, path: str) -> dict:
    return yaml.safe_load((root / path).read_text(encoding="utf-8"))


def a_year_earlier(uri: str, body: str) -> str:
    """OpenAlex's answer as it stood before the citations of its latest year: the recorded
    count less that year's, as the answer's own `counts_by_year` gives it."""
    work = json.loads(body)
    work["cited_by_count"] -= work["counts_by_year"][0]["cited_by_count"]
    return json.dumps(work)


def test_import_takes_each_services_count_and_the_day_it_was_fetched(project, cli, today):
    root = project()
    with replay("semanticscholar.yaml") as mock:
        code, _, err = cli(root, "import", "semantic-scholar", TURING)
        assert "citationCount" in mock.asked[0].url.split("fields=")[1]
    assert code == 0, err
    with replay("openalex.yaml"):
        code, _, err = cli(root, "import", "openalex", WORK)
    assert code == 0, err
    turing = read(root, "data/papers/computing-machinery-and-intelligence.yml")
    assert turing["citations"] == {"count": answer("semanticscholar.yaml", 9)["citationCount"],
                                   "date": "2026-12-07", "source": "semantic-scholar"}
    assert read(root, OA)["citations"] == {"count": answer("openalex.yaml", 0)["cited_by_count"],
                                           "date": "2026-12-07", "source": "openalex"}


@pytest.fixture
def synced(project):
    root = project(topics=TOPICS)
    (root / "data" / "sources.yml").write_text(SOURCES, encoding="utf-8")
    return root


def test_sync_updates_the_count_without_a_hand_edit_and_keeps_it_hidden(synced, cli, today):
    earlier = a_year_earlier("", json.dumps(answer("openalex.yaml", 0)))
    now = answer("openalex.yaml", 0)["cited_by_count"]
    today(DAYS[0])
    with recorded("openalex.yaml", change=a_year_earlier):
        assert cli(synced, "sync")[0] == 0
    assert read(synced, OA)["citations"] == {"count": json.loads(earlier)["cited_by_count"],
                                             "date": "2026-12-05", "source": "openalex"}
    today(DAYS[1])
    with recorded("openalex.yaml"):
        code, out, err = cli(synced, "sync")
    assert code == 0, err
    assert f"update {OA}: citations (openalex.org ({WORK}))" in out.splitlines()
    assert "kept hand edits" not in out and summary(out).startswith("0 new, 1 updated")
    assert read(synced, OA)["citations"] == {"count": now, "date": "2026-12-06",
                                             "source": "openalex"}
    # the same count a day later: no file changes (the date says when this count was fetched)
    before = tree(synced)
    today(DAYS[2])
    with recorded("openalex.yaml"):
        code, out, _ = cli(synced, "sync")
    assert code == 0 and tree(synced) == before and out.rstrip().endswith("no file changed")
    # the curator deletes the count to hide it: a new count does not bring it back
    text = (synced / OA).read_text(encoding="utf-8")
    kept = text[:text.index("citations:")] + text[text.index("  source: openalex\n") + 18:]
    (synced / OA).write_text(kept, encoding="utf-8")
    with recorded("openalex.yaml", change=a_year_earlier):
        code, out, _ = cli(synced, "sync")
    assert code == 0 and "citations" not in read(synced, OA) and "kept hand edits" not in out
    assert (synced / OA).read_text(encoding="utf-8") == kept


@pytest.fixture(scope="module")
def counted_site(tmp_path_factory):
    """A new site with one paper imported from OpenAlex's recorded answer, built by MkDocs."""
    project = tmp_path_factory.mktemp("counts") / "site"
    assert main(["init", str(project)]) == 0
    day = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)
    with pytest.MonkeyPatch.context() as patch, replay("openalex.yaml"):
        init = web.Client.__init__
        patch.setattr(web.Client, "__init__",
                      lambda self, *a, **k: init(self, *a, **{**k, "now": lambda: day}))
        assert main(["-f", str(project / "mkdocs.yml"), "import", "openalex", WORK,
                     "--topic", "general"]) == 0
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project


def test_the_paper_page_shows_the_count_with_its_source_and_date(counted_site):
    count = answer("openalex.yaml", 0)["cited_by_count"]
    name = Path(OA).stem
    markdown = (counted_site / "docs" / "papers" / f"{name}.md").read_text(encoding="utf-8")
    assert f"<strong>Cited by</strong> {count} (OpenAlex, " in markdown
    page = parse_page(counted_site / "site" / "papers" / name / "index.html")
    text = " ".join("".join(page.text).split())
    assert f"Cited by {count} (OpenAlex, 2026-12-07)" in text


class Loads(HTMLParser):
    """What a page has the browser load: scripts, images, frames, stylesheets, preloads (a
    canonical or alternate link is an address, not something loaded)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
            return
        if tag in ("script", "img", "iframe", "source", "link", "embed", "object"):
            self.loaded += [v for k, v in attrs.items() if k in ("src", "href", "data") and v]


def test_the_paper_page_loads_nothing_from_another_host(counted_site):
    html = counted_site / "site" / "papers" / Path(OA).stem / "index.html"
    loads = Loads()
    loads.feed(html.read_text(encoding="utf-8"))
    assert "Cited by" in html.read_text(encoding="utf-8")
    assert loads.loaded and [u for u in loads.loaded if urlparse(u).netloc] == []


def test_the_setting_citation_counts_false_hides_them(counted_site, tmp_path):
    project = tmp_path / "site"
    shutil.copytree(counted_site, project, ignore=shutil.ignore_patterns("site", ".cache"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - papers:\n", "  - papers:\n      citation_counts: false\n"),
                      encoding="utf-8")
    result, _ = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    html = project / "site" / "papers" / Path(OA).stem / "index.html"
    listing = project / "site" / "topics" / "general" / "index.html"
    assert "Cited by" not in html.read_text(encoding="utf-8") + listing.read_text(encoding="utf-8")
    assert "citations:" in (project / OA).read_text(encoding="utf-8")  # the record keeps it


def test_a_bad_count_is_reported_with_its_file_line_and_field(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\ncitations:\n  count: many\n"
                             "  date: 2026-02-30\n  source: google-scholar\n",
                    "b.yml": "title: B\ntopics: [vision]\ncitations:\n  count: 3\n"
                             "  date: 2026-02-30\n  source: openalex\n"})
    code, out, err = cli(root, "validate")
    said = out + err
    assert code == 1
    assert "data/papers/a.yml:4:" in said and "citations.count" in said
    assert "whole number" in said and "semantic-scholar or openalex" in said
    assert "data/papers/b.yml:5:" in said and "'2026-02-30' is not a date in the calendar" in said
    assert "Traceback" not in said


@pytest.mark.parametrize("width", [390, 1280])
def test_in_a_browser_the_count_shows_and_no_other_host_is_asked(browser, counted_site, width):
    count = answer("openalex.yaml", 0)["cited_by_count"]
    with serve_directory(counted_site / "site") as url:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        try:
            page.goto(f"{url}/papers/{Path(OA).stem}/", wait_until="networkidle")
            shown = page.locator(".paper-citations")
            assert shown.is_visible()
            assert shown.inner_text() == f"Cited by {count} (OpenAlex, 2026-12-07)"
        finally:
            context.close()
    assert asked and [a for a in asked if not a.startswith(url + "/")] == []


def test_listings_show_the_count_too(counted_site):
    count = answer("openalex.yaml", 0)["cited_by_count"]
    page = parse_page(counted_site / "site" / "topics" / "general" / "index.html")
    text = " ".join("".join(page.text).split())
    assert f"Cited by {count} (OpenAlex, 2026-12-07)" in text
