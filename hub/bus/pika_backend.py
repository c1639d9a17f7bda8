"""The pika backend: RabbitMQ in production (``amqp://`` and ``amqps://``).

One IO thread runs a pika ``SelectConnection`` on one IO loop for the life of the bus; every
other thread hands work to it with ``add_callback_threadsafe`` and waits on a
:class:`~hub.bus.pika_publisher.Waiter`. That keeps pika (which is not thread-safe) on one
thread and lets a whole batch be published before waiting for its confirms: the broker
confirms many messages per frame, which is what makes >10,000 confirmed publishes a second
possible from Python.

Channels of the connection: one publisher channel in confirm mode (shared by every
publishing thread), one channel per consumer (see :mod:`hub.bus.pika_consumer`), and a
short-lived channel per declare/purge/delete/depth call (a failed passive declare closes its
channel, so it must not be a shared one).

When the connection drops, unconfirmed publishes fail with :class:`PublishError` (the
caller retries; consumers are idempotent), and the IO thread reconnects with growing
backoff, redeclares what was declared and resubscribes every live consumer.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import pika
from pika.adapters.select_connection import IOLoop

from hub.bus.base import (
    BatchHandler,
    Bus,
    BusError,
    Outgoing,
    PublishError,
    QueueSpec,
    QueueStats,
    Subscription,
)
from hub.bus.management import split_url, unacked_of
from hub.bus.pika_consumer import PikaSubscription
from hub.bus.pika_ops import ChannelClosed, Step, Steps, steps_for
from hub.bus.pika_publisher import CoalescingConnection, PublishBatch, Publisher, Waiter

log = logging.getLogger(__name__)

_MAX_BACKOFF = 5.0


class _NotSent(PublishError):
    """Nothing of the batch went out (not connected yet): safe to try again at once."""


class PikaBus(Bus):
    """A :class:`Bus` over one pika connection, shared by every thread of the component."""

    def __init__(self, url: str, *, op_timeout: float = 30.0) -> None:
        self.url = url
        self.op_timeout = op_timeout
        amqp, self._management = split_url(url)
        self._params = pika.URLParameters(amqp)
        self._where = f"{self._params.host}:{self._params.port}{self._params.virtual_host}"
        self._lock = threading.Lock()
        self._closed = False
        self._connected = threading.Event()
        """Connection open and topology redeclared: operations may run."""
        self._ready = threading.Event()
        """And the publisher channel is in confirm mode: publishing may run."""
        self._specs: dict[str, QueueSpec] = {}
        self._infra = False
        self._subs: set[PikaSubscription] = set()
        self._waiters: set[Waiter] = set()
        self.ioloop = IOLoop()
        self._io_alive = True
        # IO-thread state.
        self.connection: CoalescingConnection | None = None
        """The open, ready connection (None while connecting); IO thread only."""
        self._conn: CoalescingConnection | None = None
        self._publisher: Publisher | None = None
        self._backoff = 0.0
        self._reconnect: Any = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="pika-io", daemon=True)
        self._thread.start()
        self.call_soon(self._connect)

    # --- thread hand-over ------------------------------------------------------------------

    def call_soon(self, fn: Callable[[], None]) -> bool:
        """Run ``fn`` on the IO thread (any thread); False when the IO loop is gone."""
        with self._lock:
            if not self._io_alive:
                return False
            self.ioloop.add_callback_threadsafe(functools.partial(self._guarded, fn))
        return True

    @staticmethod
    def _guarded(fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:  # an escaping error would stop the IO loop, and the bus with it
            log.exception("pika IO callback %r failed", fn)

    def _submit(self, waiter: Waiter, fn: Callable[[], None], lost: BusError) -> None:
        with self._lock:
            self._waiters.add(waiter)
        if not self.call_soon(fn):
            waiter.fail(lost)

    def _wait_event(self, event: threading.Event, deadline: float) -> bool:
        # In slices, so that close() does not leave a caller waiting out its whole timeout.
        while not event.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closed:
                return False
            event.wait(min(remaining, 0.1))
        return True

    def _run(self) -> None:
        while True:
            try:
                self.ioloop.start()
            except Exception:
                log.exception("pika IO loop failed; restarting it")
                if not self._closing:
                    continue
            break
        with self._lock:
            self._io_alive = False
            waiters = list(self._waiters)
        for waiter in waiters:
            waiter.fail(BusError("bus closed"))
        self.ioloop.close()

    # --- connection (IO thread) ------------------------------------------------------------

    def _current(self, conn: Any) -> bool:
        return conn is self._conn

    def _connect(self) -> None:
        self._reconnect = None
        if self._closing:
            return
        self._conn = CoalescingConnection(
            self._params,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
            custom_ioloop=self.ioloop,
        )

    def _on_open(self, conn: pika.BaseConnection) -> None:
        if conn is not self._conn:
            return
        with self._lock:
            steps = steps_for(list(self._specs.values()), infra=self._infra)
        if steps:
            try:
                Steps(conn, steps, functools.partial(self._on_redeclared, conn))
            except Exception as exc:  # noqa: BLE001 - the connection went again at once
                self._on_redeclared(conn, [], BusError(str(exc)))
        else:
            self._on_redeclared(conn, [], None)

    def _on_redeclared(self, conn: Any, _results: list[Any], error: BusError | None) -> None:
        if error is not None:
            log.error("redeclaring the topology on %s failed: %s", self._where, error)
        if not self._current(conn) or not conn.is_open:
            return
        self.connection = conn
        self._connected.set()
        self._open_publisher()
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            self._guarded(sub.open)

    def _open_publisher(self) -> None:
        self._publisher = None
        if self.connection is None or not self.connection.is_open or self._closing:
            return
        self._publisher = Publisher(self.connection, self._on_publisher_ready,
                                    self._on_publisher_closed)

    def _on_publisher_ready(self, publisher: Publisher) -> None:
        if publisher is self._publisher:
            if self._backoff:
                log.warning("reconnected to %s", self._where)
            self._backoff = 0.0
            self._ready.set()

    def _on_publisher_closed(self, publisher: Publisher, reason: BaseException) -> None:
        if publisher is not self._publisher:
            return
        self._ready.clear()
        self._publisher = None
        if self.connection is not None and self.connection.is_open and not self._closing:
            log.warning("publisher channel closed (%r); reopening it", reason)
            self.ioloop.call_later(0.05, self._open_publisher)

    def _on_open_error(self, conn: pika.BaseConnection, error: BaseException) -> None:
        self._on_closed(conn, error, f"cannot connect to {self._where}: {error!r}")

    def _on_closed(self, conn: pika.BaseConnection, reason: BaseException,
                   lost: str | None = None) -> None:
        if not self._current(conn):
            return
        if self._publisher is not None:
            self._publisher.lost(reason)  # pika closes its channels first; this is a backstop
        self._conn = self.connection = self._publisher = None
        self._connected.clear()
        self._ready.clear()
        lost = lost or f"connection to {self._where} lost: {reason!r}"
        with self._lock:
            subs, waiters = list(self._subs), list(self._waiters)
        for sub in subs:
            sub.connection_lost()
        for waiter in waiters:
            waiter.fail(PublishError(lost) if isinstance(waiter, PublishBatch) else BusError(lost))
        if self._closing:
            self.ioloop.stop()
            return
        self._backoff = min(max(self._backoff * 2, 0.2), _MAX_BACKOFF)
        log.warning("%s; reconnecting in %.1f s", lost, self._backoff)
        self._reconnect = self.ioloop.call_later(self._backoff, self._connect)

    def _shutdown(self) -> None:
        self._closing = True
        if self._reconnect is not None:
            self.ioloop.remove_timeout(self._reconnect)
            self._reconnect = None
        conn = self._conn
        if conn is None or conn.is_closed:
            self.ioloop.stop()
            return
        # A connection never stopped leaves its socket to the garbage collector (a
        # ResourceWarning): give the close handshake a few seconds, then stop anyway.
        self.ioloop.call_later(5.0, self.ioloop.stop)
        if not conn.is_closing:
            conn.close()

    # --- publishing ------------------------------------------------------------------------

    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        """Publish persistently; return when all are confirmed, else raise PublishError.

        A delayed message goes to its delay tier's exchange, which accepts it whether or not
        the target queue exists; an undelayed one to a missing queue raises PublishError.
        """
        if not messages:
            return
        if self._closed:
            raise PublishError("bus closed")
        if not self._infra and any(m.delay > 0 for m in messages):
            self.declare([])
        deadline = time.monotonic() + timeout
        while True:
            if not self._wait_event(self._ready, deadline):
                raise PublishError(f"not connected to {self._where} within {timeout} s")
            batch = PublishBatch(messages)
            try:
                self._submit(batch, functools.partial(self._send, batch, 0),
                             PublishError("bus closed"))
                batch.wait(deadline - time.monotonic(),
                           PublishError(f"not confirmed within {timeout} s"))
                return
            except _NotSent:
                continue  # the connection went just before; wait for the next one
            finally:
                with self._lock:
                    self._waiters.discard(batch)

    def _send(self, batch: PublishBatch, start: int) -> None:
        if batch.done:
            return  # timed out, or already failed (returned, nacked, channel lost)
        publisher = self._publisher
        if publisher is None or not publisher.ready:
            batch.fail(_NotSent(f"not connected to {self._where}") if start == 0 else
                       PublishError("publisher channel lost during the publish"))
            return
        end = publisher.send(batch, start)
        if end < len(batch.messages) and not batch.done:
            self.call_soon(functools.partial(self._send, batch, end))

    # --- operations on short-lived channels ------------------------------------------------

    def _call(self, steps: list[Step]) -> list[Any]:
        if self._closed:
            raise BusError("bus closed")
        deadline = time.monotonic() + self.op_timeout
        if not self._wait_event(self._connected, deadline):
            raise BusError(f"not connected to {self._where} within {self.op_timeout} s")
        waiter = Waiter()

        def start() -> None:
            try:
                if self.connection is None:
                    raise BusError(f"not connected to {self._where}")
                Steps(self.connection, steps, waiter.settle)
            except Exception as exc:  # noqa: BLE001 - e.g. the connection is closing
                waiter.fail(exc if isinstance(exc, BusError) else BusError(str(exc)))

        try:
            self._submit(waiter, start, BusError("bus closed"))
            result: list[Any] = waiter.wait(deadline - time.monotonic(),
                                            BusError(f"no answer within {self.op_timeout} s"))
            return result
        finally:
            with self._lock:
                self._waiters.discard(waiter)

    def declare(self, queues: Sequence[QueueSpec]) -> None:
        specs = list(queues)
        self._call(steps_for(specs, infra=True))
        with self._lock:
            self._infra = True
            self._specs.update((spec.name, spec) for spec in specs)

    def queue_depth(self, queue: str) -> int | None:
        try:
            (frame,) = self._call([lambda ch, cb: ch.queue_declare(queue, passive=True,
                                                                   callback=cb)])
        except ChannelClosed as exc:
            if exc.reply_code == 404:
                return None
            raise
        return int(frame.method.message_count)

    def queue_stats(self, queue: str) -> QueueStats | None:
        try:
            (frame,) = self._call([lambda ch, cb: ch.queue_declare(queue, passive=True,
                                                                   callback=cb)])
        except ChannelClosed as exc:
            if exc.reply_code == 404:
                return None
            raise
        unacked, unknown = unacked_of(self._management, queue)
        return QueueStats(queue, int(frame.method.message_count),
                          int(frame.method.consumer_count), unacked, unknown)

    def purge(self, queue: str) -> None:
        try:
            self._call([lambda ch, cb: ch.queue_purge(queue, callback=cb)])
        except ChannelClosed as exc:
            if exc.reply_code != 404:
                raise

    def delete(self, queue: str) -> None:
        with self._lock:
            self._specs.pop(queue, None)
        self._call([lambda ch, cb: ch.queue_delete(queue, callback=cb)])

    # --- consuming and the rest ------------------------------------------------------------

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
        sub = PikaSubscription(self, queue, handler, prefetch, max_wait,
                               batch_size or prefetch)
        with self._lock:
            self._subs.add(sub)
        sub.start()
        return sub

    def forget(self, sub: PikaSubscription) -> None:
        """Drop a cancelled subscription (it is not resubscribed on reconnect)."""
        with self._lock:
            self._subs.discard(sub)

    def healthy(self) -> bool:
        return not self._closed and self._ready.is_set()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            subs = list(self._subs)
        for sub in subs:
            sub.cancel()
        self.call_soon(self._shutdown)
        if threading.current_thread() is not self._thread:
            self._thread.join(10.0)
