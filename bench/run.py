"""Benchmark the generator and the site build on a synthetic collection, against two floors.

    python bench/run.py N [N ...] [--out BENCHMARKS.md] [--mkdocs-timeout SECONDS] [--serve]
    make bench N=10000
    make bench N=10000 BENCH_ARGS="--against REV"   (two generators interleaved: compare.py)
    make bench N=10000 BENCH_ARGS="--incremental-site --check"   (incremental_site.py)

For each size it generates a collection (bench/synthetic.py) and measures, in one run, on the
same files (wall time, CPU time, peak memory of each step as a child process):

- cold `python -m generator build` (no docs/, no cache), a no-op rebuild, and rebuilds after
  one record's abstract and after one record's title was edited;
- floor A: read + libyaml-parse every record file, then write as many files holding as many
  bytes as the generator wrote;
- `mkdocs build` of the generated site (the plugin finds nothing to do);
- floor B: `mkdocs build` of a site with the same theme, as many pages of the same sizes in
  plain Markdown, and a nav of the topics only;
- sizes: largest page, search index, whole site;
- Pagefind's index of the built site (time, memory, size), and on the search page in headless
  Chromium the time from typing to the first result and the bytes fetched;
- with --serve: a saved edit under `mkdocs serve --dirty`, until it shows in the open page.

Results are written as a Markdown table (default BENCHMARKS.md) with the command, the machine
and the package versions.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

import synthetic  # noqa: E402

from generator.plan import GENERATED_DIRS  # noqa: E402
from generator.searchindex import index_command  # noqa: E402

# Python as users run it: writing bytecode caches. Without them (PYTHONDONTWRITEBYTECODE) every
# run compiles the generator's modules again, about 0.06 s of a 0.4 s no-op build; the cold build
# writes them.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "NO_MKDOCS_2_WARNING": "1"}
FLOOR_A = '''
import sys, yaml
from pathlib import Path
data, outputs, target = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
for path in sorted(data.rglob("*.yml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
sizes = [int(n) for n in outputs.read_text().split()]
for i, size in enumerate(sizes):
    folder = target / str(i % 100)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{i}.md").write_bytes(b"x" * size)
'''


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    ok: bool
    output: str = ""


def measure(command: list[str], cwd: Path, timeout: float) -> Run:
    """Run command as a child process; its wall time, CPU time and peak memory (from wait4).

    Data written by earlier steps is flushed first, so no step pays for another's writes."""
    os.sync()
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=log,
                                   stderr=subprocess.STDOUT, text=True)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                log.seek(0)
                message = f"timed out after {timeout:.0f} s\n{log.read()[-2000:]}"
                return Run(time.perf_counter() - start, 0.0, 0.0, False, message)
            time.sleep(0.02)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, process.returncode == 0, output)


def generated_sizes(docs: Path) -> list[int]:
    return [p.stat().st_size
            for folder in GENERATED_DIRS for p in (docs / folder).rglob("*") if p.is_file()]


def make_project(root: Path, count: int) -> Path:
    synthetic.make(root, count)
    # The search index is measured as a step of its own (floor B has none).
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  - papers:\n", "  - papers:\n      search_index: false\n", 1)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    (root / "docs").mkdir(exist_ok=True)
    for page in sorted((REPO / "docs").glob("*.md")):  # the hand-written pages: home, about, search
        shutil.copy(page, root / "docs" / page.name)
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    return root


