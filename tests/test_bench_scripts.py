"""The benchmark scripts run on the current page plan: CI runs them at full size, these run them small so a
change to the generator that breaks them fails here first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_growth_script_renders_every_case_at_small_sizes():
    # At these sizes a case takes milliseconds, and one pause of a busy machine doubles it: the growth limit is
    # checked by CI's run at larger sizes, not here.
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "growth.py"), "--sizes", "200,400", "--report-only"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and " s |" in line]
    assert len(rows) >= 13, result.stdout
    assert any(row.startswith("| topic title:") for row in rows)
    assert "Worst growth per doubling" in result.stdout


def test_pagefind_scale_keeps_a_searchable_site(shipped_site, tmp_path):
    """bench/pagefind_scale.py --keep: generated paper pages (bench/synthetic.py's papers) in the shipped
    site's frame, indexed, with the search page next to them for bench/search.py."""
    import json

    site, _, _ = shipped_site
    kept = tmp_path / "kept"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "pagefind_scale.py"), str(site), "40", "--keep", str(kept)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| 40 |" in result.stdout
    entry = json.loads((kept / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 40
    assert (kept / "search" / "index.html").is_file() and len(list((kept / "papers").iterdir())) == 40
    page = (kept / "papers" / "paper-000007" / "index.html").read_text()
    assert 'data-pagefind-filter="author"' in page and 'data-pagefind-meta="title"' in page


def test_compare_script_runs_two_generators_and_checks_their_outputs(tmp_path):
    """`make bench BENCH_ARGS="--against REV"`: the tree's generator against a revision's, one
    round at a small size; the outputs of the two cold builds are compared file by file."""
    out = tmp_path / "compare.md"
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "130", "--against", "HEAD",
                             "--rounds", "1", "--out", str(out)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cold outputs byte-identical" in result.stdout
    rows = [line for line in out.read_text().splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows[1:]] == ["| cold", "| noop", "| edit abstract", "| edit title"]


def test_compare_script_names_every_file_that_differs(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from compare import differences

    for side, text in (("a", "same"), ("b", "same")):
        (tmp_path / side / "papers").mkdir(parents=True)
        (tmp_path / side / "papers" / "x.md").write_text(text)
    (tmp_path / "a" / "papers" / "y.md").write_text("one")
    (tmp_path / "b" / "papers" / "y.md").write_text("two")
    (tmp_path / "b" / "only-here.md").write_text("")
    assert differences(tmp_path / "a", tmp_path / "b") == ["papers/y.md", "only-here.md"]
