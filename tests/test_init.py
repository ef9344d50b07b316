"""`init` makes a new site from the package alone; `clear` gives a fork the same clean start;
the README's "Start your own collection" is run as written."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import ARTIFACTS, REPO
from httpserve import free_port
from test_workflow import check

from generator.cli import main
from generator.newsite import SKELETON, TOPIC, skeleton_files

IMPORTS = REPO / "tests" / "fixtures" / "import"
NEW_SITE_BIB = (
    IMPORTS / "bibtex-d2l-trimmed-300plus.bib"
)  # a textbook's real bibliography, 311 entries
FORK_BIB = IMPORTS / "bibtex-biber-multiscript.bib"
VENV_BIN = REPO / ".venv" / "bin"


def run(*args: str, capsys) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_the_skeleton_with_its_dot_files_and_an_empty_data_folder(tmp_path, capsys):
    code, out, _ = run("init", str(tmp_path / "site"), capsys=capsys)
    assert code == 0, out
    site = tmp_path / "site"
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert names == {
        ".gitignore",
        ".github/workflows/site.yml",
        ".github/workflows/sync.yml",
        "scripts/sync-pull-request",
        "mkdocs.yml",
        "requirements.txt",
        "data/topics.yml",
        "docs/index.md",
        "docs/about.md",
        "docs/search.md",
    }
    assert (site / "data" / "papers").is_dir() and not any((site / "data" / "papers").iterdir())
    assert "/site/" in (site / ".gitignore").read_text("utf-8").splitlines()


def test_a_new_empty_site_validates_strictly(tmp_path, capsys):
    """A collection with no papers yet is not warned that its topic has none."""
    assert run("init", str(tmp_path / "site"), capsys=capsys)[0] == 0
    code, out, err = run(
        "-f", str(tmp_path / "site" / "mkdocs.yml"), "validate", "--strict", capsys=capsys
    )
    assert (code, err) == (0, ""), err
    assert out == "ok: 0 papers, 1 topic\n"
    assert "0 papers, 1 topic -> docs/" in run("-f", str(tmp_path / "site" / "mkdocs.yml"),
                                              "build", capsys=capsys)[1]


def test_only_a_collection_with_papers_is_warned_about_topics_with_none(project, cli):
    root = project()
    assert cli(root, "validate", "--strict")[0] == 0
    (root / "data" / "papers").mkdir(exist_ok=True)
    (root / "data" / "papers" / "a.yml").write_text("title: A\ntopics: [vision]\n", "utf-8")
    code, _, err = cli(root, "validate", "--strict")
    assert code == 1 and "topic 'speech' has no papers" in err


def test_the_home_page_of_a_site_with_one_topic_says_one_topic(tmp_path, capsys):
    run("init", str(tmp_path / "site"), "--from", str(FORK_BIB), capsys=capsys)
    assert run("-f", str(tmp_path / "site" / "mkdocs.yml"), "build", capsys=capsys)[0] == 0
    home = (tmp_path / "site" / "docs" / "_generated" / "home.md").read_text("utf-8")
    assert "<strong>2 papers</strong> in <strong>1 topic</strong>." in home


@pytest.mark.parametrize("existing", ["notes.txt", ".git/HEAD"])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path, capsys, existing):
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine", "utf-8")
    before = sorted(tmp_path.rglob("*"))
    code, _, err = run("init", str(tmp_path), capsys=capsys)
    assert code == 1
    assert f"{tmp_path.as_posix()}: the folder is not empty" in err
    assert "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before


def test_init_refuses_a_missing_or_unknown_export_before_writing_anything(tmp_path, capsys):
    (tmp_path / "refs.docx").write_text("x", "utf-8")
    code, _, err = run(
        "init",
        str(tmp_path / "site"),
        "--from",
        str(tmp_path / "refs.docx"),
        "--from",
        str(tmp_path / "gone.bib"),
        capsys=capsys,
    )
    assert code == 1
    assert (
        "refs.docx: --from: unknown kind of export; expected one of .bib, .bibtex, .json, .ris"
        in err
    )
    assert "gone.bib: --from: file not found" in err
    assert not (tmp_path / "site").exists()


def test_init_refuses_an_export_whose_content_is_of_another_kind_before_writing_anything(
        tmp_path, capsys):
    named_bib = tmp_path / "refs.bib"
    named_bib.write_bytes((IMPORTS / "ris-jabref-pmc-export.ris").read_bytes())
    code, _, err = run("init", str(tmp_path / "site"), "--from", str(named_bib), capsys=capsys)
    assert code == 1
    assert "refs.bib: --from: not imported: expected BibTeX" in err
    assert "looks like RIS; import it with `import ris`" in err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("export", ["csl-bbt-dates-360-811.json", "ris-jabref-pmc-export.ris"])
def test_init_imports_csl_json_and_ris_exports_under_the_one_topic(tmp_path, capsys, export):
    code, out, err = run(
        "init", str(tmp_path / "site"), "--from", str(IMPORTS / export), capsys=capsys
    )
    records = list((tmp_path / "site" / "data" / "papers").glob("*.yml"))
    assert code == 0 and records, out + err
    assert all(yaml.safe_load(r.read_text("utf-8"))["topics"] == [TOPIC] for r in records)


def test_init_from_an_export_with_bad_entries_keeps_the_good_ones(tmp_path, capsys):
    xampl = IMPORTS / "bibtex-xampl-variant-pl-months.bib"
    code, out, err = run("init", str(tmp_path / "site"), "--from", str(xampl), capsys=capsys)
    assert code == 1  # a script notices, as with `import`
    bad = "title: @misc{misc-minimal} has no title: not imported"
    assert f"{xampl.as_posix()}:227:1: {bad}" in out + err
    assert "14 created" in out
    config = str(tmp_path / "site" / "mkdocs.yml")
    assert run("-f", config, "validate", "--strict", capsys=capsys)[0] == 0


def shipped_copy(root: Path) -> Path:
    """This project as a fork holds it: its tracked files and its new ones, nothing generated."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    return root


