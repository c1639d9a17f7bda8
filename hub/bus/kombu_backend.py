"""The kombu backend: the in-process broker of the embedded default, and other transports.

``memory://`` keeps queues in this process (every component runs in it on the embedded
default). The memory transport has no TTL, dead-lettering or delivery counting, so this
backend emulates what the hub needs from them the way a quorum queue behaves:

* delayed delivery: a timer per message, held for the delay tier's time (as on RabbitMQ);
* the delivery count: a requeued message is put back as a copy carrying
  ``x-delivery-count`` one higher, so every consumer of the queue sees the same count;
* the delivery limit and dead-lettering: a requeue past the limit, or a reject, moves the
  message to the dead-letter queue with ``x-first-death-*`` headers;
* queue statistics: every consumer of the memory broker is in this process, so its
  consumers and their unacknowledged deliveries are counted exactly.

Publishing to a queue nobody declared is an error (as a mandatory publish is on RabbitMQ):
the memory transport would otherwise create the queue on the fly and the message would sit
there unseen. With a real broker (``kombu+amqp://``) the same queues, delay tiers and
arguments as the pika backend are declared (see :mod:`hub.bus.topology`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from kombu import connection, entity, messaging
from kombu.transport import memory

from hub.bus import tier_for, topology
from hub.bus.base import (
    DEAD_LETTER_QUEUE,
    BatchHandler,
    Bus,
    BusError,
    Delivery,
    Disposition,
    Outgoing,
    PublishError,
    QueueSpec,
    QueueStats,
    Subscription,
)
from hub.bus.management import split_url, unacked_of

log = logging.getLogger(__name__)

# kombu's constructors are untyped; through Any, strict mypy accepts calling them.
Connection: Any = connection.Connection
Consumer: Any = messaging.Consumer
Queue: Any = entity.Queue
Message = Any

# The memory broker is one per process, so what was declared on it is too.
_MEMORY_SPECS: dict[str, QueueSpec] = {}
# ... and so are its consumers (their unacknowledged deliveries make the queue's figures).
_MEMORY_SUBS: set[_KombuSubscription] = set()
_MEMORY_SUBS_LOCK = threading.Lock()


def _transport_url(url: str) -> str:
    return url[len("kombu+"):] if url.startswith("kombu+") else url


class KombuBus(Bus):
    """A :class:`Bus` over a kombu connection (thread-safe: publishing is serialised)."""

    def __init__(self, url: str) -> None:
        self.url = url
        amqp, self._management = split_url(url)
        self._target = _transport_url(amqp)
        self.in_memory = self._target.startswith("memory://")
        self._options: dict[str, Any] = (
            {"polling_interval": 0.002} if self.in_memory else {"confirm_publish": True}
        )
        self._lock = threading.Lock()
        self._returned: list[str] = []
        self._conn = self._connection()
        self._producer = self._new_producer()
        self._specs: dict[str, QueueSpec] = _MEMORY_SPECS if self.in_memory else {}
        self._infra = False
        self._subs: list[_KombuSubscription] = []
        self._timers: set[threading.Timer] = set()
        self._closed = False

    def _connection(self) -> Any:
        return Connection(self._target, transport_options=dict(self._options))

    def _new_producer(self) -> Any:
        on_return = None if self.in_memory else self._on_return
        return self._conn.Producer(serializer=None, on_return=on_return)

    def _on_return(self, _exc: Exception, _exchange: str, routing_key: str, _msg: Any) -> None:
        # Called while the publish waits for its confirm: the return precedes the ack.
        self._returned.append(routing_key)

    def _reset(self) -> None:
        # A broker error closes the channel (or the connection) under kombu's feet.
        self._conn.release()
        self._conn = self._connection()
        self._producer = self._new_producer()

    def declare(self, queues: Sequence[QueueSpec]) -> None:
        specs = list(queues)
        with self._lock:
            try:
                channel = self._conn.default_channel
                if self.in_memory:
                    for spec in (topology.DEAD_SPEC, *specs):
                        channel.queue_declare(queue=spec.name, durable=True, auto_delete=False)
                else:
                    for decl in topology.declarations(specs, infra=True):
                        _declare(channel, decl)
            except Exception as exc:  # noqa: BLE001
                if not self.in_memory:
                    self._reset()
                raise BusError(f"declare failed: {exc}") from exc
            self._infra = True
            self._specs[topology.DEAD_SPEC.name] = topology.DEAD_SPEC
            self._specs.update((spec.name, spec) for spec in specs)

    def spec(self, queue: str) -> QueueSpec:
        """The declared spec of ``queue`` (defaults when it was declared elsewhere)."""
        return self._specs.get(queue) or QueueSpec(queue)

    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        if not messages:
            return
        if self._closed:
            raise PublishError("bus closed")
        if self.in_memory:
            for m in messages:
                if m.queue not in memory.Channel.queues:
                    raise PublishError(f"unroutable: no queue {m.queue!r}")
            for m in messages:
                if m.delay > 0:
                    self._later(m)
            messages = [m for m in messages if m.delay <= 0]
        elif not self._infra and any(m.delay > 0 for m in messages):
            self.declare([])
        with self._lock:
            for m in messages:
                exchange = topology.delay_exchange(m.delay) if m.delay > 0 else ""
                self._put(exchange, m.queue, m.body, m.message_id,
                          topology.clean_headers(m.headers), timeout)

    def _put(self, exchange: str, queue: str, body: bytes, message_id: str,
             headers: Mapping[str, Any], timeout: float = 30.0) -> None:
        # Under self._lock.
        self._returned.clear()
        try:
            self._producer.publish(
                body,
                exchange=exchange,
                routing_key=queue,
                headers=dict(headers),
                message_id=message_id,
                delivery_mode=2,
                content_type="application/json",
                content_encoding="binary",
                mandatory=not self.in_memory,
                retry=False,
                timeout=timeout,
            )
        except Exception as exc:  # noqa: BLE001 - every transport failure means "not confirmed"
            if not self.in_memory:
                self._reset()
            raise PublishError(f"publish to {queue} failed: {exc}") from exc
        if self._returned:
            raise PublishError(f"unroutable: no queue {queue!r}")

    def requeue_copy(self, queue: str, delivery: Delivery, headers: dict[str, Any]) -> None:
        """Put a copy of ``delivery`` back into ``queue`` (memory emulation; keeps headers)."""
        if queue not in memory.Channel.queues:
            log.error("queue %s is gone; dropping message %s", queue, delivery.message_id)
            return
        with self._lock:
            self._put("", queue, delivery.body, delivery.message_id, headers)

    def _later(self, m: Outgoing) -> None:
        # Held in this process: on the embedded default the broker itself lives here too.
        def fire() -> None:
            self._timers.discard(timer)
            if self._closed:
                return
            try:
                self.publish([Outgoing(m.queue, m.body, m.message_id, m.headers)])
            except PublishError:
                # The queue went meanwhile: dead-letter it, as RabbitMQ's return exchange does.
                tier = topology.delay_exchange(m.delay)
                headers = {**topology.clean_headers(m.headers), "x-first-death-queue": tier,
                           "x-first-death-reason": "expired", "x-first-death-exchange": tier}
                try:
                    self.publish([Outgoing(DEAD_LETTER_QUEUE, m.body, m.message_id, headers)])
                except PublishError:
                    log.exception("delayed message %s for the deleted queue %s is lost",
                                  m.message_id, m.queue)

        timer = threading.Timer(tier_for(m.delay), fire)
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
        batch_size: int | None = None,
    ) -> Subscription:
        if self._closed:
            raise BusError("bus closed")
        sub = _KombuSubscription(self, queue, handler, prefetch, max_wait,
                                 batch_size or prefetch)
        self._subs.append(sub)
        sub.start()
        return sub

    def _with_channel(self, fn: Any) -> Any:
        # Passive declares and the like close the channel they fail on: use a fresh one.
        with self._lock:
            if self.in_memory:
                return fn(self._conn.default_channel)
            with self._conn.channel() as channel:
                return fn(channel)

    def queue_depth(self, queue: str) -> int | None:
        if self.in_memory:
            q = memory.Channel.queues.get(queue)
            return None if q is None else int(q.qsize())
        try:
            ok = self._with_channel(lambda ch: ch.queue_declare(queue=queue, passive=True))
        except self._conn.channel_errors:
            return None
        return int(ok.message_count)

    def queue_stats(self, queue: str) -> QueueStats | None:
        if self.in_memory:
            q = memory.Channel.queues.get(queue)
            if q is None:
                return None
            with _MEMORY_SUBS_LOCK:
                subs = [s for s in _MEMORY_SUBS if s.queue == queue]
            return QueueStats(queue, int(q.qsize()), len(subs), sum(s.held for s in subs))
        try:
            ok = self._with_channel(lambda ch: ch.queue_declare(queue=queue, passive=True))
        except self._conn.channel_errors:
            return None
        unacked, unknown = unacked_of(self._management, queue)
        return QueueStats(queue, int(ok.message_count), int(ok.consumer_count), unacked, unknown)

    def purge(self, queue: str) -> None:
        if self.in_memory:
            q = memory.Channel.queues.get(queue)
            if q is not None:
                q.queue.clear()
            return
        with contextlib.suppress(*self._conn.channel_errors):  # no queue: nothing to purge
            self._with_channel(lambda ch: ch.queue_purge(queue))

    def delete(self, queue: str) -> None:
        self._specs.pop(queue, None)
        if self.in_memory:
            memory.Channel.queues.pop(queue, None)
            return
        self._with_channel(lambda ch: ch.queue_delete(queue=queue))

    def healthy(self) -> bool:
        if self._closed:
            return False
        if self.in_memory or self._conn.connected:
            return True
        # kombu connects lazily: a bus that only consumed has not connected yet.
        with self._lock:
            try:
                self._conn.ensure_connection(max_retries=1)
            except Exception:  # noqa: BLE001 - unreachable is the answer, not an error
                return False
            return bool(self._conn.connected)

    def close(self) -> None:
        self._closed = True
        for sub in list(self._subs):
            sub.cancel()
        for timer in list(self._timers):
            timer.cancel()
        with self._lock:
            self._conn.release()


def _declare(channel: Any, decl: topology.Declaration) -> None:
    if isinstance(decl, topology.Exchange):
        channel.exchange_declare(exchange=decl.name, type=decl.type, durable=True,
                                 auto_delete=False, arguments=decl.arguments or None)
    elif isinstance(decl, topology.Queue):
        channel.queue_declare(queue=decl.name, durable=True, auto_delete=False,
                              arguments=decl.arguments)
    else:
        channel.queue_bind(queue=decl.queue, exchange=decl.exchange,
                           routing_key=decl.routing_key)


class _KombuSubscription(Subscription):
    """A consumer thread: drains deliveries into batches and applies dispositions."""

    def __init__(
        self, bus: KombuBus, queue: str, handler: BatchHandler, prefetch: int, max_wait: float,
        batch_size: int,
    ) -> None:
        self.bus = bus
        self.queue = queue
        self.handler = handler
        self.prefetch = prefetch
        self.batch_size = max(1, min(batch_size, prefetch))
        self.max_wait = max_wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"consume:{queue}", daemon=True)
        self._pending: list[Message] = []
        self._inflight = 0

    @property
    def held(self) -> int:
        """Deliveries taken from the queue and not yet acknowledged (waiting or in a batch)."""
        return len(self._pending) + self._inflight

    def start(self) -> None:
        if self.bus.in_memory:
            with _MEMORY_SUBS_LOCK:
                _MEMORY_SUBS.add(self)
        self._thread.start()

    def cancel(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        with _MEMORY_SUBS_LOCK:
            _MEMORY_SUBS.discard(self)
        if self in self.bus._subs:
            self.bus._subs.remove(self)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._consume_loop()
            except Exception:
                log.exception("consumer of %s lost its connection; reconnecting", self.queue)
                self._stop.wait(1.0)

    def _consume_loop(self) -> None:
        conn = self.bus._connection()
        try:
            channel = conn.channel()
            channel.basic_qos(0, self.prefetch, False)
            pending: list[Message] = []
            self._pending = pending
            consumer = Consumer(
                channel,
                queues=[Queue(self.queue, no_declare=True)],
                on_message=pending.append,
                no_ack=False,
            )
            with consumer:
                while not self._stop.is_set():
                    self._fill(conn, pending)
                    if pending and not self._stop.is_set():
                        n = self.batch_size
                        batch, pending[:] = pending[:n], pending[n:]
                        self._inflight = len(batch)
                        try:
                            self._dispatch(batch)
                        finally:
                            self._inflight = 0
        finally:
            self._pending = []
            conn.release()

    def _fill(self, conn: Any, pending: list[Message]) -> None:
        deadline: float | None = None
        while len(pending) < self.batch_size and not self._stop.is_set():
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

    def _dispatch(self, batch: list[Message]) -> None:
        deliveries = [self._delivery(m) for m in batch]
        try:
            outcome = list(self.handler(deliveries))
            if len(outcome) != len(deliveries):
                raise BusError(f"{len(outcome)} dispositions for {len(deliveries)} deliveries")
        except Exception:
            log.exception("batch handler of %s failed; requeueing the batch", self.queue)
            outcome = [Disposition.REQUEUE] * len(deliveries)
        for m, d, disposition in zip(batch, deliveries, outcome, strict=True):
            if disposition is Disposition.ACK:
                m.ack()
            elif not self.bus.in_memory:
                m.reject(requeue=disposition is Disposition.REQUEUE)
            elif disposition is Disposition.REQUEUE:
                self._requeue(m, d)
            else:
                self._dead_letter(m, d, "rejected")

    def _delivery(self, m: Message) -> Delivery:
        headers = dict(m.headers or {})
        count = int(headers.get("x-delivery-count") or 0)
        return Delivery(
            queue=self.queue,
            body=m.body if isinstance(m.body, bytes) else str(m.body).encode(),
            message_id=str(m.properties.get("message_id") or ""),
            headers=headers,
            redelivered=bool(m.delivery_info.get("redelivered")) or count > 0,
            delivery_count=count,
            tag=m.delivery_tag,
        )

    def _requeue(self, m: Message, d: Delivery) -> None:
        # Memory: a quorum queue counts returns and dead-letters past the limit; so do we.
        count = d.delivery_count + 1
        limit = topology.delivery_limit(self.bus.spec(self.queue))
        if limit is not None and count > limit:
            self._dead_letter(m, d, "delivery_limit")
            return
        self.bus.requeue_copy(self.queue, d, {**d.headers, "x-delivery-count": count})
        m.ack()

    def _dead_letter(self, m: Message, d: Delivery, reason: str) -> None:
        spec = self.bus.spec(self.queue)
        if spec.dead_letter_exchange is not None:
            headers = topology.clean_headers(d.headers)
            headers.update({"x-first-death-queue": self.queue,
                            "x-first-death-reason": reason,
                            "x-first-death-exchange": ""})
            # The dead-letter exchange is a fanout to the queue of the same name.
            target = spec.dead_letter_exchange or DEAD_LETTER_QUEUE
            try:
                self.bus.publish([Outgoing(target, d.body, d.message_id, headers)])
            except PublishError:
                log.exception("dead-lettering %s from %s failed; dropping it (as RabbitMQ "
                              "does without a dead-letter queue)", d.message_id, self.queue)
        m.ack()
