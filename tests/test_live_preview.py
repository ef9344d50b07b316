"""`mkdocs serve` over a copy of the project: editing a record refreshes the open page."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from httpserve import free_port
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sitetools import REPO, copy_project, mkdocs_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAPER = "galactic-scaling-end-end-reinforcement-learning"
STARTUP_SECONDS = 120
RELOAD_SECONDS = 60


def wait_for(url: str, seconds: float) -> str:
    """Body of url once it answers 200; at most one request every 0.5 s, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def mkdocs_serve(project, *options: str, log: Path | None = None):
    """`mkdocs serve` of project on a free loopback port, once it answers: (url, process); its
    output goes to log, if given."""
    port = free_port()
    out = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", *options, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=mkdocs_env(), stdout=out, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/papers/{PAPER}/", STARTUP_SECONDS)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            out.close()


@pytest.fixture
def served(tmp_path):
    project = copy_project(tmp_path / "project")
    with mkdocs_serve(project) as (url, process):
        yield project, url, process


def test_editing_a_record_refreshes_the_open_page(browser, served):
    project, url, _ = served
    page = browser.new_page()
    try:
        page.goto(f"{url}/papers/{PAPER}/")
        assert page.locator("article h1").inner_text().startswith("Galactic: Scaling")
        record = project / "data" / "papers" / f"{PAPER}.yml"
        text = record.read_text("utf-8")
        record.write_text(text.replace("title: 'Galactic: Scaling", "title: 'Galactic (edited live): Scaling", 1), "utf-8")
        page.wait_for_function(
            "document.querySelector('article h1') && document.querySelector('article h1').innerText.includes('edited live')",
            timeout=RELOAD_SECONDS * 1000,
        )
    finally:
        page.close()