def test_clear_refuses_to_delete_records_without_yes_and_changes_nothing(tmp_path, capsys):
    fork = shipped_copy(tmp_path / "fork")
    before = {p: p.read_bytes() for p in fork.rglob("*") if p.is_file()}
    code, _, err = run("-f", str(fork / "mkdocs.yml"), "clear", capsys=capsys)
    assert code == 1
    assert "data/papers: would delete 109 record file(s); run again with --yes" in err
    assert {p: p.read_bytes() for p in fork.rglob("*") if p.is_file()} == before


def test_clear_with_yes_leaves_a_plain_project_that_validates_strictly(tmp_path, capsys):
    fork = shipped_copy(tmp_path / "fork")
    code, out, err = run("-f", str(fork / "mkdocs.yml"), "clear", "--yes", capsys=capsys)
    assert code == 0, err
    assert out.startswith("deleted 109 record file(s); reset data/topics.yml, docs/index.md")
    assert not list((fork / "data" / "papers").iterdir())
    for name in ("data/topics.yml", "docs/index.md", "docs/about.md"):
        assert (fork / name).read_bytes() == (SKELETON / name).read_bytes(), name
    config = (fork / "mkdocs.yml").read_text("utf-8")
    assert "site_name: Paper collection\n" in config and "efficient training" not in config
    # the rest of mkdocs.yml is the fork's own
    assert config.splitlines()[2:] == (REPO / "mkdocs.yml").read_text("utf-8").splitlines()[2:]
    assert run("-f", str(fork / "mkdocs.yml"), "validate", "--strict", capsys=capsys)[0] == 0


def test_skeleton_files_are_shipped_in_the_package_data_patterns():
    """What `init` copies is what a wheel carries (tests/test_packaging.py builds one)."""
    patterns = yaml.safe_load(
        re.search(
            r'"generator.skeleton" = (\[.*?\])', (REPO / "pyproject.toml").read_text("utf-8"), re.S
        ).group(1)
    )
    for _, source in skeleton_files():
        inside = source.relative_to(SKELETON).as_posix()
        assert any(Path(inside).match(p) and inside.count("/") == p.count("/") for p in patterns), (
            inside
        )


