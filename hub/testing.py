"""Helpers for testing the hub and plug-ins against a real, running hub.

A plug-in author writes::

    with running_hub(settings, ["hub.router", "handler.mine"]) as hub:
        hub.publish(MyMessageV1(...))
        wait_for(lambda: hub.status_of(message_id) == "handled")

Everything runs for real — router, runner, inbox, outbox, journal — on whichever footprint
the settings name; nothing of the hub is replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

from contracts.envelope import Envelope
from hub.bus.testing import wait_until
from hub.component import Component
from hub.context import Inbound
from hub.plugins import Plugins, discover
from hub.runtime import HubProcess
from hub.settings import Settings
from storage.models import dead_letters, journal_events, journal_messages

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float = 30.0,
             message: str = "condition") -> T:
    """Poll ``predicate`` until it returns something truthy; TimeoutError after ``timeout``."""
    return wait_until(predicate, timeout, what=message)


def reset_memory_broker() -> None:
    """Forget every queue and binding of the in-process broker (between tests)."""
    from kombu.transport import memory

    memory.Channel.queues.clear()
    memory.Channel.events.clear()
    memory.Transport.global_state.clear()  # type: ignore[no-untyped-call]


class TestHub:
    """A started :class:`HubProcess` with shortcuts for tests."""

    __test__ = False  # not a pytest test class

    def __init__(self, process: HubProcess) -> None:
        self.process = process
        self.db = process.db

    def publish(self, model: BaseModel, **kw: Any) -> Envelope:
        """Take a message in as an adapter would (journal + outbox), from component 'test'."""
        return self.process.components_context("adapter.test").publish_many(
            [Inbound(model, **kw)])[0]

    def publish_many(self, models: Sequence[BaseModel]) -> list[Envelope]:
        """Take many messages in within one transaction."""
        return self.process.components_context("adapter.test").publish_many(
            [Inbound(m) for m in models])

    def status_of(self, message_id: str) -> str | None:
        """The journal status of a message."""
        with self.db.read() as conn:
            return conn.execute(sa.select(journal_messages.c.status).where(
                journal_messages.c.message_id == message_id)).scalar()

    def trail(self, message_id: str) -> list[str]:
        """The statuses a message went through, oldest first."""
        with self.db.read() as conn:
            return list(conn.execute(
                sa.select(journal_events.c.status)
                .where(journal_events.c.message_id == message_id)
                .order_by(journal_events.c.at, journal_events.c.id)).scalars())

    def events(self, message_id: str) -> list[sa.Row[Any]]:
        """The journal events of a message, oldest first."""
        with self.db.read() as conn:
            return list(conn.execute(
                sa.select(journal_events).where(journal_events.c.message_id == message_id)
                .order_by(journal_events.c.at, journal_events.c.id)).all())

    def dead_letters(self, state: str = "open") -> list[sa.Row[Any]]:
        """Dead letters in a state."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(dead_letters).where(dead_letters.c.state == state)
                                     .order_by(dead_letters.c.id)).all())

    def count(self, table: sa.Table, *where: Any) -> int:
        """Rows of a table matching conditions."""
        with self.db.read() as conn:
            query = sa.select(sa.func.count()).select_from(table)
            for cond in where:
                query = query.where(cond)
            return int(conn.execute(query).scalar() or 0)


@contextmanager
def running_hub(
    settings: Settings,
    components: Sequence[str],
    *,
    extra: Sequence[type[Component]] = (),
    plugins: Plugins | None = None,
) -> Iterator[TestHub]:
    """Start the named components (plus ``extra`` classes) in this process; stop after."""
    plugins = plugins or discover()
    for cls in extra:
        plugins.add_component(cls)
    names = [*components, *(c.component_name() for c in extra)]
    process = HubProcess(settings, names, plugins=plugins, migrate=True)
    for cls in (plugins.component(n) for n in names if n in plugins.names()):
        if cls.metadata is not None:  # tests' own components ship no migrations
            cls.metadata.create_all(process.db.engine, checkfirst=True)
    process.start()
    try:
        yield TestHub(process)
    finally:
        process.stop()