@pytest.fixture
def served_strict(tmp_path):
    """Like `served`, with `strict: true` in mkdocs.yml: the worst case for a preview."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text("utf-8"), "utf-8")
    with mkdocs_serve(project) as (url, _):
        yield project, url


def test_warnings_never_block_the_preview_and_errors_show_a_banner_until_fixed(browser, served_strict):
    project, url = served_strict
    page = browser.new_page()
    record = project / "data" / "papers" / f"{PAPER}.yml"
    good = record.read_text("utf-8")
    h1 = "document.querySelector('article h1') && document.querySelector('article h1').innerText"
    try:
        page.goto(f"{url}/papers/{PAPER}/")
        (project / "data" / "papers" / "fresh-from-new.yml").write_text("title: Fresh from new\n", "utf-8")  # warns: no topic
        time.sleep(2)
        record.write_text(good.replace("title: 'Galactic: Scaling", "title: 'Galactic (after a warning): Scaling", 1), "utf-8")
        page.wait_for_function(f"{h1}.includes('after a warning')", timeout=RELOAD_SECONDS * 1000)
        assert page.locator(".papers-problems").count() == 0
        record.write_text(good + "notes: [Someone]\n", "utf-8")
        banner = page.locator(".papers-problems")
        banner.wait_for(state="visible", timeout=RELOAD_SECONDS * 1000)
        line = len(good.splitlines()) + 1
        assert f"data/papers/{PAPER}.yml:{line}:1: notes: expected non-empty Markdown text, got a list" in banner.inner_text()
        record.write_text(good, "utf-8")
        banner.wait_for(state="detached", timeout=RELOAD_SECONDS * 1000)
        assert page.locator("article h1").inner_text().startswith("Galactic: Scaling")
    finally:
        page.close()


def test_dirty_serve_rebuilds_what_changed_and_keeps_search_whole(tmp_path, browser):
    """`mkdocs serve --dirty` (what `make serve` runs): an edit shows on the paper and its topic
    page, a removed record's page goes, and the search index, rebuilt in the background, holds
    every other paper and finds the edit."""
    import json

    project = copy_project(tmp_path / "project")
    papers = sorted(p.stem for p in (project / "data" / "papers").glob("*.yml"))
    gone, other = [p for p in papers if p != PAPER][:2]
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, "--dirty", log=log) as (url, _):
        record = project / "data" / "papers" / f"{PAPER}.yml"
        topic = yaml.safe_load(record.read_text("utf-8"))["topics"][0]
        record.write_text(record.read_text("utf-8").replace("title: 'Galactic: Scaling", "title: 'Galactic (dirty): Scaling", 1), "utf-8")
        (project / "data" / "papers" / f"{gone}.yml").unlink()
        second = project / "data" / "papers" / f"{other}.yml"  # two paper pages rebuilt at once
        second.write_text(second.read_text("utf-8").replace("abstract: ", "abstract: Also edited. ", 1), "utf-8")
        deadline = time.monotonic() + RELOAD_SECONDS
        while time.monotonic() < deadline and "Galactic (dirty)" not in wait_for(f"{url}/topics/{topic}/", 10):
            time.sleep(0.5)
        assert "Galactic (dirty)" in wait_for(f"{url}/papers/{PAPER}/", 10)
        assert "Galactic (dirty)" in wait_for(f"{url}/topics/{topic}/", 10)
        # Only the first build rebuilds every page; the edit's build only what changed.
        assert log.read_text("utf-8").count("Documentation built") >= 2
        assert log.read_text("utf-8").count("every page is rebuilt") == 1
        try:
            urllib.request.urlopen(f"{url}/papers/{gone}/", timeout=10)
            raise AssertionError(f"the page of the removed record {gone} is still served")
        except urllib.error.HTTPError as err:
            assert err.code == 404
        page = browser.new_page()
        try:
            found = None
            deadline = time.monotonic() + 90  # the index is written in the background after the build
            while time.monotonic() < deadline and found is None:
                entry = json.loads(wait_for(f"{url}/pagefind/pagefind-entry.json", 10))
                if sum(lang["page_count"] for lang in entry["languages"].values()) == len(papers) - 1:
                    page.goto(f"{url}/search/?q=dirty")
                    try:
                        page.locator(".papers-result").first.wait_for(timeout=5000)
                        found = page.locator(".papers-result__title").all_inner_texts()
                    except Exception:  # noqa: BLE001 - playwright's TimeoutError: the index is still being written
                        pass
                if found is None:
                    time.sleep(1)
            assert found is not None, "the search index never caught up with the edit"
            assert any(title.startswith("Galactic (dirty)") for title in found), found
            page.goto(f"{url}/search/?q={gone.split('-')[0]}")
            page.locator(".papers-search__status").wait_for()
            hrefs = page.locator(".papers-result__title").evaluate_all("links => links.map(a => a.href)")
            assert not any(f"/papers/{gone}/" in href for href in hrefs)
        finally:
            page.close()


def test_a_file_system_error_keeps_the_preview_serving_and_names_the_file(browser, served):
    """The generator cannot write a page (here: a folder where the file should be, as a full
    disk or a permission would do): the preview keeps serving, with a banner naming the file."""
    project, url, _ = served
    page = browser.new_page()
    record = project / "data" / "papers" / f"{PAPER}.yml"
    good = record.read_text("utf-8")
    blocked = project / "docs" / "papers" / f"{PAPER}.md"
    try:
        page.goto(f"{url}/")
        blocked.unlink()
        blocked.mkdir()
        record.write_text(good.replace("title: 'Galactic: Scaling", "title: 'Galactic (blocked): Scaling", 1), "utf-8")
        banner = page.locator(".papers-problems")
        banner.wait_for(state="visible", timeout=RELOAD_SECONDS * 1000)
        assert f"docs/papers/{PAPER}.md" in banner.inner_text()
        blocked.rmdir()
        record.write_text(good.replace("title: 'Galactic: Scaling", "title: 'Galactic (unblocked): Scaling", 1), "utf-8")
        banner.wait_for(state="detached", timeout=RELOAD_SECONDS * 1000)
        page.goto(f"{url}/papers/{PAPER}/")
        assert "unblocked" in page.locator("article h1").inner_text()
    finally:
        page.close()


@contextlib.contextmanager
def make_serve(project, log: Path):
    """`make serve` itself, from a copy of the Makefile, with this environment's tools (the
    `-o` keeps make from setting up another) on a free port, once it answers: the URL."""
    shutil.copy2(REPO / "Makefile", project / "Makefile")
    port = free_port()
    venv = Path(sys.executable).parent.parent
    command = ["make", "-o", f"{venv}/.site", "serve", f"VENV={venv}", f"HOST=127.0.0.1:{port}"]
    with log.open("w", encoding="utf-8") as out:
        # A session of its own, so that mkdocs, started by make, is stopped with it.
        process = subprocess.Popen(command, cwd=project, env=mkdocs_env(), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield wait_for_start(f"http://127.0.0.1:{port}", process, log)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for_start(url: str, process, log: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/papers/{PAPER}/", timeout=5).close()
            return url
        except OSError:
            time.sleep(0.5)
    output = log.read_text("utf-8")[-3000:]
    raise AssertionError(f"make serve did not answer within {STARTUP_SECONDS} s:\n{output}")


def wait_for_builds(log: Path, done: int, seconds: float = RELOAD_SECONDS) -> None:
    """Until the log reports more than `done` finished builds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.read_text("utf-8").count("Documentation built") > done:
            return
        time.sleep(0.5)
    raise AssertionError(f"no new build within {seconds} s:\n{log.read_text('utf-8')[-3000:]}")


