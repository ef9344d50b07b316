"""Newest-first listings paginated from their oldest end: papers newer than all others change a
listing's first page, and its older pages keep their papers and their bytes (stable links)."""

from __future__ import annotations

import posixpath
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from generator.config import load_settings
from generator.pipeline import render_site

PER_PAGE = (1, 3)  # 1: a page of its own for nearly every author's older paper
ADDED = 60
PEOPLE = "- id: chelsea-finn\n  name: Chelsea Finn\n  role: Member\n"
FIRST_PAGE = re.compile(r"^(topics|years|tags|authors|venues|people)/(?!index\.md$)[^/]+\.md$")
OLDER_PAGE = re.compile(r"^(topics|years|tags|authors|venues|people)/[^/]+/page/\d+\.md$")
ENTRY = re.compile(r'class="paper-entry__title">\s*<a href="([^"]+)"')
OLDER_LINK = re.compile(r'<a class="pager__next" href="([^"]+)" rel="next">')
NEWER_LINK = re.compile(r'<a class="pager__prev" href="([^"]+)" rel="prev">')


def project(root: Path, per_page: int, added: int) -> Path:
    """The shipped collection (and a declared person), with `added` papers dated after all of
    it: copies of its records under new titles, in the year 2099 (their venue's too)."""
    shutil.copytree(REPO / "data", root / "data")
    (root / "data" / "people.yml").write_text(PEOPLE, "utf-8")
    # every author with a page already: a new paper changes no older entry's author links
    (root / "mkdocs.yml").write_text(
        "site_name: Stable\nplugins:\n  - papers:\n"
        f"      per_page: {per_page}\n      author_pages_from: 1\n", "utf-8")
    records = [yaml.safe_load(path.read_text("utf-8"))
               for path in sorted((REPO / "data" / "papers").glob("*.yml"))]
    for n in range(added):
        old = records[n % len(records)]
        new = {key: old[key] for key in ("authors", "topics", "tags", "abstract") if key in old}
        new["title"] = f"{old['title']}, again {n}"
        new["date"] = f"2099-{n % 12 + 1:02d}-{n // 12 + 1:02d}"
        if "venue" in old:
            new["venue"] = re.sub(r"\b(19|20)\d\d\b", "2099", old["venue"])
        (root / "data" / "papers" / f"again-{n:02d}.yml").write_text(yaml.safe_dump(new), "utf-8")
    return root / "mkdocs.yml"


@pytest.fixture(scope="module", params=PER_PAGE)
def sites(request, tmp_path_factory) -> dict:
    """Generated files of the collection before and after the new papers, and of both with
    every listing on one page."""
    per_page = request.param
    shapes = {"before": (per_page, 0), "after": (per_page, ADDED),
              "whole before": (100_000, 0), "whole after": (100_000, ADDED)}
    files = {name: render_site(load_settings(project(tmp_path_factory.mktemp(name), *shape)))
             for name, shape in shapes.items()}
    return {**files, "per_page": per_page}


def page_of(page: str, href: str) -> str:
    """The generated file an href of a page leads to (directory URLs)."""
    folder = posixpath.dirname(page) + "/" + posixpath.basename(page).removesuffix(".md") + "/"
    return posixpath.normpath(posixpath.join(folder, href)) + ".md"


def listing(files: dict[str, str], first: str) -> tuple[list[str], list[str]]:
    """(pages, paper ids) of a listing, from its first page along its Older links."""
    pages, ids, path = [], [], first
    while path:
        text = files[path]
        pages.append(path)
        ids += [page_of(path, href).removesuffix(".md").split("/")[-1]
                for href in ENTRY.findall(text)]
        older = OLDER_LINK.findall(text)
        path = page_of(path, older[0]) if older else None
    return pages, ids


def test_older_listing_pages_keep_their_bytes_when_newer_papers_are_added(sites):
    """Every older page keeps its bytes, but for the one link that follows the number of pages:
    the Newer link of the newest older page of a listing that gained pages (to the first page
    before, to the page after it now)."""
    before, after = sites["before"], sites["after"]
    older = sorted(path for path in before if OLDER_PAGE.match(path))
    assert len(older) > 50
    count = Counter(re.sub(r"/page/\d+\.md$", ".md", path) for path in older)
    grown = {re.sub(r"\.md$", f"/page/{count[first]}.md", first) for first in count
             if re.sub(r"\.md$", f"/page/{count[first] + 1}.md", first) in after}
    changed = {path for path in older if before[path] != after[path]}
    assert changed == grown
    for path in changed:
        assert NEWER_LINK.sub("", before[path]) == NEWER_LINK.sub("", after[path]), path
        first = re.sub(r"/page/\d+\.md$", ".md", path)
        assert page_of(path, NEWER_LINK.findall(before[path])[0]) == first, path
        assert page_of(path, NEWER_LINK.findall(after[path])[0]) == first.removesuffix(".md") \
            + f"/page/{count[first] + 1}.md", path
    firsts = [path for path in before if FIRST_PAGE.match(path)]
    assert sum(before[path] != after.get(path) for path in firsts) > 50  # the new papers show


@pytest.mark.parametrize("name", ["before", "after"])
def test_every_paper_is_on_one_page_of_its_listing_newest_first(sites, name):
    """Following the Older links from a listing's first page gives its papers in the order of
    the listing on one page: each paper once. The first page holds per_page to twice that minus
    one papers (all, if fewer), every older page per_page."""
    files, whole, per_page = sites[name], sites[f"whole {name}"], sites["per_page"]
    firsts = sorted(path for path in files if FIRST_PAGE.match(path))
    paged = 0
    for first in firsts:
        pages, ids = listing(files, first)
        assert ids == listing(whole, first)[1], first
        assert len(ids) == len(set(ids)), first
        blocks = [len(ENTRY.findall(files[page])) for page in pages]
        assert (per_page <= blocks[0] < 2 * per_page) or len(pages) == 1, first
        assert all(size == per_page for size in blocks[1:]), first
        # page/F-1 ... page/1, counted from the oldest
        assert pages[1:] == [re.sub(r"\.md$", f"/page/{k}.md", first)
                             for k in range(len(pages) - 1, 0, -1)], first
        paged += len(pages) > 2
    assert paged > 10
