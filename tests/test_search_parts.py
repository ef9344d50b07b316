"""The search index cut in parts by order of addition: the papers added last fall in the last
part, only parts whose pages changed are indexed again, and the index equals one made from
nothing: on pages written here, then on a site `make site` builds."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from test_incremental_site import add_papers, edit_title, insert_after, make_project
from test_incremental_site import assert_same_as_cold as assert_site_same_as_cold

from generator.searchindex import OUTPUT, index_site, indexed_pages, paper_pages

PAGE = """<!doctype html><html lang="en"><head><title>{n}</title></head><body><article>
<div data-pagefind-body{added}><h1>Paper {n}</h1><p>words about topic {n} and {word}</p>
<span hidden data-pagefind-filter="year">{year}</span></div>
{related}</article></body></html>"""
RELATED = """
<h2 data-pagefind-ignore="all" id="related-papers">Related papers<a class="headerlink" \
href="#related-papers" title="Permanent link">&para;</a></h2>
<ul class="papers-related">
<li><a href="../p{other:03d}/">Paper {other}</a></li>
</ul>
"""


def write_page(site: Path, n: int, day: str | None, word: str = "memory",
               other: int | None = None, flat: bool = False) -> None:
    path = site / "papers" / (f"p{n:03d}.html" if flat else f"p{n:03d}/index.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    added = f' data-papers-added="{day}"' if day else ""
    related = "" if other is None else RELATED.format(other=other)
    page = PAGE.format(n=n, added=added, word=word, year=2000 + n % 3, related=related)
    path.write_text(page, "utf-8")


def day_of(n: int) -> str:
    """Paper n was added on day n // 2 (two a day), in an order unlike that of the paths."""
    return f"2026-01-{1 + n // 2:02d}"


def write_site(site: Path, numbers, flat: bool = False) -> None:
    for n in numbers:
        write_page(site, (n * 37) % 100, day_of(n), other=n + 1, flat=flat)


def entries(site: Path) -> dict[str, int]:
    """Each part's entry file and its inode: a kept part keeps its files."""
    return {p.parent.relative_to(site).as_posix(): p.stat().st_ino
            for p in (site / OUTPUT).rglob("pagefind-entry.json")}


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes, and every folder (None)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
            for p in root.rglob("*")}


def assert_same_as_cold(site: Path, tmp: Path, size: int, urls: bool = True) -> None:
    cold = tmp / f"cold-{len(list(tmp.glob('cold-*')))}"
    shutil.copytree(site / "papers", cold / "papers")
    index_site(cold, urls, part_pages=size)
    assert tree(site / OUTPUT) == tree(cold / OUTPUT)


@pytest.mark.parametrize("flat", [False, True])
def test_papers_added_last_are_indexed_again_alone(tmp_path, flat):
    site, urls = tmp_path / "site", not flat
    write_site(site, range(7), flat)
    write_page(site, 999, None, flat=flat)  # no day: there before the papers that have one
    index_site(site, urls, part_pages=3)
    before = entries(site)
    write_site(site, range(8, 10), flat)  # a day's papers: the last part, and a new one
    run = index_site(site, urls, part_pages=3)
    after = entries(site)
    assert after["pagefind"] == before["pagefind"]
    assert after["pagefind/parts/1"] == before["pagefind/parts/1"]
    assert after["pagefind/parts/2"] != before["pagefind/parts/2"]
    assert (run.parts, run.indexed) == (4, (2, 3))
    assert indexed_pages(site) == 10
    assert_same_as_cold(site, tmp_path, 3, urls)


def test_an_index_of_one_part_keeps_it_when_a_second_part_comes(tmp_path):
    """One part is indexed from the site itself, the parts of a bigger index each from a folder
    of their own: the same pages give the same bytes either way."""
    site = tmp_path / "site"
    write_site(site, range(4))
    assert index_site(site, True, part_pages=4).parts == 1
    write_site(site, range(4, 6))  # added on a later day than all four
    assert index_site(site, True, part_pages=4).indexed == (1,)
    assert_same_as_cold(site, tmp_path, 4)


