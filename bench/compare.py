"""Two generators on the same synthetic collection, interleaved: same output, and how fast.

    python bench/compare.py N --against REV [--rounds R] [--out FILE]
    make bench N=10000 BENCH_ARGS="--against REV"

The generator of this working tree and that of git revision REV (extracted with `git archive`)
build the same collection of N papers (bench/synthetic.py), each in a project of its own. Each
round runs, for one generator then the other (their order alternating between rounds): a cold
build (no docs/, no cache), a no-op rebuild, and rebuilds after one record's abstract and one
record's title were edited. Runs of both are interleaved, so a busy machine slows both alike.

After the first cold build of each, every generated file is compared byte for byte: a difference
stops the comparison. Both generators run with this checkout's Python and packages.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

from run import ENV, Run, edit, make_project, measure  # noqa: E402

from generator.plan import GENERATED_DIRS  # noqa: E402

STEPS = ("cold", "noop", "edit_abstract", "edit_title")
RECORD = Path("data") / "papers" / "paper-000123.yml"  # as bench/run.py edits (from 124 papers)


def extract(rev: str, target: Path) -> Path:
    """The generator package of a revision, as files (no checkout of the working tree)."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "generator"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    # compiled now, as this tree's modules already are: not by the first timed build
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(target)], check=True)
    return target


def build_command(tree: Path) -> list[str]:
    """`python -m generator build` with the package taken from tree, whatever is installed."""
    code = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import runpy; "
            "sys.argv[1:1] = ['build']; runpy.run_module('generator', run_name='__main__')")
    return [sys.executable, "-c", code, str(tree)]


def reset(project: Path, pristine: Path) -> None:
    """The project as generated: no docs/ output, no cache, the edited record restored."""
    shutil.copy(pristine, project / RECORD)
    for folder in GENERATED_DIRS:
        shutil.rmtree(project / "docs" / folder, ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    for name in ("papers.bib", "papers.csl.json", "papers.ris"):
        (project / "docs" / name).unlink(missing_ok=True)


def one_round(tree: Path, project: Path, pristine: Path) -> dict[str, Run]:
    reset(project, pristine)
    command = build_command(tree)
    time.sleep(2.1)  # records written moments ago are read as if just edited (content compared)
    runs = {"cold": measure(command, project, 3600)}
    time.sleep(2.1)  # out of the clock tick of the last write, as a person would be
    runs["noop"] = measure(command, project, 600)
    edit(project / RECORD, "abstract: ", "abstract: Edited. ")
    runs["edit_abstract"] = measure(command, project, 600)
    time.sleep(2.1)
    edit(project / RECORD, "title: ", "title: Edited ")
    runs["edit_title"] = measure(command, project, 600)
    return runs


def differences(a: Path, b: Path) -> list[str]:
    """Files that are not byte-identical under the two docs/ folders (or exist in one only)."""
    found = []
    for left in sorted(p for p in a.rglob("*") if p.is_file()):
        right = b / left.relative_to(a)
        if not right.is_file() or not filecmp.cmp(left, right, shallow=False):
            found.append(str(left.relative_to(a)))
    found += [str(p.relative_to(b)) for p in sorted(b.rglob("*"))
              if p.is_file() and not (a / p.relative_to(b)).exists()]
    return found


def figures(runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    return (f"{statistics.median(walls):.2f} s (runs {' / '.join(f'{w:.2f}' for w in walls)}; "
            f"peak {max(r.rss_mb for r in runs):.0f} MB)")


def table(results: dict[str, dict[str, list[Run]]], rev: str, count: int, command: str) -> str:
    old, new = results["old"], results["new"]
    lines = [f"Measured with `{command}`: {count:,} papers, {len(new['cold'])} rounds, "
             f"each step of the two generators interleaved, on {os.cpu_count()} cores.", "",
             f"| step | `{rev}` | this tree | this tree / `{rev}` (medians) |", "|---|---|---|---|"]
    for step in STEPS:
        ratio = statistics.median(r.wall for r in new[step]) / statistics.median(
            r.wall for r in old[step])
        lines.append(f"| {step.replace('_', ' ')} | {figures(old[step])} | {figures(new[step])} "
                     f"| {ratio:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("--against", required=True, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="append the table to this file")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    command = "python bench/compare.py " + " ".join(sys.argv[1:])
    compare(args.count, args.against, args.rounds, args.out, args.work, command)


def compare(count: int, rev: str, rounds: int, out: Path | None, work_dir: Path | None,
            command: str) -> None:
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        work = Path(tmp)
        trees = {"old": extract(rev, work / "old-tree"), "new": REPO}
        projects = {name: make_project(work / f"project-{name}", count) for name in trees}
        pristine = work / "record.yml"
        shutil.copy(projects["new"] / RECORD, pristine)
        results: dict[str, dict[str, list[Run]]] = {n: {s: [] for s in STEPS} for n in trees}
        for round_no in range(rounds):
            order = ("old", "new") if round_no % 2 == 0 else ("new", "old")
            for name in order:
                runs = one_round(trees[name], projects[name], pristine)
                failed = [step for step, run in runs.items() if not run.ok]
                if failed:
                    sys.exit(f"{name} generator failed at {failed[0]}:\n{runs[failed[0]].output}")
                for step, run in runs.items():
                    results[name][step].append(run)
                print(f"round {round_no + 1} {name}: "
                      + ", ".join(f"{s} {r.wall:.2f} s" for s, r in runs.items()), flush=True)
            if round_no == 0:
                compare_outputs(trees, projects, pristine)
    text = table(results, rev, count, command)
    print(text)
    if out:
        with out.open("a", encoding="utf-8") as file:
            file.write("\n" + text)


def compare_outputs(trees: dict[str, Path], projects: dict[str, Path], pristine: Path) -> None:
    """The cold outputs of both generators, byte for byte (rebuilt cold: the round edited them)."""
    for name, project in projects.items():
        reset(project, pristine)
        time.sleep(2.1)
        done = subprocess.run(build_command(trees[name]), cwd=project, env=ENV, capture_output=True)
        if done.returncode:
            sys.exit(f"{name} cold build failed:\n{done.stderr.decode()[-2000:]}")
    diff = differences(projects["old"] / "docs", projects["new"] / "docs")
    if diff:
        sys.exit(f"outputs differ in {len(diff)} file(s): {', '.join(diff[:20])}")
    files = sum(1 for p in (projects["new"] / "docs").rglob("*") if p.is_file())
    print(f"cold outputs byte-identical: {files:,} files under docs/", flush=True)


if __name__ == "__main__":
    main()
