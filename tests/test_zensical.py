"""Zensical, which runs no MkDocs hooks, builds the same docs/ once `python -m generator build` has run."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from sitetools import copy_project

pytestmark = pytest.mark.slow


def test_zensical_builds_the_generated_docs(tmp_path):
    pytest.importorskip("zensical")
    root = copy_project(tmp_path / "project")

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=600)

    generated = run("-m", "generator", "build", "--strict")
    assert generated.returncode == 0, generated.stderr
    built = run("-m", "zensical", "build", "--clean", "--strict")
    assert built.returncode == 0, built.stdout + built.stderr

    site = root / "site"
    for source in (root / "docs" / "papers").glob("*.md"):
        page = site / "papers" / ("index.html" if source.stem == "index" else f"{source.stem}/index.html")
        assert page.is_file(), page
    home = (site / "index.html").read_text("utf-8")
    assert "--8<--" not in home and 'class="grid cards"' in home
    assert re.search(r"<strong>109 papers</strong>", home)
    assert json.loads((site / "search.json").read_text("utf-8"))["items"]
    assert (site / "downloads" / "papers.bib").is_file()
    assert not (site / "_generated").exists()
