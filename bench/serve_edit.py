"""Time from saving a record to seeing the change in the open page under `mkdocs serve`.

    python bench/serve_edit.py PROJECT PAPER_ID [--full]

Starts `mkdocs serve --dirty` (or a plain serve with --full) on a free loopback port, opens the
paper's page in headless Chromium, waits for the first build, then edits the record's title and
measures until the page shows it (live reload), then until the build that follows the one that
brought related papers and the map up to date has ended (when the plugin defers them). Every
wait is bounded.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
STARTUP_SECONDS = 1800
EDIT_SECONDS = 300
RELATED_DONE = "related papers and the map brought up to date"
BUILT = "Documentation built"
QUIET_SECONDS = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def time_serve_edit(project: Path, paper_id: str, dirty: bool = True,
                    keep_log: Path | None = None) -> str:
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload",
               "--dev-addr", f"127.0.0.1:{port}"] + (["--dirty"] if dirty else [])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = tempfile.NamedTemporaryFile("w+", prefix="serve-edit-", suffix=".log")
    server = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/papers/{paper_id}/"
    try:
        started = time.monotonic()
        wait_for(url, STARTUP_SECONDS)
        first_build = time.monotonic() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            time.sleep(3)  # let the watcher settle after the first build
            record = project / "data" / "papers" / f"{paper_id}.yml"
            text = record.read_text("utf-8")
            # new each run: a project measured before must not show it already
            mark = f"Seen live {time.time_ns()}"
            builds = _read(log).count(BUILT)
            saved = time.monotonic()
            record.write_text(text.replace("title: ", f"title: {mark} ", 1), "utf-8")
            try:
                shows_mark = ("mark => (document.querySelector('article h1')?.innerText || '')"
                              ".includes(mark)")
                page.wait_for_function(shows_mark, arg=mark, timeout=EDIT_SECONDS * 1000)
                shown = time.monotonic() - saved
                caught_up = _related_caught_up(log, builds, saved)
            finally:
                record.write_text(text, "utf-8")
            browser.close()
        return f"{shown:.1f} s (first build {first_build:.0f} s){caught_up}"
    except Exception as err:  # noqa: BLE001 - a benchmark reports what happened
        return f"not measured: {type(err).__name__}: {str(err).splitlines()[0][:200]}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if keep_log is not None:
            keep_log.write_text(_read(log), "utf-8")
        log.close()


def _read(log) -> str:
    log.flush()
    return Path(log.name).read_text("utf-8", "replace")


def _related_caught_up(log, builds: int, saved: float) -> str:
    """When the plugin defers related papers and the map: the time from the save to the end of
    the build that shows them (the edit's build, then the one their update wakes). Nothing when
    none is told within QUIET_SECONDS of the edit's build (a plugin that does not defer them)."""
    deadline, edit_built = saved + EDIT_SECONDS, None
    while time.monotonic() < deadline:
        text = _read(log)
        if RELATED_DONE in text and text.count(BUILT) >= builds + 2:
            return f"; related papers and the map {time.monotonic() - saved:.1f} s"
        if edit_built is None and text.count(BUILT) > builds:
            edit_built = time.monotonic()
        quiet = edit_built is not None and time.monotonic() > edit_built + QUIET_SECONDS
        if quiet and RELATED_DONE not in text:
            return ""
        time.sleep(0.1)
    return "; related papers and the map not shown within the wait"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", type=Path)
    parser.add_argument("paper_id")
    parser.add_argument("--full", action="store_true", help="a plain serve instead of --dirty")
    parser.add_argument("--log", type=Path, help="keep the server's output in this file")
    args = parser.parse_args()
    print(time_serve_edit(args.project, args.paper_id, dirty=not args.full, keep_log=args.log))
