"""Writing the journal (HUB-4): messages, their state changes and their raw bytes.

Writers take an open connection so that journal rows commit in the same transaction as the
effects they describe. Rows are collected per batch and written with one ``executemany``
per table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope, utcnow
from storage.bulk import insert_rows
from storage.models import blobs, journal_events, journal_messages

# A dead message's row keeps its status until an operator acts on it.
STICKY = "dead"
OPERATOR_STATES = ("replayed", "discarded")


def _insert_ignore(conn: Connection, table: sa.Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the connection's dialect."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def store_blob(conn: Connection, data: bytes, media_type: str) -> str:
    """Keep exact bytes once (content-addressed by sha256); returns the blob id."""
    blob_id = hashlib.sha256(data).hexdigest()
    conn.execute(
        _insert_ignore(conn, blobs),
        {"id": blob_id, "media_type": media_type, "size": len(data), "data": data,
         "created_at": utcnow()},
    )
    return blob_id


def load_blob(conn: Connection, blob_id: str) -> bytes | None:
    """The bytes of a blob, None if the store has no such blob."""
    data = conn.execute(sa.select(blobs.c.data).where(blobs.c.id == blob_id)).scalar()
    return None if data is None else bytes(data)


@dataclass
class JournalBatch:
    """Journal rows collected while a batch is handled, written together."""

    component: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[str, tuple[str, datetime, str | None]] = field(default_factory=dict)

    def message(
        self,
        env: Envelope,
        status: str,
        *,
        person: str = "",
        raw_blob_id: str | None = None,
        body: str | None = None,
        fresh: bool = False,
        error: str | None = None,
    ) -> None:
        """Record a message the first time the hub sees it (ignored if already journaled).

        ``error``: why it was refused, for a message journaled straight as rejected.

        ``fresh``: the id was made in this very transaction, so no row can exist yet and the
        row is written without a conflict check (COPY on PostgreSQL).
        """
        now = utcnow()
        self.messages.append(
            {
                "fresh": fresh,
                "message_id": env.id,
                "type": env.type,
                "version": env.version,
                "source": env.source,
                "destination": env.destination,
                "correlation_id": env.correlation_id,
                "causation_id": env.causation_id,
                "created_at": env.created_at,
                "first_seen_at": now,
                "last_at": now,
                "status": status,
                "person": person[:300],
                "envelope": body if body is not None else env.model_dump_json(),
                "raw_blob_id": raw_blob_id,
                "last_error": error,
            }
        )

    def event(
        self,
        message_id: str,
        status: str,
        *,
        queue: str = "",
        attempt: int = 0,
        detail: str = "",
        error: str | None = None,
        new: bool = False,
    ) -> None:
        """Record a state change of a message (``new``: its row is being inserted with it)."""
        now = utcnow()
        self.events.append(
            {"at": now, "message_id": message_id, "status": status,
             "component": self.component, "queue": queue, "attempt": attempt,
             "detail": detail}
        )
        if not new:
            self.statuses[message_id] = (status, now, error)

    def write(self, conn: Connection) -> None:
        """Insert the collected rows and move each message's status."""
        fresh: list[dict[str, Any]] = []
        known: list[dict[str, Any]] = []
        for m in self.messages:
            (fresh if m.pop("fresh") else known).append(m)
        insert_rows(conn, journal_messages, fresh)
        if known:
            conn.execute(_insert_ignore(conn, journal_messages), known)
        insert_rows(conn, journal_events, self.events)
        if self.statuses:
            update_statuses(conn, self.statuses.items())
        self.messages.clear()
        self.events.clear()
        self.statuses.clear()


def update_statuses(
    conn: Connection, changes: Iterable[tuple[str, tuple[str, datetime, str | None]]]
) -> None:
    """Set each message's latest status; a dead message stays dead until an operator acts.

    Messages moving to the same status together are updated by one statement.
    """
    groups: dict[tuple[str, str | None], tuple[datetime, list[str]]] = {}
    for mid, (status, at, error) in changes:
        last, ids = groups.setdefault((status, error), (at, []))
        ids.append(mid)
        groups[(status, error)] = (max(last, at), ids)
    jm = journal_messages.c
    for (status, error), (at, ids) in groups.items():
        stmt = journal_messages.update().where(jm.message_id.in_(ids))
        if status not in OPERATOR_STATES:
            stmt = stmt.where(jm.status != STICKY)
        values: dict[str, Any] = {"status": status, "last_at": at}
        if error is not None:
            values["last_error"] = error
        conn.execute(stmt.values(**values))


def trail(conn: Connection, message_id: str) -> Sequence[sa.Row[Any]]:
    """Every state change of a message, oldest first."""
    je = journal_events.c
    return conn.execute(
        sa.select(journal_events).where(je.message_id == message_id).order_by(je.at, je.id)
    ).all()
