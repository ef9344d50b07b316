"""Related papers and the map, brought up to date after a preview's build.

Under `mkdocs serve` the plugin builds with `defer_discovery`: a saved edit shows as soon as the
edited page and the listings are written, with the last build's related papers and map. Then a
build of its own, in a process of its own, computes them and writes the pages they changed;
when it wrote any, it wakes MkDocs' watcher (a file in a folder of the cache that only this
writes), whose next build renders those pages and reloads the browser again.

A newer save stops a run still going, at once: a build killed at any moment leaves every file
and the cache as they were or as it meant them (tests/test_interrupted_build.py), and the next
one starts over from there. A run that fails is told in the serve log.

    python -m generator.deferred < pickled Settings

is that process: a whole build, printing what it wrote as JSON.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .problems import DataError

TRIGGER_DIR = "preview"  # under the cache folder: watched by `mkdocs serve`, written only here
TRIGGER = "related-written"


def trigger_dir(cache_dir: Path) -> Path:
    return cache_dir / TRIGGER_DIR


class DeferredDiscovery:
    """One background run at a time; `stop` ends it and makes sure its end is not acted on."""

    def __init__(self, report: Callable[[str], None]):
        self.report = report  # a line for the serve log
        self.process: subprocess.Popen | None = None
        self.run_number = 0
        self.lock = threading.Lock()

    def start(self, settings, otherwise: Callable[[], None] = lambda: None) -> None:
        """otherwise: called when the run ends without waking the watcher (it failed, or wrote
        nothing), so that what the woken build would have started (the search index) starts."""
        self.stop()
        try:  # a session of its own, so that stopping it stops its forked helpers too
            process = subprocess.Popen(
                [sys.executable, "-m", "generator.deferred"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as err:
            self.report(f"{FAILED}: {err.strerror or err}")
            otherwise()
            return
        with self.lock:
            self.process = process
            number = self.run_number
        waiter = threading.Thread(target=self._wait, args=(process, number, settings, otherwise),
                                  name="papers-related", daemon=True)
        waiter.start()

    def _wait(self, process: subprocess.Popen, number: int, settings, otherwise) -> None:
        try:
            out, err = process.communicate(pickle.dumps(settings))
        except OSError as error:  # the process ended before reading what it is given
            out, err = b"", str(error).encode()
        with self.lock:
            if number != self.run_number:
                return  # stopped by a newer build, which starts its own run if need be
            self.process = None
            if process.returncode != 0:
                self.report(f"{FAILED}: {_last_lines(err)}")
                otherwise()
                return
            written = json.loads(out or b"{}").get("written", 0)
            if not written:
                otherwise()
                return
            self.report(f"papers: related papers and the map brought up to date "
                        f"({written} generated files); reloading")
            _wake_watcher(trigger_dir(settings.cache_dir))

    def stop(self) -> None:
        with self.lock:
            self.run_number += 1
            process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # Not SIGTERM: Python would act on it only after the NumPy step under way, and at
        # 100,000 papers the map's layout alone takes seconds, which the new save would wait.
        _signal_group(process, signal.SIGKILL)
        process.wait()


FAILED = "papers: related papers and the map could not be brought up to date"


def _last_lines(err: bytes) -> str:
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return " / ".join(lines[-5:]) or "the build stopped without saying why"


def _wake_watcher(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / TRIGGER
    path.write_text(str(os.getpid()), "utf-8")


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def main() -> int:
    from .build import generate

    settings = pickle.load(sys.stdin.buffer)  # from the plugin that started this process
    try:
        result = generate(settings)
    except DataError as err:
        print("\n".join(map(str, err.problems)), file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 1
    report = result.report
    print(json.dumps({"written": len(report.written) + len(report.removed)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
