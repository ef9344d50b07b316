"""The build cache never changes the output: after any sequence of edits, additions, renames and
deletions, a cached build writes exactly the files a cold build writes; a damaged or foreign
cache is noticed and rebuilt, never trusted."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import write_files
from generated import make_collection

from generator.plan import GENERATED_DIRS
from generator.recordfile import dump_record

TOPICS_EXTRA = "- id: extra\n  title: Extra\n  description: Added later.\n"


def generated(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for folder in GENERATED_DIRS
            for p in sorted((docs / folder).rglob("*")) if p.is_file()}


def cold_build(root: Path, tmp: Path, cli) -> dict[str, bytes]:
    """The same project built from scratch, with no cache and no docs/."""
    twin = tmp / "cold"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(root, twin, ignore=shutil.ignore_patterns("docs", ".cache"))
    code, _, err = cli(twin, "build", "--no-cache")
    assert code == 0, err
    return generated(twin / "docs")


def mutate(root: Path, rng: random.Random, step: int) -> str:
    papers = root / "data" / "papers"
    files = sorted(papers.glob("*.yml"))
    action = rng.choice(["title", "abstract", "tags", "topics", "date", "add", "rename", "delete", "list", "topic-title", "template"])
    target = rng.choice(files)
    text = target.read_text("utf-8")
    if action == "title":
        target.write_text(text.replace("title: ", f"title: Zz{step} ", 1), "utf-8")
    elif action == "abstract":
        target.write_text(text.replace("abstract: ", f"abstract: Revised {step}. ", 1), "utf-8")
    elif action == "tags":
        target.write_text(text.replace("tags:\n", f"tags:\n- Shared Tag\n- tag {step}\n", 1), "utf-8")
    elif action == "topics":
        target.write_text(text.replace("topics:\n", "topics:\n- extra\n", 1) if "- extra" not in text else text, "utf-8")
    elif action == "date":
        target.write_text(text.replace("date: '", "date: '1999", 1).replace("date: '1999", "date: '", 1).replace("date: '2", "date: '1", 1), "utf-8")
    elif action == "add":
        write_files(papers, {f"added-{step}.yml": f"title: Added paper {step}\ntopics: [vision]\nauthors: [Ada Example]\nabstract: New {step}.\n"})
    elif action == "rename":
        target.rename(papers / f"renamed-{step}-{target.name}") if "id:" in text else target.rename(papers / f"{target.stem}.yaml")
    elif action == "delete" and len(files) > 5:
        target.unlink()
    elif action == "list":
        write_files(papers, {f"list-{step}.yml": f"- id: listed-{step}-a\n  title: Listed A {step}\n  topics: [speech]\n"
                                                 f"- id: listed-{step}-b\n  title: Listed B {step}\n  topics: [vision]\n  tags: [Shared Tag]\n"})
    elif action == "topic-title":
        topics = root / "data" / "topics.yml"
        topics.write_text(topics.read_text("utf-8").replace("title: Vision", f"title: Vision {step}", 1), "utf-8")
    elif action == "template":
        write_files(root, {"templates/topic.md.j2": "{% extends 'listing.md.j2' %}{% set heading = topic.title ~ ' (custom " + str(step) + ")' %}"})
    return action


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cached_builds_equal_cold_builds_after_random_changes(tmp_path, cli, seed):
    root = make_collection(tmp_path / "project", 40, seed=seed)
    (root / "mkdocs.yml").write_text("site_name: Cache test\nplugins:\n  - papers:\n      per_page: 7\n      terms_per_page: 5\n", "utf-8")
    topics = root / "data" / "topics.yml"
    topics.write_text(topics.read_text("utf-8") + TOPICS_EXTRA, "utf-8")
    rng = random.Random(seed)
    code, _, err = cli(root, "build")
    assert code == 0, err
    for step in range(12):
        action = mutate(root, rng, step)
        code, out, err = cli(root, "build")
        assert code == 0, f"step {step} ({action}): {err}"
        assert generated(root / "docs") == cold_build(root, tmp_path, cli), f"step {step} ({action})"
        with sqlite3.connect(root / ".cache" / "papersite.sqlite") as db:  # nothing kept for papers that are gone
            papers = {i for (i,) in db.execute("SELECT id FROM papers")}
            kept = {i for table in ("fragments", "terms") for (i,) in db.execute(f"SELECT id FROM {table}")}
        assert kept and kept <= papers, f"step {step} ({action})"


def test_a_second_build_reads_nothing_and_writes_nothing(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n", "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n"})
    assert cli(root, "build")[0] == 0
    before = {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*") if p.is_file()}
    code, out, _ = cli(root, "build")
    assert code == 0 and out.endswith(f"0 written, 0 removed, {len(before) - 1} unchanged\n")  # all but the manifest
    assert {p: p.stat().st_mtime_ns for p in (root / "docs").rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("forked", [False, True], ids=["one process", "generated files listed by a child"])
@pytest.mark.parametrize("change", ["deleted", "edited", "added"])
def test_a_build_with_no_input_changed_still_sees_generated_files_changed_by_hand(project, cli, change, forked, monkeypatch):
    import generator.build
    import generator.rendering

    forks, ahead = [], generator.build.Ahead
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: forked)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: forked)
    monkeypatch.setattr(generator.build, "Ahead", lambda produce, fork: forks.append(fork) or ahead(produce, fork))
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n", "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n"})
    for record in (root / "data").rglob("*.yml"):  # written long ago: the build may trust their times and skip to the end
        os.utime(record, (time.time() - 3600, time.time() - 3600))
    assert cli(root, "build")[0] == 0
    before = generated(root / "docs")
    page = root / "docs/papers/a.md"
    if change == "deleted":
        page.unlink()
    elif change == "edited":
        page.write_text("Changed by hand.\n", "utf-8")
    else:
        (root / "docs/papers/notes.md").write_text("Mine.\n", "utf-8")
    code, out, err = cli(root, "build")
    assert code == 0, err
    if change == "added":
        assert "docs/papers/notes.md" in err and "not written by the generator" in err
        assert generated(root / "docs") == {**before, "papers/notes.md": b"Mine.\n"}
        (root / "docs/papers/notes.md").unlink()  # the warning goes with the file
        code, out, err = cli(root, "build")
        assert code == 0 and "notes.md" not in err and "0 written" in out
    else:
        assert "1 written" in out and generated(root / "docs") == before
    assert forks[0] is False and all(fork == forked for fork in forks[1:])  # the first build has no listing to go by


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered", "foreign"])
def test_a_damaged_or_foreign_cache_is_rebuilt_not_trusted(tmp_path, project, cli, damage):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: First.\n", "b.yml": "title: B\ntopics: [speech]\nabstract: Second.\n"})
    assert cli(root, "build")[0] == 0
    cache = root / ".cache" / "papersite.sqlite"
    if damage == "garbage":
        cache.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:1000])
    elif damage == "tampered":  # contents changed behind the checksums' back
        with sqlite3.connect(cache) as db:
            db.execute("UPDATE entries SET bib = replace(bib, '{A}', '{Forged}'), entry = replace(entry, '\"A\"', '\"Forged\"')")
            db.execute("UPDATE meta SET value = replace(value, '\"title\":\"A\"', '\"title\":\"Forged\"') WHERE key = 'files'")
    else:  # the cache of another project, whose record a says something else
        foreign = tmp_path / "foreign"
        shutil.copytree(root, foreign)
        (foreign / "data/papers/a.yml").write_text("title: Forged\ntopics: [vision]\nabstract: Elsewhere.\n", "utf-8")
        assert cli(foreign, "build")[0] == 0
        shutil.copy(foreign / ".cache" / "papersite.sqlite", cache)
    # A new setting changes every page's inputs, so every page is rendered from what the cache holds.
    (root / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - papers:\n      per_page: 1\n", "utf-8")
    code, _, err = cli(root, "build")
    assert code == 0, err
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)
    assert b"Forged" not in b"".join(generated(root / "docs").values())


DAMAGES = {
    "files": "UPDATE files SET checksum = 'x' WHERE rowid = 2",
    "papers": "UPDATE papers SET checksum = 'x' WHERE rowid = 2",
    "entries": "UPDATE entries SET entry_sum = 'x' WHERE rowid = 2",
    "entries-data": "UPDATE entries SET data = '{}' WHERE rowid % 3 = 0",
    "pages": "UPDATE pages SET checksum = 'x'",
    "fragments": "UPDATE fragments SET text = 'x' WHERE rowid = 2",
    "terms": "UPDATE terms SET counts = x'00' WHERE rowid = 2",
}


@pytest.mark.parametrize("edit", ["venue", "abstract"])
@pytest.mark.parametrize("table", DAMAGES)
def test_a_damaged_row_means_its_record_is_read_again(tmp_path, cli, table, edit):
    root = make_collection(tmp_path / "project", 30, seed=4)
    (root / "mkdocs.yml").write_text("site_name: Damage\nsite_url: https://example.org/\n", "utf-8")
    assert cli(root, "build")[0] == 0
    with sqlite3.connect(root / ".cache" / "papersite.sqlite") as db:
        assert db.execute(DAMAGES[table]).rowcount > 0
    target = sorted((root / "data" / "papers").glob("*.yml"))[0]
    record = yaml.safe_load(target.read_text("utf-8"))
    target.write_text(dump_record({**record, edit: f"Edited {record.get(edit, '')}"}), "utf-8")
    for _ in range(2):  # and the build after it, from what this one stored
        code, _, err = cli(root, "build")
        assert code == 0, err
        assert generated(root / "docs") == cold_build(root, tmp_path, cli)


def forge(cache: Path, old: str, new: str) -> None:
    """What anyone can do to a cache committed to the repository: rewrite its rows, with their
    checksums made anew the way anyone can make them, and its identity (project path, versions)
    made the same."""
    from generator.cache import digest

    with sqlite3.connect(cache) as db:
        for paper_id, *texts in db.execute("SELECT id, entry, bib, data FROM entries").fetchall():
            texts = [text.replace(old, new) for text in texts]
            sealed = (x for text in texts for x in (text, digest(text)))
            db.execute("UPDATE entries SET entry = ?, entry_sum = ?, bib = ?, bib_sum = ?, "
                       "data = ?, data_sum = ? WHERE id = ?", (*sealed, paper_id))
        rows = db.execute("SELECT kind, id, key, text FROM fragments").fetchall()
        for kind, paper_id, key, text in rows:
            text = text.replace(old, new)
            db.execute("UPDATE fragments SET text = ?, checksum = ? WHERE kind = ? AND id = ?",
                       (text, digest(f"{key}\0{text}"), kind, paper_id))
        for path, payload in db.execute("SELECT path, payload FROM files").fetchall():
            payload = payload.replace(old, new)
            db.execute("UPDATE files SET payload = ?, checksum = ? WHERE path = ?",
                       (payload, digest(payload), path))
        identity = db.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()[0]
        db.execute("UPDATE meta SET checksum = ? WHERE key = 'identity'", (digest(identity),))


ALPHA = {"a.yml": "title: Alpha\ntopics: [vision]\nabstract: First.\n"}
EDITED = "title: Alpha\ntopics: [vision]\nabstract: Edited.\n"


def test_a_cache_whose_rows_this_machine_did_not_seal_is_started_afresh_and_said_so_once(
        tmp_path, project, cli, monkeypatch):
    monkeypatch.setenv("PAPERSITE_CACHE_KEY", str(tmp_path / "secret" / "key"))
    root = project({**ALPHA, "b.yml": "title: Beta\ntopics: [speech]\n"})
    (root / "mkdocs.yml").write_text("site_name: Test\nsite_url: https://example.org/\n", "utf-8")
    assert cli(root, "build")[0] == 0
    forge(root / ".cache" / "papersite.sqlite", "Alpha", "Forged")
    shutil.rmtree(root / "docs")  # as in a fresh checkout: no pages, files of a new time
    for path in (root / "data").rglob("*.yml"):
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    code, _, err = cli(root, "build")
    assert code == 0, err
    assert b"Forged" not in b"".join(generated(root / "docs").values())
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)
    afresh = "was started afresh: its rows were not written by this machine's builds"
    assert err.count(afresh) == 1, err
    assert "afresh" not in cli(root, "build")[2]
    assert (tmp_path / "secret" / "key").stat().st_mode & 0o777 == 0o600  # this user's alone


@pytest.mark.parametrize("end", ["", "-wal"])
def test_a_cache_tracked_by_git_is_not_used(tmp_path, project, cli, end):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project(ALPHA)
    assert cli(root, "build")[0] == 0
    cache = root / ".cache" / "papersite.sqlite"
    tracked = cache.with_name(cache.name + end)
    if end:  # a log SQLite would replay into the cache (not one of its own: that is no log)
        tracked.write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    for command in (["init", "-q"], ["add", "-f", str(tracked)]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    before = cache.read_bytes()
    (root / "data/papers/a.yml").write_text(EDITED, "utf-8")
    code, _, err = cli(root, "build")
    assert code == 0, err
    assert err.count(f".cache/papersite.sqlite{end} is tracked by git") == 1, err
    assert f"git rm --cached .cache/papersite.sqlite{end})" in err
    assert cache.read_bytes() == before
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)


@contextlib.contextmanager
def read_only(path: Path):
    """path made read-only, for root too (whom permissions do not stop)."""
    path.chmod(0o444)
    root_user = os.geteuid() == 0
    chattr = ["chattr", "+i", str(path)]
    immutable = root_user and subprocess.run(chattr, capture_output=True).returncode == 0
    if root_user and not immutable:
        path.chmod(0o644)
        pytest.skip("no way to make a file read-only for root here")
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


def test_a_read_only_cache_means_a_build_without_it(tmp_path, project, cli):
    root = project(ALPHA)
    assert cli(root, "build")[0] == 0
    cache = root / ".cache" / "papersite.sqlite"
    (root / "data/papers/a.yml").write_text(EDITED, "utf-8")
    with read_only(cache):
        code, _, err = cli(root, "build")
        assert code == 0, err
        said = ".cache/papersite.sqlite: it is read-only; building without the cache"
        assert err.count(said) == 1, err
        assert generated(root / "docs") == cold_build(root, tmp_path, cli)
    assert cli(root, "build")[0] == 0


def closed(db: sqlite3.Connection) -> bool:
    try:
        db.execute("SELECT 1")
    except sqlite3.ProgrammingError:  # "Cannot operate on a closed database."
        return True
    return False


@pytest.mark.parametrize("damage", ["garbage", "read-only"])
def test_a_cache_that_cannot_be_used_as_it_is_leaves_no_connection_open(
        project, cli, monkeypatch, damage):
    root = project(ALPHA)
    assert cli(root, "build")[0] == 0
    cache = root / ".cache" / "papersite.sqlite"
    opened, connect = [], sqlite3.connect

    def tracked(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr("generator.cache.sqlite3.connect", tracked)
    with contextlib.ExitStack() as stack:
        if damage == "garbage":
            cache.write_bytes(b"this is not a database" * 100)
        else:
            stack.enter_context(read_only(cache))
        code, _, err = cli(root, "build")
    assert code == 0 and opened, err
    assert all(closed(db) for db in opened)


def test_an_abstract_edit_renders_only_the_pages_that_show_that_paper_without_planning_again(project, cli, monkeypatch):
    import time

    papers = {f"p{n}.yml": f"title: Paper {n}\ntopics: [vision]\ntags: [shared]\nabstract: Words {n}.\n" for n in range(6)}
    root = project(papers)
    assert cli(root, "build")[0] == 0
    time.sleep(2.1)  # out of the clock tick of the first build
    assert cli(root, "build")[0] == 0
    (root / "data/papers/p3.yml").write_text("title: Paper 3\ntopics: [vision]\ntags: [shared]\nabstract: New words.\n", "utf-8")

    def no_planning(*args, **kwargs):
        raise AssertionError("the whole site was planned again")

    monkeypatch.setattr("generator.pipeline.plan_site", no_planning)
    docs = root / "docs"
    before = {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in docs.rglob("*.*")}
    code, out, err = cli(root, "build")
    assert code == 0, err
    after = {p.relative_to(docs).as_posix(): p.read_text("utf-8") for p in docs.rglob("*.*")}
    changed = {path for path in after if after[path] != before.get(path)}
    # the paper, its topic and tag pages, the A-Z list (it shows the abstract's start too), the
    # collection as JSON and CSL-JSON (no site_url: no feeds), and what is computed from every
    # paper's words: the map, and related lists that changed
    assert {p for p in changed if not p.startswith("papers/p")} == {
        "topics/vision.md", "tags/shared.md", "papers/index.md", "downloads/papers.json",
        "downloads/papers.csl.json", "downloads/map.json"}
    assert "papers/p3.md" in changed
    for path in changed - {"papers/p3.md"} - {p for p in changed if not p.startswith("papers/p")}:
        assert before[path].split("## Related papers")[0] == after[path].split("## Related papers")[0], path  # only the related list
    assert f": {len(changed)} written, 0 removed, " in out, out
    assert "New words." in (root / "docs/topics/vision.md").read_text("utf-8")


@pytest.mark.parametrize("fails", [False, True], ids=["build", "failing build"])
def test_a_build_collects_cycles_less_often_and_then_gives_the_setting_back(project, cli, monkeypatch, fails):
    import gc

    import generator.pipeline

    during, check = [], generator.pipeline.check_collection
    monkeypatch.setattr(generator.pipeline, "check_collection", lambda *args: during.append(gc.get_threshold()) or check(*args))
    before = gc.get_threshold()
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n", "b.yml": f"title: B\ntopics: [{'nowhere' if fails else 'speech'}]\n"})
    assert cli(root, "build")[0] == (1 if fails else 0)
    assert during and during[0][0] > before[0] * 10
    assert gc.get_threshold() == before


def test_after_a_failed_build_the_next_one_still_fails(project, cli):
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\n", "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n"})
    assert cli(root, "build")[0] == 0
    (root / "data/papers/bad.yml").write_text("title: Bad\nauthors: Someone\n", "utf-8")
    for _ in range(2):
        code, _, err = cli(root, "build")
        assert code == 1 and "authors: expected a list of names" in err


@pytest.mark.parametrize("how", ["added", "edited"])
def test_a_citekey_taken_after_a_cached_build_is_found_from_the_cached_records(project, cli, how):
    """The first record is not read again: its cached summary must hold its citekey."""
    root = project({"a.yml": "title: A\ntopics: [vision]\nabstract: A.\ncitekey: Lovelace2024\n",
                    "b.yml": "title: B\ntopics: [speech]\nabstract: B.\n"})
    assert cli(root, "build")[0] == 0
    path = root / "data/papers" / ("c.yml" if how == "added" else "b.yml")
    path.write_text("title: B\ntopics: [speech]\nabstract: B.\ncitekey: lovelace2024\n", "utf-8")
    for _ in range(2):
        code, _, err = cli(root, "build")
        assert code == 1, err
        expected = "citekey: duplicate citekey 'lovelace2024': also used at data/papers/a.yml:4"
        assert f"data/papers/{path.name}:4:1: {expected}" in err


def test_two_processes_write_exactly_what_one_writes(tmp_path, cli, monkeypatch):
    import generator.build
    import generator.rendering

    forks, helper = [], generator.rendering.Helper
    # Every build forks its helper (even in a test process whose other tests left threads running).
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr(generator.rendering, "Helper", type("Counted", (helper,), {
        "__enter__": lambda self: forks.append(1) or helper.__enter__(self)}))
    root = make_collection(tmp_path / "project", 60)
    (root / "mkdocs.yml").write_text("site_name: Fork test\nplugins:\n  - papers:\n      per_page: 5\n", "utf-8")
    code, out, err = cli(root, "build")
    assert code == 0, err
    assert forks, "the build did not use a second process"
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: False)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: False)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: False)
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)


def test_pages_kept_compressed_until_written_are_written_as_rendered(tmp_path, cli, monkeypatch):
    import generator.rendering
    import generator.write

    packed, pack = [], generator.rendering.pack
    monkeypatch.setattr(generator.rendering, "pack", lambda text, compress: packed.append(compress) or pack(text, compress))
    monkeypatch.setattr(generator.rendering, "COMPRESS_PAGES", 1)  # a build of any size keeps its pages compressed
    root = make_collection(tmp_path / "project", 20)
    assert cli(root, "build")[0] == 0
    assert packed and all(packed)
    assert isinstance(pack("x" * 1000, True), generator.write.Packed) and len(pack("x" * 1000, True)) < 100
    monkeypatch.setattr(generator.rendering, "COMPRESS_PAGES", 10**9)
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)


def test_a_forked_build_of_many_pages_keeps_both_halves_compressed(tmp_path, cli, monkeypatch):
    import generator.build
    import generator.rendering

    root = make_collection(tmp_path / "project", 20)
    assert cli(root, "build", "--no-cache")[0] == 0
    pages = len(generated(root / "docs"))
    shutil.rmtree(root / "docs" / "papers")
    packed, pack = [], generator.rendering.pack
    monkeypatch.setattr(generator.rendering, "pack", lambda text, compress: packed.append(compress) or pack(text, compress))
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr(generator.rendering, "COMPRESS_PAGES", pages - 5)  # many for the build, not for either half
    assert cli(root, "build", "--no-cache")[0] == 0
    assert len(packed) < pages - 5 and all(packed)  # this process's half


def cache_rows(root: Path) -> dict[str, list]:
    """What the cache keeps of papers' content (no times, no paths of this copy)."""
    with sqlite3.connect(root / ".cache" / "papersite.sqlite") as db:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in ("entries", "fragments", "terms")}


