"""A second process for the heavy half of a big build, on machines with a second core.

The build forks once it has checked everything and planned every page: the child inherits all
of that in memory, renders its half of the pages, and writes them only when told that both
halves rendered without a problem, so a failing template still leaves docs/ untouched. Fork is
used only in a single-threaded process (never under `mkdocs serve`, whose server runs threads).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator

from .problems import DataError

MIN_PAGES = 4000  # below this, forking costs more than it saves


def parallel_worth_it(pages: int) -> bool:
    return (pages >= MIN_PAGES and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")
            and threading.active_count() == 1 and os.environ.get("PAPERSITE_WORKERS") != "1")


def failure(err: BaseException) -> tuple[str, object]:
    """How a child tells the parent what went wrong, the same for every kind of helper: problems
    in the data, an operating-system error (an unreadable file, a full disk), or a bug."""
    if isinstance(err, DataError):
        return "problems", err.problems
    if isinstance(err, OSError):  # told as it would be without the child: file and reason
        return "os", (err.errno, err.strerror, err.filename)
    return "bug", "".join(traceback.format_exception(err))


def raise_failure(kind: str, detail) -> None:
    """In the parent: the child's failure raised as the build would have raised it itself."""
    if kind == "problems":
        raise DataError(detail)
    if kind == "os":
        raise OSError(*detail)
    raise RuntimeError(f"the build failed:\n{detail}")


def _load(reader):
    """The next value a forked process sent; an error, not a hang, when it ended before sending it
    whole."""
    try:
        return pickle.load(reader)
    except (EOFError, pickle.UnpicklingError):
        raise RuntimeError("the helper process ended unexpectedly") from None


class Ahead:
    """The values a generator yields, made by a forked child while this process goes on (when
    `fork`), else made here when asked. `take()` gives the next one; a DataError in the child is
    raised again by `take()`. Use as a context manager: leaving it stops a child that is not done
    (its values unread)."""

    def __init__(self, produce: Callable[[], Iterator], fork: bool):
        self.pid = self._fork(produce) if fork else None
        self.values = produce() if self.pid is None else None

    def _fork(self, produce) -> int | None:
        """The child's pid, or None when no process could be made (the work is then done here)."""
        read, write = os.pipe()
        # Ctrl-C ends the child at once: a KeyboardInterrupt raised in it would unwind into the
        # parent's code (closing the cache, releasing the project lock the two share). Blocked until
        # it is set so.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            pid = None
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if pid == 0:
            os.close(read)
            self._child(produce, os.fdopen(write, "wb"))
        os.close(write)
        if pid is None:
            os.close(read)
            return None
        self.reader = os.fdopen(read, "rb")
        return pid

    @staticmethod
    def _child(produce, writer) -> None:
        try:
            try:
                for value in produce():
                    pickle.dump(("ok", value), writer, protocol=pickle.HIGHEST_PROTOCOL)
                    writer.flush()  # the first values are often all the parent needs
            except BaseException as err:  # noqa: BLE001 - reported by the parent
                pickle.dump(failure(err), writer)
            writer.flush()
        except OSError:
            pass  # the parent stopped reading: it needs nothing more
        finally:
            # nothing of the parent's (atexit, buffers, the cache connection) runs twice
            os._exit(0)

    def take(self):
        if self.pid is None:
            return next(self.values)
        kind, value = _load(self.reader)
        if kind != "ok":
            raise_failure(kind, value)
        return value

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.pid is not None:
            self.reader.close()
            os.kill(self.pid, signal.SIGKILL)  # done or not, nothing more of it is read
            os.waitpid(self.pid, 0)
            self.pid = None


def threads() -> int:
    """Threads (or processes) for work shared out on cores: the cores this process may use, at most
    four; one when asked."""
    if os.environ.get("PAPERSITE_WORKERS") == "1":
        return 1
    if hasattr(os, "sched_getaffinity"):
        return max(1, min(4, len(os.sched_getaffinity(0))))
    return max(1, min(4, os.cpu_count() or 1))


class Helper:
    """`with Helper() as h:` forks; in the child `h.is_child` is true and the process ends when
    the block does. Both sides call `run(step)`; the results meet through pipes."""

    def __enter__(self):
        self.up_read, self.up_write = os.pipe()  # child -> parent
        self.down_read, self.down_write = os.pipe()  # parent -> child
        self.pid = os.fork()
        self.is_child = self.pid == 0
        # Results are pickled straight into the pipe and read back from it frame by frame: a whole
        # pickle in memory (a 100,000-paper build's half of the exports' cached pieces is about 200
        # MB) would double it in the parent.
        if self.is_child:
            os.close(self.up_read)
            os.close(self.down_write)
            self.writer = os.fdopen(self.up_write, "wb")
        else:
            os.close(self.up_write)
            os.close(self.down_read)
            self.reader = os.fdopen(self.up_read, "rb")
        return self

    def __exit__(self, kind, value, tb):
        if self.is_child:
            # nothing of the parent's (atexit, buffers, the cache connection) runs twice
            os._exit(0)
        self.reader.close()
        os.close(self.down_write)
        os.waitpid(self.pid, 0)
        return False

    # both sides --------------------------------------------------------------------------------
    def run(self, step):
        """Run step on this side; both sides learn whether both succeeded (if not, the parent
        raises)."""
        try:
            result, failed = step(), None
        except BaseException as err:  # noqa: BLE001 - the child's is raised again by the parent
            result, failed = None, failure(err)
        if self.is_child:
            self.send(failed)
            return result
        theirs = self.receive()
        if failed or theirs:
            self._tell(False)
            raise_failure(*(failed or theirs))
        self._tell(True)
        return result

    def answer(self, step) -> None:
        """In the child: send ("ok", step()), or how step failed."""
        try:
            value = ("ok", step())
        except BaseException as err:  # noqa: BLE001 - reported by the parent
            value = failure(err)
        self.send(value)

    def answered(self):
        """In the parent: the value the child's `answer` sent, or its failure raised."""
        kind, value = self.receive()
        if kind != "ok":
            raise_failure(kind, value)
        return value

    def go(self) -> bool:
        """In the child: whether to write (both halves rendered)."""
        with os.fdopen(os.dup(self.down_read), "rb") as pipe:
            return pickle.load(pipe)

    def send(self, value) -> None:
        pickle.dump(value, self.writer, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.flush()

    def receive(self):
        return _load(self.reader)

    def _tell(self, value: bool) -> None:
        os.write(self.down_write, pickle.dumps(value))


def split_map(items: list, step) -> list:
    """[step(item) for item in items], the odd ones done by a forked helper when worth it."""
    if not parallel_worth_it(len(items) * 2):  # a file is worth about two pages
        return [step(item) for item in items]
    with Helper() as helper:
        if helper.is_child:
            helper.answer(lambda: [step(item) for item in items[1::2]])
            return []  # never reached: the helper ends the child process
        mine = [step(item) for item in items[0::2]]
        theirs = helper.answered()
    merged = [None] * len(items)
    merged[0::2], merged[1::2] = mine, theirs
    return merged
