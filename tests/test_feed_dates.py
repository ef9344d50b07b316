"""Records without `added` are dated by the commit that added their file, in the feeds and
under "recently added"."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import feedparser
import pytest
from conftest import REPO

from generator.collection import load_collection
from generator.gitdates import first_added, history_key, is_shallow, undated_days
from generator.plan import HOME, PlanSettings, plan_site

SITE = "https://example.org/lab/"
RECORDS = {
    "old.yml": "title: Old Paper\ntopics: [vision]\n",
    "middle.yml": "title: Middle Paper\ntopics: [vision]\ndate: '1999'\n",
    "newest.yml": "title: Newest Paper\ntopics: [vision]\n",
    "chosen.yml": "title: Chosen Paper\ntopics: [vision]\nadded: '2020-06-01'\n",
}


def git(root: Path, *args: str, when: str = "2020-01-01T12:00:00+00:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def commit(root: Path, names: list[str], when: str) -> None:
    git(root, "add", *(f"data/papers/{name}" for name in names))
    git(root, "commit", "-q", "-m", "records", when=when)


@pytest.fixture
def history(project):
    """A git project whose records were committed on different days, one with `added` of its own."""
    root = project(RECORDS)
    (root / "mkdocs.yml").write_text(f"site_name: Test\nsite_url: {SITE}\n", "utf-8")
    git(root, "init", "-q")
    git(root, "add", "mkdocs.yml", "data/topics.yml")
    commit(root, ["old.yml", "chosen.yml"], "2021-03-04T10:00:00+00:00")
    commit(root, ["middle.yml"], "2022-05-06T23:30:00-02:00")  # 2022-05-07 in UTC
    commit(root, ["newest.yml"], "2023-07-08T10:00:00+00:00")
    return root


def feed_ids(root: Path) -> list[tuple[str, str]]:
    feed = feedparser.parse((root / "docs/feeds/all.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return [(e.link.rsplit("/", 2)[-2], e.updated[:10]) for e in feed.entries]


def recent(root: Path) -> list[str]:
    home = (root / "docs/_generated/home.md").read_text("utf-8")
    return [line.split('href="papers/')[1].split("/")[0] + " " + line.rsplit("added ", 1)[1][:10]
            for line in home.splitlines() if line.startswith("<li>") and "· added" in line]


def test_records_without_added_are_dated_by_the_commit_that_added_their_file(history, cli):
    before = {p.name: p.read_bytes() for p in (history / "data/papers").iterdir()}
    code, _, err = cli(history, "build")
    assert code == 0, err
    expected = [("newest", "2023-07-08"), ("middle", "2022-05-07"), ("old", "2021-03-04"),
                ("chosen", "2020-06-01")]
    assert feed_ids(history) == expected
    assert recent(history) == [f"{i} {day}" for i, day in expected]
    assert "no feed lists them" not in err
    # the days are used, never written into the records
    assert {p.name: p.read_bytes() for p in (history / "data/papers").iterdir()} == before


def test_a_commit_dates_a_file_that_was_not_committed_before(history, cli):
    later = history / "data/papers/later.yml"
    later.write_text("title: Later Paper\ntopics: [vision]\n", "utf-8")
    code, _, err = cli(history, "build")
    assert code == 0, err
    assert "later" not in dict(feed_ids(history))  # not committed yet: no day, and no `date` either
    assert "1 paper(s) have no `added`, no `date` and no commit that added their file" in err
    commit(history, ["later.yml"], "2024-01-02T10:00:00+00:00")
    code, _, err = cli(history, "build")  # the files did not change, the history did
    assert code == 0, err
    assert feed_ids(history)[0] == ("later", "2024-01-02")
    assert recent(history)[0] == "later 2024-01-02"


def test_a_renamed_file_keeps_the_day_it_was_first_added(history, cli):
    git(history, "mv", "data/papers/old.yml", "data/papers/old-renamed.yml")
    git(history, "commit", "-q", "-m", "rename", when="2025-01-01T10:00:00+00:00")
    code, _, err = cli(history, "build")
    assert code == 0, err
    assert ("old-renamed", "2021-03-04") in feed_ids(history)


def test_a_shallow_clone_dates_nothing_and_says_so_once(history, cli, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", history.as_uri(), str(clone)],
                   check=True, capture_output=True)
    code, _, err = cli(clone, "build")
    assert code == 0, err
    assert err.count("the git history is shallow") == 1
    # without the history only `added` and `date` date a paper (not every file by the one commit)
    assert feed_ids(clone) == [("chosen", "2020-06-01"), ("middle", "1999-01-01")]
    code, _, err = cli(clone, "build")  # nothing changed: the note still stands
    assert code == 0 and err.count("the git history is shallow") == 1



def test_every_shipped_paper_reaches_the_feeds_when_built_from_its_git_history():
    key = history_key(REPO)
    if key is None or is_shallow(key):
        pytest.skip("the repository's full git history is not here")
    collection, _ = load_collection(REPO / "data", REPO)
    days = undated_days(collection.papers, first_added(REPO, "data/papers"))
    missing = [p.origin.file for p in collection.papers if not p.added and p.id not in days]
    assert not missing, "records with no `added` that are not committed yet"
    plan = plan_site(collection, PlanSettings(feeds=True), days)
    assert plan.left_out_of_feeds == 0
    home = plan.by_path()[HOME]
    recent = home.paper_ids[home.context["selected"]:]  # the selected papers come first
    assert len(recent) == PlanSettings().recent  # "Recently added" is full


def test_git_log_runs_once_per_commit_not_in_a_build_with_nothing_to_do(history, cli, monkeypatch):
    from generator import pipeline

    calls = []
    monkeypatch.setattr(pipeline, "first_added", lambda *args: calls.append(args) or first_added(*args))
    assert cli(history, "build")[0] == 0 and len(calls) == 1
    assert cli(history, "build")[0] == 0 and len(calls) == 1  # nothing changed
    record = history / "data/papers/old.yml"
    record.write_text(record.read_text("utf-8").replace("Old Paper", "Older Paper"), "utf-8")
    assert cli(history, "build")[0] == 0 and len(calls) == 1  # planned again, with the kept days
    commit(history, ["old.yml"], "2024-01-02T10:00:00+00:00")
    assert cli(history, "build")[0] == 0 and len(calls) == 2
    assert ("old", "2021-03-04") in feed_ids(history)  # changed later: still first added then
