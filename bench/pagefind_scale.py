"""Pagefind's indexing time and peak memory on N paper pages, without building them with MkDocs
first (at 100,000 papers that build alone takes about half an hour here): each page is a real
built paper page of the shipped site, its article replaced by a paper of `bench/synthetic.py`
(the collections `bench/run.py` measures: same titles, abstracts, authors, tags, venues, topics),
written as the site's template writes it (filters and result metadata included).

    python bench/pagefind_scale.py SITE_DIR N [N ...]
    python bench/pagefind_scale.py SITE_DIR N --keep OUT   # keeps the site for bench/search.py OUT

SITE_DIR is a site built from this project (`make site`): one of its paper pages is the template,
and with --keep the rest of it (search page, theme) is copied next to the generated pages.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import synthetic  # noqa: E402
import yaml  # noqa: E402

from generator.searchindex import index_command  # noqa: E402


def template(site: Path) -> tuple[str, str]:
    pages = sorted((site / "papers").glob("*/index.html"))
    page = next(p for p in pages if "data-pagefind-body" in p.read_text("utf-8"))
    text = page.read_text("utf-8")
    start = text.index("<div data-pagefind-body>")
    return text[:start], text[text.index("</article>"):]


def article(paper: dict, topic_titles: dict[str, str]) -> str:
    # each topic with its parent (a sub-topic's id is its parent's with "-sub-N" added)
    pairs = ((topic_titles[tid], topic_titles.get(tid.rsplit("-sub-", 1)[0]))
             for tid in paper["topics"])
    topics = list(dict.fromkeys(t for pair in pairs for t in pair))
    year = paper["date"][:4]
    venue = (("venue", paper["venue"]),) if "venue" in paper else ()
    filters = [*(("topic", t) for t in topics), ("year", year), *venue,
               *(("tag", t) for t in paper["tags"]), *(("author", a) for a in paper["authors"])]
    hidden = "".join(f'<span data-pagefind-filter="{k}">{html.escape(v)}</span>'
                     for k, v in filters)
    authors = ", ".join(paper["authors"])
    fields = (("title", paper["title"]), ("authors", authors), ("year", year),
              ("topics", " · ".join(topics)))
    meta = "".join(f'<span data-pagefind-meta="{k}">{html.escape(v)}</span>' for k, v in fields)
    return (f"<div data-pagefind-body><h1>{html.escape(paper['title'])}</h1>"
            f"<p>{html.escape(authors)}</p><h2>Abstract</h2>"
            f"<p>{html.escape(paper['abstract'])}</p>"
            f"<div hidden data-pagefind-ignore>{hidden}{meta}</div></div>")


def write_pages(target: Path, count: int, head: str, tail: str) -> None:
    topics_text, _, papers = synthetic.papers(count)
    topic_titles = {t["id"]: t["title"] for t in yaml.safe_load(topics_text)}
    for paper_id, paper in papers:
        folder = target / "papers" / paper_id
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(head + article(paper, topic_titles) + tail, "utf-8")


def measure(site: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(index_command(site, True),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pagefind failed: {process.stderr.read().decode()[-2000:]}")
    size = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return wall, usage.ru_maxrss / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--keep", type=Path, metavar="OUT",
                        help="build one size into OUT (a new folder) and keep it")
    args = parser.parse_args()
    if args.keep and (len(args.sizes) != 1 or args.keep.exists()):
        parser.error("--keep takes one size and a folder that does not exist yet")
    head, tail = template(args.site)
    print("| paper pages | Pagefind indexing | peak memory | index on disk |\n|---|---|---|---|")
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            site = args.keep or Path(tmp) / "site"
            write_pages(site, count, head, tail)
            if args.keep:
                ignore = shutil.ignore_patterns("papers", "pagefind")
                shutil.copytree(args.site, site, dirs_exist_ok=True, ignore=ignore)
            else:
                shutil.copytree(args.site / "assets", site / "assets")
            wall, peak, size = measure(site)
        print(f"| {count:,} | {wall:.1f} s | {peak:.0f} MB | {size / 1e6:.1f} MB |", flush=True)


if __name__ == "__main__":
    main()
