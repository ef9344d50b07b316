"""A day's papers on a built site: `make site` again from the last build's output.

    python bench/incremental_site.py N [--check] [--out BENCHMARKS.md]
    make bench N=10000 BENCH_ARGS=--incremental-site

Builds a synthetic collection of N papers with `make site`'s command (the first build finds no
previous output: a full build), then, each timed as one child process with the generator, the
MkDocs build and the search index in it: nothing changed; 50 new papers; one title edited.
The 50 new papers are what a daily archive adds: each has an `added` day (NEW_DAY) later than
every other paper's (those of the others that have one are in 2025) and a publication date
that day too, newer than every other paper's, so they are the newest in every list and come
last in the order the search index is cut in.
With --check, a cold `mkdocs build --strict` of a fresh copy of the same inputs follows, and
every file of the two sites is compared byte for byte. Appends a section to the end of --out.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import synthetic  # noqa: E402
from run import Run, measure  # noqa: E402

from generator.plan import GENERATED_DIRS  # noqa: E402
from generator.recordfile import dump_record  # noqa: E402

NEW_PAPERS = 50
NEW_DAY = "2026-01-15"  # the held-back papers' `added` and date: after every synthetic paper's
COPYRIGHT = "overrides/partials/copyright.html"


def site_command() -> list[str]:
    """The recipe of the Makefile's `site` target (the README's build command), as written."""
    text = (REPO / "Makefile").read_text("utf-8")
    recipe = re.search(r"^site:.*\n\t(.+)$", text, re.M).group(1)
    words = recipe.split()
    if words[0] != "$(BIN)/mkdocs":
        raise SystemExit(f"unexpected `make site` recipe: {recipe}")
    return [sys.executable, "-m", "mkdocs", *words[1:]]


def insert_after(project: Path, after: str, line: str) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text("utf-8")
    config.write_text(text.replace(after, after + line, 1), "utf-8")


def write_copyright(project: Path, n: int) -> None:
    """A theme template of the project's own, which every page shows."""
    path = project / COPYRIGHT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<div class="md-copyright">Collection, version {n}</div>\n', "utf-8")


def make_project(root: Path, count: int, held: int = NEW_PAPERS) -> Path:
    """count papers, of which `held` wait in held-back/ to be added later; the project's
    mkdocs.yml and hand-written pages, and a theme override folder."""
    synthetic.make(root, count)
    (root / "held-back").mkdir()
    singles = sorted((root / "data" / "papers").glob("paper-*.yml"))
    for path in singles[len(singles) - held:]:
        record = {**yaml.safe_load(path.read_text("utf-8")), "added": NEW_DAY, "date": NEW_DAY}
        (root / "held-back" / path.name).write_text(dump_record(record), "utf-8")
        path.unlink()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs").mkdir()
    for page in sorted((REPO / "docs").glob("*.md")):
        shutil.copy(page, root / "docs" / page.name)
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    insert_after(root, "theme:\n  name: material\n", "  custom_dir: overrides\n")
    write_copyright(root, 0)
    return root


def inputs_copy(project: Path, dest: Path) -> Path:
    """What a fresh checkout of the project holds: no generated pages, no cache, no site."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out: tuple[str, ...] = ()
        if Path(folder) == project / "docs":
            left_out = GENERATED_DIRS
        elif Path(folder) == project:
            left_out = ("site", ".cache", "held-back")
        return set(names) & set(left_out)

    shutil.copytree(project, dest, ignore=ignore)
    return dest


def add_papers(project: Path, count: int = NEW_PAPERS) -> None:
    for path in sorted((project / "held-back").glob("*.yml"))[:count]:
        path.rename(project / "data" / "papers" / path.name)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def differing(a: Path, b: Path) -> list[str]:
    one, two = tree_bytes(a), tree_bytes(b)
    return sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))


def log_figures(run: Run) -> str:
    """What the build's log says of its parts: pages written, build kind, index, MkDocs."""
    wanted = ("papers: full", "papers: incremental", "written", "search index", "built in")
    lines = [line.split("-  ", 1)[-1] for line in run.output.splitlines()
             if any(w in line for w in wanted)]
    return "; ".join(lines)


def bench(count: int, work: Path, check: bool) -> list[tuple[str, Run, str]]:
    project = make_project(work / "project", count)
    rows = []
    steps = [("first build (no previous output: full)", None),
             ("again, nothing changed", None),
             (f"{NEW_PAPERS} new papers", add_papers),
             ("one title edited", _edit_title)]
    for name, change in steps:
        time.sleep(1.1)  # the edit lands after the last output, as a person's would
        if change:
            change(project)
        run = measure(site_command(), project, 7200)
        if not run.ok:
            raise SystemExit(f"{name} failed:\n{run.output[-3000:]}")
        print(f"{name}: {run.wall:.1f} s", flush=True)
        rows.append((name, run, log_figures(run)))
    if check:
        cold = inputs_copy(project, work / "cold")
        run = measure([sys.executable, "-m", "mkdocs", "build", "--strict"], cold, 7200)
        same = run.ok and differing(project / "site", cold / "site") == []
        rows.append(("cold `mkdocs build --strict` of the same inputs", run,
                     "every file the same bytes as the incremental site" if same
                     else "DIFFERS from the incremental site"))
    return rows


def _edit_title(project: Path) -> None:
    paper = sorted((project / "data" / "papers").glob("paper-*.yml"))[123]
    paper.write_text(paper.read_text("utf-8").replace("title: ", "title: Edited ", 1), "utf-8")


def report(count: int, rows: list[tuple[str, Run, str]], command: str) -> str:
    lines = [f"### {count:,} papers: `make site` from the last build's output", "",
             f"`{command}`", "",
             "| step | wall | CPU | peak memory | what the log says |", "|---|---|---|---|---|"]
    for name, run, note in rows:
        lines.append(f"| {name} | {run.wall:.1f} s | {run.cpu:.1f} s | {run.rss_mb:.0f} MB "
                     f"| {note} |")
    first, new = rows[0][1], rows[2][1]
    lines += ["", f"{NEW_PAPERS} new papers against the full build: "
              f"{new.wall / first.wall:.2f}× the time, in the same run."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--check", action="store_true",
                        help="compare with a cold build of the same inputs, byte for byte")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args(argv)
    command = "python bench/incremental_site.py " + " ".join(argv or sys.argv[1:])
    for count in args.sizes:
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            text = report(count, bench(count, Path(tmp), args.check), command)
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n" + text)
        print(text)


if __name__ == "__main__":
    main()
