"""Time loading N generated records: the project's libyaml loader against yaml.safe_load.

    python bench/load_records.py [N]      (default 10000)

Both runs read the same files in the same process, so the ratio is what to compare;
absolute times depend on the machine and its load.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from generated import make_collection  # noqa: E402

from generator.collection import load_collection  # noqa: E402


def timed(label: str, func) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    print(f"{label:<42} {seconds:7.2f} s", flush=True)
    return seconds


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"generating {count} records...", flush=True)
        make_collection(root, count)
        files = sorted((root / "data" / "papers").glob("*.yml"))
        ours = timed("load + validate (libyaml composer)",
                     lambda: load_collection(root / "data", root))
        parse_only = timed("parse only, yaml.load CSafeLoader",
                           lambda: [yaml.load(f.read_text("utf-8"), Loader=yaml.CSafeLoader)
                                    for f in files])
        pure = timed("parse only, yaml.safe_load (pure Python)",
                     lambda: [yaml.safe_load(f.read_text("utf-8")) for f in files])
        print(f"safe_load / ours: {pure / ours:.1f}x   "
              f"safe_load / CSafeLoader: {pure / parse_only:.1f}x")


if __name__ == "__main__":
    main()
