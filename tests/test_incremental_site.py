"""The site built again from the last build's outputs: deterministic search index, incremental
`make site` equal to a cold build byte for byte."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sitetools import REPO, copy_project, mkdocs_build, mkdocs_env

from generator.plan import GENERATED_DIRS
from generator.searchindex import index_site

sys.path.insert(0, str(REPO / "bench"))
from incremental_site import (  # noqa: E402
    add_papers,
    differing,
    inputs_copy,
    insert_after,
    make_project,
    site_command,
    tree_bytes,
    write_copyright,
)

PAGE = """<!doctype html><html lang="en"><head><title>{n}</title></head><body><article>
<div data-pagefind-body><h1>Paper {n}</h1><p>words about topic {n}</p>
<span hidden data-pagefind-filter="year">{year}</span>
<span hidden data-pagefind-filter="tag">tag {tag}</span></div></article></body></html>"""


def write_pages(root: Path, count: int) -> None:
    for n in range(count):
        folder = root / "papers" / f"p{n:03d}"
        folder.mkdir(parents=True)
        page = PAGE.format(n=n, year=1990 + n % 17, tag=n % 23)
        (folder / "index.html").write_text(page, "utf-8")


def test_the_search_index_of_the_same_pages_is_the_same_bytes(tmp_path):
    """Pagefind 1.5.2 writes filter values in a per-run hash order; each run here is a new
    process, so without sorting the filter files and the entry differ between runs."""
    sites = [tmp_path / "one", tmp_path / "two"]
    for site in sites:
        write_pages(site, 60)
        index_site(site, True)
    assert differing(sites[0] / "pagefind", sites[1] / "pagefind") == []
    assert len(list((sites[0] / "pagefind" / "filter").iterdir())) == 2


def test_two_cold_builds_in_two_folders_give_the_same_bytes(tmp_path):
    """The shipped collection, built by `mkdocs build` in two folders: every file of site/,
    the search index included, byte for byte."""
    sites = []
    for name in ("one", "two"):
        project = copy_project(tmp_path / name)
        result, _ = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        sites.append(project / "site")
    assert len(tree_bytes(sites[0])) > 300
    assert differing(*sites) == []


# ---- `make site` again from the last build's output: the same bytes as a cold build ----

def build_env() -> dict[str, str]:
    # the sitemap's dates are the build's day: one fixed day for the builds compared
    return {**mkdocs_env(), "SOURCE_DATE_EPOCH": "1767225600"}


def run_build(project: Path, command: list[str]) -> str:
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=900,
                          env=build_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def assert_same_as_cold(project: Path, work: Path) -> str:
    log = run_build(project, site_command())
    cold = inputs_copy(project, work / f"cold-{len(list(work.iterdir()))}")
    run_build(cold, [sys.executable, "-m", "mkdocs", "build", "--strict"])
    assert differing(project / "site", cold / "site") == []
    shutil.rmtree(cold)
    return log


def edit_title(project: Path, n: int = 0) -> None:
    paper = sorted((project / "data" / "papers").glob("paper-*.yml"))[n]
    text = paper.read_text("utf-8")
    paper.write_text(text.replace("title: ", "title: Edited ", 1), "utf-8")


def add_topic(project: Path, n: int = 0) -> None:
    topic = f"added-{n}"
    with (project / "data" / "topics.yml").open("a", encoding="utf-8") as topics:
        topics.write(f"- id: {topic}\n  title: Added {n}\n  description: A new topic.\n")
    paper = sorted((project / "data" / "papers").glob("paper-*.yml"))[n + 1]
    text = paper.read_text("utf-8")
    paper.write_text(text.replace("topics:\n", f"topics:\n- {topic}\n", 1), "utf-8")


def remove_paper(project: Path, n: int = 0) -> None:
    """One built before (the first papers are never held back)."""
    sorted((project / "data" / "papers").glob("paper-*.yml"))[5 + n].unlink()


def change_template(project: Path, n: int = 0) -> None:
    write_copyright(project, n + 1)


def edit_config(project: Path, n: int = 0) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    if "\ncopyright:" in text:
        config.write_text(re.sub(r"\ncopyright: .*\n", f"\ncopyright: Edition {n}\n", text))
    else:
        insert_after(project, "site_name: Paper collection\n", f"copyright: Edition {n}\n")


@pytest.mark.slow
def test_make_site_again_gives_the_bytes_of_a_cold_build(tmp_path):
    """After each change, `make site` in the project (starting from its last output) and a cold
    `mkdocs build` of a fresh copy of the same inputs give the same files, byte for byte."""
    project = make_project(tmp_path / "project", 110)
    work = tmp_path / "cold"
    work.mkdir()
    assert "full build" in assert_same_as_cold(project, work)
    steps = [add_papers, edit_title, add_topic, remove_paper, change_template, edit_config]
    logs = {}
    for step in steps:
        time.sleep(0.01)  # a later modification time than the last output
        step(project)
        logs[step.__name__] = assert_same_as_cold(project, work)
    # the data changes took the incremental path; a new topic changes the nav (it lists the
    # topics), and with the theme and the config, what every page shows: a full build
    for name in ("add_papers", "edit_title", "remove_paper"):
        assert "papers: incremental build" in logs[name], name
    for name in ("add_topic", "change_template", "edit_config"):
        assert "papers: full build" in logs[name], name


@pytest.mark.slow
def test_the_search_index_is_kept_when_no_paper_page_changed(tmp_path):
    project = make_project(tmp_path / "project", 110)
    work = tmp_path / "cold"
    work.mkdir()
    run_build(project, site_command())
    about = project / "docs" / "about.md"
    about.write_text(about.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    log = assert_same_as_cold(project, work)
    assert "search index: no paper page changed, the last one kept" in log
    edit_title(project)
    log = assert_same_as_cold(project, work)
    assert "search index: 60 paper pages" in log


# ---- the publishing workflow: restore the last build, build, save; twice in a row ----

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"


def workflow_steps() -> dict[str, dict]:
    steps = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["build"]["steps"]
    found = {"build": next(s for s in steps if s.get("name") == "Build the site")}
    for kind in ("restore", "save"):
        found[kind] = next(s for s in steps if s.get("uses", "").startswith(f"actions/cache/{kind}@"))
    return found


def test_the_workflow_keeps_what_the_next_build_starts_from():
    steps = workflow_steps()
    paths = steps["restore"]["with"]["path"].split()
    assert steps["save"]["with"]["path"].split() == paths
    assert set(paths) == {"site", ".cache", *(f"docs/{name}" for name in GENERATED_DIRS)}
    assert steps["save"]["with"]["key"] == "${{ steps.last-build.outputs.cache-primary-key }}"
    assert steps["restore"]["id"] == "last-build"
    # the same command as `make site`
    assert steps["build"]["run"].split() == ["mkdocs", *site_command()[3:]]


def run_workflow(source: Path, runner: Path, store: Path) -> str:
    """One run of the build job on a fresh checkout: restore (as actions/cache does, a tar of
    the paths), build, save."""
    steps = workflow_steps()
    paths = steps["restore"]["with"]["path"].split()
    checkout = runner / "repo"  # the same folder on every run, as on GitHub's runners
    shutil.rmtree(checkout, ignore_errors=True)
    inputs_copy(source, checkout)
    archive = store / "cache.tar"
    if archive.is_file():
        subprocess.run(["tar", "-xf", str(archive), "-C", str(checkout)], check=True)
    command = steps["build"]["run"].split()
    log = run_build(checkout, [sys.executable, "-m", *command])
    kept = [path for path in paths if (checkout / path).exists()]
    subprocess.run(["tar", "-cf", str(archive), "-C", str(checkout), *kept], check=True)
    return log


@pytest.mark.slow
def test_the_workflow_builds_from_its_last_run_and_equals_a_cold_build(tmp_path):
    source = make_project(tmp_path / "source", 110)
    runner, store, work = tmp_path / "runner", tmp_path / "store", tmp_path / "cold"
    for folder in (runner, store, work):
        folder.mkdir()
    assert "papers: full build" in run_workflow(source, runner, store)  # nothing to restore
    add_papers(source, 10)
    edit_title(source)
    remove_paper(source)
    assert "papers: incremental build" in run_workflow(source, runner, store)
    cold = inputs_copy(source, work / "cold")
    run_build(cold, [sys.executable, "-m", "mkdocs", "build", "--strict"])
    assert differing(runner / "repo" / "site", cold / "site") == []


CHANGES = {"add_papers": lambda project, n: add_papers(project, 5), "edit_title": edit_title,
           "add_topic": add_topic, "remove_paper": remove_paper,
           "change_template": change_template, "edit_config": edit_config}


@pytest.mark.slow
@settings(max_examples=2, deadline=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(CHANGES)), min_size=2, max_size=3))
def test_any_sequence_of_changes_builds_the_bytes_of_a_cold_build(changes):
    with tempfile.TemporaryDirectory(prefix="papers-incremental-") as tmp:
        project = make_project(Path(tmp) / "project", 110)
        work = Path(tmp) / "cold"
        work.mkdir()
        run_build(project, site_command())
        for n, change in enumerate(changes):
            time.sleep(0.01)
            CHANGES[change](project, n)
            assert_same_as_cold(project, work)
