"""Test helpers for code that consumes from the bus (they ship, so plug-in tests can use them).

A :class:`Collector` is a batch handler that records what it was given and answers with the
disposition a test chooses::

    collector = Collector(lambda d: Disposition.REQUEUE if d.delivery_count == 0
                          else Disposition.ACK)
    bus.consume("my.queue", collector)
    first, again = collector.wait_for(2)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from hub.bus.base import Delivery, Disposition

T = TypeVar("T")


class Collector:
    """A batch handler that records its deliveries and answers ``decide(delivery)`` for each."""

    def __init__(self, decide: Callable[[Delivery], Disposition] | None = None,
                 delay: float = 0.0) -> None:
        self.decide = decide or (lambda _d: Disposition.ACK)
        self.delay = delay
        """Seconds each batch takes to handle (to make a consumer slow)."""
        self.batches: list[list[Delivery]] = []
        self.times: list[float] = []
        """``time.monotonic()`` at which each delivery was handed over, in order."""
        self._cond = threading.Condition()

    def __call__(self, batch: list[Delivery]) -> list[Disposition]:
        arrived = time.monotonic()
        if self.delay:
            time.sleep(self.delay)
        outcome = [self.decide(d) for d in batch]
        with self._cond:
            self.batches.append(list(batch))
            self.times.extend(arrived for _ in batch)
            self._cond.notify_all()
        return outcome

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery so far, in arrival order."""
        with self._cond:
            return [d for batch in self.batches for d in batch]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Delivery]:
        """The deliveries once there are at least ``count``; TimeoutError after ``timeout``."""
        with self._cond:
            if not self._cond.wait_for(lambda: sum(map(len, self.batches)) >= count, timeout):
                got = sum(map(len, self.batches))
                raise TimeoutError(f"expected {count} deliveries within {timeout} s, got {got}")
        return self.deliveries


def wait_until(predicate: Callable[[], T], timeout: float = 20.0, what: str = "it") -> T:
    """Poll ``predicate`` until it is truthy and return it; TimeoutError after ``timeout``.

    Brokers count asynchronously (a queue's depth lags its confirms a little), hence polling.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout} s (last: {value!r})")
        time.sleep(0.05)
