"""Broker operations of the pika backend, run one after another on a short-lived channel.

A failed operation (a passive declare of a missing queue, a redeclaration with different
arguments) makes the broker close the channel it ran on; running each call on a channel of
its own keeps that from hurting the publisher or the consumers. Runs on the IO thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pika
from pika.channel import Channel

from hub.bus import topology
from hub.bus.base import BusError, QueueSpec

Step = Callable[[Channel, Callable[[Any], None]], None]
"""Starts one operation on the channel; calls the callback with the broker's answer."""

Done = Callable[[list[Any], BusError | None], None]


class ChannelClosed(BusError):
    """The broker closed the channel an operation ran on (e.g. 404: no such queue)."""

    def __init__(self, reply_code: int | None, text: str) -> None:
        super().__init__(text)
        self.reply_code = reply_code


class Steps:
    """Runs ``steps`` in order on a new channel of ``conn``, then calls ``done`` once."""

    def __init__(self, conn: pika.BaseConnection, steps: Sequence[Step], done: Done) -> None:
        self._steps = steps
        self._done = done
        self._results: list[Any] = []
        self._finished = False
        self._channel = conn.channel(on_open_callback=lambda _channel: self._next())
        self._channel.add_on_close_callback(self._on_closed)

    def _next(self, answer: Any = None) -> None:
        if answer is not None:
            self._results.append(answer)
        if self._finished:
            return
        index = len(self._results)
        if index == len(self._steps):
            self._finish(None)
            return
        try:
            self._steps[index](self._channel, self._next)
        except Exception as exc:  # noqa: BLE001 - e.g. the channel closed under us
            self._finish(BusError(f"broker operation failed: {exc}"))

    def _on_closed(self, _channel: Channel, reason: BaseException) -> None:
        if not self._finished:
            self._finished = True
            self._done(self._results, ChannelClosed(getattr(reason, "reply_code", None),
                                                    f"broker refused: {reason}"))

    def _finish(self, error: BusError | None) -> None:
        self._finished = True
        if self._channel.is_open:
            self._channel.close()
        self._done(self._results, error)


def step(decl: topology.Declaration) -> Step:
    """The step declaring ``decl``."""
    if isinstance(decl, topology.Exchange):
        return lambda ch, cb: ch.exchange_declare(decl.name, decl.type, durable=True,
                                                  arguments=decl.arguments or None, callback=cb)
    if isinstance(decl, topology.Queue):
        return lambda ch, cb: ch.queue_declare(decl.name, durable=True,
                                               arguments=decl.arguments, callback=cb)
    return lambda ch, cb: ch.queue_bind(decl.queue, decl.exchange,
                                        routing_key=decl.routing_key, callback=cb)


def steps_for(specs: Sequence[QueueSpec], *, infra: bool) -> list[Step]:
    """Steps declaring ``specs``, preceded by the dead-letter and delay machinery if asked."""
    return [step(decl) for decl in topology.declarations(list(specs), infra=infra)]