def test_each_change_indexes_the_parts_it_touches_and_gives_a_cold_index(tmp_path):
    site = tmp_path / "site"
    write_site(site, range(9))
    index_site(site, True, part_pages=3)
    oldest = (0 * 37) % 100
    # other related papers on the oldest paper's page, none, some again: Pagefind leaves
    # them out, and their heading
    for other in (5, None, 7):
        write_page(site, oldest, day_of(0), other=other)
        assert index_site(site, True, part_pages=3).indexed == ()
        assert_same_as_cold(site, tmp_path, 3)
    # its words edited: its part alone
    write_page(site, oldest, day_of(0), word="attention", other=7)
    assert index_site(site, True, part_pages=3).indexed == (0,)
    assert_same_as_cold(site, tmp_path, 3)
    # a paper of the middle part removed: the parts from it on move up
    shutil.rmtree(site / "papers" / f"p{(4 * 37) % 100:03d}")
    assert index_site(site, True, part_pages=3).indexed == (1, 2)
    assert_same_as_cold(site, tmp_path, 3)
    # a day's papers again
    write_site(site, range(9, 11))
    assert index_site(site, True, part_pages=3).indexed == (2, 3)
    assert_same_as_cold(site, tmp_path, 3)
    # another part size: every part again
    assert index_site(site, True, part_pages=4).indexed == (0, 1, 2)
    assert_same_as_cold(site, tmp_path, 4)
    assert indexed_pages(site) == 10


def test_a_part_folder_gone_is_indexed_again(tmp_path):
    site = tmp_path / "site"
    write_site(site, range(7))
    index_site(site, True, part_pages=3)
    shutil.rmtree(site / OUTPUT / "parts" / "1")
    assert index_site(site, True, part_pages=3).indexed == (1,)
    assert_same_as_cold(site, tmp_path, 3)


# ---- `make site` with the index in parts of 10 papers: the site's own pages ----

def parts_logged(log: str) -> str:
    return re.search(r"search index: \d+ paper pages in [\d.]+ s \((.*)\)", log).group(1)


def folder(k: int) -> str:
    return OUTPUT if k == 0 else f"{OUTPUT}/parts/{k}"


def with_related(site: Path) -> set[str]:
    return {page for page in paper_pages(site, True)
            if b'id="related-papers"' in (site / page).read_bytes()}


@pytest.mark.slow
def test_a_days_papers_on_a_built_site_index_the_last_parts_alone(tmp_path):
    """60 papers in 6 parts, then 50 added later (with a later `added` day): the old papers'
    parts are kept, though adding papers changed the related lists (some came, some went) and
    author links on their pages; a title edited redoes its part alone; each time the bytes of
    a cold build."""
    project = make_project(tmp_path / "project", 110)
    insert_after(project, "      data_dir: data\n", "      search_part_pages: 10\n")
    work = tmp_path / "cold"
    work.mkdir()
    assert_site_same_as_cold(project, work)
    site = project / "site"
    before, listed = entries(site), with_related(site)
    pages = {page: (site / page).read_bytes() for page in paper_pages(site, True)}
    assert len(before) == 6
    add_papers(project)
    log = assert_site_same_as_cold(project, work)
    assert parts_logged(log) == "5 of 11 part(s) indexed again"
    after = entries(site)
    assert all(after[name] == before[name] for name in before)
    assert with_related(site) & set(pages) != listed  # lists came or went on old pages
    changed = [page for page in pages if (site / page).read_bytes() != pages[page]]
    assert len(changed) > 10
    edit_title(project)  # paper-000000's
    assert parts_logged(assert_site_same_as_cold(project, work)) == "1 of 11 part(s) indexed again"


SHM = Path("/dev/shm")


@pytest.mark.skipif(not (SHM.is_dir() and os.access(SHM, os.W_OK)), reason="no /dev/shm")
@pytest.mark.parametrize("size", [1000, 4], ids=["one-part", "parts"])
def test_pages_made_in_another_order_give_the_same_index(size):
    """Pagefind numbers pages in the order it finds them; on tmpfs that is the order the files
    were made in, as when an incremental build adds a day's pages after the others."""
    with tempfile.TemporaryDirectory(dir=SHM) as tmp:
        first, second = Path(tmp) / "first", Path(tmp) / "second"
        write_site(first, range(9))
        write_site(second, reversed(range(9)))
        for site in (first, second):
            index_site(site, True, part_pages=size)
        assert tree(first / OUTPUT) == tree(second / OUTPUT)
