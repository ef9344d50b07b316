"""The search index cut in parts by order of addition: the papers added last fall in the last
part, only parts whose pages changed are indexed again, and the index equals one made from
nothing (the whole-site check is in test_incremental_site.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitetools import REPO  # noqa: F401  (the repository on the path)

from generator.searchindex import OUTPUT, index_site, indexed_pages

PAGE = """<!doctype html><html lang="en"><head><title>{n}</title></head><body><article>
<div data-pagefind-body{added}><h1>Paper {n}</h1><p>words about topic {n} and {word}</p>
<span hidden data-pagefind-filter="year">{year}</span></div>
<h2>Related papers</h2>
<ul class="papers-related">
<li><a href="../p{other}/">Paper {other}</a></li>
</ul>
</article></body></html>"""


def write_page(site: Path, n: int, day: str | None, word: str = "memory", other: int = 0) -> None:
    folder = site / "papers" / f"p{n:03d}"
    folder.mkdir(parents=True, exist_ok=True)
    added = f' data-papers-added="{day}"' if day else ""
    page = PAGE.format(n=n, added=added, word=word, year=2000 + n % 3, other=other)
    (folder / "index.html").write_text(page, "utf-8")


def day_of(n: int) -> str:
    """Paper n was added on day n // 2 (two a day), in an order unlike that of the paths."""
    return f"2026-01-{1 + n // 2:02d}"


def write_site(site: Path, numbers) -> None:
    for n in numbers:
        write_page(site, (n * 37) % 100, day_of(n))


def entries(site: Path) -> dict[str, int]:
    """Each part's entry file and its inode: a kept part keeps its files."""
    return {p.parent.relative_to(site).as_posix(): p.stat().st_ino
            for p in (site / OUTPUT).rglob("pagefind-entry.json")}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_same_as_cold(site: Path, tmp: Path, size: int) -> None:
    cold = tmp / f"cold-{len(list(tmp.glob('cold-*')))}"
    shutil.copytree(site / "papers", cold / "papers")
    index_site(cold, True, part_pages=size)
    assert tree(site / OUTPUT) == tree(cold / OUTPUT)


def test_papers_added_last_are_indexed_again_alone(tmp_path):
    site = tmp_path / "site"
    write_site(site, range(8))
    first = index_site(site, True, part_pages=3)
    assert (first.parts, first.indexed) == (3, (0, 1, 2))
    before = entries(site)
    write_site(site, range(8, 10))  # a day's papers: the last part, and a new one
    run = index_site(site, True, part_pages=3)
    assert (run.parts, run.indexed) == (4, (2, 3))
    after = entries(site)
    assert after["pagefind"] == before["pagefind"]
    assert after["pagefind/parts/1"] == before["pagefind/parts/1"]
    assert after["pagefind/parts/2"] != before["pagefind/parts/2"]
    assert indexed_pages(site) == 10
    assert_same_as_cold(site, tmp_path, 3)


def test_each_change_indexes_the_parts_it_touches_and_gives_a_cold_index(tmp_path):
    site = tmp_path / "site"
    write_site(site, range(9))
    index_site(site, True, part_pages=3)
    oldest = (0 * 37) % 100
    # a related list changed on the oldest paper's page: Pagefind leaves it out, nothing to do
    write_page(site, oldest, day_of(0), other=5)
    assert index_site(site, True, part_pages=3).indexed == ()
    assert_same_as_cold(site, tmp_path, 3)
    # its words edited: its part alone
    write_page(site, oldest, day_of(0), word="attention", other=5)
    assert index_site(site, True, part_pages=3).indexed == (0,)
    assert_same_as_cold(site, tmp_path, 3)
    # a paper of the middle part removed: the parts from it on move up
    shutil.rmtree(site / "papers" / f"p{(4 * 37) % 100:03d}")
    assert index_site(site, True, part_pages=3).indexed == (1, 2)
    assert_same_as_cold(site, tmp_path, 3)
    # a page without a day counts as the newest: the last part
    write_page(site, 99, None)
    assert index_site(site, True, part_pages=3).indexed == (2,)
    assert_same_as_cold(site, tmp_path, 3)
    # another part size: every part again
    assert index_site(site, True, part_pages=4).indexed == (0, 1, 2)
    assert_same_as_cold(site, tmp_path, 4)
    assert indexed_pages(site) == 9


def test_a_part_folder_gone_is_indexed_again(tmp_path):
    site = tmp_path / "site"
    write_site(site, range(7))
    index_site(site, True, part_pages=3)
    shutil.rmtree(site / OUTPUT / "parts" / "1")
    assert index_site(site, True, part_pages=3).indexed == (1,)
    assert_same_as_cold(site, tmp_path, 3)
