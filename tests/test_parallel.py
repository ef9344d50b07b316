"""The forked helper of big builds: what it sends arrives whole, without the whole pickle held in memory."""

import os
import tracemalloc

import pytest

from generator.parallel import Helper

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
