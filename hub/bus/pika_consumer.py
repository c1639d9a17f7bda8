"""A consumer of the pika backend: batches built on the IO thread, handled on a worker.

The IO thread owns the consumer's channel: it collects deliveries into a batch (up to
``prefetch``, or ``max_wait`` seconds after the batch's first delivery) and queues the batch
for the worker thread, which runs the handler and hands the dispositions back to the IO
thread to acknowledge. The broker never has more than ``prefetch`` deliveries unacknowledged
(basic.qos), so batches cannot outgrow it.

Batches are handled one after another and each settles all of its deliveries, so when a batch
is acknowledged every lower delivery tag on the channel is already settled: a run of equal
dispositions goes out as one frame with ``multiple=True``. Dispositions of deliveries from a
channel that has gone since are dropped: the broker redelivers those messages.
"""

from __future__ import annotations

import functools
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pika.channel import Channel
from pika.spec import Basic, BasicProperties

from hub.bus.base import BatchHandler, Delivery, Disposition, Subscription

if TYPE_CHECKING:
    from hub.bus.pika_backend import PikaBus

log = logging.getLogger(__name__)

_MAX_BACKOFF = 5.0


@dataclass
class _Batch:
    channel: Channel
    deliveries: list[Delivery]


class PikaSubscription(Subscription):
    """A running consumer of one queue on its own channel of the bus's connection."""

    def __init__(
        self, bus: PikaBus, queue_name: str, handler: BatchHandler, prefetch: int,
        max_wait: float, batch_size: int,
    ) -> None:
        if prefetch < 1:
            raise ValueError("prefetch must be at least 1")
        self.bus = bus
        self.queue = queue_name
        self.handler = handler
        self.prefetch = prefetch
        self.batch_size = max(1, min(batch_size, prefetch))
        self.max_wait = max_wait
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._batches: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._worker = threading.Thread(
            target=self._work, name=f"pika-consume:{queue_name}", daemon=True
        )
        # IO-thread state.
        self._channel: Channel | None = None
        self._pending: list[Delivery] = []
        self._timer: Any = None
        self._retry: Any = None
        self._backoff = 0.0

    def start(self) -> None:
        """Start the worker and subscribe as soon as the connection is up."""
        self._worker.start()
        self.bus.call_soon(self.open)

    # --- IO thread -------------------------------------------------------------------------

    def _current(self, channel: Channel) -> bool:
        return channel is self._channel

    def open(self) -> None:
        """Open the channel and subscribe (IO thread; no-op when already open or stopping)."""
        self._retry = None
        connection = self.bus.connection
        if self._stopping.is_set() or self._channel is not None or connection is None:
            return
        channel = connection.channel(on_open_callback=self._on_channel_open)
        channel.add_on_close_callback(self._on_channel_closed)
        self._channel = channel

    def _on_channel_open(self, channel: Channel) -> None:
        if not self._current(channel) or self._stopping.is_set():
            channel.close()
            return
        channel.add_on_cancel_callback(self._on_broker_cancel)
        channel.basic_qos(
            prefetch_count=self.prefetch, callback=lambda _frame: self._subscribe(channel)
        )

    def _subscribe(self, channel: Channel) -> None:
        if self._current(channel) and channel.is_open and not self._stopping.is_set():
            channel.basic_consume(self.queue, self._on_message, auto_ack=False)
            self._backoff = 0.0

    def _on_message(
        self, channel: Channel, method: Basic.Deliver, props: BasicProperties, body: bytes
    ) -> None:
        if not self._current(channel) or self._stopping.is_set():
            return  # not acknowledged: the broker requeues it with the channel
        headers = dict(props.headers or {})
        self._pending.append(Delivery(
            queue=self.queue,
            body=body,
            message_id=props.message_id or "",
            headers=headers,
            redelivered=bool(method.redelivered),
            delivery_count=int(headers.get("x-delivery-count") or 0),
            tag=method.delivery_tag,
        ))
        if len(self._pending) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = self.bus.ioloop.call_later(self.max_wait, self._flush)

    def _flush(self) -> None:
        self._cancel_timer()
        if self._pending and self._channel is not None:
            self._batches.put(_Batch(self._channel, self._pending))
        self._pending = []

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self.bus.ioloop.remove_timeout(self._timer)
            self._timer = None

    def _settle(self, batch: _Batch, outcome: Sequence[Disposition]) -> None:
        channel = batch.channel
        if not self._current(channel) or not channel.is_open:
            return  # the broker requeued them when the channel went; it redelivers them
        runs: list[tuple[Disposition, int]] = []
        for delivery, disposition in sorted(
            zip(batch.deliveries, outcome, strict=True), key=lambda pair: int(pair[0].tag)
        ):
            if runs and runs[-1][0] is disposition:
                runs[-1] = (disposition, delivery.tag)
            else:
                runs.append((disposition, delivery.tag))
        for disposition, tag in runs:
            if disposition is Disposition.ACK:
                channel.basic_ack(tag, multiple=True)
            else:
                channel.basic_nack(tag, multiple=True,
                                   requeue=disposition is Disposition.REQUEUE)

    def _on_channel_closed(self, channel: Channel, reason: BaseException) -> None:
        if not self._current(channel):
            return
        self._channel = None
        self._cancel_timer()
        self._pending = []
        if self._stopping.is_set():
            self._stopped.set()
            return
        if self.bus.connection is None or not self.bus.connection.is_open:
            return  # the bus resubscribes every consumer when it reconnects
        self._backoff = min(max(self._backoff * 2, 0.2), _MAX_BACKOFF)
        log.warning("consumer of %s lost its channel (%s); resubscribing in %.1f s",
                    self.queue, reason, self._backoff)
        self._retry = self.bus.ioloop.call_later(self._backoff, self.open)

    def _on_broker_cancel(self, _frame: Any) -> None:
        # The queue was deleted (or its leader lost): start over on a fresh channel.
        log.warning("broker cancelled the consumer of %s", self.queue)
        if self._channel is not None and self._channel.is_open:
            self._channel.close()

    def connection_lost(self) -> None:
        """The connection went (IO thread): forget the channel and what it delivered."""
        self._channel = None
        self._stop_io()
        if self._stopping.is_set():
            self._stopped.set()

    def _stop_io(self) -> None:
        self._cancel_timer()
        self._pending = []
        if self._retry is not None:
            self.bus.ioloop.remove_timeout(self._retry)
            self._retry = None

    def _close_io(self) -> None:
        self._stop_io()
        if self._channel is not None and self._channel.is_open:
            # Closing the channel requeues whatever it still has unacknowledged.
            self._channel.close()
        else:
            self._channel = None
            self._stopped.set()

    # --- worker thread ---------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            batch = self._batches.get()
            if batch is None:
                return
            if self._stopping.is_set() or not batch.channel.is_open:
                continue  # left unacknowledged: requeued by the broker with the channel
            outcome = self._handle(batch.deliveries)
            self.bus.call_soon(functools.partial(self._settle, batch, outcome))

    def _handle(self, deliveries: list[Delivery]) -> Sequence[Disposition]:
        try:
            outcome = list(self.handler(deliveries))
        except Exception:
            log.exception("batch handler of %s raised; requeueing the batch", self.queue)
            return [Disposition.REQUEUE] * len(deliveries)
        if len(outcome) != len(deliveries):
            log.error("batch handler of %s returned %d dispositions for %d deliveries; "
                      "requeueing the batch", self.queue, len(outcome), len(deliveries))
            return [Disposition.REQUEUE] * len(deliveries)
        return outcome

    # --- any thread ------------------------------------------------------------------------

    def cancel(self, timeout: float = 10.0) -> None:
        """Stop consuming: the batch in progress is finished, everything else requeued."""
        first = not self._stopping.is_set()
        self._stopping.set()
        if first:
            self.bus.call_soon(self._stop_io)
            self._batches.put(None)
        if threading.current_thread() is not self._worker:
            self._worker.join(timeout)
        # Queued after the last batch's acknowledgements, so they go out before the close.
        if not self.bus.call_soon(self._close_io):
            self._stopped.set()  # the IO loop is gone, and the channel with it
        self._stopped.wait(timeout)
        self.bus.forget(self)
