"""Progress of long builds: a bar on a terminal (tqdm), a few plain lines elsewhere (CI logs)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

SHOW_AFTER = 2000  # stages with fewer items pass silently
PLAIN_LINES = 4  # lines per stage when not on a terminal


class Progress:
    """Does nothing: the library default. The CLI and the MkDocs plugin pass a real one."""

    def stage(self, name: str, total: int = 0) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


NO_PROGRESS = Progress()


class ConsoleProgress(Progress):
    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.bar = None
        self.name, self.total, self.done, self.next_line = "", 0, 0, 0

    def stage(self, name: str, total: int = 0) -> None:
        self.close()
        self.name, self.total, self.done = name, total, 0
        if total < SHOW_AFTER:
            return
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=name, unit=" items", file=self.stream, leave=False,
                            mininterval=0.2)
        else:
            self.next_line = total // PLAIN_LINES
            self.started = time.perf_counter()
            print(f"papers: {name}: 0 of {total}", file=self.stream, flush=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.total >= SHOW_AFTER and self.done >= self.next_line:
            self.next_line += max(1, self.total // PLAIN_LINES)
            seconds = time.perf_counter() - self.started
            print(f"papers: {self.name}: {self.done} of {self.total} ({seconds:.1f} s)",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
