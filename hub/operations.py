"""Operator actions on messages (HUB-5, ADM-2): replay, edit-and-replay, discard; all audited.

Every action needs a reason and writes one audit row, a journal event on the message, and
— for replays — an outbox row, in one transaction. A replayed dead letter goes back to the
queue it died in, under its own id, with its attempt count reset; a replay of any other
journaled message is a new copy (new id, caused by the original) sent through the router.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope, new_id, utcnow
from contracts.registry import TypeRegistry, UnknownMessageType
from hub import headers as H
from hub import progress
from hub.bus import Bus
from hub.outbox import ROUTER_QUEUE, Relay, outbox_row, stage
from hub.runner import _summary
from hub.tracing import continue_trace
from storage.db import Database
from storage.journal import JournalBatch
from storage.models import audit_log, dead_letters, journal_messages, outbox

CONSOLE = "console"
RESOLVED_WORDS = {"replayed": "отправлена повторно", "discarded": "отброшена"}


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

    def replay_dead_batch(self, ids: Sequence[int], *, user: str, reason: str,
                          remote_addr: str = "", task: str = ""
                          ) -> tuple[int, list[tuple[int, str]]]:
        """Replay the given dead letters in one transaction, each audited on its own.

        Returns how many were replayed and ``(id, why)`` of those skipped: gone, or no
        longer open (someone else replayed or discarded it meanwhile).
        """
        _require(reason)
        done, skipped = 0, []
        with self.db.transaction() as conn:
            rows = {r.id: r for r in conn.execute(
                sa.select(dead_letters).where(dead_letters.c.id.in_(list(ids)))).all()}
            for i in ids:
                row = rows.get(i)
                if row is None or row.state != "open":
                    skipped.append((i, "нет такой ошибки" if row is None
                                    else f"уже {RESOLVED_WORDS.get(row.state, row.state)}"))
                    continue
                self._replay_dead(conn, row, user, reason, None, remote_addr, bulk=True,
                                  task=task)
                done += 1
        if done:
            self._flush()
        return done, skipped

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
            raise LookupError(f"нет ошибки доставки {dead_letter_id}")
        if row.state != "open":
            raise ValueError(f"ошибка доставки {dead_letter_id} уже "
                             f"{RESOLVED_WORDS.get(row.state, row.state)}")
        return row

    def _replay_dead(self, conn: Connection, row: sa.Row[Any], user: str, reason: str,
                     payload: dict[str, Any] | None, remote_addr: str, bulk: bool = False,
                     task: str = "") -> None:
        body = row.body
        if payload is not None:
            body = self._edited(body, payload).to_bytes()
        action = "edit-and-replay" if payload is not None else "replay"
        audit_id = self._audit(conn, user, action, row.message_id, reason,
                               {"dead_letter_id": row.id, "queue": row.queue,
                                "cause": f"{row.cause_type}: {row.cause_message}"[:500],
                                "bulk": bulk, "payload": payload,
                                **({"task": task} if task else {})}, remote_addr)
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
            raise ValueError(f"сохранённое сообщение — не конверт хаба: {_summary(exc)}") from exc
        return self._with_payload(env, payload)

    def _with_payload(self, env: Envelope, payload: dict[str, Any]) -> Envelope:
        try:
            mt = self.types.get(env.routing_key)
        except UnknownMessageType as exc:
            raise ValueError(str(exc)) from exc
        try:
            mt.validate(payload)
        except ValidationError as exc:
            raise ValueError(f"данные не проходят проверку схемы {mt.key}: {_summary(exc)}"
                             ) from exc
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
                raise LookupError(f"в журнале нет сообщения {message_id}")
            try:
                original = Envelope.model_validate_json(row.envelope)
            except ValidationError as exc:
                raise ValueError(f"сообщение {message_id} — не конверт хаба, повторить его как "
                                 f"есть нельзя: {_summary(exc)}") from exc
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


@dataclass(frozen=True)
class Pace:
    """How a bulk replay goes: ``batch`` messages per transaction, ``rate`` per second."""

    rate: float = 50.0
    batch: int = 100

    def __post_init__(self) -> None:
        if not 0 < self.rate <= 10_000:
            raise ValueError("скорость — от 0 до 10 000 сообщений в секунду")
        if not 1 <= self.batch <= 5_000:
            raise ValueError("пачка — от 1 до 5 000 сообщений")


class BulkReplay:
    """Replays dead letters batch by batch at a set rate, reporting progress; pausable.

    ``pick(n, skip)`` gives up to ``n`` ids of open dead letters still to replay (not in
    ``skip``: those already tried). Between batches the task reads what an operator asked
    through the console (hub/progress.py ``request``): pause — it replays nothing until
    resumed; cancel — it stops. The work runs in a thread of the process that started it
    (the console's): see docs/design.md, "Bulk replay".
    """

    def __init__(self, ops: Operations, task: progress.Progress,
                 pick: Callable[[int, set[int]], list[int]], pace: Pace, *, user: str,
                 reason: str, remote_addr: str = "") -> None:
        self.ops = ops
        self.task = task
        self.pick = pick
        self.pace = pace
        self.user = user
        self.reason = reason
        self.remote_addr = remote_addr
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> BulkReplay:
        """Run in a daemon thread; returns self."""
        self.thread = threading.Thread(target=self.run, name=f"replay-{self.task.id[:8]}",
                                       daemon=True)
        self.thread.start()
        return self

    def run(self) -> None:
        """Replay until nothing is left, cancelled or stopped; ends the task."""
        tried: set[int] = set()
        skipped = 0
        replayed = self.task.snapshot.done
        clock, sent = time.monotonic(), 0
        try:
            while not self.stopping.is_set():
                asked = self._obey()
                if asked == "cancel":
                    self.task.finish(f"Отменено оператором: отправлено {replayed}",
                                     state="cancelled")
                    return
                if asked == "paused":
                    clock, sent = time.monotonic(), 0
                ids = self.pick(self.pace.batch, tried)
                if not ids:
                    break
                tried.update(ids)
                done, missed = self.ops.replay_dead_batch(
                    ids, user=self.user, reason=self.reason, remote_addr=self.remote_addr,
                    task=self.task.id)
                replayed += done
                skipped += len(missed)
                sent += len(ids)
                self.task.update(replayed)
                # The rate holds over the whole run: wait until this batch's share is due.
                self.stopping.wait(max(0.0, clock + sent / self.pace.rate - time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - the task ends failed, with the cause
            self.task.fail(f"Ошибка: {type(exc).__name__}: {exc}"[:2000])
            raise
        if self.stopping.is_set():
            self.task.release()  # the process stops: the task stays active, resumable
            return
        note = f"; пропущено (уже обработаны другими): {skipped}" if skipped else ""
        self.task.finish(f"Отправлено повторно: {replayed}{note}")

    def _obey(self) -> str:
        """Act on a pause or cancel; returns ``cancel``, ``paused`` (was paused, now goes
        on) or ``""``."""
        asked = self.task.control()
        if asked == "cancel":
            return "cancel"
        if asked != "pause":
            return ""
        self.task.pause("Приостановлено оператором")
        while not self.stopping.wait(0.2):
            asked = self.task.control()
            if asked == "cancel":
                return "cancel"
            if asked == "resume":
                self.task.resume("Повторная отправка")
                return "paused"
        return ""


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
        raise ValueError("нужна причина: она попадёт в журнал аудита")


__all__: Sequence[str] = ["BulkReplay", "Operations", "Pace", "audit_row", "record_audit"]
