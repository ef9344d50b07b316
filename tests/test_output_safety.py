"""What the generator writes and deletes stays inside the project and inside its own folders;
builds of one project take turns; no record can make the site grow without bound."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_files
from sitetools import copy_project, mkdocs_build, mkdocs_env

from generator.recordfile import write_new_record

PAPERS = {
    "a.yml": "title: Alpha\ntopics: [vision]\nabstract: First.\n",
    "b.yml": "title: Beta\ntopics: [speech]\nabstract: Second.\n",
}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def elsewhere(tmp_path):
    """Files outside the project that nothing may touch."""
    folder = tmp_path / "elsewhere"
    write_files(folder, {"precious.txt": "keep me\n", "downloads/papers.bib": "not ours\n", "index.md": "mine\n"})
    return folder


@pytest.mark.parametrize("folder", ["downloads", "papers", "_generated"])
def test_a_generated_folder_that_is_a_symlink_is_refused(project, cli, elsewhere, folder):
    root = project(PAPERS)
    assert cli(root, "build")[0] == 0
    shutil.rmtree(root / "docs" / folder)
    (root / "docs" / folder).symlink_to(elsewhere)
    before = tree(elsewhere)
    code, _, err = cli(root, "build")
    assert code == 1 and f"docs/{folder}: is a symbolic link or lies outside the project" in err and "Traceback" not in err
    assert tree(elsewhere) == before


@pytest.mark.parametrize("forked", [False, True], ids=["one process", "generated files listed by a child"])
def test_a_symlink_inside_a_generated_folder_is_refused(project, cli, elsewhere, forked, monkeypatch):
    monkeypatch.setattr("generator.build.parallel_worth_it", lambda pages: forked)
    monkeypatch.setattr("generator.rendering.parallel_worth_it", lambda pages: forked)
    root = project(PAPERS)
    assert cli(root, "build")[0] == 0
    (root / "docs" / "papers" / "page").symlink_to(elsewhere)  # where a second A-Z page would be written
    before = tree(elsewhere)
    code, _, err = cli(root, "build")
    assert code == 1 and "docs/papers/page: a symbolic link in a generated folder; remove it" in err
    assert tree(elsewhere) == before


def test_files_the_generator_did_not_write_are_never_deleted(project, cli):
    root = project(PAPERS)
    write_files(root, {"docs/papers/hand-made.md": "# Mine\n"})
    code, _, err = cli(root, "build")
    assert code == 0 and (root / "docs/papers/hand-made.md").read_text("utf-8") == "# Mine\n"
    assert "docs/papers/hand-made.md: warning: not written by the generator, so it was left in place" in err
    (root / "data/papers/b.yml").unlink()
    code, out, _ = cli(root, "build")
    assert code == 0 and not (root / "docs/papers/b.md").exists() and (root / "docs/papers/hand-made.md").exists()


@pytest.mark.parametrize("there", ["file", "link"])
def test_a_new_record_never_replaces_a_file_or_writes_through_a_link(tmp_path, elsewhere, there):
    path = tmp_path / "papers" / "new.yml"
    path.parent.mkdir()
    if there == "file":
        path.write_text("mine\n", "utf-8")
    else:
        path.symlink_to(elsewhere / "precious.txt")
    before = tree(elsewhere)
    with pytest.raises(FileExistsError) as caught:
        write_new_record(path, "title: New\n")
    assert caught.value.filename == str(path)  # the file said, not a temporary name
    assert [p.name for p in path.parent.iterdir()] == ["new.yml"] and tree(elsewhere) == before
    assert there == "link" or path.read_text("utf-8") == "mine\n"


@pytest.mark.slow
def test_mkdocs_refuses_a_site_dir_that_is_a_symlink(tmp_path, elsewhere):
    root = copy_project(tmp_path / "project")
    (root / "site").symlink_to(elsewhere)
    before = tree(elsewhere)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=mkdocs_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "site_dir is a symbolic link or leads outside the project" in result.stderr
    assert tree(elsewhere) == before


@pytest.mark.slow
def test_concurrent_builds_take_turns(project, tmp_path):
    """Three builds of one project at once, twenty times: every build succeeds and the pages
    are those of the data (one build's cleanup never removes another's files)."""
    from generated import make_collection

    root = make_collection(tmp_path / "project", 400)
    (root / "mkdocs.yml").write_text("site_name: Concurrent\n", "utf-8")
    record = root / "data" / "papers" / "paper-00007.yml"
    original = record.read_text("utf-8")
    waited = 0
    for round_ in range(20):
        record.write_text(original.replace("title: ", f"title: Round {round_} ", 1), "utf-8")
        builds = [subprocess.Popen([sys.executable, "-m", "generator", "build"], cwd=root, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [build.communicate(timeout=300) for build in builds]
        assert [build.returncode for build in builds] == [0, 0, 0], results
        waited += sum("another build of this project is running" in err for _, err in results)
        assert f"Round {round_} " in (root / "docs/papers/paper-00007.md").read_text("utf-8")
        assert not list((root / "docs").rglob("*.tmp"))
    assert waited > 0, "the builds never overlapped, so the lock was not tested"


@pytest.mark.slow
def test_a_thousand_topics_keep_every_page_small(tmp_path):
    """The nav shows the topics index alone beyond `nav_topics`; the topics index is paginated."""
    data = tmp_path / "data"
    topics = "".join(f"- id: t{n}\n  title: Topic number {n}\n  description: The topic numbered {n}.\n" for n in range(1000))
    papers = {f"p{k}.yml": f"title: Paper {k}\nabstract: In ten topics.\ntopics: [" + ", ".join(f"t{10 * k + n}" for n in range(10)) + "]\n"
              for k in range(100)}
    write_files(data, {"topics.yml": topics, **{f"papers/{k}": v for k, v in papers.items()}})
    root = copy_project(tmp_path / "project", data=data)
    result, seconds = mkdocs_build(root, root / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    sizes = {p.relative_to(root / "site").as_posix(): p.stat().st_size for p in (root / "site").rglob("*.html")}
    assert max(sizes.values()) < 300_000, max(sizes.items(), key=lambda item: item[1])
    home = (root / "site" / "index.html").read_text("utf-8")
    assert home.count("Topic number") < 200  # cards of one page of topics, and no nav entry per topic


def test_a_lock_held_elsewhere_makes_a_build_wait_and_say_so(project, cli):
    """Another process holds the project's lock for a second and a half: the build waits, says
    so, then runs."""
    from generator.config import load_settings

    root = project(PAPERS)
    lock_path = load_settings(root / "mkdocs.yml").cache_file.parent / "papersite.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
                               "lock.acquire(); print('held', flush=True); time.sleep(1.5); lock.release()", str(lock_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, _, err = cli(root, "build")
        assert code == 0 and "another build of this project is running; waiting for it to finish" in err
    finally:
        holder.wait(timeout=30)


def test_a_lock_file_that_is_a_symlink_is_refused(project, cli, elsewhere):
    root = project(PAPERS)
    (root / ".cache").mkdir()
    (root / ".cache" / "papersite.lock").symlink_to(elsewhere / "precious.txt")
    before = tree(elsewhere)
    code, _, err = cli(root, "build")
    assert code == 1 and "Traceback" not in err
    assert ".cache/papersite.lock: the build lock is a symbolic link; delete it" in err
    assert tree(elsewhere) == before and not (root / "docs" / "papers").exists()


def worst_record(n: int, authors: list[str]) -> dict:
    """A record at every cap at once."""
    return {
        "title": f"Worst case {n} " + r"$\frac{x}{y}$ " * 60 + "T" * 140,  # math: MathML on every listing
        "authors": authors,
        "date": "2024-05-06",
        "venue": f"Venue {n} " + "V" * 280,
        "topics": [f"t{k}" for k in range(10)],
        "tags": [f"tag {n}-{k} " + "g" * 80 for k in range(30)],
        "abstract": ("An abstract & <more> text. " * 4000)[:100_000],
        "notes": ("Some *notes* [link](https://example.org). " * 500)[:20_000],
        "links": {f"link{k}": f"https://example.org/{n}/{k}/" + "p" * 1900 for k in range(20)},
        "citekey": f"w{n}",
        "bibtex": "@misc{w" + str(n) + ", title = {" + "B" * 19_900 + "}}",
    }


@pytest.mark.slow
def test_no_record_makes_the_site_grow_beyond_a_multiple_of_its_size_plus_a_constant_per_page(tmp_path):
    """Caps bound the pages a record can add (1 paper page, 30 tags, its venue and year, and
    1,000 author pages once another record shares its authors); what a record adds to the
    site is at most 6 times its own size plus 60 KB per page it adds (its page, the search index,
    papers.json and papers.csl.json each hold it once; each author's name on its page twice, as
    text and in the link to the author's page or search)."""
    from generator.recordfile import dump_record

    topics = "".join(f"- id: t{k}\n  title: Topic {k}\n  description: Topic {k}.\n" for k in range(10))
    base = {f"papers/p{n}.yml": f"title: Paper {n}\ntopics: [t{n % 10}]\nabstract: Text {n}.\n" for n in range(10)}
    authors = [f"Author {k} " + "N" * 280 for k in range(1000)]
    sizes = {}
    for label, extra in [("base", {}), ("worst", {"papers/w1.yml": dump_record(worst_record(1, authors))}),
                         ("worst pair", {"papers/w1.yml": dump_record(worst_record(1, authors)),
                                         "papers/w2.yml": dump_record(worst_record(2, authors))})]:
        data = tmp_path / label / "data"
        write_files(data, {"topics.yml": topics, **base, **extra})
        root = copy_project(tmp_path / label / "project", data=data)
        result, _ = mkdocs_build(root, root / "site", timeout=1200)
        assert result.returncode == 0, result.stderr[-3000:]
        site = [p for p in (root / "site").rglob("*") if p.is_file()]
        record = sum(len(text.encode("utf-8")) for text in extra.values())
        sizes[label] = (sum(p.stat().st_size for p in site), sum(p.suffix == ".html" for p in site), record)
    for label in ("worst", "worst pair"):
        grown, pages, record = (sizes[label][0] - sizes["base"][0], sizes[label][1] - sizes["base"][1], sizes[label][2])
        per_record_pages = pages / (1 if label == "worst" else 2)
        print(f"{label}: {record:,} bytes of records added {grown:,} bytes in {pages} pages")
        assert per_record_pages <= 1 + 30 + 2 + 1000 + 10, (label, pages)
        assert grown <= 6 * record + 60_000 * pages, (label, grown, record, pages)


def test_math_in_a_title_adds_a_bounded_amount_to_every_page_that_lists_it(tmp_path):
    """A title is shown on every page that lists its paper (1,000 author pages for a record
    naming 1,000 authors): its MathML is capped per title, not only per page, so math adds at
    most TITLE_MATHML_BUDGET characters to each of those pages."""
    from generator.config import load_settings
    from generator.latex import TITLE_MATHML_BUDGET
    from generator.pipeline import render_site
    from generator.recordfile import dump_record

    topics = "".join(f"- id: t{k}\n  title: Topic {k}\n  description: T.\n" for k in range(10))
    authors = [f"Author {k}" for k in range(1000)]
    config = "site_name: T\nplugins:\n  - papers:\n      author_pages_from: 1\n"
    sizes, listed = {}, {}
    titles = {"plain": "Worst case " + "x" * 988, "math": "Worst case " + r"$\frac{x}{y}$ " * 70}
    for label, title in titles.items():
        record = {**worst_record(1, authors), "title": title, "added": "2024-05-07"}
        root = write_files(tmp_path / label, {"mkdocs.yml": config, "data/topics.yml": topics,
                                              "data/papers/w1.yml": dump_record(record)})
        outputs = render_site(load_settings(root / "mkdocs.yml"))
        sizes[label] = sum(len(text) for text in outputs.values())
        listed[label] = sum("papers/w1" in text for path, text in outputs.items()
                            if path != "papers/w1.md")
    assert listed["math"] == listed["plain"] > 1000
    grown = sizes["math"] - sizes["plain"]
    print(f"math in the title added {grown:,} characters to {listed['math'] + 1} pages")
    assert grown <= TITLE_MATHML_BUDGET * (listed["math"] + 1), grown
