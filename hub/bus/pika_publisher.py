"""Publishing of the pika backend: the publisher channel and its confirm bookkeeping.

A caller's batch is published in one go on the IO thread; the broker then confirms each
message by delivery tag, one at a time or many at once (``multiple``), in any order. A batch
is done when every one of its tags was acked; a nack, an unroutable return or the loss of the
channel fails it. Everything here except :class:`Waiter`'s methods runs on the IO thread.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import pika
from pika.adapters.select_connection import SelectConnection
from pika.channel import Channel
from pika.spec import Basic

from hub.bus import topology
from hub.bus.base import BusError, Outgoing, PublishError

CHUNK = 500
"""Messages published per IO-loop turn, so that big batches let confirms and deliveries in."""


class CoalescingConnection(SelectConnection):  # type: ignore[misc]  # pika is untyped here
    """A ``SelectConnection`` that can write many published messages in one piece.

    pika hands every frame (method, header, body: three per message) to the socket as a
    write of its own, a system call each; that was the largest single cost of a publish.
    Between :meth:`hold` and :meth:`flush` frames are gathered and written joined instead.
    pika marshals all frames of a message before it outputs any, so a message is never
    split by an error; ``bytes_sent`` (heartbeats read it) stays exact.
    """

    _held: list[bytes] | None = None
    _FLUSH_BYTES = 256 * 1024

    def hold(self) -> None:
        """Gather output frames until :meth:`flush`."""
        self._held = []

    def flush(self) -> None:
        """Write what was gathered, joined into a few large writes."""
        held, self._held = self._held, None
        if not held:
            return
        piece: list[bytes] = []
        size = 0
        for frame in held:
            piece.append(frame)
            size += len(frame)
            if size >= self._FLUSH_BYTES:
                super()._output_marshaled_frames([b"".join(piece)])
                piece, size = [], 0
        if piece:
            super()._output_marshaled_frames([b"".join(piece)])

    def _output_marshaled_frames(self, marshaled_frames: Sequence[bytes]) -> None:
        if self._held is not None:
            self._held.extend(marshaled_frames)
        else:
            super()._output_marshaled_frames(marshaled_frames)


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
    return (topology.delay_exchange(m.delay) if m.delay > 0 else "", m.queue)


class Publisher:
    """The confirm-mode publisher channel of one connection, shared by every publisher.

    ``on_ready(publisher)`` once confirms are on; ``on_closed(publisher, reason)`` when the
    channel goes (its unconfirmed batches have failed by then).
    """

    def __init__(self, conn: CoalescingConnection,
                 on_ready: Callable[[Publisher], None],
                 on_closed: Callable[[Publisher, BaseException], None]) -> None:
        self.conn = conn
        self.ready = False
        self._on_ready = on_ready
        self._on_closed = on_closed
        self._confirms = Confirms()
        self.channel: Channel = conn.channel(on_open_callback=self._opened)
        self.channel.add_on_close_callback(self._closed)

    def _opened(self, channel: Channel) -> None:
        channel.add_on_return_callback(self._returned)
        channel.confirm_delivery(self._confirmed, callback=lambda _frame: self._confirming())

    def _confirming(self) -> None:
        self.ready = True
        self._on_ready(self)

    def _closed(self, _channel: Channel, reason: BaseException) -> None:
        self.lost(reason)
        self._on_closed(self, reason)

    def lost(self, reason: BaseException) -> None:
        """The channel is gone: fail every batch still waiting for confirms."""
        self.ready = False
        self._confirms.fail_all(PublishError(f"publisher channel closed: {reason!r}"))

    def send(self, batch: PublishBatch, start: int) -> int:
        """Publish up to :data:`CHUNK` messages of ``batch`` from ``start``; the next start."""
        end = min(start + CHUNK, len(batch.messages))
        self.conn.hold()
        try:
            for m in batch.messages[start:end]:
                exchange = topology.delay_exchange(m.delay) if m.delay > 0 else ""
                props = pika.BasicProperties(
                    delivery_mode=2,
                    content_type="application/json",
                    message_id=m.message_id,
                    headers=topology.clean_headers(m.headers) or None,
                )
                self.channel.basic_publish(exchange, m.queue, m.body, props, mandatory=True)
                self._confirms.sent(batch)
        except Exception as exc:  # noqa: BLE001 - e.g. a header type AMQP cannot carry
            batch.fail(PublishError(f"publish to {batch.messages[start].queue} failed: {exc}"))
        finally:
            self.conn.flush()
        return end

    def _confirmed(self, frame: Any) -> None:
        method = frame.method
        error = None if isinstance(method, Basic.Ack) else PublishError("broker nacked")
        self._confirms.settle(method.delivery_tag, method.multiple, error)

    def _returned(self, _channel: Channel, method: Basic.Return,
                  props: pika.BasicProperties, _body: bytes) -> None:
        self._confirms.returned(method.exchange, method.routing_key, props.message_id,
                                PublishError(f"unroutable: no queue {method.routing_key!r} "
                                             f"({method.reply_text})"))
