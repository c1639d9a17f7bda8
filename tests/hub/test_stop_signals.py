"""A process told to stop while its components start stops gracefully, not by the signal.

`omshub up`, `run` and `sim` put the handlers in place before anything starts (CI once
killed a simulator whose SIGTERM came after it was listening but before it waited).
"""

from __future__ import annotations

import os
import signal

from hub.runtime import stop_signals


def test_a_signal_before_the_wait_is_kept_for_it():
    before = signal.getsignal(signal.SIGTERM)
    with stop_signals() as stop:
        # Still starting: nobody waits yet. Under the default handler this kills pytest.
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(10), "the signal is remembered for the wait"
    assert signal.getsignal(signal.SIGTERM) is before, "the previous handler is back"


def test_an_interrupt_stops_too():
    with stop_signals() as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.wait(10)
