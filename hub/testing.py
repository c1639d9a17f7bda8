"""Helpers for testing the hub and plug-ins against a real, running hub.

A plug-in author writes::

    with running_hub(settings, ["hub.router", "handler.mine"]) as hub:
        hub.publish(MyMessageV1(...))
        wait_for(lambda: hub.status_of(message_id) == "handled")

Everything runs for real — router, runner, inbox, outbox, journal — on whichever footprint
the settings name; nothing of the hub is replaced.

To test one handler method without a running hub, :func:`worker` is the hub's answer to
Nameko's ``worker_factory``: the method runs on a real database transaction, as the runner
runs it, and what it sends is captured (here a handler that answers a ``RequestV1`` with a
``ReplyV1``)::

    sent = worker(MyHandler, db, migrate=True).call(RequestV1(name="Анна"))
    assert sent.one(ReplyV1).text == "Здравствуйте, Анна"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, NoReturn, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import MessageType, TypeRegistry, type_of
from hub import outbox
from hub.bus import BatchHandler, Bus, Outgoing, QueueSpec, Subscription
from hub.bus.testing import wait_until
from hub.component import Component, Message
from hub.context import Attachment, Context, Inbound
from hub.plugins import Plugins, discover
from hub.runtime import HubProcess
from hub.settings import Settings
from hub.tracing import current_correlation, current_message
from hub.tx import Tx, handler_methods, write_deferred
from storage.db import Database
from storage.journal import JournalBatch, store_blob
from storage.migrate import upgrade
from storage.models import dead_letters, journal_events, journal_messages

T = TypeVar("T")
C = TypeVar("C", bound=Component)
P = TypeVar("P", bound=BaseModel)


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


# -- one handler method on a real transaction (Nameko's worker_factory) -----------------------


class NotHandled(LookupError):
    """The component has no ``@handles`` method for the message's type."""


@dataclass(frozen=True)
class Sent:
    """What one handler call sent, in order, instead of queueing it for the router."""

    cause: Envelope
    """The message handled (its id is the ``causation_id`` of every envelope here)."""
    envelopes: tuple[Envelope, ...]

    def __len__(self) -> int:
        return len(self.envelopes)

    def __iter__(self) -> Iterator[Envelope]:
        return iter(self.envelopes)

    def of(self, model: type[P]) -> list[P]:
        """The payloads of the messages of ``model``'s type, validated into it."""
        key = type_of(model).key
        return [model.model_validate(e.payload) for e in self.envelopes if e.routing_key == key]

    def one(self, model: type[P]) -> P:
        """The one message of ``model``'s type; AssertionError unless exactly one was sent."""
        found = self.of(model)
        assert len(found) == 1, f"{len(found)} × {type_of(model).key} sent, not one"
        return found[0]


