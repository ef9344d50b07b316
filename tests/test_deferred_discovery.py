"""The preview's build with related papers and the map deferred (what `mkdocs serve` runs), then
the build that brings them up to date: together they end in the files of a cold build."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitetools import copy_project
from test_incremental import cold_build, generated

from generator.build import generate
from generator.config import load_settings
from generator.deferred import DeferredDiscovery, trigger_dir

PAPER = "galactic-scaling-end-end-reinforcement-learning"


def related_of(docs: Path, paper: str) -> list[str]:
    """The ids the paper's page lists as related, in order."""
    text = (docs / "papers" / f"{paper}.md").read_text("utf-8")
    if 'class="papers-related"' not in text:
        return []
    block = text.split('class="papers-related"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="[^"]*papers/([^/".]+)', block)


def deferred_step(settings) -> subprocess.CompletedProcess:
    """What the plugin starts after a preview's build: `python -m generator.deferred`."""
    return subprocess.run([sys.executable, "-m", "generator.deferred"], input=pickle.dumps(settings),
                          capture_output=True, timeout=300)


def borrow_text(project: Path, title: bool) -> str:
    """PAPER takes another paper's abstract (and title): that paper becomes its nearest."""
    papers = project / "data" / "papers"
    donor = next(p for p in sorted(papers.glob("*.yml")) if p.stem != PAPER and "\nabstract:" in p.read_text("utf-8"))
    import yaml

    theirs = yaml.safe_load(donor.read_text("utf-8"))
    record = papers / f"{PAPER}.yml"
    mine = yaml.safe_load(record.read_text("utf-8"))
    mine["abstract"] = theirs["abstract"]
    if title:
        mine["title"] = "Borrowed: " + theirs["title"]
    from generator.recordfile import dump_record

    record.write_text(dump_record(mine), "utf-8")
    return donor.stem


@pytest.mark.parametrize("title", [False, True], ids=["abstract", "title-and-abstract"])
def test_deferred_related_papers_show_first_then_match_a_cold_build(tmp_path, cli, title):
    project = copy_project(tmp_path / "project")
    settings = load_settings(project / "mkdocs.yml")
    generate(settings)
    docs = project / "docs"
    before = related_of(docs, PAPER)
    donor = borrow_text(project, title)
    first = generate(settings, defer_discovery=True)
    assert first.discovery_deferred
    page = (docs / "papers" / f"{PAPER}.md").read_text("utf-8")
    assert ("Borrowed: " in page) is title
    assert related_of(docs, PAPER) == before  # the edit shows; related papers come after
    assert donor not in before
    # A preview's build while the deferred step has not run yet says so again.
    assert generate(settings, defer_discovery=True).discovery_deferred
    done = deferred_step(settings)
    assert done.returncode == 0, done.stderr
    assert b'"written": 0' not in done.stdout
    assert related_of(docs, PAPER)[0] == donor
    assert generated(docs) == cold_build(project, tmp_path, cli)
    assert not generate(settings, defer_discovery=True).discovery_deferred


def test_a_build_after_an_interrupted_preview_mends_related_papers(tmp_path, cli):
    """The preview stopped before its deferred step: the next build (`make site`, the CLI)
    does not trust the last one's shortcuts, and writes what a cold build writes."""
    project = copy_project(tmp_path / "project")
    settings = load_settings(project / "mkdocs.yml")
    generate(settings)
    borrow_text(project, title=False)
    assert generate(settings, defer_discovery=True).discovery_deferred
    code, _, err = cli(project, "build")
    assert code == 0, err
    assert generated(project / "docs") == cold_build(project, tmp_path, cli)


def test_a_new_paper_waits_off_the_map_until_the_deferred_step(tmp_path, cli):
    project = copy_project(tmp_path / "project")
    settings = load_settings(project / "mkdocs.yml")
    generate(settings)
    record = project / "data" / "papers" / "a-fresh-paper.yml"
    import yaml

    topic = yaml.safe_load((project / "data" / "papers" / f"{PAPER}.yml").read_text("utf-8"))["topics"][0]
    record.write_text(f"title: A fresh paper on scaling reinforcement learning\ntopics: [{topic}]\n"
                      "abstract: Scaling end-to-end reinforcement learning to large models.\n", "utf-8")
    assert generate(settings, defer_discovery=True).discovery_deferred
    docs = project / "docs"
    assert (docs / "papers" / "a-fresh-paper.md").is_file()
    assert related_of(docs, "a-fresh-paper") == []
    done = deferred_step(settings)
    assert done.returncode == 0, done.stderr
    assert related_of(docs, "a-fresh-paper")
    assert generated(docs) == cold_build(project, tmp_path, cli)


def wait_until(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)


def test_the_background_step_reports_a_failure_and_wakes_the_watcher_only_when_it_wrote(tmp_path):
    """What the plugin runs after a preview's build (`DeferredDiscovery`): a failing build is
    told (file, line, what is wrong) and the search index started anyway; a stopped one tells
    nothing; one that wrote pages writes the file MkDocs' watcher waits for; one that wrote
    nothing wakes no build, and starts the search index itself."""
    project = copy_project(tmp_path / "project")
    settings = load_settings(project / "mkdocs.yml")
    generate(settings)
    told, failures = [], []
    related = DeferredDiscovery(told.append)
    trigger = trigger_dir(settings.cache_dir) / "related-written"
    record = project / "data" / "papers" / f"{PAPER}.yml"
    good = record.read_text("utf-8")
    record.write_text(good + "notes: [Someone]\n", "utf-8")
    related.start(settings, lambda: failures.append(True))
    wait_until(lambda: told)
    assert told[0].startswith("papers: related papers and the map could not be brought up to date")
    assert f"{PAPER}.yml:{len(good.splitlines()) + 1}:1: notes: expected" in told[0], told
    assert failures and not trigger.exists()
    record.write_text(good, "utf-8")
    borrow_text(project, title=False)
    assert generate(settings, defer_discovery=True).discovery_deferred
    related.start(settings)
    related.stop()  # a newer save: nothing is told of the run it stops
    assert len(told) == 1 and not trigger.exists()
    related.start(settings)
    wait_until(lambda: len(told) > 1)
    related.stop()
    assert "brought up to date" in told[1] and trigger.exists(), told
    assert not generate(settings, defer_discovery=True).discovery_deferred
    trigger.unlink()
    nothing = []
    related.start(settings, lambda: nothing.append(True))  # a run with nothing to write
    wait_until(lambda: nothing)
    assert nothing and len(told) == 2 and not trigger.exists()
