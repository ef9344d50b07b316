"""Time the related-papers and map computations (generator/similarity.py) on N generated papers.

    python bench/discovery.py [--synthetic] N [N ...]

Each N runs in a fresh Python process, so the peak resident memory reported for it is its own.
Papers come from tests/generated.py, or with --synthetic from bench/synthetic.py (the collections
of bench/run.py); written to a temporary directory and read back, untimed.
Peak RSS is the process's high-water mark after each step: it only grows, so a step that adds
nothing to it needed less than the steps before.

Mind that generated abstracts draw on a vocabulary of about twenty words, so every paper
resembles every other one: the similarity blocks are dense and no term is rare. That is the
costliest case for `related`; real abstracts share far fewer terms.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def generated_texts(count: int, synthetic: bool) -> list[tuple[str, str]]:
    import yaml
    from generated import make_collection
    from synthetic import make

    from generator.cachecodec import paper_text

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as tmp:
        make(Path(tmp), count) if synthetic else make_collection(Path(tmp), count)
        papers = []
        for path in sorted((Path(tmp) / "data" / "papers").glob("*.yml")):
            value = yaml.load(path.read_text("utf-8"), Loader=loader)
            if isinstance(value, list):  # a list file of bench/synthetic.py
                papers += [(record["id"], paper_text(record)) for record in value]
            else:
                papers.append((path.stem, paper_text(value)))
        return papers


def measure(count: int, synthetic: bool) -> list[dict]:
    """Runs in the child process: one row per step."""
    from generator.maplayout import layout
    from generator.similarity import related, tfidf

    start = time.perf_counter()
    papers = generated_texts(count, synthetic)
    ids, texts = [paper for paper, _ in papers], [text for _, text in papers]
    rows = [{"step": "generate + read (untimed)", "seconds": time.perf_counter() - start,
             "peak": peak_mb(), "note": ""}]

    def step(name, func):
        start = time.perf_counter()
        result = func()
        rows.append({"step": name, "seconds": time.perf_counter() - start,
                     "peak": peak_mb(), "note": ""})
        return result

    matrix = step("tfidf", lambda: tfidf(texts))
    rows[-1]["note"] = f"{matrix.nnz / max(count, 1):.0f} terms per paper"
    lists = step("related (k=5)", lambda: related(ids, matrix))
    rows[-1]["note"] = f"{sum(map(len, lists.values())) / max(count, 1):.2f} related per paper"
    step("layout", lambda: layout(ids, matrix))
    return rows


def table(results: dict[int, list[dict]]) -> str:
    lines = ["| papers | step | wall time (s) | peak RSS so far (MB) | note |",
             "|---:|---|---:|---:|---|"]
    for count, rows in results.items():
        lines += [f"| {count:,} | {row['step']} | {row['seconds']:.2f} | {row['peak']:.0f} "
                  f"| {row['note']} |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(measure(int(sys.argv[2]), sys.argv[3:] == ["--synthetic"])))
        return
    synthetic = "--synthetic" in sys.argv[1:]
    counts = [int(arg) for arg in sys.argv[1:] if arg != "--synthetic"]
    if not counts:
        sys.exit(__doc__)
    results = {}
    for count in counts:
        print(f"{count} papers...", file=sys.stderr, flush=True)
        flags = ["--synthetic"] * synthetic
        child = subprocess.run([sys.executable, __file__, "--child", str(count), *flags],
                               capture_output=True, text=True)
        if child.returncode:
            sys.exit(child.stderr)
        results[count] = json.loads(child.stdout)
    print(table(results))


if __name__ == "__main__":
    main()
