"""The package builds cleanly: no setuptools deprecation warnings, no data folder left out."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

from generator.newsite import skeleton_files

pytestmark = pytest.mark.slow


def test_wheel_builds_without_warnings_and_carries_schema_and_templates(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-v", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Deprecat" not in output and "would be ignored" not in output, output
    wheel = next(tmp_path.glob("papersite-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"generator/schema/paper.schema.json", "generator/templates/paper.md.j2"} <= names
    skeleton = {source.relative_to(REPO).as_posix() for _, source in skeleton_files()}
    assets = {"generator/theme/assets/papers-search.js", "generator/theme/assets/extra.css"}
    assert skeleton | assets <= names
    with zipfile.ZipFile(wheel) as archive:  # the files themselves, where the package links to docs/
        for name in assets:
            assert archive.read(name) == (REPO / "docs" / "assets" / name.rsplit("/")[-1]).read_bytes()