def test_two_processes_store_exactly_what_one_stores(tmp_path, cli, monkeypatch):
    root = make_collection(tmp_path / "one", 60)
    (root / "mkdocs.yml").write_text("site_name: Fork test\nplugins:\n  - papers:\n      per_page: 5\n", "utf-8")
    shutil.copytree(root, tmp_path / "two")
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: False)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: False)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: False)
    assert cli(root, "build")[0] == 0
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: True)
    assert cli(tmp_path / "two", "build")[0] == 0
    one, two = cache_rows(root), cache_rows(tmp_path / "two")
    assert all(len(rows) >= 60 for rows in one.values()), {table: len(rows) for table, rows in one.items()}
    assert one == two


def test_after_an_edit_only_the_edited_text_is_counted_again(tmp_path, cli, monkeypatch):
    import generator.discovery

    counted, count = [], generator.discovery._count
    monkeypatch.setattr(generator.discovery, "_count", lambda ids, *rest: counted.append(list(ids)) or count(ids, *rest))
    root = make_collection(tmp_path / "project", 30)
    assert cli(root, "build")[0] == 0
    record = root / "data/papers/paper-00007.yml"
    record.write_text(record.read_text("utf-8").replace("abstract: ", "abstract: Edited words. ", 1), "utf-8")
    assert cli(root, "build")[0] == 0
    assert [len(ids) for ids in counted] == [30, 1] and counted[1] == ["paper-00007"]


