"""Hostile input, table-driven: each bad file gives a non-zero exit, one `file:line:col: field:`
message per problem, no traceback, and leaves an existing docs/ and site/ exactly as they were."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitetools import copy_project, mkdocs_build, mkdocs_env

from generator.cli import main

pytestmark = pytest.mark.slow

TOPICS = "- id: vision\n  title: Vision\n  description: Seeing.\n- id: speech\n  title: Speech\n  description: Hearing.\n"
GOOD = {
    "data/papers/good-a.yml": "title: Good A\ntopics: [vision]\nabstract: Fine.\n",
    "data/papers/good-b.yml": "title: Good B\ntopics: [speech]\nabstract: Fine too.\n",
}
HEAD = "title: T\ntopics: [vision]\nabstract: A.\n"  # a valid start; the hostile field goes on line 4
X = "data/papers/x.yml"
URL_RULE = "expected an http:// or https:// URL without spaces or quotes"
PDF_RULE = URL_RULE + ", or a path under docs/ ending in .pdf"


def laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "title: T\n" + "\n".join(lines) + "\n"


class Link:
    """A symbolic link to target, instead of a file's content."""

    def __init__(self, target: str):
        self.target = target


SECRETS = "".join(f"api_key_{n}: sk-{n:04d}-do-not-leak\n" for n in range(40))


def field(name: str, yaml_value: str, expected: str, line: int = 4, col: int = 1, label: str | None = None):
    label = label or name
    return (f"{name}-{yaml_value[:20]}", {X: f"{HEAD}{name}: {yaml_value}\n"}, [f"{X}:{line}:{col}: {label}: {expected}"])


def title(yaml_value: str, expected: str):
    return (f"title-{yaml_value[:20]}", {X: f"title: {yaml_value}\ntopics: [vision]\n"}, [f"{X}:1:1: title: {expected}"])


A_NAME = "a name, or a mapping with `name`, `family` or `literal`"  # an author of neither kind