def floor_b_project(root: Path, source: Path) -> Path:
    """As many plain Markdown pages as the generated site, of the same sizes; nav of topics only."""
    docs = root / "docs"
    shutil.copytree(source / "docs" / "assets", docs / "assets")
    shutil.copy(source / "docs" / "about.md", docs / "about.md")
    (docs / "index.md").write_text("# Home\n\nPlain pages.\n", "utf-8")
    sizes = generated_sizes(source / "docs")
    topics = sorted(p.stem for p in (source / "docs" / "topics").glob("*.md") if p.stem != "index")
    paragraph = "Plain words of a page of the floor, the same size as a generated one. "
    for i, size in enumerate(sizes):
        folder = docs / "pages" / str(i % 100)
        folder.mkdir(parents=True, exist_ok=True)
        body = (paragraph * (size // len(paragraph) + 1))[: max(0, size - 20)]
        text = f"# Page {i}\n\n" + body + "\n"
        (folder / f"p{i}.md").write_text(text, "utf-8")
    # The project's own config (theme, extensions), without the papers plugin and its nav.
    config = (source / "mkdocs.yml").read_text("utf-8")
    config = re.sub(r"\n  - papers:\n(      .*\n)*", "\n", config)
    config = re.sub(r"\nnav:\n(  .*\n)*", "\n", config)
    config = re.sub(r"\nnot_in_nav: \|\n(  .*\n)*", "\n", config)
    config = re.sub(r"\n  - pymdownx.snippets:\n(      .*\n)*", "\n", config)
    topic_pages = "".join(f"    - pages/{i % 100}/p{i}.md\n" for i in range(len(topics)))
    nav = "nav:\n  - Home: index.md\n  - Topics:\n" + topic_pages
    config += nav + "  - About: about.md\n" + "not_in_nav: |\n  /pages/\n"
    (root / "mkdocs.yml").write_text(config, "utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def bench_size(count: int, work: Path, mkdocs_timeout: float, serve: bool,
               floor_b: bool = True) -> dict:
    print(f"== {count} papers", flush=True)
    project = make_project(work / f"project-{count}", count)
    py = sys.executable
    result: dict = {"count": count}
    generator = [py, "-m", "generator", "build"]
    # records written moments ago are read as if just edited (their content is compared)
    time.sleep(2.1)
    result["cold"] = measure(generator, project, 3600)
    print(f"cold build {result['cold'].wall:.2f} s", flush=True)
    sizes = generated_sizes(project / "docs")
    result["pages"], result["md_bytes"] = len(sizes), sum(sizes)
    time.sleep(2.1)  # out of the clock tick of the last write, as a person would be
    result["noop"] = measure(generator, project, 600)
    record = project / "data" / "papers" / "paper-000123.yml"
    edit(record, "abstract: ", "abstract: Edited. ")
    result["edit_abstract"] = measure(generator, project, 600)
    time.sleep(2.1)
    edit(record, "title: ", "title: Edited ")
    result["edit_title"] = measure(generator, project, 600)
    listing = work / f"sizes-{count}.txt"
    listing.write_text(" ".join(map(str, sizes)))
    floor_out = work / f"floor-a-{count}"
    floor_a = [py, "-c", FLOOR_A, str(project / "data"), str(listing), str(floor_out)]
    result["floor_a"] = measure(floor_a, work, 3600)
    shutil.rmtree(floor_out, ignore_errors=True)
    print(f"floor A {result['floor_a'].wall:.2f} s", flush=True)
    if mkdocs_timeout > 0:
        site = project / "site"
        mkdocs = [py, "-m", "mkdocs", "build", "-q", "-d", str(site)]
        result["mkdocs"] = measure(mkdocs, project, mkdocs_timeout)
        print(f"mkdocs build {result['mkdocs'].wall:.1f} s ok={result['mkdocs'].ok}", flush=True)
        if result["mkdocs"].ok:
            result["pagefind"] = measure(index_command(site, True), project, mkdocs_timeout)
            pagefind = result["pagefind"]
            print(f"pagefind {pagefind.wall:.1f} s ok={pagefind.ok}", flush=True)
            result["pagefind_bytes"] = sum(p.stat().st_size
                                           for p in (site / "pagefind").rglob("*") if p.is_file())
            result["search"] = search_figures(site)
            html = [p.stat().st_size for p in site.rglob("*.html")]
            index = site / "search" / "search_index.json"
            result["largest_html"] = max(html)
            result["search_index"] = index.stat().st_size if index.is_file() else 0
            result["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        shutil.rmtree(site, ignore_errors=True)
        if floor_b:
            floor_b = floor_b_project(work / f"floor-b-{count}", project)
            build = [py, "-m", "mkdocs", "build", "-q", "-d", str(floor_b / "site")]
            result["floor_b"] = measure(build, floor_b, mkdocs_timeout)
            print(f"floor B {result['floor_b'].wall:.1f} s ok={result['floor_b'].ok}", flush=True)
            shutil.rmtree(floor_b, ignore_errors=True)
    if serve:
        from serve_edit import time_serve_edit

        result["serve_edit"] = time_serve_edit(project, "paper-000123")
    shutil.rmtree(project, ignore_errors=True)
    return result


def search_figures(site: Path) -> list[dict] | str:
    """Time to the first result and bytes fetched on the search page, in headless Chromium."""
    if not Path("/usr/bin/chromium").exists():
        return "not measured (no Chromium)"
    import search

    try:
        # a word in nearly every generated abstract (Pagefind's worst case), and a title's number
        # (one paper)
        return search.measure(site, ["memory", "1234"])
    except Exception as err:  # noqa: BLE001 - a benchmark reports what failed rather than stopping
        return f"failed: {err}"


def search_rows(r: dict) -> list[str]:
    if "pagefind" not in r:
        return []
    rows = [f"| Pagefind index of the paper pages | {fmt(r['pagefind'])}, "
            f"{r['pagefind_bytes'] / 1e6:.1f} MB | |"]
    if isinstance(r["search"], str):
        return rows + [f"| search page: first result | {r['search']} | ≤ 300 ms, < 500 KB |"]
    *queries, drawn = r["search"]
    rows.append(f"| map page: {drawn['dots']:,} dots drawn after opening it; one pointer move "
                f"| {drawn['drawn_ms']:.0f} ms; {drawn['hover_ms']:.2f} ms | responsive |")
    for q in queries:
        if q.get("direct"):
            rows.append(f"| opening `/search/?q={q['word']}` (the header box): first result "
                        f"| {q['first_ms']:.0f} ms after navigation began; {q['kb']:.0f} KB "
                        f"fetched by then, theme included, nothing cached | ≤ 300 ms, < 500 KB |")
            continue
        rows.append(f"| search page, query {q['word']!r}: first result | {q['first_ms']:.0f} ms; "
                    f"{q['query_kb']:.0f} KB fetched for the query, {q['load_kb']:.0f} KB "
                    f"loading the page (theme included) | ≤ 300 ms, < 500 KB |")
    return rows


def fmt(run: Run | None) -> str:
    if run is None:
        return "not run"
    if not run.ok:
        return f"failed ({run.output.splitlines()[0] if run.output else ''})"
    return f"{run.wall:.2f} s (CPU {run.cpu:.2f} s, peak {run.rss_mb:.0f} MB)"


def ratio(a: Run | None, b: Run | None) -> str:
    if not a or not b or not a.ok or not b.ok:
        return "n/a"
    return f"{a.wall / b.wall:.2f}×"


def report(results: list[dict], command: str) -> str:
    packages = ", ".join(f"{p} {version(p)}"
                         for p in ("mkdocs", "mkdocs-material", "pyyaml", "jinja2"))
    lines = ["# Benchmarks", "", f"Measured with `{command}` on {os.cpu_count()} cores, "
             f"{_memory_gb():.0f} GB of memory, Python {platform.python_version()}, "
             + packages + ".",
             "Each figure is one run of a child process: wall time, its CPU time and its peak "
             "memory. All figures of a column come from the same run, on the same files.", ""]
    for r in results:
        lines += [f"## {r['count']:,} papers", "",
                  f"{r['pages']:,} generated files, {r['md_bytes'] / 1e6:.1f} MB of Markdown.", "",
                  "| what | measured | target |", "|---|---|---|",
                  f"| cold `python -m generator build` | {fmt(r['cold'])} | |",
                  "| floor A (read + libyaml parse + write as many bytes in as many files) "
                  f"| {fmt(r['floor_a'])} | |",
                  f"| cold build vs floor A | {ratio(r['cold'], r['floor_a'])} | ≤ 1.5× |",
                  f"| no-op rebuild | {fmt(r['noop'])} | ≤ 0.5 s at 10k, ≤ 2 s at 100k |",
                  f"| one record's abstract edited | {fmt(r['edit_abstract'])} | ≤ 0.5 s at 10k |",
                  "| one record's title edited (moves it in sorted lists) "
                  f"| {fmt(r['edit_title'])} | ≤ 0.5 s at 10k |"]
        if "mkdocs" in r:
            lines += [f"| `mkdocs build` (search index measured below) | {fmt(r['mkdocs'])} | |",
                      "| floor B (MkDocs + Material, same number and sizes of plain pages) "
                      f"| {fmt(r.get('floor_b'))} | |",
                      f"| `mkdocs build` vs floor B | {ratio(r['mkdocs'], r.get('floor_b'))} "
                      "| ≤ 1.2× |"]
            if r["mkdocs"].ok and r.get("floor_b") and r["floor_b"].ok:
                memory = r["mkdocs"].rss_mb / r["floor_b"].rss_mb
                lines.append(f"| peak memory vs floor B | {memory:.2f}× | ≤ 1.5× |")
            if "largest_html" in r:
                lines += [f"| largest HTML page | {r['largest_html'] / 1e3:.0f} KB | ≤ 300 KB |",
                          "| MkDocs' own search index (replaced by Pagefind) "
                          f"| {r['search_index'] / 1e6:.1f} MB | ≤ 25 MB at 10k |",
                          f"| whole site | {r['site_bytes'] / 1e6:.0f} MB | |"]
        lines += search_rows(r)
        if "serve_edit" in r:
            lines.append("| `mkdocs serve --dirty`: saved edit shown in the open page "
                         f"| {r['serve_edit']} | ≤ 3 s at 10k |")
        lines.append("")
    return "\n".join(lines)


def _memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9


def main() -> None:
    if "--incremental-site" in sys.argv:  # `make site` from the last build's output instead
        import incremental_site

        incremental_site.main([a for a in sys.argv[1:] if a != "--incremental-site"])
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--mkdocs-timeout", type=float, default=1800,
                        help="seconds for each mkdocs build; 0 skips them")
    parser.add_argument("--serve", action="store_true",
                        help="also time a saved edit under mkdocs serve --dirty")
    parser.add_argument("--no-floor-b", dest="floor_b", action="store_false",
                        help="skip floor B "
                             "(it takes about as long as the mkdocs build it is compared with)")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--against", metavar="REV",
                        help="instead: this tree's generator and REV's, interleaved "
                             "(bench/compare.py)")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds of each")
    args = parser.parse_args()
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    if args.against:
        import compare

        for count in args.sizes:
            compare.compare(count, args.against, args.rounds, args.out, args.work, command)
        return
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        results = [bench_size(n, Path(tmp), args.mkdocs_timeout, args.serve, args.floor_b)
                   for n in args.sizes]
    text = report(results, command)
    args.out.write_text(text, "utf-8")
    print(text)
    failed = [k for r in results for k, v in r.items()
              if isinstance(v, Run) and not v.ok and k not in ("mkdocs", "floor_b")]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
