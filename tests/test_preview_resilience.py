"""`mkdocs serve` survives broken data: it prints the problems, keeps serving the last good
pages, and shows the fixed data on the next save. Twenty cycles, every wait bounded."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from generated import make_collection
from httpserve import free_port
from sitetools import copy_project, mkdocs_env

pytestmark = pytest.mark.slow

CYCLES = 20
STEP_SECONDS = 30
TOTAL_SECONDS = 600


class Server:
    def __init__(self, project):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{self.port}"],
            cwd=project, env=mkdocs_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except OSError as err:
            return getattr(err, "code", 0) or 0, ""

    def wait_until(self, check, what: str, seconds: float = STEP_SECONDS):
        """Poll check() at most every 0.25 s for at most `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.25)
        raise AssertionError(f"{what} within {seconds} s; server said:\n" + "\n".join(self.lines[-30:]))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def test_broken_record_keeps_last_good_site_then_fix_shows(tmp_path):
    data = make_collection(tmp_path / "generated", 12) / "data"
    project = copy_project(tmp_path / "project", data=data)
    record = project / "data" / "papers" / "paper-00003.yml"
    good = record.read_text("utf-8")
    server = Server(project)
    start = time.monotonic()
    try:
        server.wait_until(lambda: server.get("/papers/paper-00003/")[0] == 200, "the first build was not served", 120)
        for cycle in range(CYCLES):
            reported = sum("problem(s) in the data" in line for line in server.lines)
            record.write_text(good + f"notes: [broken {cycle}]\n", "utf-8")
            server.wait_until(lambda reported=reported: sum("problem(s) in the data" in line for line in server.lines) > reported,
                              f"cycle {cycle}: the problem was not reported")
            assert any("paper-00003.yml" in line and "notes: expected non-empty Markdown text, got a list" in line for line in server.lines[-5:])
            status, body = server.get("/papers/paper-00003/")
            assert status == 200 and ("Fixed in cycle" in body if cycle else True)
            title = f"Fixed in cycle {cycle}"
            record.write_text(good.replace("title: ", f"title: {title} ", 1), "utf-8")
            server.wait_until(lambda title=title: title in server.get("/papers/paper-00003/")[1], f"cycle {cycle}: the fix was not shown")
        assert server.process.poll() is None
        assert time.monotonic() - start < TOTAL_SECONDS
    finally:
        server.stop()
