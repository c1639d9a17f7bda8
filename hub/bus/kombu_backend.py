"""The kombu backend: the in-process broker of the embedded default, and other transports.

``memory://`` keeps queues in this process (every component runs in it on the embedded
default). The memory transport has no TTL or dead-lettering, so this backend emulates the
two things the hub needs from them: delayed delivery (a timer) and the delivery limit
(a per-message delivery counter, then the dead-letter queue). With a real broker transport
(``kombu+amqp://``) the same code uses queue arguments instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

import kombu
from kombu import Exchange, Queue

from hub.bus.base import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    BatchHandler,
    Bus,
    Delivery,
    Disposition,
    Outgoing,
    PublishError,
    QueueSpec,
    Subscription,
)

log = logging.getLogger(__name__)

_DEFAULT_EXCHANGE = Exchange("", type="direct")


def _transport_url(url: str) -> str:
    return url[len("kombu+"):] if url.startswith("kombu+") else url


class KombuBus(Bus):
    """A :class:`Bus` over a kombu connection (thread-safe: publishing is serialised)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._target = _transport_url(url)
        self.in_memory = self._target.startswith("memory://")
        self._options: dict[str, Any] = (
            {"polling_interval": 0.002} if self.in_memory else {"confirm_publish": True}
        )
        self._conn = self._connection()
        self._lock = threading.Lock()
        self._producer = self._conn.Producer(serializer=None)
        self._specs: dict[str, QueueSpec] = {}
        self._subs: list[_KombuSubscription] = []
        self._timers: set[threading.Timer] = set()
        self._closed = False

    def _connection(self) -> kombu.Connection:
        return kombu.Connection(self._target, transport_options=dict(self._options))

    def _queue(self, spec: QueueSpec) -> Queue:
        args: dict[str, Any] = {}
        if not self.in_memory:
            args = {"x-queue-type": "quorum", "x-delivery-limit": spec.delivery_limit}
            if spec.dead_letter_exchange:
                args["x-dead-letter-exchange"] = spec.dead_letter_exchange
        return Queue(spec.name, exchange=_DEFAULT_EXCHANGE, routing_key=spec.name,
                     durable=True, queue_arguments=args or None, no_declare=False)

    def declare(self, queues: Sequence[QueueSpec]) -> None:
        dead = QueueSpec(DEAD_LETTER_QUEUE, dead_letter_exchange=None)
        with self._lock:
            channel = self._conn.default_channel
            if not self.in_memory:
                Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)(channel).declare()
            for spec in (dead, *queues):
                self._specs[spec.name] = spec
                q = self._queue(spec)(channel)
                q.declare()
                if not self.in_memory and spec.name == DEAD_LETTER_QUEUE:
                    q.bind_to(DEAD_LETTER_EXCHANGE, routing_key="")

    def spec(self, queue: str) -> QueueSpec:
        """The declared spec of ``queue`` (defaults when it was declared elsewhere)."""
        return self._specs.get(queue) or QueueSpec(queue)

    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        now = [m for m in messages if m.delay <= 0]
        for m in messages:
            if m.delay > 0:
                self._later(m)
        if not now:
            return
        try:
            with self._lock:
                for m in now:
                    self._producer.publish(
                        m.body,
                        exchange="",
                        routing_key=m.queue,
                        headers=dict(m.headers),
                        message_id=m.message_id,
                        delivery_mode=2,
                        content_type="application/json",
                        content_encoding="binary",
                        retry=False,
                        timeout=timeout,
                    )
        except Exception as exc:  # noqa: BLE001 - every transport failure means "not confirmed"
            raise PublishError(f"publish to {now[0].queue} failed: {exc}") from exc

    def _later(self, m: Outgoing) -> None:
        # Held in this process: on the embedded default the broker itself lives here too.
        def fire() -> None:
            self._timers.discard(timer)
            if not self._closed:
                try:
                    self.publish([Outgoing(m.queue, m.body, m.message_id, m.headers)])
                except Exception:
                    log.exception("delayed publish to %s failed", m.queue)

        timer = threading.Timer(m.delay, fire)
        timer.daemon = True
        self._timers.add(timer)
        timer.start()

    def consume(
        self,
        queue: str,
        handler: BatchHandler,
        *,
        prefetch: int = 200,
        max_wait: float = 0.02,
    ) -> Subscription:
        sub = _KombuSubscription(self, queue, handler, prefetch, max_wait)
        self._subs.append(sub)
        sub.start()
        return sub

    def queue_depth(self, queue: str) -> int | None:
        with self._lock:
            channel = self._conn.default_channel
            try:
                if self.in_memory:
                    if queue not in channel.queues:  # type: ignore[attr-defined]
                        return None
                    return int(channel._size(queue))  # type: ignore[attr-defined]
                ok = channel.queue_declare(queue=queue, passive=True)
                return int(ok.message_count)
            except Exception:  # noqa: BLE001
                return None

    def purge(self, queue: str) -> None:
        with self._lock:
            self._conn.default_channel.queue_purge(queue)

    def healthy(self) -> bool:
        return not self._closed and bool(self._conn.connected or self.in_memory)

    def close(self) -> None:
        self._closed = True
        for sub in list(self._subs):
            sub.cancel()
        for timer in list(self._timers):
            timer.cancel()
        with self._lock:
            self._conn.release()


