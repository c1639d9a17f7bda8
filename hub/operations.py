"""Operator actions on messages (HUB-5, ADM-2): replay, edit-and-replay, discard; all audited.

Every action needs a reason and writes one audit row, a journal event on the message, and
— for replays — an outbox row, in one transaction. A replayed dead letter goes back to the
queue it died in, under its own id, with its attempt count reset; a replay of any other
journaled message is a new copy (new id, caused by the original) sent through the router.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope, new_id, utcnow
from contracts.registry import TypeRegistry, UnknownMessageType
from hub import headers as H
from hub.bus import Bus
from hub.outbox import ROUTER_QUEUE, Relay, outbox_row, stage
from hub.runner import _summary
from hub.tracing import continue_trace
from storage.db import Database
from storage.journal import JournalBatch
from storage.models import audit_log, dead_letters, journal_messages, outbox

CONSOLE = "console"


class Operations:
    """Replays and discards, as the console and its API perform them."""

    def __init__(self, db: Database, bus: Bus, types: TypeRegistry,
                 relay: Relay | None = None) -> None:
        self.db = db
        self.bus = bus
        self.types = types
        self._relay = relay
        self._own_relay = relay is None

    def _flush(self) -> None:
        # With a process relay a nudge is enough; otherwise publish now, synchronously.
        if self._relay is None:
            self._relay = Relay(self.db, self.bus)
        if self._own_relay:
            while self._relay.pass_once():
                pass
        else:
            self._relay.notify()

    def audit(self, user: str, action: str, target: str = "", reason: str = "",
              details: dict[str, Any] | None = None, remote_addr: str = "") -> int:
        """Write one audit row; returns its id."""
        return record_audit(self.db, user, action, target, reason, details, remote_addr)

    @staticmethod
    def _audit(conn: Connection, user: str, action: str, target: str, reason: str,
               details: dict[str, Any] | None, remote_addr: str) -> int:
        return audit_row(conn, user, action, target, reason, details, remote_addr)

    # -- dead letters ---------------------------------------------------------------------

    def replay_dead_letter(self, dead_letter_id: int, *, user: str, reason: str,
                           payload: dict[str, Any] | None = None, remote_addr: str = "") -> None:
        """Send a dead letter back to its queue, optionally with an operator-edited payload."""
        _require(reason)
        with self.db.transaction() as conn:
            row = self._open_dead_letter(conn, dead_letter_id)
            self._replay_dead(conn, row, user, reason, payload, remote_addr)
        self._flush()

    def replay_dead_letters(
        self,
        *,
        user: str,
        reason: str,
        cause_type: str | None = None,
        queue: str | None = None,
        type: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        remote_addr: str = "",
    ) -> int:
        """Replay every open dead letter matching the filter; returns how many."""
        _require(reason)
        dl = dead_letters.c
        query = sa.select(dead_letters).where(dl.state == "open").order_by(dl.id)
        if cause_type:
            query = query.where(dl.cause_type == cause_type)
        if queue:
            query = query.where(dl.queue == queue)
        if since:
            query = query.where(dl.at >= since)
        if until:
            query = query.where(dl.at < until)
        if type:
            jm = journal_messages.c
            name, _, version = type.rpartition(".v")
            by_type = (sa.and_(jm.type == name, jm.version == int(version))
                       if name and version.isdigit() else jm.type == type)
            query = query.where(dl.message_id.in_(sa.select(jm.message_id).where(by_type)))
        with self.db.transaction() as conn:
            rows = conn.execute(query).all()
            for row in rows:
                self._replay_dead(conn, row, user, reason, None, remote_addr, bulk=True)
            if not rows:  # a bulk action that did nothing is still an operator's action
                self._audit(conn, user, "replay-matched-nothing", "", reason, {
                    "cause_type": cause_type, "queue": queue, "type": type,
                    "since": since, "until": until}, remote_addr)
        self._flush()
        return len(rows)

    def discard_dead_letter(self, dead_letter_id: int, *, user: str, reason: str,
                            remote_addr: str = "") -> None:
        """Close a dead letter without replaying it."""
        _require(reason)
        journal = JournalBatch(CONSOLE)
        with self.db.transaction() as conn:
            row = self._open_dead_letter(conn, dead_letter_id)
            self._audit(conn, user, "discard", row.message_id, reason,
                        {"dead_letter_id": row.id, "queue": row.queue}, remote_addr)
            self._resolve(conn, row.id, "discarded", user, reason)
            journal.event(row.message_id, "discarded", queue=row.queue,
                          detail=f"by {user}: {reason}")
            journal.write(conn)

    def _open_dead_letter(self, conn: Connection, dead_letter_id: int) -> sa.Row[Any]:
        row = conn.execute(
            sa.select(dead_letters).where(dead_letters.c.id == dead_letter_id)
        ).first()
        if row is None:
            raise LookupError(f"no dead letter {dead_letter_id}")
        if row.state != "open":
            raise ValueError(f"dead letter {dead_letter_id} is already {row.state}")
        return row

    def _replay_dead(self, conn: Connection, row: sa.Row[Any], user: str, reason: str,
                     payload: dict[str, Any] | None, remote_addr: str, bulk: bool = False) -> None:
        body = row.body
        if payload is not None:
            body = self._edited(body, payload).to_bytes()
        action = "edit-and-replay" if payload is not None else "replay"
        audit_id = self._audit(conn, user, action, row.message_id, reason,
                               {"dead_letter_id": row.id, "queue": row.queue,
                                "cause": f"{row.cause_type}: {row.cause_message}"[:500],
                                "bulk": bulk, "payload": payload}, remote_addr)
        self._resolve(conn, row.id, "replayed", user, reason)
        journal = JournalBatch(CONSOLE)
        journal.event(row.message_id, "replayed", queue=row.queue,
                      detail=f"{action} by {user}: {reason}")
        journal.write(conn)
        conn.execute(outbox.insert(), outbox_row(
            CONSOLE, row.message_id, body, row.queue, {H.ATTEMPT: 0, H.REPLAY: str(audit_id)}))

    @staticmethod
    def _resolve(conn: Connection, dead_letter_id: int, state: str, user: str,
                 reason: str) -> None:
        conn.execute(dead_letters.update().where(dead_letters.c.id == dead_letter_id).values(
            state=state, resolved_at=utcnow(), resolved_by=user, resolution=reason))

    def _edited(self, body: bytes, payload: dict[str, Any]) -> Envelope:
        """The envelope in ``body`` with ``payload`` validated against its type."""
        try:
            env = Envelope.from_bytes(body)
        except ValidationError as exc:
            raise ValueError(f"the stored message is not an envelope: {_summary(exc)}") from exc
        return self._with_payload(env, payload)

    def _with_payload(self, env: Envelope, payload: dict[str, Any]) -> Envelope:
        try:
            mt = self.types.get(env.routing_key)
        except UnknownMessageType as exc:
            raise ValueError(str(exc)) from exc
        try:
            mt.validate(payload)
        except ValidationError as exc:
            raise ValueError(f"payload fails {mt.key}: {_summary(exc)}") from exc
        return env.model_copy(update={"payload": payload})

    # -- any journaled message --------------------------------------------------------------

    def replay_message(self, message_id: str, *, user: str, reason: str,
                       payload: dict[str, Any] | None = None, remote_addr: str = "") -> str:
        """Send a copy of a journaled message through the router; returns the copy's id."""
        _require(reason)
        jm = journal_messages.c
        with self.db.transaction() as conn:
            row = conn.execute(sa.select(jm.envelope, jm.person, jm.raw_blob_id)
                               .where(jm.message_id == message_id)).first()
            if row is None:
                raise LookupError(f"no message {message_id} in the journal")
            try:
                original = Envelope.model_validate_json(row.envelope)
            except ValidationError as exc:
                raise ValueError(f"message {message_id} is not a valid envelope and cannot be "
                                 f"replayed as is: {_summary(exc)}") from exc
            copy = original.model_copy(update={
                "id": new_id(), "causation_id": original.id, "created_at": utcnow(),
                "headers": {**continue_trace(original.headers), H.REPLAY: message_id}})
            if payload is not None:
                copy = self._with_payload(copy, payload)
            audit_id = self._audit(conn, user, "replay-message", message_id, reason,
                                   {"copy": copy.id, "payload": payload}, remote_addr)
            journal = JournalBatch(CONSOLE)
            journal.event(message_id, "replayed", queue=ROUTER_QUEUE,
                          detail=f"copy {copy.id} sent by {user}: {reason} (audit {audit_id})")
            stage(conn, journal, [(copy, row.person, row.raw_blob_id)])
            journal.write(conn)
        self._flush()
        return copy.id


def audit_row(conn: Connection, user: str, action: str, target: str = "", reason: str = "",
              details: dict[str, Any] | None = None, remote_addr: str = "") -> int:
    """Write one audit row in the caller's transaction; returns its id."""
    result = conn.execute(audit_log.insert().values(
        at=utcnow(), username=user[:100], action=action[:100], target=target[:300],
        reason=reason, details=json.dumps(details or {}, ensure_ascii=False, default=str),
        remote_addr=remote_addr[:100]))
    pk = result.inserted_primary_key
    return int(pk[0]) if pk else 0


def record_audit(db: Database, user: str, action: str, target: str = "", reason: str = "",
                 details: dict[str, Any] | None = None, remote_addr: str = "") -> int:
    """Write one audit row in its own transaction (for callers without Operations, such as
    the command line); returns its id."""
    with db.transaction() as conn:
        return audit_row(conn, user, action, target, reason, details, remote_addr)


def _require(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValueError("a reason is required")


__all__: Sequence[str] = ["Operations", "audit_row", "record_audit"]