def test_a_template_failing_in_either_process_writes_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: True)
    root = make_collection(tmp_path / "project", 30)
    (root / "mkdocs.yml").write_text("site_name: Fork test\n", "utf-8")
    assert cli(root, "build")[0] == 0
    before = generated(root / "docs")
    for papers in (range(0, 30, 2), range(1, 30, 2)):  # the failing pages fall to one process, then the other
        ids = [f"paper-{n:05d}" for n in papers]
        write_files(root, {"templates/paper.md.j2": "{% if p.id in " + repr(ids) + " %}{{ p.nothing }}{% endif %}changed\\n"})
        code, _, err = cli(root, "build")
        assert code == 1 and "template error" in err and "Traceback" not in err
        assert generated(root / "docs") == before


def test_a_page_rendered_again_with_the_same_plan_entry_keeps_its_stored_entry(tmp_path, cli):
    """The downloads list every paper and are rendered again on each edit: their plan entries and page-to-paper rows stay
    as stored (only key, size and time are new), unless damaged. The map's entry holds every paper's place, which an
    edit moves: it is stored anew, but its page-to-paper rows are kept."""
    root = make_collection(tmp_path / "project", 30)
    assert cli(root, "build")[0] == 0
    cache = root / ".cache" / "papersite.sqlite"

    def stored(path: str) -> tuple:
        with sqlite3.connect(cache) as db:
            return (db.execute("SELECT key, shape, page, checksum FROM pages WHERE path = ?", (path,)).fetchone(),
                    db.execute("SELECT min(rowid), max(rowid), count(*) FROM page_papers WHERE path = ?", (path,)).fetchone())

    before, map_before = stored("downloads/papers.json"), stored("downloads/map.json")
    with sqlite3.connect(cache) as db:  # damaged: the entry of another download, under the same checksum
        db.execute("UPDATE pages SET page = (SELECT page FROM pages WHERE path = 'downloads/papers.bib') WHERE path = 'downloads/papers.csl.json'")
    record = root / "data/papers/paper-00007.yml"
    for step in (1, 2):
        record.write_text(record.read_text("utf-8").replace("abstract: ", f"abstract: Edited {step}. ", 1), "utf-8")
        code, out, err = cli(root, "build")
        assert code == 0, err
        after = stored("downloads/papers.json")
        assert after[0][0] != before[0][0] and after[0][1:] == before[0][1:] and after[1] == before[1]  # a new key, the same rows
        map_after = stored("downloads/map.json")
        assert map_after[0][2] != map_before[0][2] and map_after[1] == map_before[1]  # places moved; the same papers, their rows kept
        map_before = map_after
        (_, _, page, _), _ = stored("downloads/papers.csl.json")
        assert '"path":"downloads/papers.csl.json"' in page  # stored anew at the first edit
        before = after
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)


