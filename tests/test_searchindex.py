"""The search index in parts: every paper page in exactly one part, the parts listed for the
search page, and clear errors (the browser side is in test_search.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.searchindex import PARTS_LIST, index_site, indexed_pages, split

PAGE = """<!doctype html><html lang="en"><head><title>{n}</title></head><body><article>
<div data-pagefind-body><h1>Paper {n}</h1><p>words about topic {n} and memory</p>
<span hidden data-pagefind-filter="year">{year}</span></div></article></body></html>"""


@pytest.mark.parametrize("count,size", [(0, 4), (1, 4), (4, 4), (5, 4), (23, 5), (4001, 4000)])
def test_split_cuts_consecutive_blocks_all_full_but_the_last(count, size):
    pages = [f"papers/p{n:05d}/index.html" for n in range(count)]
    parts = split(pages, size)
    assert len(parts) == max(1, -(-count // size))
    assert [p for part in parts for p in part] == pages
    assert all(len(part) == size for part in parts[:-1]) and len(parts[-1]) <= size


def write_site(root, count):
    for n in range(count):
        folder = root / "papers" / f"p{n:03d}"
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(PAGE.format(n=n, year=2000 + n % 3), "utf-8")


def test_a_site_indexed_in_parts_holds_every_page(tmp_path):
    write_site(tmp_path, 7)
    assert index_site(tmp_path, True, part_pages=3, workers=2).parts == 3
    assert json.loads((tmp_path / "pagefind" / PARTS_LIST).read_text()) == ["parts/1/", "parts/2/"]
    assert indexed_pages(tmp_path) == 7
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    assert not list((tmp_path / "pagefind" / "parts").rglob("*.js"))
    # indexed again in one part: the parts of the last run go, and nothing is left beside the index
    assert index_site(tmp_path, True, part_pages=10).parts == 1
    assert json.loads((tmp_path / "pagefind" / PARTS_LIST).read_text()) == []
    assert not (tmp_path / "pagefind" / "parts").exists()
    assert indexed_pages(tmp_path) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pagefind", "papers"]


def test_a_failed_run_keeps_the_last_index(tmp_path, monkeypatch):
    from generator import searchindex

    write_site(tmp_path, 4)
    index_site(tmp_path, True)
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "pagefind").rglob("*"))

    def failing(site, pages, output):
        output.mkdir(parents=True, exist_ok=True)
        (output / "half-written").touch()
        raise RuntimeError("Pagefind failed: disk full")

    monkeypatch.setattr(searchindex, "_pagefind", failing)
    (tmp_path / "papers" / "p001" / "index.html").write_text(PAGE.format(n=9, year=1999), "utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        index_site(tmp_path, True)
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "pagefind").rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pagefind", "papers"]


def test_the_command_says_what_is_wrong(tmp_path):
    done = subprocess.run([sys.executable, "-m", "generator.searchindex", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "no papers/ folder" in done.stderr and "Traceback" not in done.stderr


def test_stopping_a_background_run_stops_its_pagefind_runs(tmp_path, monkeypatch):
    """`mkdocs serve` stops a run still going when it builds again: none of its Pagefind runs may stay
    behind. Pagefind is replaced here by a stand-in that says it started and then waits a minute."""
    import os
    import time

    from generator import searchindex

    site, fake = tmp_path / "site", tmp_path / "fake-pagefind"
    write_site(site, 12)
    fake.write_text(
        f"#!{sys.executable}\n"
        "import os, pathlib, sys, time\n"
        f"pathlib.Path({str(tmp_path)!r}, 'started-' + str(os.getpid())).touch()\n"
        "time.sleep(60)\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    monkeypatch.setattr(searchindex, "index_command", lambda site, urls, *_: [sys.executable, "-m", "generator.searchindex", str(site),
                                                                          "--part-pages", "5"])
    indexer = searchindex.SearchIndexer()
    indexer.start(site, True)
    group = indexer.process.pid
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(tmp_path.glob("started-*"))) < 2:
        time.sleep(0.05)
    assert len(list(tmp_path.glob("started-*"))) == 2  # two parts being indexed at once
    stopped = time.monotonic()
    indexer.stop()
    assert time.monotonic() - stopped < 5
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)  # no process of the run's group is left


def test_the_index_is_the_same_whatever_order_a_file_system_lists_the_pages_in(
        tmp_path, monkeypatch):
    """ext4 lists a folder's files by a hash of their names, tmpfs in the order they were made:
    Pagefind's command line numbers pages in that order, so the same site gave two indexes on two
    file systems. The site is indexed once on each, and then once more with its pages made in
    the reverse order on tmpfs."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a tmpfs at /dev/shm beside a folder of another file system")
    sites = {"disk": tmp_path / "disk", "tmpfs": Path(tempfile.mkdtemp(dir=shm))}
    try:
        write_site(sites["disk"], 40)
        for folder in sorted((sites["disk"] / "papers").iterdir(), reverse=True):
            shutil.copytree(folder, sites["tmpfs"] / "papers" / folder.name)
        indexes = {}
        for name, site in sites.items():
            monkeypatch.setattr(tempfile, "tempdir", str(site.parent))  # temporary files there
            index_site(site, True, part_pages=30)
            indexes[name] = {p.relative_to(site).as_posix(): p.read_bytes()
                             for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}
    finally:
        shutil.rmtree(sites["tmpfs"], ignore_errors=True)
    assert len(indexes["disk"]) > 10 and indexes["disk"] == indexes["tmpfs"]


def test_pagefind_indexes_what_it_is_given_of_a_page_as_it_indexes_the_whole_page(
        shipped_site, tmp_path):
    """Pagefind is given a paper page from its indexed element on (`what_pagefind_reads`, a
    fifth of the bytes): the index is the one the whole pages give."""
    from generator import searchindex
    from generator.pagefindfiles import canonicalize
    from generator.pagefindservice import index_in_order

    site, _, _ = shipped_site
    pages = [page for page, _ in searchindex.ranked(site, searchindex.paper_pages(site, True))]
    files = {}
    for name, read in (("whole", lambda page: page), ("read", searchindex.what_pagefind_reads)):
        index_in_order(site, pages, tmp_path / name, searchindex.NOT_INDEXED, read)
        canonicalize(tmp_path / name)
        files[name] = {p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                       for p in sorted((tmp_path / name).rglob("*")) if p.is_file()}
    shares = [len(searchindex.what_pagefind_reads(page)) / len(page)
              for page in ((site / p).read_bytes() for p in pages)]
    assert len(pages) == 109 and max(shares) < 0.5
    assert len(files["whole"]) > 100 and files["whole"] == files["read"]