def banner_on(browser, url: str, seconds: float) -> str | None:
    """The text of the banner on the page at url, if it shows within `seconds` of loading. Each
    page is opened in a tab of its own: an open page reloads itself when a build ends (live
    reload), which would cut short a navigation to the next one."""
    page = browser.new_page()
    try:
        page.goto(url)
        banner = page.locator(".papers-problems")
        try:
            banner.wait_for(state="visible", timeout=seconds * 1000)
        except PlaywrightTimeout:
            return None
        return banner.inner_text()
    finally:
        page.close()


def test_make_serve_shows_the_banner_on_every_page_while_the_error_lasts(tmp_path, browser):
    """The exact `make serve` of the README (`--dirty`): a broken record shows the banner on the
    home, paper and topic pages, and a fix takes it off all three; the terminal is spared
    MkDocs' `--dirty` warning and notes repeated on every save."""
    project = copy_project(tmp_path / "project")
    record = project / "data" / "papers" / f"{PAPER}.yml"
    good = record.read_text("utf-8")
    topic = yaml.safe_load(good)["topics"][0]
    pages = ["/", f"/papers/{PAPER}/", f"/topics/{topic}/"]
    log = tmp_path / "serve.log"
    with make_serve(project, log) as url:
        wait_for_builds(log, 0)
        record.write_text(good.replace("abstract:", "abstrct:", 1), "utf-8")
        wait_for_builds(log, 1)
        assert "problem(s) in the data" in log.read_text("utf-8")
        for path in pages:
            banner = banner_on(browser, url + path, 20) or ""
            assert f"{PAPER}.yml" in banner, f"no banner on {path}"
        record.write_text(good, "utf-8")
        wait_for_builds(log, 2)
        for path in pages:
            assert banner_on(browser, url + path, 3) is None, f"a stale banner on {path}"
    output = log.read_text("utf-8")
    assert "mkdocs serve --livereload --dirty" in output  # the Makefile's own command ran
    assert "A 'dirty' build is being performed" not in output
    assert output.count("so no feed lists them") == 1, output  # the note, once


# Each load of the page, kept in the tab's session storage, which outlives live reloads.
RECORD_LOADS = """
addEventListener("DOMContentLoaded", () => {
  const loads = JSON.parse(sessionStorage.getItem("loads") || "[]");
  const related = [...document.querySelectorAll(".papers-related a")].map(a => a.pathname);
  loads.push({title: document.querySelector("article h1")?.innerText || "", related});
  sessionStorage.setItem("loads", JSON.stringify(loads));
});
"""


def test_a_saved_edit_shows_before_related_papers_then_the_page_reloads_with_them(tmp_path, browser, cli, monkeypatch):
    """`make serve`: the edited title shows while the related papers are still the last build's;
    a moment later the page reloads by itself with the related papers of the new text, and the
    generated files are then those of a cold build."""
    from test_deferred_discovery import borrow_text
    from test_incremental import cold_build, generated

    project = copy_project(tmp_path / "project")
    log = tmp_path / "serve.log"
    with mkdocs_serve(project, "--dirty", log=log) as (url, _):
        page = browser.new_page()
        page.add_init_script(RECORD_LOADS)
        try:
            page.goto(f"{url}/papers/{PAPER}/")
            donor = borrow_text(project, title=True)  # the donor becomes the nearest paper
            nearest = f"/papers/{donor}/"
            page.wait_for_function(
                "nearest => JSON.parse(sessionStorage.getItem('loads') || '[]')"
                ".some(load => load.related[0] === nearest)", arg=nearest, timeout=RELOAD_SECONDS * 1000)
            loads = page.evaluate("JSON.parse(sessionStorage.getItem('loads'))")
        finally:
            page.close()
        output = log.read_text("utf-8")
    before = loads[0]
    assert before["title"].startswith("Galactic: Scaling") and nearest not in before["related"]
    edited = [load for load in loads if load["title"].startswith("Borrowed: ")]
    assert edited and edited[0]["related"] == before["related"], loads  # the edit first, alone
    assert edited[-1]["related"][0] == nearest, loads  # then, reloaded, its related papers
    assert "related papers and the map brought up to date" in output
    monkeypatch.setenv("SITE_URL", f"{url}/")  # what `mkdocs serve` builds with
    assert generated(project / "docs") == cold_build(project, tmp_path, cli)
