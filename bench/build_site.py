"""Build the shipped collection and a generated one of N papers with MkDocs; report time and size.

    python bench/build_site.py [N]      (default 1000)

Bytes per paper page should stay flat as N grows: the nav lists topics, not papers.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]
from generated import make_collection  # noqa: E402
from sitetools import copy_project, mkdocs_build  # noqa: E402


def build(label: str, project: Path) -> None:
    site = project / "site"
    result, seconds = mkdocs_build(project, site)
    if result.returncode:
        sys.exit(f"{label}: build failed\n{result.stderr}")
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = [p for p in (site / "papers").glob("*/index.html")]
    per_page = sum(p.stat().st_size for p in pages) / len(pages)
    print(f"{label:<22} {len(pages):>6} paper pages  {seconds:7.1f} s  site {total / 1e6:7.1f} MB  "
          f"{per_page / 1e3:6.1f} KB per paper page", flush=True)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build("shipped collection", copy_project(tmp / "shipped"))
        generated = make_collection(tmp / "gen-data", count) / "data"
        build(f"generated ({count})", copy_project(tmp / "generated", generated))


if __name__ == "__main__":
    main()
