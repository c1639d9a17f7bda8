"""The transactional outbox (invariant 2) and its relay.

A component never publishes from inside its transaction: it writes the envelope into the
``outbox`` table in the same transaction as its effects and its journal rows. The relay
publishes committed rows with publisher confirms and deletes them. A crash between commit
and publish leaves the rows for the next relay pass (at-least-once); consumers' inboxes
make the duplicate harmless.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from opentelemetry.trace import SpanKind
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef, Envelope, utcnow
from contracts.registry import type_of
from hub import headers as H
from hub import tracing
from hub.bus import Bus, BusError, Outgoing
from storage.bulk import insert_rows
from storage.db import Database
from storage.journal import JournalBatch
from storage.models import outbox

log = logging.getLogger(__name__)

ROUTER_QUEUE = "omshub.router"
_JOURNALED = {H.JOURNALED: "1"}
"""Every new canonical message goes to the router first."""
LINKS = 128
"""Links a relay span keeps to the messages it publishes (OpenTelemetry's default limit)."""


def envelope_for(
    model: BaseModel,
    *,
    source: str,
    cause: Envelope | None = None,
    destination: str | None = None,
    attachments: Sequence[AttachmentRef] = (),
    headers: dict[str, str] | None = None,
    correlation_id: str | None = None,
) -> Envelope:
    """Wrap a typed payload into a new envelope, continuing ``cause``'s conversation."""
    mt = type_of(type(model))
    # The current span (an intake, a handler's work on ``cause``) is the new message's
    # parent; with none, a ``cause`` passed by hand is, else the message starts a trace.
    if cause is not None and not tracing.in_trace():
        hdrs = tracing.continue_trace(cause.headers, "create")
    else:
        hdrs = tracing.inject()
    hdrs.update(headers or {})
    return Envelope(
        type=mt.name,
        version=mt.version,
        source=source,
        destination=destination,
        correlation_id=correlation_id or (cause.correlation_id if cause else ""),
        causation_id=cause.id if cause else None,
        headers=hdrs,
        payload=model.model_dump(mode="json"),
        attachments=list(attachments),
    )


def outbox_row(producer: str, message_id: str, body: bytes, queue: str = ROUTER_QUEUE,
               headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """An outbox row that will publish ``body`` to ``queue``."""
    return {
        "producer": producer,
        "queue": queue,
        "message_id": message_id,
        "body": body,
        "headers": json.dumps(headers or {}),
        "created_at": utcnow(),
    }


def stage(
    conn: Connection,
    journal: JournalBatch,
    envelopes: Sequence[tuple[Envelope, str, str | None]],
) -> None:
    """Journal ``(envelope, person, raw_blob_id)`` as received and queue it for the router.

    Runs inside the caller's transaction; rows are written with one statement per table.
    """
    rows = []
    for env, person, raw_blob_id in envelopes:
        body = env.to_bytes()
        journal.message(env, "received", person=person, raw_blob_id=raw_blob_id,
                        body=body.decode("utf-8"), fresh=True)
        journal.event(env.id, "received", queue=ROUTER_QUEUE, new=True)
        # The trace context goes in the bus headers too: the relay links to it, brokers'
        # tooling sees it, and the router needs no parse of the body to find it.
        trace = env.headers.get(H.TRACEPARENT)
        rows.append(outbox_row(journal.component, env.id, body, headers={
            **_JOURNALED, H.TRACEPARENT: trace} if trace else _JOURNALED))
    insert_rows(conn, outbox, rows)


class Relay:
    """Publishes committed outbox rows; one per process, woken by local commits.

    On PostgreSQL several relays run at once (one per process) and share the work with
    ``FOR UPDATE SKIP LOCKED``; a row is deleted only after the broker confirmed it.
    """

    def __init__(self, db: Database, bus: Bus, *, batch: int = 500, idle: float = 0.2) -> None:
        self.db = db
        self.bus = bus
        self.batch = batch
        self.idle = idle
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.published = 0
        self.last_error: str | None = None

    def notify(self) -> None:
        """Something was committed to the outbox: publish without waiting for the poll."""
        self._wake.set()

    def start(self) -> None:
        """Run in a background thread."""
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the pass in progress and stop."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        backoff = self.idle
        while not self._stop.is_set():
            try:
                n = self.pass_once()
                self.last_error = None
                backoff = self.idle
            except (BusError, sa.exc.SQLAlchemyError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox relay pass failed: %s", self.last_error)
                n = 0
                backoff = min(backoff * 2, 5.0)
            if n < self.batch:
                self._wake.wait(backoff)
                self._wake.clear()

    def pass_once(self) -> int:
        """Publish up to one batch of rows; returns how many were published."""
        c = outbox.c
        query = sa.select(c.id, c.queue, c.message_id, c.body, c.headers).order_by(c.id)
        query = query.limit(self.batch)
        if self.db.is_sqlite:
            # One process owns an SQLite database: read, publish, then delete.
            with self.db.read() as conn:
                rows = conn.execute(query).all()
            if rows:
                self._publish(rows)
                with self.db.transaction() as conn:
                    conn.execute(outbox.delete().where(c.id.in_([r.id for r in rows])))
        else:
            with self.db.transaction() as conn:
                rows = conn.execute(query.with_for_update(skip_locked=True)).all()
                if rows:
                    self._publish(rows)
                    conn.execute(outbox.delete().where(c.id.in_([r.id for r in rows])))
        self.published += len(rows)
        return len(rows)

    def _publish(self, rows: Sequence[Any]) -> None:
        out = [Outgoing(r.queue, r.body, r.message_id, json.loads(r.headers)) for r in rows]
        if not tracing.recording():
            self.bus.publish(out)
            return
        # One span for the batch, linked to the messages it carries (up to the SDK's limit).
        links = [link for o in out[:LINKS] if (link := tracing.link_to(o.headers))]
        with tracing.span("publish", kind=SpanKind.PRODUCER, links=links, attributes={
                "messaging.operation.name": "publish",
                "messaging.batch.message_count": len(out)}):
            self.bus.publish(out)
