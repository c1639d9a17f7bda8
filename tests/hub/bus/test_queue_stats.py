"""What every backend tells about a queue: ready, consumers, unacknowledged (or why not)."""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING

from hub.bus import Delivery, Disposition, Outgoing, QueueStats, Unknown
from hub.bus.testing import wait_until

if TYPE_CHECKING:
    from tests.hub.bus.conftest import Harness


def test_a_missing_queue_has_no_stats(harness: Harness) -> None:
    assert harness.bus.queue_stats(f"missing.{uuid.uuid4().hex}") is None


def test_stats_count_ready_consumers_and_held_deliveries(harness: Harness) -> None:
    q = harness.queue()
    stats = harness.bus.queue_stats(q)
    assert stats is not None and (stats.ready, stats.consumers) == (0, 0)
    harness.bus.publish([Outgoing(q, b"{}", uuid.uuid4().hex) for _ in range(5)])
    release = threading.Event()
    started = threading.Event()

    def hold(batch: list[Delivery]) -> list[Disposition]:
        started.set()
        release.wait(20)
        return [Disposition.ACK] * len(batch)

    harness.consume(q, hold, prefetch=2, max_wait=0.05)
    try:
        assert started.wait(20)

        def settled() -> QueueStats | None:
            s = harness.bus.queue_stats(q)
            return s if s is not None and s.ready == 3 and s.consumers == 1 else None

        held = wait_until(settled, what="3 ready and 1 consumer")
        assert held is not None
        if harness.url.startswith("memory://"):
            # every consumer of the embedded broker is in this process: known exactly
            assert held.unacked == 2 and held.unknown is None
        else:
            # AMQP does not say: the console explains where the figure is to be had
            assert held.unacked is None and held.unknown is Unknown.AMQP_UNACKED
    finally:
        release.set()
    wait_until(lambda: (s := harness.bus.queue_stats(q)) is not None and s.ready == 0
               and s.unacked in (0, None), what="the queue draining")
