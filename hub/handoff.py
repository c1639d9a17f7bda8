"""Handing messages to a running hub from a command: stage them, publish nothing.

A command (``omshub probe``, a plug-in's command that sends) that gives messages to the hub must
leave publishing to the hub that runs. It commits the journal entries and the outbox rows in
one transaction and stops there: the running hub's relays poll the shared outbox and publish
the rows (on the embedded default the broker lives inside the ``omshub up`` process, so a
command that started a broker and a relay of its own would drain the outbox into a broker
nobody consumes from, and the messages would stay ``received`` until the hub restarted).

:func:`handoff` gives such a command a :class:`~hub.context.Context` whose bus refuses every
broker operation and whose relay is never started, so nothing in it can publish.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from hub.bus.base import BatchHandler, Bus, BusError, Outgoing, QueueSpec, Subscription
from hub.context import Context
from hub.outbox import Relay
from hub.plugins import Plugins, discover
from hub.settings import Settings
from storage.db import Database
from storage.migrate import current_revision, head_revision


class NotMigrated(RuntimeError):
    """The database has no hub tables, or not the current ones."""


class NoBroker(Bus):
    """The bus of a command: it has no broker; the running hub publishes what it stages."""

    url = "none://"

    def _refuse(self) -> BusError:
        return BusError("this command hands messages to the running hub and has no broker")

    def declare(self, queues: Sequence[QueueSpec]) -> None:
        """Refused: queues are the running hub's."""
        raise self._refuse()

    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        """Refused: the running hub's relay publishes the outbox."""
        raise self._refuse()

    def consume(self, queue: str, handler: BatchHandler, *, prefetch: int = 200,
                max_wait: float = 0.02, batch_size: int | None = None) -> Subscription:
        """Refused: a command consumes nothing."""
        raise self._refuse()

    def queue_depth(self, queue: str) -> int | None:
        """Unknown here."""
        return None

    def purge(self, queue: str) -> None:
        """Refused."""
        raise self._refuse()

    def delete(self, queue: str) -> None:
        """Refused."""
        raise self._refuse()

    def healthy(self) -> bool:
        """There is no connection."""
        return False

    def close(self) -> None:
        """Nothing to close."""


def open_database(settings: Settings) -> Database:
    """The hub's database, checked to be migrated (NotMigrated otherwise)."""
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    if current_revision(db) != head_revision():
        db.dispose()
        raise NotMigrated("база данных не подготовлена: выполните `omshub migrate`")
    return db


@contextmanager
def handoff(settings: Settings, component: str,
            plugins: Plugins | None = None) -> Iterator[Context]:
    """A context that stages messages as ``component`` (journal + outbox) and never publishes.

    ``ctx.publish_many`` and ``ctx.publish_in`` commit as usual; ``ctx.relay.notify()`` wakes
    nothing (the relay is not started) and the bus refuses to publish, so the rows stay in
    the outbox for the running hub's relays.
    """
    db = open_database(settings)
    bus = NoBroker()
    try:
        types = (plugins or discover()).types
        yield Context(settings, db, bus, types, Relay(db, bus), component,
                      logging.getLogger(f"omshub.{component}"))
    finally:
        db.dispose()
