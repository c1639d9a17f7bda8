"""Pausing the cyclic garbage collector for bulk work (hub.collector)."""

from __future__ import annotations

import gc
import threading

from hub.collector import paused


def test_the_collector_runs_again_after_the_last_of_nested_and_overlapping_pauses() -> None:
    assert gc.isenabled()
    inner_started, outer_may_end = threading.Event(), threading.Event()

    def other_thread() -> None:
        with paused():
            inner_started.set()
            outer_may_end.wait(5)
        # The first thread's pause is still on.

    with paused():
        assert not gc.isenabled()
        worker = threading.Thread(target=other_thread)
        worker.start()
        inner_started.wait(5)
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other thread still pauses it
        outer_may_end.set()
        worker.join(5)
        assert not gc.isenabled()  # and so does this block
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