def test_the_site_files_a_new_site_gets_from_the_package_equal_this_projects():
    for name in ("extra.css", "papers-search.js", "papers-map.js"):
        packaged = REPO / "generator" / "theme" / "assets" / name
        # links to this project's files, so both stay one; a wheel carries their contents
        assert packaged.read_bytes() == (REPO / "docs" / "assets" / name).read_bytes(), name
    assert (SKELETON / "docs" / "search.md").read_bytes() == (
        REPO / "docs" / "search.md"
    ).read_bytes()
    ours, theirs = (
        yaml.load((p / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
        for p in (REPO, SKELETON)
    )
    for key in (
        "theme",
        "nav",
        "not_in_nav",
        "exclude_docs",
        "extra_css",
        "extra_javascript",
        "markdown_extensions",
    ):
        assert ours[key] == theirs[key], key


def test_the_new_sites_workflow_matches_the_github_schema():
    result = check(SKELETON / "dot-github" / "workflows" / "site.yml")
    assert result.returncode == 0, result.stdout + result.stderr


# The README, run as written.


def readme_blocks() -> list[list[str]]:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("\n## Start your own collection\n")[1].split("\n## ")[0]
    return [block.strip().splitlines() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def script(lines: list[str], port: int) -> str:
    """The README's commands for bash, but for what cannot run here: no network, so the
    virtual environment is this checkout's (papersite installed from it), and a clone is the
    copy the test makes; `mkdocs serve` gets a free port; the last command runs in place of
    the shell, so stopping it stops the server."""
    out = ["set -e"]
    for number, line in enumerate(lines, 1):
        if line.startswith(("python3 -m venv", "pip install", "git clone")):
            continue
        if line.startswith("mkdocs serve"):
            line = f"{line} --dev-addr 127.0.0.1:{port}"
        out.append(f"exec {line}" if number == len(lines) else line)
    return "\n".join(out) + "\n"


def env_with_venv(port: int) -> dict[str, str]:
    # what `. .venv/bin/activate` does; HOST is the Makefile's own setting for `make serve`
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(REPO / ".venv"),
        "HOST": f"127.0.0.1:{port}",
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def wait_for_home(url: str, process: subprocess.Popen, log: Path, seconds: float = 240) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text("utf-8")[-4000:]
            raise AssertionError(f"the commands stopped (exit {process.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    raise AssertionError(
        f"{url} did not answer within {seconds} s:\n{log.read_text('utf-8')[-4000:]}"
    )


def run_readme_block(lines: list[str], cwd: Path, browser, shots: str) -> tuple[Path, str]:
    port, log = free_port(), cwd / "commands.log"
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            ["bash", "-c", script(lines, port)],
            cwd=cwd,
            env=env_with_venv(port),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        html = wait_for_home(f"http://127.0.0.1:{port}/", process, log)
        look_at_home(browser, f"http://127.0.0.1:{port}/", shots)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return log, html


def look_at_home(browser, url: str, shots: str) -> None:
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(url)
            assert page.locator("article h1").inner_text().rstrip("¶") == "Paper collection"
            assert "General" in page.locator("article").inner_text()
            (ARTIFACTS / "init").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "init" / f"{shots}-{width}.png"), full_page=False)
        finally:
            page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_readme_new_site_path_runs_as_written(tmp_path, browser):
    lines = readme_blocks()[0]
    assert "papersite init my-papers --from refs.bib" in lines and "mkdocs build --strict" in lines
    assert lines[-1].startswith("mkdocs serve")
    shutil.copy(NEW_SITE_BIB, tmp_path / "refs.bib")
    log, html = run_readme_block(lines, tmp_path, browser, "new-site-home")
    text = log.read_text("utf-8")
    assert "311 created" in text and "Documentation built" in text, text[-3000:]
    assert "General" in html
    site = tmp_path / "my-papers"
    assert len(list((site / "data" / "papers").glob("*.yml"))) == 311
    built = (
        site / "site" / "assets" / "papers-search.js"
    )  # from the package, not from this checkout
    assert (
        built.read_bytes()
        == (REPO / "generator" / "theme" / "assets" / "papers-search.js").read_bytes()
    )
    assert str(REPO) not in (site / "mkdocs.yml").read_text("utf-8")


@pytest.mark.slow
@pytest.mark.browser
def test_readme_fork_path_runs_as_written(tmp_path, browser):
    lines = readme_blocks()[1]
    assert lines[0].startswith("git clone ") and lines[0].endswith(" my-papers")
    assert ".venv/bin/papersite clear --yes" in lines and lines[-1] == "make serve"
    fork = shipped_copy(tmp_path / "my-papers")
    (fork / ".venv").symlink_to(REPO / ".venv")
    for name in (
        "requirements.txt",
        "pyproject.toml",
    ):  # so make sees the environment as up to date
        os.utime(fork / name, (0, 0))
    shutil.copy(FORK_BIB, fork / "refs.bib")
    log, html = run_readme_block(lines, tmp_path, browser, "fork-home")
    text = log.read_text("utf-8")
    assert "deleted 109 record file(s)" in text and "2 created" in text, text[-3000:]
    assert "Documentation built" in text, text[-3000:]
    assert (fork / "site" / "index.html").is_file()
    assert len(list((fork / "data" / "papers").glob("*.yml"))) == 2
