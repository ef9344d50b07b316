from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "fixtures" / "seed-listing.txt"

TOPICS = """\
- id: vision
  title: Vision
  description: Seeing things.
  keywords: [image, detection]
- id: speech
  title: Speech
  description: Hearing things.
  keywords: [speech]
  exclude: [image]
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path):
    """A minimal project: mkdocs.yml, topics, and whatever papers a test adds."""

    def make(papers: dict[str, str | bytes] | None = None, topics: str = TOPICS) -> Path:
        files = {"mkdocs.yml": "site_name: Test\n", "data/topics.yml": topics}
        files.update({f"data/papers/{k}": v for k, v in (papers or {}).items()})
        return write_files(tmp_path, files)

    return make


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process on a project; returns (exit code, stdout, stderr)."""

    def run(root: Path, *args: str) -> tuple[int, str, str]:
        code = main(["-f", str(root / "mkdocs.yml"), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/expected from the current output")


# Browser tests drive Debian's Chromium through Playwright; Playwright downloads nothing.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory):
    """The shipped collection built once by `mkdocs build --strict`: (site dir, collection, process result)."""
    from sitetools import copy_project, mkdocs_build

    from generator.collection import load_collection

    project = copy_project(tmp_path_factory.mktemp("project"))
    site = project / "site"
    result, _ = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    collection, _ = load_collection(REPO / "data", REPO)
    return site, collection, result


@pytest.fixture(scope="module")
def site_url(shipped_site):
    """The built shipped site, served on a loopback port."""
    from httpserve import serve_directory

    site, _, _ = shipped_site
    with serve_directory(site) as url:
        yield url


@pytest.fixture
def page(browser):
    """A desktop-sized page of its own browser context (modules may define their own)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
