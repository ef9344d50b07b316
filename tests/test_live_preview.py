"""`mkdocs serve` over a copy of the project: editing a record refreshes the open page."""

from __future__ import annotations

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


@pytest.fixture
def served(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, env=mkdocs_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/papers/{PAPER}/", STARTUP_SECONDS)
        yield project, url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


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
