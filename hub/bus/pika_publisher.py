"""Publisher-confirm bookkeeping of the pika backend.

A caller's batch is published in one go on the IO thread; the broker then confirms each
message by delivery tag, one at a time or many at once (``multiple``), in any order. A batch
is done when every one of its tags was acked; a nack, an unroutable return or the loss of the
channel fails it. Everything here except :class:`Waiter`'s methods runs on the IO thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

from hub.bus.base import BusError, Outgoing
from hub.bus.topology import delay_exchange


class Waiter:
    """A result that one caller thread waits for and another thread provides (first wins)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.result: Any = None
        self.error: BusError | None = None

    @property
    def done(self) -> bool:
        """Whether the result (or the error) is in."""
        return self._event.is_set()

    def succeed(self, result: Any = None) -> bool:
        """Provide the result; False when the waiter was already done."""
        return self._finish(result, None)

    def fail(self, error: BusError) -> bool:
        """Provide the error; False when the waiter was already done."""
        return self._finish(None, error)

    def settle(self, result: Any, error: BusError | None) -> None:
        """Provide the error if there is one, else the result (a completion callback)."""
        self._finish(None if error else result, error)

    def _finish(self, result: Any, error: BusError | None) -> bool:
        with self._lock:
            if self._event.is_set():
                return False
            self.result, self.error = result, error
            self._event.set()
            return True

    def wait(self, timeout: float, timeout_error: BusError) -> Any:
        """The result; raises the error, or ``timeout_error`` after ``timeout`` seconds."""
        if not self._event.wait(max(timeout, 0.0)):
            self.fail(timeout_error)
        if self.error is not None:
            raise self.error
        return self.result


class PublishBatch(Waiter):
    """The messages of one ``publish`` call, done when the broker confirmed them all."""

    def __init__(self, messages: Sequence[Outgoing]) -> None:
        super().__init__()
        self.messages = messages
        self.sent = 0
        """How many were handed to the channel (0: none; safe to retry as is)."""
        self.unconfirmed = 0


class Confirms:
    """Delivery tags of one confirm-mode channel and the batches they belong to."""

    def __init__(self) -> None:
        self._next_tag = 1
        self._batches: dict[int, PublishBatch] = {}
        # Tags in publishing order, for acks with multiple=True; tags already settled one by
        # one are skipped lazily.
        self._order: deque[int] = deque()

    def __len__(self) -> int:
        return len(self._batches)

    def sent(self, batch: PublishBatch) -> None:
        """Record that the next message of ``batch`` went out on the channel."""
        tag = self._next_tag
        self._next_tag += 1
        self._batches[tag] = batch
        self._order.append(tag)
        batch.sent += 1
        batch.unconfirmed += 1

    def settle(self, tag: int, multiple: bool, error: BusError | None) -> None:
        """Apply a broker ack (``error`` None) or nack to ``tag`` (and below if multiple)."""
        if multiple:
            while self._order and self._order[0] <= tag:
                self._settle_one(self._order.popleft(), error)
        else:
            self._settle_one(tag, error)
        while self._order and self._order[0] not in self._batches:
            self._order.popleft()

    def _settle_one(self, tag: int, error: BusError | None) -> None:
        batch = self._batches.pop(tag, None)
        if batch is None:
            return
        batch.unconfirmed -= 1
        if error is not None:
            batch.fail(error)
        elif batch.unconfirmed == 0 and batch.sent == len(batch.messages):
            batch.succeed()

    def returned(self, exchange: str, routing_key: str, message_id: str | None,
                 error: BusError) -> None:
        """Fail the batch of a message the broker returned as unroutable.

        A return carries no delivery tag, but it always precedes the message's confirm, so
        the message is among the unconfirmed ones; returns are rare, so a scan will do.
        """
        for batch in dict.fromkeys(self._batches.values()):
            for m in batch.messages:
                if m.message_id == message_id and _route(m) == (exchange, routing_key):
                    batch.fail(error)
                    return

    def fail_all(self, error: BusError) -> None:
        """The channel is gone: nothing unconfirmed will ever be confirmed."""
        for batch in dict.fromkeys(self._batches.values()):
            batch.fail(error)
        self._batches.clear()
        self._order.clear()


def _route(m: Outgoing) -> tuple[str, str]:
    return (delay_exchange(m.delay) if m.delay > 0 else "", m.queue)