CASES = [
    # YAML
    ("syntax-error", {X: "title: [unclosed\n"}, [f"{X}:2:1: YAML syntax error:"]),
    ("tab-indent", {X: "title: T\n\tabstract: x\n"}, [f"{X}:2:1: YAML syntax error: found a tab character"]),
    ("duplicate-key", {X: "title: A\ntopics: [vision]\ntitle: B\n"}, [f"{X}:3:1: duplicate key `title` (first given on line 1)"]),
    ("billion-laughs", {X: laughs()}, [f"{X}:2:5: YAML anchors and aliases"]),
    ("alias", {X: "title: &t A\ntopics: [vision]\nabstract: *t\n"}, [f"{X}:1:8: YAML anchors and aliases"]),
    ("scalar-document", {X: "just a sentence\n"}, [f"{X}:1:1: expected a paper record (a mapping of fields), got 'just a sentence'"]),
    ("list-of-scalars", {X: "- one\n- two\n"}, [f"{X}:1:3: expected a paper record", f"{X}:2:3: expected a paper record"]),
    ("empty-list", {X: "[]\n"}, [f"{X}:1:1: file holds an empty list"]),
    ("two-documents", {X: "title: A\n---\ntitle: B\n"}, [f"{X}:3:1: expected one YAML document, found a second one"]),
    ("huge-file", {X: "title: T\nabstract: " + "x" * (20 * 1024 * 1024) + "\n"}, [f"{X}: file is 20.0 MB; the limit is 8 MB"]),
    ("python-tag-not-run", {X: 'title: !!python/object/apply:os.system ["touch pwned"]\n'}, [f"{X}:1:1: title: expected a non-empty title, got a list"]),
    ("deep-nesting", {X: "title: " + "[" * 100 + "]" * 100 + "\n"}, [f"{X}:1:40: values nested more than 32 levels deep"]),
    ("complex-key", {X: "? [a]\n: b\n"}, [f"{X}:1:3: expected a plain field name as key"]),
    ("empty-file", {X: ""}, [f"{X}: file is empty"]),
    # Encoding
    ("latin-1", {X: "title: Caf\xe9\n".encode("latin-1")}, [f"{X}:1:11: expected UTF-8 text, found byte 0xe9"]),
    ("utf-16-bom", {X: "title: T\n".encode("utf-16")}, [f"{X}:1:1: expected UTF-8 text, found a UTF-16 byte-order mark"]),
    ("utf-16-no-bom", {X: "title: T\n".encode("utf-16-le")}, [f"{X}:1:2: expected UTF-8 text, found a NUL byte"]),
    ("nul-byte", {X: b"title: T\nabstract: a\x00b\n"}, [f"{X}:2:12: expected UTF-8 text, found a NUL byte"]),
    ("surrogate-bytes", {X: b"title: T\xed\xa0\x80\n"}, [f"{X}:1:9: expected UTF-8 text, found byte 0xed"]),
    ("surrogate-escape", {X: 'title: "a\\ud800"\n'}, [f"{X}:1:12: YAML syntax error: found invalid Unicode character escape code"]),
    ("control-character", {X: 'title: T\ntopics: [vision]\nabstract: "a\\x02b"\n'}, [f"{X}:3:1: abstract: contains the character U+0002"]),
    # Types: every field with values of the wrong kind
    field("id", "[a]", "expected lowercase letters, digits and single hyphens (at most 80 characters), got a list"),
    field("id", "{a: 1}", "expected lowercase letters, digits and single hyphens (at most 80 characters), got a mapping"),
    field("id", "null", "expected lowercase letters, digits and single hyphens (at most 80 characters), got nothing (null)"),
    field("id", '""', "expected lowercase letters, digits and single hyphens (at most 80 characters), got an empty string"),
    title("[A, B]", "expected a non-empty title, got a list"),
    title("{a: b}", "expected a non-empty title, got a mapping"),
    title("null", "expected a non-empty title, got nothing (null)"),
    title('""', "expected a non-empty title, got an empty string"),
    title('"   "', "expected a non-empty title, got an empty string"),
    field("authors", "Ada Lovelace", "expected a list of names, got 'Ada Lovelace'"),
    field("authors", "{name: Ada}", "expected a list of names, got a mapping"),
    field("authors", "null", "expected a list of names, got nothing (null)"),
    field("authors", "[[Ada, Bob]]", f"expected {A_NAME}, got a list", col=11, label="authors[0]"),
    field("authors", '[""]', f"expected {A_NAME}, got an empty string", col=11,
          label="authors[0]"),
    field("authors", "[{affiliation: Lab}]", f"expected {A_NAME}, got a mapping", col=11,
          label="authors[0]"),
    field("authors", "[{name: Ada, age: 3}]", "unknown field", col=23, label="authors[0].age"),
    field("date", "[2024]", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got a list"),
    field("date", "null", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got nothing (null)"),
    field("date", "2024-13", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2024-13'"),
    field("added", "{when: now}", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got a mapping"),
    field("added", "yesterday", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got 'yesterday'"),
    ("abstract-list", {X: "title: T\ntopics: [vision]\nabstract: [a, b]\n"}, [f"{X}:3:1: abstract: expected non-empty plain text, got a list"]),
    ("abstract-empty", {X: "title: T\ntopics: [vision]\nabstract: ''\n"}, [f"{X}:3:1: abstract: expected non-empty plain text, got an empty string"]),
    ("topics-string", {X: "title: T\nabstract: A.\ntopics: vision\n"}, [f"{X}:3:1: topics: expected a list of topic ids, got 'vision'"]),
    ("topics-nested", {X: "title: T\nabstract: A.\ntopics: [[vision]]\n"}, [f"{X}:3:10: topics[0]: expected a topic id"]),
    ("topics-twice", {X: "title: T\nabstract: A.\ntopics: [vision, vision]\n"}, [f"{X}:3:1: topics: the same entry is listed twice"]),
    field("tags", "deep learning", "expected a list of tags, got 'deep learning'"),
    field("tags", "[[a]]", "expected a non-empty tag of at most 200 characters, got a list", col=8, label="tags[0]"),
    field("tags", "null", "expected a list of tags, got nothing (null)"),
    field("venue", "[NeurIPS]", "expected a non-empty string, got a list"),
    field("venue", "''", "expected a non-empty string, got an empty string"),
    field("arxiv", "[2401.12345]", "expected an arXiv id like 2401.12345, 2401.12345v2 or cs/0101001, got a list"),
    field("arxiv", "arXiv:2401.12345", "expected an arXiv id like 2401.12345, 2401.12345v2 or cs/0101001, got 'arXiv:2401.12345'"),
    field("doi", "10.1234", "expected a DOI like 10.1234/abc.5678, got '10.1234'"),
    field("links", "[https://a.example]", "expected a mapping of link names to URLs, got a list"),
    field("links", "https://a.example", "expected a mapping of link names to URLs, got 'https://a.example'"),
    field("links", "{code: [https://a.example]}", f"{URL_RULE}, got a list", col=9, label="links.code"),
    field("links", "{code: null}", f"{URL_RULE}, got nothing (null)", col=9, label="links.code"),
    field("notes", "[a]", "expected non-empty Markdown text, got a list"),
    field("bibtex", "not bibtex", "expected a BibTeX entry starting with @type{, got 'not bibtex'"),
    field("unknown", "x", "unknown field"),
    # Identity
    ("duplicate-id-across-files", {X: "id: good-a\n" + HEAD}, [f"{X}:1:1: id: duplicate id 'good-a': also used at data/papers/good-a.yml:1"]),
    ("same-id-list-and-single", {"data/papers/2024.yml": "- id: good-b\n  title: Again\n  topics: [speech]\n  abstract: A.\n"},
     ["data/papers/good-b.yml:1:1: id: duplicate id 'good-b': also used at data/papers/2024.yml:1"]),
    ("id-dotdot", {X: "id: ..\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters, digits and single hyphens"]),
    ("id-slash", {X: "id: a/b\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters"]),
    ("id-backslash", {X: "id: a\\b\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters"]),
    ("id-uppercase", {X: "id: Paper\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters"]),
    ("id-space", {X: "id: a paper\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters"]),
    ("id-leading-hyphen", {X: "id: -paper\n" + HEAD}, [f"{X}:1:1: id: expected lowercase letters"]),
    ("id-reserved-con", {X: "id: con\n" + HEAD}, [f"{X}:1:1: id: 'con' is reserved"]),
    ("file-name-nul", {"data/papers/nul.yml": HEAD}, ["data/papers/nul.yml:1:1: file name 'nul' is reserved"]),
    ("file-name-uppercase", {"data/papers/Paper.yml": HEAD}, ["data/papers/Paper.yml:1:1: file name 'Paper' is not a valid id"]),
    ("id-missing-in-list", {X: "- title: A\n  topics: [vision]\n"}, [f"{X}:1:3: id: required for each record in a file that holds a list"]),
    ("unknown-topic", {X: "title: T\nabstract: A.\ntopics: [robots]\n"}, [f"{X}:3:10: topics[0]: unknown topic 'robots'"]),
    # Links
    field("links", "{code: 'javascript:alert(1)'}", f"{URL_RULE}, got 'javascript:alert(1)'", col=9, label="links.code"),
    field("links", "{pdf: 'data:text/html,<script>alert(1)</script>'}", f"{PDF_RULE}, got", col=9, label="links.pdf"),
    field("links", "{pdf: 'vbscript:msgbox(1)'}", f"{PDF_RULE}, got 'vbscript:msgbox(1)'", col=9, label="links.pdf"),
    field("links", "{pdf: 'file:///etc/passwd'}", f"{PDF_RULE}, got 'file:///etc/passwd'", col=9, label="links.pdf"),
    field("links", "{pdf: '//evil.example/x'}", f"{PDF_RULE}, got '//evil.example/x'", col=9, label="links.pdf"),
    field("links", "{pdf: 'https://a.example/a b'}", f"{PDF_RULE}, got 'https://a.example/a b'", col=9, label="links.pdf"),
    field("links", '{pdf: "https://a.example/a\\nb"}', f"{PDF_RULE}, got 'https://a.example/a\\nb'", col=9, label="links.pdf"),
    field("links", "{pdf: 'https://a.example/\"onmouseover=\"x'}", f"{PDF_RULE}, got", col=9, label="links.pdf"),
    field("links", "{pdf: 'https://a.example/<script>'}", f"{PDF_RULE}, got", col=9, label="links.pdf"),
    field("links", "{'': 'https://a.example/'}", "expected a link name of 1 to 40 characters on one line, got an empty string"),
    # Caps: no record may make the site grow without bound
    field("tags", "[" + ", ".join(f"t{n}" for n in range(31)) + "]", "at most 30 entries allowed, got 31"),
    field("authors", "[" + ", ".join(f"A{n}" for n in range(1001)) + "]", "at most 1,000 entries allowed, got 1,001"),
    field("links", "{" + ", ".join(f"l{n}: 'https://a.example/{n}'" for n in range(21)) + "}", "at most 20 entries allowed, got 21"),
    field("notes", "x" * 20001, "at most 20,000 characters allowed, got 20,001"),
    field("venue", "v" * 301, "at most 300 characters allowed, got 301"),
    field("bibtex", "'@misc{" + "x" * 20000 + "}'", "at most 20,000 characters allowed, got 20,007"),
    ("title-too-long", {X: "title: " + "t" * 1001 + "\ntopics: [vision]\n"}, [f"{X}:1:1: title: at most 1,000 characters allowed, got 1,001"]),
    ("abstract-too-long", {X: "title: T\ntopics: [vision]\nabstract: " + "a" * 100001 + "\n"},
     [f"{X}:3:1: abstract: at most 100,000 characters allowed, got 100,001"]),
    ("topics-too-many", {X: "title: T\nabstract: A.\ntopics: [" + ", ".join(f"t{n}" for n in range(11)) + "]\n"},
     [f"{X}:3:1: topics: at most 10 entries allowed, got 11"]),
    ("author-name-too-long", {X: HEAD + "authors: [" + "n" * 301 + "]\n"}, [f"{X}:4:11: authors[0]: at most 300 characters allowed, got 301"]),
    # Nesting that no renderer should have to recurse through
    ("notes-nested-lists", {X: HEAD + "notes: '" + "- " * 1000 + "x'\n"}, [f"{X}:4:1: notes: lists and quotes nested too deeply"]),
    ("notes-nested-quotes", {X: HEAD + "notes: '" + "> " * 5000 + "x'\n"}, [f"{X}:4:1: notes: lists and quotes nested too deeply"]),
    # Quadratic inputs are refused or parsed in linear time
    ("tags-mixed-kinds", {X: HEAD + "tags: [[x], " + ", ".join(f"a{n}" for n in range(32000)) + "]\n"},
     [f"{X}:4:8: tags[0]: expected a non-empty tag", f"{X}:4:1: tags: at most 30 entries allowed, got 32,001"]),
    # Files that point elsewhere are refused unread; a file that is no record is not printed whole
    ("symlink-out-of-data", {"data/papers/p.yml": Link("/etc/passwd")}, ["data/papers/p.yml: a symbolic link to something outside the data folder"]),
    ("symlink-dir-out-of-data", {"data/papers/more": Link("/etc")}, ["data/papers/more: a symbolic link to something outside the data folder"]),
    ("symlink-dir-loop", {"data/papers/loop": Link(".")},
     ["data/papers/loop: a symbolic link to a folder: not read"]),
    ("symlink-loop", {X: Link("x.yml")}, [f"{X}: a loop of symbolic links: not read"]),
    ("secrets-file", {X: SECRETS}, [f"{X}:1:1: title: required field is missing", f"{X}:1:1: 35 more unknown fields",
                                    *[f"{X}:{n + 1}:1: api_key_{n}: unknown field" for n in (0, 1, 10, 11, 12)]]),
]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    """A small project already built once: its docs/ and site/ must survive every bad input."""
    data = tmp_path_factory.mktemp("data")
    (data / "papers").mkdir()
    (data / "topics.yml").write_text(TOPICS, "utf-8")
    for name, text in GOOD.items():
        (data / "papers" / Path(name).name).write_text(text, "utf-8")
    root = copy_project(tmp_path_factory.mktemp("hostile"), data=data)
    result, _ = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr
    return root, {"docs": digest(root / "docs"), "site": digest(root / "site")}


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(built_project, capsys, name, files, expected):
    root, before = built_project
    added = [root / relative for relative in files]
    try:
        for path, content in zip(added, files.values(), strict=True):
            if isinstance(content, Link):
                path.symlink_to(content.target)
            else:
                path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        code = main(["-f", str(root / "mkdocs.yml"), "build"])
        err = capsys.readouterr().err
        assert code == 1
        problems = [line for line in err.splitlines() if line.startswith("data/") and ": warning: " not in line]
        assert len(problems) == len(expected), err
        for prefix in expected:
            assert any(line.startswith(prefix) for line in problems), f"{prefix!r} not in:\n{err}"
        assert "Traceback" not in err
        assert "root:" not in err and "do-not-leak" not in err  # nothing of a refused or foreign file is quoted
        mkdocs = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=mkdocs_env(),
                                capture_output=True, text=True, timeout=120)
        assert mkdocs.returncode != 0 and "Traceback" not in mkdocs.stderr
        assert expected[0].split(": ", 1)[0] in mkdocs.stderr
        assert {"docs": digest(root / "docs"), "site": digest(root / "site")} == before
    finally:
        for path in added:
            path.unlink(missing_ok=True)


@pytest.mark.parametrize("target", [".", "x.yml"])
def test_validate_refuses_a_loop_of_links(built_project, capsys, target):
    root, _ = built_project
    link = root / "data" / "papers" / ("loop" if target == "." else "x.yml")
    link.symlink_to(target)
    try:
        code = main(["-f", str(root / "mkdocs.yml"), "validate"])
    finally:
        link.unlink()
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    why = "a symbolic link to a folder" if target == "." else "a loop of symbolic links"
    assert f"data/papers/{link.name}: {why}: not read" in err and str(root) not in err


def test_the_suite_is_large_enough():
    assert len(CASES) >= 40


def test_nothing_was_executed(built_project):
    root, _ = built_project
    assert not (root / "pwned").exists() and not Path("pwned").exists()


def test_bad_settings_stop_mkdocs_with_a_message_not_a_traceback(tmp_path):
    root = copy_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("      recent: 10", "      recent: 0"), "utf-8")
    result, _ = mkdocs_build(root, root / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Plugin 'papers' option 'recent': expected a positive whole number, got 0" in result.stderr
    assert not (root / "site").exists()


OUTSIDE_PAPER = "title: From outside\ntopics: [vision]\nabstract: Not this project's.\n"
BIBTEX = "@article{k, title = {Imported}, author = {Ada Example}, year = {2024}}\n"
DATA_LINKS = {"data": "", "data/papers": "papers", "data/topics.yml": "topics.yml"}
COMMANDS = {"build": ["build"], "validate": ["validate"],
            "new": ["new", "--title", "New", "--topic", "vision"],
            "import": ["import", "bibtex", "{tmp}/in.bib"],
            "import-listing": ["import", "listing", "{tmp}/in.txt"]}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("link", DATA_LINKS)
def test_a_data_folder_that_links_out_of_the_project_is_refused(tmp_path, capsys, link, command):
    outside = tmp_path / "outside"
    (outside / "papers").mkdir(parents=True)
    (outside / "papers" / "far.yml").write_text(OUTSIDE_PAPER, "utf-8")
    (outside / "topics.yml").write_text(TOPICS, "utf-8")
    (tmp_path / "in.bib").write_text(BIBTEX, "utf-8")
    abstract = "An abstract long enough to count. " * 5
    (tmp_path / "in.txt").write_text(f"Imported title\n{abstract}\n", "utf-8")
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Links\n", "utf-8")
    if link == "data/papers":
        (root / "data" / "topics.yml").write_text(TOPICS, "utf-8")
    elif link == "data/topics.yml":
        (root / "data" / "papers").mkdir()
    else:
        (root / "data").rmdir()
    (root / link).symlink_to(outside / DATA_LINKS[link])
    before = digest(outside)
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in COMMANDS[command]]
    code = main(["-f", str(root / "mkdocs.yml"), *args])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"{link}: a symbolic link to something outside the project: not read or written" in err
    assert str(outside) not in err
    assert digest(outside) == before and not (root / "docs").exists()


def test_mkdocs_refuses_a_data_folder_that_links_out_of_the_project(tmp_path):
    outside = tmp_path / "outside"
    (outside / "papers").mkdir(parents=True)
    (outside / "papers" / "far.yml").write_text(OUTSIDE_PAPER, "utf-8")
    (outside / "topics.yml").write_text(TOPICS, "utf-8")
    root = copy_project(tmp_path / "project", data=outside)
    shutil.rmtree(root / "data")
    (root / "data").symlink_to(outside)
    result, _ = mkdocs_build(root, root / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "data: a symbolic link to something outside the project" in result.stderr
    assert not (root / "site").exists() and not (root / "docs" / "papers").exists()
