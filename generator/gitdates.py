"""The day each record file first entered the git history. A record without `added` is listed in
the feeds and under "recently added" by that day; it is never written into the record."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

STATUS = re.compile(r"[A-Z][0-9]*")
SHALLOW_NOTE = ("the git history is shallow (a clone with a depth), so record files are not dated "
                "by the commit that added them; clone with the full history "
                "(`fetch-depth: 0` in GitHub Actions)")


def _git(root: Path, *args: str) -> str | None:
    """git's output in root, or None when it fails (no git, not a repository, no commit yet)."""
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def history_key(root: Path) -> str | None:
    """HEAD's commit id and whether the clone is shallow: the dates depend on nothing else.
    None outside a git repository. One quick call, so a build that changes nothing stays fast."""
    out = _git(root, "rev-parse", "--is-shallow-repository", "HEAD")
    lines = out.split() if out else []
    return " ".join(lines) if len(lines) == 2 else None


def is_shallow(key: str | None) -> bool:
    return key is not None and key.startswith("true ")


def first_added(root: Path, folder: str) -> dict[str, str]:
    """Path (relative to root, under folder) -> UTC day (YYYY-MM-DD) of the commit that first
    added it, oldest parents first; a file renamed keeps the day its old name was added. Files
    not committed yet have none."""
    out = _git(root, "log", "--reverse", "--topo-order", "--root", "--no-show-signature",
               "--no-color", "--format=commit %ct", "-z", "--name-status", "-M", "--relative",
               "--", folder)
    days: dict[str, str] = {}
    tokens = iter((out or "").split("\0"))
    day = ""
    for token in tokens:
        token = token.strip("\n")
        if token.startswith("commit "):
            day = datetime.fromtimestamp(int(token.split()[1]), UTC).date().isoformat()
        elif STATUS.fullmatch(token):
            paths = [next(tokens, ""), next(tokens, "")] if token[0] in "RC" else [next(tokens, "")]
            if token[0] in "ARC":
                # a renamed or copied file keeps its source's day; a file added twice, the first
                since = days.get(paths[0], day) if token[0] in "RC" else day
                days[paths[-1]] = min(days.get(paths[-1], since), since)
    return days


def undated_days(papers, days: dict[str, str]) -> dict[str, str]:
    """Paper id -> the day of its file (days: from `first_added`), for papers without `added`."""
    return {p.id: days[p.origin.file] for p in papers if not p.added and p.origin.file in days}
