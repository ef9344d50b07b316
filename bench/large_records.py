"""Build time of one huge record as it doubles: a long abstract, then a long author list.

    python bench/large_records.py

Each size is a full `mkdocs build --strict` of a one-topic project. Linear growth shows as a
time ratio near 2 per doubling (plus the fixed start-up cost); quadratic growth as near 4.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from sitetools import copy_project, mkdocs_build  # noqa: E402

from generator.recordfile import dump_record  # noqa: E402

SENTENCE = "Large abstracts *must* stay <exact> & whole. "


def build_with(record: dict) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        (data / "papers").mkdir(parents=True)
        (data / "topics.yml").write_text("- id: t\n  title: T\n  description: D.\n", "utf-8")
        (data / "papers" / "big.yml").write_text(dump_record({"title": "Big", "topics": ["t"], **record}), "utf-8")
        project = copy_project(Path(tmp) / "project", data=data)
        result, seconds = mkdocs_build(project, project / "site", timeout=1800)
        if result.returncode:
            sys.exit(result.stderr)
        return seconds


def main() -> None:
    for label, make in [
        ("abstract MB", lambda n: {"abstract": (SENTENCE * int(n * 1048576 // len(SENTENCE) + 1))[: int(n * 1048576)]}),
        ("authors", lambda n: {"abstract": "A.", "authors": [f"Author Number {i}" for i in range(int(n))]}),
    ]:
        sizes = [0.5, 1, 2] if label == "abstract MB" else [1250, 2500, 5000]
        previous = None
        for size in sizes:
            seconds = build_with(make(size))
            ratio = f"  x{seconds / previous:.2f}" if previous else ""
            print(f"{label:<12} {size:>7}  {seconds:6.2f} s{ratio}", flush=True)
            previous = seconds


if __name__ == "__main__":
    main()