def test_paper_pages_deleted_by_hand_are_rendered_again_by_two_processes(tmp_path, cli, monkeypatch):
    """Paper pages whose records no listing page or related list asked for: each process reads its half of the
    records, and the forked one sends back what it read (the parent never read those)."""
    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: True)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: True)
    root = make_collection(tmp_path / "project", 40)
    (root / "mkdocs.yml").write_text("site_name: Fork test\nplugins:\n  - papers:\n      related: 0\n", "utf-8")
    assert cli(root, "build")[0] == 0
    for page in (root / "docs" / "papers").glob("paper-*.md"):
        page.unlink()
    code, out, err = cli(root, "build")
    assert code == 0, err
    assert ": 40 written, 0 removed" in out, out
    assert generated(root / "docs") == cold_build(root, tmp_path, cli)
    entries = cache_rows(root)["entries"]
    assert len(entries) == 40  # every listing read in either process is kept


def test_a_first_build_stores_page_rows_before_making_their_indexes(tmp_path, cli, monkeypatch):
    """Into an empty page-to-paper table the rows go first and its indexes after: the same rows and the same indexes
    as row by row, and the next build (a title edit, which plans every page again) replaces rows as before."""
    import generator.cachepages

    def page_rows(root: Path) -> tuple[list, list]:
        with sqlite3.connect(root / ".cache" / "papersite.sqlite") as db:
            indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'page_papers' ORDER BY 1").fetchall()
            return indexes, db.execute("SELECT paper, path FROM page_papers ORDER BY 1, 2").fetchall()

    bulk = make_collection(tmp_path / "bulk", 20)
    (bulk / "mkdocs.yml").write_text("site_name: Rows\nplugins:\n  - papers:\n      per_page: 3\n", "utf-8")  # a title moves pages
    shutil.copytree(bulk, tmp_path / "plain")
    monkeypatch.setattr(generator.cachepages, "BULK_PAGES", 10**9)
    assert cli(tmp_path / "plain", "build")[0] == 0
    monkeypatch.setattr(generator.cachepages, "BULK_PAGES", 1)
    assert cli(bulk, "build")[0] == 0
    expected = page_rows(tmp_path / "plain")
    assert len(expected[0]) == 2 and len(expected[1]) > 100
    assert page_rows(bulk) == expected
    for root, least in ((bulk, 1), (tmp_path / "plain", 10**9)):
        monkeypatch.setattr(generator.cachepages, "BULK_PAGES", least)
        record = root / "data/papers/paper-00007.yml"
        record.write_text(record.read_text("utf-8").replace("title: ", "title: Aa ", 1), "utf-8")
        assert cli(root, "build")[0] == 0
    assert page_rows(bulk) == page_rows(tmp_path / "plain")
    assert page_rows(bulk)[1] != expected[1]
    assert generated(bulk / "docs") == cold_build(bulk, tmp_path, cli)