class _KombuSubscription(Subscription):
    """A consumer thread: drains deliveries into batches and applies dispositions."""

    def __init__(
        self, bus: KombuBus, queue: str, handler: BatchHandler, prefetch: int, max_wait: float
    ) -> None:
        self.bus = bus
        self.queue = queue
        self.handler = handler
        self.prefetch = prefetch
        self.max_wait = max_wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"consume:{queue}", daemon=True)
        # The memory transport does not count deliveries; the delivery limit needs it.
        self._counts: dict[str, int] = {}

    def start(self) -> None:
        self._thread.start()

    def cancel(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._consume_loop()
            except Exception:
                log.exception("consumer of %s lost its connection; reconnecting", self.queue)
                time.sleep(1.0)

    def _consume_loop(self) -> None:
        conn = self.bus._connection()
        try:
            channel = conn.channel()
            channel.basic_qos(0, self.prefetch, False)
            pending: list[kombu.Message] = []
            consumer = kombu.Consumer(
                channel,
                queues=[self.bus._queue(self.bus.spec(self.queue))],
                on_message=pending.append,
                no_ack=False,
            )
            with consumer:
                while not self._stop.is_set():
                    self._fill(conn, pending)
                    if pending:
                        batch, pending[:] = list(pending), []
                        self._dispatch(batch)
        finally:
            conn.release()

    def _fill(self, conn: kombu.Connection, pending: list[kombu.Message]) -> None:
        deadline: float | None = None
        while len(pending) < self.prefetch and not self._stop.is_set():
            wait = 0.2 if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                return
            try:
                conn.drain_events(timeout=wait)
            except TimeoutError:
                if pending:
                    return
                continue
            if pending and deadline is None:
                deadline = time.monotonic() + self.max_wait

    def _dispatch(self, batch: list[kombu.Message]) -> None:
        deliveries = [self._delivery(m) for m in batch]
        limit = self.bus.spec(self.queue).delivery_limit
        live = [(m, d) for m, d in zip(batch, deliveries, strict=True)
                if not (self.bus.in_memory and d.delivery_count > limit)]
        for m, d in zip(batch, deliveries, strict=True):
            if self.bus.in_memory and d.delivery_count > limit:
                self._dead_letter(m, d, f"delivery limit {limit} exceeded")
        if not live:
            return
        try:
            outcome = list(self.handler([d for _, d in live]))
        except Exception:
            log.exception("batch handler of %s raised; requeueing the batch", self.queue)
            outcome = [Disposition.REQUEUE] * len(live)
        for (m, d), disposition in zip(live, outcome, strict=True):
            if disposition is Disposition.ACK:
                self._counts.pop(d.message_id, None)
                m.ack()
            elif disposition is Disposition.REQUEUE:
                m.requeue()
            elif self.bus.in_memory:
                self._dead_letter(m, d, "rejected by consumer")
            else:
                m.reject(requeue=False)

    def _delivery(self, m: kombu.Message) -> Delivery:
        headers = dict(m.headers or {})
        message_id = str(m.properties.get("message_id") or "")
        if self.bus.in_memory:
            count = self._counts.get(message_id, -1) + 1
            self._counts[message_id] = count
        else:
            count = int(headers.get("x-delivery-count", 0))
        return Delivery(
            queue=self.queue,
            body=m.body if isinstance(m.body, bytes) else str(m.body).encode(),
            message_id=message_id,
            headers=headers,
            redelivered=bool(m.delivery_info.get("redelivered")) or count > 0,
            delivery_count=count,
            tag=m.delivery_tag,
        )

    def _dead_letter(self, m: kombu.Message, d: Delivery, reason: str) -> None:
        headers = dict(d.headers)
        headers["x-first-death-queue"] = self.queue
        headers["x-first-death-reason"] = reason
        self.bus.publish([Outgoing(DEAD_LETTER_QUEUE, d.body, d.message_id, headers)])
        self._counts.pop(d.message_id, None)
        m.ack()