class Worker(Generic[C]):
    """A component set up on a database whose ``@handles`` methods a test calls directly.

    :meth:`call` picks the method the runner would pick for the message's type and runs it
    as the runner's fast path does: in a transaction of its own, with a :class:`Tx` whose
    ``insert`` rows are written in bulk after the method returns (``write_deferred``), then
    committed; a method that raises rolls everything back and the exception propagates.
    What it sends is captured and returned. With ``stage=True`` it is also journaled and put
    in the outbox as the runner does (for code under test that reads the journal); the
    message handled is neither claimed in the inbox nor journaled.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, component: C, ctx: Context, *, stage: bool = False) -> None:
        self.component = component
        self.ctx = ctx
        self.db = ctx.db
        self.stage = stage
        self._methods = handler_methods(component)

    def call(
        self,
        message: BaseModel | Envelope,
        *,
        attachments: Sequence[Attachment] = (),
        source: str = "adapter.test",
        conn: Connection | None = None,
    ) -> Sent:
        """Handle one message (a model, wrapped as ``source`` would send it, or an envelope).

        ``attachments`` are stored as blobs with the message, as an adapter stores them.
        With ``conn`` the call runs in a savepoint of the caller's transaction, released
        on success and rolled back on an exception; the caller commits or rolls back.
        """
        key = message.routing_key if isinstance(message, Envelope) else type_of(
            type(message)).key
        entry = self._methods.get(key)
        if entry is None:
            known = ", ".join(sorted(self._methods)) or "none"
            raise NotHandled(f"{self.ctx.component} has no @handles method for {key} "
                             f"(it handles: {known})")
        if conn is not None:
            with conn.begin_nested():
                return self._run(conn, message, entry, attachments, source)
        with self.db.transaction() as own:
            return self._run(own, message, entry, attachments, source)

    def _run(self, conn: Connection, message: BaseModel | Envelope,
             entry: tuple[Callable[..., Any], MessageType], attachments: Sequence[Attachment],
             source: str) -> Sent:
        env = message if isinstance(message, Envelope) else _incoming(
            conn, message, attachments, source)
        method, mt = entry
        deferred: dict[sa.Table, list[dict[str, Any]]] = {}
        tx = Tx(conn, env, self.ctx.component, deferred, db=self.ctx.db)
        tokens = (current_message.set(env.id), current_correlation.set(env.correlation_id))
        try:
            method(Message(env, mt.validate(env.payload)), tx)
        finally:
            current_message.reset(tokens[0])
            current_correlation.reset(tokens[1])
        write_deferred(conn, deferred)
        if self.stage and tx.sent:
            journal = JournalBatch(self.ctx.component)
            outbox.stage(conn, journal, [(e, self._person(e), None) for e in tx.sent])
            journal.write(conn)
        return Sent(env, tuple(tx.sent))

    def _person(self, env: Envelope) -> str:
        key = env.routing_key
        return self.ctx.types.get(key).person_of(env.payload) if key in self.ctx.types else ""


def worker(
    component: C | type[C],
    db: Database,
    *,
    settings: Settings | None = None,
    types: TypeRegistry | None = None,
    bus: Bus | None = None,
    migrate: bool = False,
    stage: bool = False,
) -> Worker[C]:
    """``component`` (a class, made with no arguments, or an instance) set up on ``db``.

    ``migrate=True`` first brings ``db`` to every head, the hub's and each installed
    plug-in's branch (``storage.migrate.upgrade``), and creates the tables of a component
    that ships no migrations (a test's own). Without ``bus`` the component's context has a
    bus that refuses to be used: what a handler sends is captured, nothing needs a broker.
    """
    instance = component() if isinstance(component, type) else component
    if migrate:
        upgrade(db)
        if instance.metadata is not None:
            instance.metadata.create_all(db.engine, checkfirst=True)
    registry = types or TypeRegistry()
    for mt in instance.message_types():
        registry.add(mt.model)
    bus = bus or _NoBus()
    ctx = Context(settings or Settings(), db, bus, registry, outbox.Relay(db, bus),
                  instance.component_name())
    instance.setup(ctx)
    return Worker(instance, ctx, stage=stage)


def _incoming(conn: Connection, model: BaseModel, attachments: Sequence[Attachment],
              source: str) -> Envelope:
    """The envelope of a message ``source`` takes in, its files stored as blobs."""
    refs = [AttachmentRef(blob_id=store_blob(conn, a.data, a.media_type), name=a.name,
                          media_type=a.media_type, size=a.size) for a in attachments]
    return outbox.envelope_for(model, source=source, attachments=refs)


class _NoBus(Bus):
    """A worker's bus: nothing is published or consumed; any use is a test's mistake."""

    url = "none://"

    def _refuse(self) -> NoReturn:
        raise RuntimeError("a hub.testing worker has no broker: pass bus=… to worker()")

    def declare(self, queues: Sequence[QueueSpec]) -> None:
        """Refused."""
        self._refuse()

    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        """Refused."""
        self._refuse()

    def consume(self, queue: str, handler: BatchHandler, *, prefetch: int = 200,
                max_wait: float = 0.02, batch_size: int | None = None) -> Subscription:
        """Refused."""
        self._refuse()

    def queue_depth(self, queue: str) -> int | None:
        """Refused."""
        self._refuse()

    def purge(self, queue: str) -> None:
        """Refused."""
        self._refuse()

    def delete(self, queue: str) -> None:
        """Refused."""
        self._refuse()

    def healthy(self) -> bool:
        """Never: there is no broker."""
        return False

    def close(self) -> None:
        """Nothing to close."""
