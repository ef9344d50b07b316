"""The site built again from the last build's outputs: deterministic search index, incremental
`make site` equal to a cold build byte for byte."""

from __future__ import annotations

from pathlib import Path

from sitetools import copy_project, mkdocs_build

from generator.searchindex import index_site

PAGE = """<!doctype html><html lang="en"><head><title>{n}</title></head><body><article>
<div data-pagefind-body><h1>Paper {n}</h1><p>words about topic {n}</p>
<span hidden data-pagefind-filter="year">{year}</span>
<span hidden data-pagefind-filter="tag">tag {tag}</span></div></article></body></html>"""


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def differing(a: Path, b: Path) -> list[str]:
    one, two = tree_bytes(a), tree_bytes(b)
    return sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))


def write_pages(root: Path, count: int) -> None:
    for n in range(count):
        folder = root / "papers" / f"p{n:03d}"
        folder.mkdir(parents=True)
        page = PAGE.format(n=n, year=1990 + n % 17, tag=n % 23)
        (folder / "index.html").write_text(page, "utf-8")


def test_the_search_index_of_the_same_pages_is_the_same_bytes(tmp_path):
    """Pagefind 1.5.2 writes filter values in a per-run hash order; each run here is a new
    process, so without sorting the filter files and the entry differ between runs."""
    sites = [tmp_path / "one", tmp_path / "two"]
    for site in sites:
        write_pages(site, 60)
        index_site(site, True)
    assert differing(sites[0] / "pagefind", sites[1] / "pagefind") == []
    assert len(list((sites[0] / "pagefind" / "filter").iterdir())) == 2


def test_two_cold_builds_in_two_folders_give_the_same_bytes(tmp_path):
    """The shipped collection, built by `mkdocs build` in two folders: every file of site/,
    the search index included, byte for byte."""
    sites = []
    for name in ("one", "two"):
        project = copy_project(tmp_path / name)
        result, _ = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        sites.append(project / "site")
    assert len(tree_bytes(sites[0])) > 300
    assert differing(*sites) == []
