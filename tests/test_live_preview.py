"""`mkdocs serve` over a copy of the project: editing a record refreshes the open page."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request

import pytest
from httpserve import free_port
from sitetools import copy_project, mkdocs_env

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
def mkdocs_serve(project):
    """`mkdocs serve` of project on a free loopback port, once it answers: (url, process)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=mkdocs_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
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
        record.write_text(good + "authors: Someone\n", "utf-8")
        banner = page.locator(".papers-problems")
        banner.wait_for(state="visible", timeout=RELOAD_SECONDS * 1000)
        line = len(good.splitlines()) + 1
        assert f"data/papers/{PAPER}.yml:{line}:1: authors: expected a list of names, got 'Someone'" in banner.inner_text()
        record.write_text(good, "utf-8")
        banner.wait_for(state="detached", timeout=RELOAD_SECONDS * 1000)
        assert page.locator("article h1").inner_text().startswith("Galactic: Scaling")
    finally:
        page.close()
