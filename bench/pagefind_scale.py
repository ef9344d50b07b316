"""Pagefind's indexing time and peak memory on N paper pages, without building them with MkDocs
first (at 100,000 papers that build alone takes hours here): each page is a real built paper
page of the shipped site, its article replaced by a generated paper of the same shape (title,
authors, abstract, filters and result metadata as the site's template writes them).

    python bench/pagefind_scale.py SITE_DIR N [N ...]

SITE_DIR is a site built from this project (`make site`): one of its paper pages is the template.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.searchindex import index_command  # noqa: E402

WORDS = ("attention training model sparse efficient learning video speech robot policy gradient diffusion memory kernel "
         "adaptation continual quantization scaling benchmark language vision transformer retrieval graph").split()


def template(site: Path) -> tuple[str, str]:
    page = next(p for p in sorted((site / "papers").glob("*/index.html")) if "data-pagefind-body" in p.read_text("utf-8"))
    text = page.read_text("utf-8")
    start = text.index("<div data-pagefind-body>")
    return text[:start], text[text.index("</article>"):]


def article(n: int, rng: random.Random) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"
    authors = [f"Author {rng.randrange(20_000)}" for _ in range(rng.randrange(1, 8))]
    abstract = " ".join(rng.choice(WORDS) + (f" term{rng.randrange(50_000)}" if rng.random() < 0.1 else "") for _ in range(180))
    year, topic = str(rng.randrange(2010, 2026)), f"Topic {rng.randrange(40)}"
    tags = [f"tag {rng.randrange(3_000)}" for _ in range(rng.randrange(2, 6))]
    filters = [("topic", topic), ("year", year), ("venue", f"Venue {rng.randrange(300)}"), *(("tag", t) for t in tags),
               *(("author", a) for a in authors)]
    hidden = "".join(f'<span data-pagefind-filter="{k}">{html.escape(v)}</span>' for k, v in filters)
    meta = "".join(f'<span data-pagefind-meta="{k}">{html.escape(v)}</span>' for k, v in
                   (("title", title), ("authors", ", ".join(authors)), ("year", year), ("topics", topic)))
    return (f"<div data-pagefind-body><h1>{html.escape(title)}</h1><p>{', '.join(authors)}</p><h2>Abstract</h2>"
            f"<p>{abstract}</p><div hidden data-pagefind-ignore>{hidden}{meta}</div></div>")


def write_pages(target: Path, count: int, head: str, tail: str) -> None:
    rng = random.Random(count)
    for n in range(count):
        folder = target / "papers" / f"paper-{n:06d}"
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(head + article(n, rng) + tail, "utf-8")


def measure(site: Path) -> tuple[float, float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(index_command(site, True), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pagefind failed: {process.stderr.read().decode()[-2000:]}")
    size = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return wall, usage.ru_maxrss / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("sizes", type=int, nargs="+")
    args = parser.parse_args()
    head, tail = template(args.site)
    print("| paper pages | Pagefind indexing | peak memory | index on disk |\n|---|---|---|---|")
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            write_pages(site, count, head, tail)
            shutil.copytree(args.site / "assets", site / "assets")
            wall, peak, size = measure(site)
        print(f"| {count:,} | {wall:.1f} s | {peak:.0f} MB | {size / 1e6:.1f} MB |", flush=True)


if __name__ == "__main__":
    main()
