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


def test_the_makefiles_editable_install_prints_nothing(tmp_path):
    """`make`'s editable install of the package, as the Makefile writes it, into a folder of the
    test's own: quiet, with no warning from the build backend."""
    lines = (REPO / "Makefile").read_text("utf-8").splitlines()
    recipe = next(line.strip() for line in lines if line.endswith(" -e ."))
    # Without --ignore-installed, pip would uninstall the package from the running environment.
    prefix = tmp_path / "prefix"
    command = recipe.replace("$(BIN)/python", sys.executable) + f" --ignore-installed --prefix {prefix}"
    result = subprocess.run(command, shell=True, cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "BuildBackendWarning" not in output and "Editable installation" not in output, output
    assert any(prefix.rglob("__editable__*.pth")), "nothing was installed"
