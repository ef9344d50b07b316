"""The GitHub workflow is valid against the GitHub workflow schema (vendored, no network)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"


def check(path: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    return subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True, timeout=120)


def test_workflow_matches_the_github_schema():
    result = check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1), "utf-8")
    assert check(broken).returncode != 0


def test_workflow_validates_on_pull_requests_and_deploys_pages_on_main():
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers["pull_request"]["paths"]) >= {"data/**", "docs/**", "generator/**", "mkdocs.yml"}
    assert triggers["push"]["branches"] == ["main"]
    steps = [s.get("uses", s.get("run", "")) for s in workflow["jobs"]["build"]["steps"]]
    assert "python -m generator validate --strict" in steps and "mkdocs build --strict" in steps
    assert any(s.startswith("actions/upload-pages-artifact") for s in steps)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")
