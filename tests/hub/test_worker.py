"""hub.testing.worker: one handler method on a real transaction, its sent messages captured.

A test handler writes through ``tx.insert`` (the runner's deferred bulk write) and
``tx.conn``, and answers with a message; the same calls run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa

from contracts.envelope import Envelope
from contracts.probe import ProbeV1
from hub.component import Handler, Message, handles
from hub.context import Attachment
from hub.outbox import envelope_for
from hub.testing import NotHandled, worker
from hub.tx import Tx
from storage.db import Database
from storage.journal import load_blob
from storage.migrate import applied
from storage.models import journal_messages, outbox
from tests.hub.components import OrphanV1

metadata = sa.MetaData()
echoes = sa.Table(
    "test_worker_echoes", metadata,
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("note", sa.String(200), nullable=False),
)
reads = sa.Table(
    "test_worker_reads", metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("echoes_seen", sa.Integer, nullable=False),
)


class Echo(Handler):
    """Records a probe, reads what is there, answers with an orphan; fails on note 'boom'."""

    name: ClassVar[str] = "echo"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(ProbeV1)
    def on_probe(self, message: Message[ProbeV1], tx: Tx) -> None:
        """Insert (deferred), read through the connection, send, maybe raise."""
        p = message.payload
        tx.insert(echoes, seq=p.seq, note=p.note)
        seen = tx.conn.execute(sa.select(sa.func.count()).select_from(echoes)).scalar()
        tx.conn.execute(reads.insert().values(message_id=message.id, echoes_seen=seen))
        tx.send(OrphanV1(n=p.seq))
        if p.note.startswith("file:"):
            body = load_blob(tx.conn, message.envelope.attachments[0].blob_id)
            tx.send(OrphanV1(n=len(body or b"")))
        if p.note == "boom":
            raise RuntimeError("boom")


def probe(seq: int, note: str = "") -> ProbeV1:
    """A probe of ``seq``."""
    return ProbeV1(seq=seq, sent_at=datetime(2026, 12, 7, tzinfo=UTC), note=note)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of each footprint (no broker: the worker needs none)."""
    url = (f"sqlite:///{tmp_path / 'hub.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    yield database
    database.dispose()


def _count(db: Database, table: sa.Table) -> int:
    with db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_a_call_commits_its_effects_and_returns_what_it_sent(db: Database) -> None:
    w = worker(Echo, db, migrate=True)
    sent = w.call(probe(7, "привет"))
    assert [e.routing_key for e in sent] == ["test.orphan.v1"]
    assert sent.one(OrphanV1) == OrphanV1(n=7)
    (out,) = sent
    assert out.causation_id == sent.cause.id and out.source == "handler.echo"
    assert out.correlation_id == sent.cause.correlation_id
    assert sent.cause.source == "adapter.test"
    with db.read() as conn:
        assert conn.execute(sa.select(echoes.c.seq, echoes.c.note)).all() == [(7, "привет")]
        # the tx.insert row is written after the method, as on the runner's fast path
        assert conn.execute(sa.select(reads.c.echoes_seen)).scalar() == 0
    # captured, not queued for the router: the hub's tables are untouched
    assert _count(db, outbox) == 0 and _count(db, journal_messages) == 0
    assert w.call(probe(8)).one(OrphanV1).n == 8
    assert _count(db, echoes) == 2


def test_an_exception_rolls_back_and_propagates(db: Database) -> None:
    w = worker(Echo, db, migrate=True)
    with pytest.raises(RuntimeError, match="boom"):
        w.call(probe(1, "boom"))
    assert _count(db, echoes) == 0 and _count(db, reads) == 0
    w.call(probe(1))  # the same seq again: nothing of the failed call is left
    assert _count(db, echoes) == 1


def test_a_type_the_component_does_not_handle_is_a_clear_error(db: Database) -> None:
    w = worker(Echo(), db, migrate=True)
    with pytest.raises(NotHandled, match=r"handler.echo has no @handles method for "
                                         r"test.orphan.v1 \(it handles: hub.probe.v1\)"):
        w.call(OrphanV1(n=1))
    envelope = envelope_for(OrphanV1(n=1), source="adapter.test")
    with pytest.raises(NotHandled):
        w.call(envelope)
    assert _count(db, reads) == 0


def test_an_envelope_is_handled_as_given_and_attachments_are_stored(db: Database) -> None:
    w = worker(Echo, db, migrate=True)
    cause = envelope_for(probe(0), source="adapter.files", correlation_id="conv-1")
    sent = w.call(envelope_for(probe(2), source="adapter.files", cause=cause))
    assert sent.cause.causation_id == cause.id
    assert sent.one(OrphanV1).n == 2 and next(iter(sent)).correlation_id == "conv-1"
    filed = w.call(probe(3, "file:x"), attachments=[Attachment("x.xml", "application/xml",
                                                               b"<x/>")])
    assert [m.n for m in filed.of(OrphanV1)] == [3, 4]
    assert [a.name for a in filed.cause.attachments] == ["x.xml"]


def test_stage_journals_and_queues_what_was_sent_as_the_runner_does(db: Database) -> None:
    w = worker(Echo, db, migrate=True, stage=True)
    sent = w.call(probe(5))
    (out,) = sent
    with db.read() as conn:
        journaled = conn.execute(sa.select(journal_messages.c.message_id,
                                           journal_messages.c.causation_id)).all()
        queued = conn.execute(sa.select(outbox.c.message_id)).scalars().all()
    assert journaled == [(out.id, sent.cause.id)] and queued == [out.id]


def test_in_the_callers_transaction_the_call_is_a_savepoint(db: Database) -> None:
    w = worker(Echo, db, migrate=True)
    with db.engine.connect() as conn, conn.begin() as outer:
        assert w.call(probe(1), conn=conn).one(OrphanV1).n == 1
        with pytest.raises(RuntimeError):
            w.call(probe(2, "boom"), conn=conn)
        assert conn.execute(sa.select(echoes.c.seq)).scalars().all() == [1]
        outer.rollback()
    assert _count(db, echoes) == 0


def test_without_a_bus_the_context_refuses_to_publish(db: Database) -> None:
    w = worker(Echo, db, migrate=True)
    assert w.component.ctx is w.ctx and w.ctx.component == "handler.echo"
    with pytest.raises(RuntimeError, match="no broker"):
        w.ctx.bus.publish([])
    assert isinstance(w.call(probe(1)).cause, Envelope)


def test_migrate_builds_a_plugins_tables_from_its_own_branch(db: Database) -> None:
    from omshub_sample.messages import GreetingV1
    from omshub_sample.models import greetings
    from omshub_sample.service import Greeter

    w = worker(Greeter, db, migrate=True)  # the sample plug-in's Alembic branch, not create_all
    with db.read() as conn:
        assert "sample_0001" in applied(conn)
    sent = w.call(GreetingV1(name="Анна"))
    assert len(sent) == 0
    with db.read() as conn:
        assert conn.execute(sa.select(greetings.c.message_id, greetings.c.name)).all() == [
            (sent.cause.id, "Анна")]
