"""The Hugging Face Papers importer (a day's daily papers) and its sync source, against recorded
real answers (tests/fixtures/sources/SOURCES.md names where each comes from)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import requests
import yaml
from sourcetools import FIXTURES, Answer, papers, replay
from test_sources_services import clock  # noqa: F401 (autouse: waits measured, not slept)

from generator.importers.web import Client

OCTOBER = "huggingface-2024-10-25.yaml"
AUGUST = "huggingface-2026-08-20.yaml"
API = "https://huggingface.co/api/daily_papers"


def wall_clock(monkeypatch, when: datetime.datetime) -> None:
    """Every client's wall time (what `today` is) fixed at when."""
    made = Client.__init__

    def fixed(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.now = lambda: when

    monkeypatch.setattr(Client, "__init__", fixed)


def recorded(name: str) -> list[dict]:
    cassette = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return json.loads(cassette["interactions"][0]["response"]["body"]["string"])


def record(root: Path, name: str) -> dict:
    return yaml.safe_load((root / "data" / "papers" / name).read_text(encoding="utf-8"))


def titled(root: Path, title: str) -> dict:
    """The record whose title is title (as the CSL reader writes it: spaces collapsed)."""
    wanted = " ".join(title.split())
    return next(record(root, p) for p in papers(root) if record(root, p)["title"] == wanted)


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the project but the HTTP cache."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(root).parts}


def summary(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_a_day_of_daily_papers_becomes_one_record_each(project, cli):
    root = project()
    with replay(OCTOBER) as mock:
        code, out, err = cli(root, "import", "huggingface", "2024-10-25", "--topic", "vision")
        asked = [(c.url, c.headers["Accept"]) for c in mock.asked]
    assert code == 0, err
    assert asked == [(f"{API}?date=2024-10-25", "application/json")]
    assert mock.asked[0].headers["User-Agent"].startswith("papersite/")
    listed = recorded(OCTOBER)
    assert len(listed) == 29 and len(papers(root)) == 29
    assert summary(out) == ("29 created, 0 updated, 0 already present, 0 not imported (errors), "
                            "0 warning(s)")
    for entry in listed:
        paper, got = entry["paper"], titled(root, entry["paper"]["title"])
        assert got["arxiv"] == paper["id"] and got["abstract"] == paper["summary"].strip()
        assert got["authors"] == [a["name"] for a in paper["authors"]]
        assert got["date"] == paper["publishedAt"][:10] and got["topics"] == ["vision"]
        assert "links" not in got  # the 2024 answers name no code or project page
    # a title arXiv wraps: the wrap is layout, the words and their order are the title
    got = record(root, "breaking-memory-barrier-near-infinite-batch-size-scaling.yml")
    assert got["title"] == ("Breaking the Memory Barrier: Near Infinite Batch Size Scaling for "
                            "Contrastive Loss")
    assert got["arxiv"] == "2410.17243" and got["date"] == "2024-10-22"
    assert got["authors"][:2] == ["Zesen Cheng", "Hang Zhang"]
    assert got["abstract"].startswith("Contrastive loss is a powerful approach for")
    assert got["added"] == datetime.date.today().isoformat()
    assert "create data/papers/breaking-memory-barrier-near-infinite-batch-size-scaling" \
           ".yml (huggingface.co/papers/date/2024-10-25 (item 1, paper 2410.17243))" in out


def test_code_and_project_pages_become_links_and_the_day_page_url_is_a_day(project, cli):
    root = project()
    with replay(AUGUST):
        code, out, err = cli(root, "import", "huggingface",
                             "https://huggingface.co/papers/date/2026-08-20")
    assert code == 0, err
    assert summary(out).startswith("15 created, 0 updated, 0 already present, 0 not imported")
    for entry in recorded(AUGUST):
        paper, got = entry["paper"], titled(root, entry["paper"]["title"])
        code_page, project_page = paper.get("githubRepo"), paper.get("projectPage")
        links = got.get("links", {})
        assert links.get("code") == code_page
        # a "project page" that is the arXiv paper itself: its links come from the arXiv id
        assert links.get("project") == (None if "arxiv.org" in str(project_page)
                                        else project_page)
    zetta = titled(root, "Zetta ζ: An Efficient Closed-Loop Embodied Harness for Self-Evolving "
                         "Physical Intelligence")
    assert zetta["links"] == {"code": "https://github.com/air-embodied-brain/Zetta-Embodiment",
                              "project": "https://air-embodied-brain.github.io/zetta/"}
    assert zetta["arxiv"] == "2608.16590" and len(zetta["authors"]) == 15
    traces = titled(root, recorded(AUGUST)[7]["paper"]["title"])
    assert traces["arxiv"] == "2608.14929" and "links" not in traces


def test_dry_run_writes_nothing_and_a_second_run_changes_nothing(project, cli):
    root = project()
    with replay(OCTOBER):
        code, out, _ = cli(root, "import", "huggingface", "2024-10-25", "--dry-run")
    assert code == 0 and papers(root) == []
    assert summary(out).startswith("29 would be created, 0 would be updated")
    assert out.rstrip().endswith("nothing was written")
    with replay(OCTOBER):
        cli(root, "import", "huggingface", "2024-10-25")
    before = tree(root)
    with replay(OCTOBER) as mock:
        code, out, _ = cli(root, "import", "huggingface", "2024-10-25")
        assert mock.asked == []  # answered by the HTTP cache
    assert code == 0 and tree(root) == before
    assert summary(out).startswith("0 created, 0 updated, 29 already present")


def test_a_paper_whose_arxiv_id_is_in_the_collection_is_already_present(project, cli):
    root = project({"mine.yml": "title: Knowledge editing and hallucinations (my notes)\n"
                                "arxiv: 2410.16251\ntopics: [vision]\n"})
    with replay(OCTOBER):
        code, out, err = cli(root, "import", "huggingface", "2024-10-25")
    assert code == 0, err
    assert summary(out).startswith("28 created, 0 updated, 1 already present")
    skipped = [line for line in out.splitlines() if line.startswith("skipped ")]
    assert skipped == ["skipped huggingface.co/papers/date/2024-10-25 (item 2, paper "
                       "2410.16251): same arXiv id as data/papers/mine.yml"]
    assert record(root, "mine.yml")["title"] == "Knowledge editing and hallucinations (my notes)"


def without_a_title(uri: str, body: str) -> str:
    """The recorded day with one item's title taken out (item 3, "LOGO -- Long cOntext
    aliGnment ..."), and one author of item 4 given as a number: answers as a changed or broken
    service could send them. Written back compact, as Hugging Face sends JSON."""
    items = json.loads(body)
    del items[2]["paper"]["title"]
    items[3]["paper"]["authors"][1] = 7
    return json.dumps(items, separators=(",", ":"))


def test_an_item_with_a_missing_or_wrong_field_is_reported_and_left_out(project, cli):
    root = project()
    with replay(OCTOBER, change=without_a_title):
        code, out, _ = cli(root, "import", "huggingface", "2024-10-25")
    assert code == 1 and len(papers(root)) == 27  # the good ones are written
    assert ("huggingface.co/papers/date/2024-10-25 (item 3, paper 2410.18533): paper.title: "
            "not imported: missing") in out.splitlines()
    assert ("huggingface.co/papers/date/2024-10-25 (item 4, paper 2410.18693): paper.authors: "
            "not imported: author 2: expected a name, got 7") in out.splitlines()
    assert summary(out).startswith("27 created, 0 updated, 0 already present, 2 not imported")


def test_days_are_checked_before_anything_is_asked_and_a_collection_is_refused(project, cli):
    root = project()
    with replay(OCTOBER) as mock:
        code, out, _ = cli(root, "import", "huggingface", "2024-02-30",
                           "https://huggingface.co/collections/meta-llama/llama-32-66f448ff")
        assert mock.asked == []
    assert code == 1 and papers(root) == []
    lines = out.splitlines()
    assert ("command line: '2024-02-30' is not a day of Hugging Face's daily papers "
            "(2024-10-25, https://huggingface.co/papers/date/2024-10-25, or `today`)") in lines
    assert ("command line: 'https://huggingface.co/collections/meta-llama/llama-32-66f448ff': "
            "a Hugging Face collection is not supported; only the daily papers of a day "
            "(2024-10-25, or `today`)") in lines


def test_a_day_refused_or_answered_with_no_list_is_reported_and_other_days_import(project, cli):
    # statuses and bodies the test states (no recording of such answers was found)
    refused = Answer(f"{API}?date=2024-10-26", 404)
    no_list = Answer(f"{API}?date=2024-10-27", 200, {"Content-Type": "application/json"},
                     b'{"error":"Invalid date"}')
    root = project()
    with replay(OCTOBER, answers=[refused, no_list]):
        code, out, _ = cli(root, "import", "huggingface", "2024-10-26", "2024-10-27",
                           "2024-10-25")
    assert code == 1 and len(papers(root)) == 29
    lines = out.splitlines()
    assert ("Hugging Face: daily papers of 2024-10-26: not imported: not found "
            "(HTTP 404)") in lines
    assert ("huggingface.co/papers/date/2024-10-27: not imported: the answer is not a list of "
            "daily papers") in lines


def test_offline_is_one_line_exit_1_and_nothing_written(project, cli, monkeypatch):
    root = project()

    def refuse(*args, **kwargs):
        raise requests.ConnectionError("Failed to resolve 'huggingface.co' (Name or service "
                                       "unknown)")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    before = tree(root)
    code, out, err = cli(root, "import", "huggingface", "2024-10-25")
    assert code == 1 and out == "" and papers(root) == [] and tree(root) == before
    assert err.strip().splitlines() == [
        "error: Hugging Face: cannot reach huggingface.co (Failed to resolve 'huggingface.co' "
        "(Name or service unknown)); check the network connection and run again (nothing was "
        "written)"]


DAILY = """\
- name: Hugging Face daily papers
  kind: huggingface
  topic: vision
  tags: [daily]
"""


def test_a_daily_sync_imports_today_in_utc_and_a_second_changes_nothing(project, cli,
                                                                          monkeypatch):
    root = project()
    (root / "data" / "sources.yml").write_text(DAILY, encoding="utf-8")
    # 01:30 on the 26th in Paris is still the 25th in UTC
    paris = datetime.timezone(datetime.timedelta(hours=2))
    wall_clock(monkeypatch, datetime.datetime(2024, 10, 26, 1, 30, tzinfo=paris))
    with replay(OCTOBER) as mock:
        code, out, err = cli(root, "sync")
        assert [c.url for c in mock.asked] == [f"{API}?date=2024-10-25"]
    assert code == 0, err
    assert summary(out).startswith("29 new, 0 updated, 0 unchanged, 0 with hand edits kept")
    got = record(root, "breaking-memory-barrier-near-infinite-batch-size-scaling.yml")
    assert got["topics"] == ["vision"] and got["tags"] == ["daily"]
    before = tree(root)
    with replay(OCTOBER) as mock:
        code, out, err = cli(root, "sync")
        assert len(mock.asked) == 1  # asked again: a daily sync must see the day's changes
    assert code == 0, err
    assert summary(out) == ("0 new, 0 updated, 29 unchanged, 0 with hand edits kept; "
                            "no file changed")
    assert tree(root) == before


def test_a_sync_source_may_name_its_days(project, cli, clock):  # noqa: F811 (the fixture)
    root = project()
    sources = DAILY + "  days: [2024-10-25, https://huggingface.co/papers/date/2026-08-20]\n"
    (root / "data" / "sources.yml").write_text(sources, encoding="utf-8")
    with replay(OCTOBER, AUGUST) as mock:
        code, out, err = cli(root, "sync")
        assert len(mock.asked) == 2
    assert clock.slept == [1.0]  # one request a second (500 in 5 minutes without a token)
    assert code == 0, err
    assert summary(out).startswith("44 new, 0 updated, 0 unchanged")


def test_a_sync_source_with_a_wrong_day_is_refused_before_anything_is_asked(project, cli):
    root = project()
    (root / "data" / "sources.yml").write_text(DAILY + "  days: yesterday\n", encoding="utf-8")
    with replay(OCTOBER) as mock:
        code, out, err = cli(root, "sync")
        assert mock.asked == []
    assert code != 0 and papers(root) == []
    assert ("data/sources.yml:5:3: days: 'yesterday' is not a day of Hugging Face's daily "
            "papers") in out + err


def test_the_next_days_sync_adds_that_days_papers_and_leaves_the_others(project, cli,
                                                                        monkeypatch):
    root = project()
    (root / "data" / "sources.yml").write_text(DAILY, encoding="utf-8")
    wall_clock(monkeypatch, datetime.datetime(2024, 10, 25, 18, 0, tzinfo=datetime.UTC))
    with replay(OCTOBER):
        cli(root, "sync")
    october = {p: (root / "data" / "papers" / p).read_bytes() for p in papers(root)}
    wall_clock(monkeypatch, datetime.datetime(2026, 8, 20, 9, 0, tzinfo=datetime.UTC))
    with replay(AUGUST) as mock:
        code, out, err = cli(root, "sync")
        assert [c.url for c in mock.asked] == [f"{API}?date=2026-08-20"]
    assert code == 0, err
    assert summary(out).startswith("15 new, 0 updated, 0 unchanged")
    assert len(papers(root)) == 44
    assert all((root / "data" / "papers" / p).read_bytes() == text for p, text in october.items())


def test_import_today_asks_for_the_day_in_utc(project, cli, monkeypatch):
    root = project()
    # 22:30 on the 19th in Buenos Aires is the 20th in UTC
    buenos_aires = datetime.timezone(datetime.timedelta(hours=-3))
    wall_clock(monkeypatch, datetime.datetime(2026, 8, 19, 22, 30, tzinfo=buenos_aires))
    with replay(AUGUST) as mock:
        code, out, err = cli(root, "import", "huggingface", "today", "2026-08-20")
        assert [c.url for c in mock.asked] == [f"{API}?date=2026-08-20"]  # the same day once
    assert code == 0, err
    assert summary(out).startswith("15 created")


def test_update_fills_in_what_a_record_of_the_paper_lacks(project, cli):
    root = project({"mine.yml": "title: Can Knowledge Editing Really Correct Hallucinations?\n"
                                "arxiv: 2410.16251\ntopics: [vision]\n"})
    with replay(OCTOBER):
        code, out, err = cli(root, "import", "huggingface", "2024-10-25", "--update")
    assert code == 0, err
    assert summary(out).startswith("28 created, 1 updated, 0 already present")
    paper = recorded(OCTOBER)[1]["paper"]
    got = record(root, "mine.yml")
    assert got["authors"] == [a["name"] for a in paper["authors"]]
    assert got["abstract"] == paper["summary"].strip() and got["date"] == paper["publishedAt"][:10]
    assert got["topics"] == ["vision"] and got["title"] == paper["title"]
