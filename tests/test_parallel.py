"""The forked helpers of big builds: what they send arrives whole, without the whole pickle held in memory;
work done ahead by a child gives what the same work done in the process gives, errors included."""

import os
import signal
import time
import tracemalloc

import pytest

from generator.parallel import Ahead, Helper
from generator.problems import DataError, Problem

PAYLOAD = 40 << 20


def test_a_big_answer_arrives_whole_and_is_never_held_twice():
    # Many small objects, like a half build's cache rows: the pickle of them is about as big as they are.
    with Helper() as helper:
        if helper.is_child:
            helper.send([f"{n:08d}".encode() * 64 for n in range(PAYLOAD // 512)])
        else:
            tracemalloc.start()
            try:
                answer = helper.receive()
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert len(answer) == PAYLOAD // 512 and answer[12345] == b"00012345" * 64
    kept = sum(len(item) for item in answer)
    # The objects themselves (bytes plus their headers and the list) and some frames; the pickle read whole
    # first, then unpickled, would add the pickle's own size on top.
    assert peak < kept * 1.45, f"{peak / 2**20:.0f} MB at the peak for {kept / 2**20:.0f} MB of answer"


def test_a_helper_that_ends_without_answering_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="ended unexpectedly"), Helper() as helper:
        if helper.is_child:
            os._exit(0)
        helper.receive()


def test_a_helper_that_ends_half_way_through_its_answer_is_an_error():
    with pytest.raises(RuntimeError, match="ended unexpectedly"), Helper() as helper:
        if helper.is_child:
            class Half:
                def __reduce__(self):
                    helper.writer.flush()  # what was pickled so far is in the pipe
                    os._exit(0)

            helper.send(["x" * (1 << 20), Half()])
        helper.receive()


def _numbers():
    yield os.getpid()
    yield list(range(100_000))
    yield "last"


@pytest.mark.parametrize("fork", [True, False])
def test_work_done_ahead_gives_the_same_values_in_order(fork):
    with Ahead(_numbers, fork) as ahead:
        pid, numbers, last = ahead.take(), ahead.take(), ahead.take()
    assert (pid != os.getpid()) == fork  # made by a child only when forked
    assert numbers == list(range(100_000)) and last == "last"


@pytest.mark.parametrize("fork", [True, False])
def test_a_data_error_ahead_is_raised_where_its_value_is_taken(fork):
    problem = Problem("docs/papers", 0, 0, "", "is a symbolic link")

    def failing():
        yield "first"
        raise DataError([problem])

    with Ahead(failing, fork) as ahead:
        assert ahead.take() == "first"
        with pytest.raises(DataError) as caught:
            ahead.take()
    assert caught.value.problems == [problem]


def test_a_bug_ahead_is_reported_with_its_traceback():
    def broken():
        yield 1 // 0

    with Ahead(broken, True) as ahead, pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ahead.take()


def test_leaving_early_stops_a_child_that_is_not_done():
    def endless():
        while True:
            yield "x" * (1 << 20)  # fills the pipe: the child blocks until read

    started = time.monotonic()
    with Ahead(endless, True) as ahead:
        ahead.take()
        pid = ahead.pid
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize("fork", [True, False])
def test_an_os_error_ahead_is_raised_as_the_same_os_error(fork):
    def unreadable():
        raise PermissionError(13, "Permission denied", "docs/papers/locked")
        yield

    with Ahead(unreadable, fork) as ahead, pytest.raises(OSError) as caught:
        ahead.take()
    assert (caught.value.errno, caught.value.filename) == (13, "docs/papers/locked")


def test_ctrl_c_ends_the_child_at_once_and_leaves_the_parent_as_it_was():
    def handler():
        yield signal.getsignal(signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    with Ahead(handler, True) as ahead:
        assert ahead.take() == signal.SIG_DFL  # no KeyboardInterrupt to unwind into the parent's code
    assert signal.getsignal(signal.SIGINT) == before
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def test_when_no_process_can_be_made_the_work_is_done_here(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    open_before = len(os.listdir("/proc/self/fd"))
    with Ahead(_numbers, True) as ahead:
        assert ahead.take() == os.getpid() and ahead.pid is None
    assert len(os.listdir("/proc/self/fd")) == open_before  # the pipe is closed again


# A child's failure, the same for every kind of helper --------------------------------------------
def _unreadable_in_child(parent: int, name: str):
    if os.getpid() != parent:
        raise PermissionError(13, "Permission denied", name)


def test_a_helpers_os_error_is_raised_as_the_same_os_error():
    parent = os.getpid()
    with pytest.raises(OSError) as caught, Helper() as helper:
        helper.run(lambda: _unreadable_in_child(parent, "data/papers/locked.yml"))
    assert (caught.value.errno, caught.value.filename) == (13, "data/papers/locked.yml")


def test_split_maps_os_error_is_raised_as_the_same_os_error(monkeypatch):
    from generator.parallel import split_map

    monkeypatch.setattr("generator.parallel.parallel_worth_it", lambda pages: True)
    parent = os.getpid()
    with pytest.raises(OSError) as caught:
        split_map(["a", "b"], lambda item: _unreadable_in_child(parent, f"{item}.yml") or item)
    assert (caught.value.errno, caught.value.filename) == (13, "b.yml")


RECORDS = {f"p{n}.yml": f"title: Paper {n}\ntopics: [vision]\n" for n in range(4)}


def _forking(monkeypatch, *where: str) -> None:
    """Only the helpers named fork (whatever the build's size); the others do their work here."""
    for module in ("generator.parallel", "generator.build", "generator.rendering"):
        monkeypatch.setattr(f"{module}.parallel_worth_it", lambda pages, m=module: m in where)


def _clear_failure(code: int, out: str, err: str, name: str) -> None:
    """name: the file, or the start of its name."""
    assert code == 1 and err.startswith(f"error: {name}") and ": Permission denied" in err, err
    assert "Traceback" not in err and "the build failed" not in err, err


def test_a_record_unreadable_in_the_reading_child_is_a_clear_error(project, cli, monkeypatch):
    import generator.store

    root = project(RECORDS)
    _forking(monkeypatch, "generator.parallel")
    parent, parse = os.getpid(), generator.store.parse_file

    def parse_file(path, display, sha):
        _unreadable_in_child(parent, display)
        return parse(path, display, sha)

    monkeypatch.setattr(generator.store, "parse_file", parse_file)
    _clear_failure(*cli(root, "build", "--no-cache"), "data/papers/p1.yml")


def test_a_record_unreadable_in_the_rendering_child_is_a_clear_error(project, cli, monkeypatch):
    import generator.store

    root = project(RECORDS)
    assert cli(root, "build")[0] == 0
    (root / "data/papers/p1.yml").write_text("title: Paper 1\ntopics: [vision]\nabstract: New.\n")
    _forking(monkeypatch, "generator.rendering")
    parent, parse = os.getpid(), generator.store.PaperStore.parse

    def parse_again(store, path, display, sha):  # a record read again for its page, in the child
        _unreadable_in_child(parent, display)
        return parse(store, path, display, sha)

    monkeypatch.setattr(generator.store.PaperStore, "parse", parse_again)
    _clear_failure(*cli(root, "build"), "data/papers/p")


def test_a_write_error_in_the_rendering_child_is_a_clear_error(project, cli, monkeypatch):
    import generator.rendering

    root = project(RECORDS)
    _forking(monkeypatch, "generator.rendering")
    parent, write = os.getpid(), generator.rendering.write_files

    def write_files(docs, outputs):
        _unreadable_in_child(parent, "docs/papers/p1.md")
        return write(docs, outputs)

    monkeypatch.setattr(generator.rendering, "write_files", write_files)
    _clear_failure(*cli(root, "build", "--no-cache"), "docs/papers/p1.md")
