"""Consuming a component's queue effectively once (invariant 2, HUB-3).

One batch (up to the prefetch window) is handled in ONE database transaction: the inbox
records, the handler's effects, the journal rows and the outgoing messages (outbox) commit
together, then the deliveries are acknowledged. A crash before the commit redelivers the
batch and nothing of it happened; a crash after the commit redelivers it and the inbox
turns it into no-ops.

The inbox rows are taken FIRST in the transaction (``INSERT … ON CONFLICT DO NOTHING``):
a message whose row exists is a duplicate and dropped. When two processes are given the
same message at once (a router re-run, a redelivery), the second one's insert waits for
the first one's transaction and, once it commits, finds the row there: the copy is dropped
and acknowledged, and its neighbours in the batch go on. A duplicate never fails a batch.

The fast path runs the whole batch without savepoints. If a handler raises, the batch is
rolled back and run again with a savepoint per message, so that one bad message is retried
or dead-lettered without undoing its neighbours.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope, utcnow
from contracts.hub import JobRunV1
from contracts.registry import MessageType, type_of
from hub import headers as H
from hub import tracing
from hub.bus import Delivery, Disposition, Outgoing, QueueSpec, Subscription
from hub.component import Component, Message, PermanentError
from hub.context import Context
from hub.dead_letters import BROKER_DEATH_HEADERS
from hub.metrics import HANDLE_SECONDS, MESSAGES
from hub.outbox import stage
from hub.resilience import Steadfast
from hub.tracing import current_correlation, current_message
from hub.tx import Tx, handler_methods, write_deferred
from storage.bulk import insert_new
from storage.journal import JournalBatch
from storage.models import dead_letters, inbox, schedules

log = logging.getLogger(__name__)

JOB_RUN = type_of(JobRunV1).key


@dataclass
class _Item:
    index: int
    delivery: Delivery
    env: Envelope
    attempt: int
    call: Callable[[Message[Any], Tx], Any] | None = None
    mt: MessageType | None = None
    payload: BaseModel | None = None
    error: BaseException | None = None
    sent: list[Envelope] = field(default_factory=list)


class _HandlerRaised(Exception):
    def __init__(self, item: _Item) -> None:
        super().__init__(item.env.id)
        self.item = item


class Runner:
    """Consumes one component's queue and dispatches to its ``@handles`` and ``@job`` methods."""

    def __init__(self, component: Component, ctx: Context) -> None:
        self.component = component
        self.ctx = ctx
        self.name = component.component_name()
        self.queue = component.queue_name()
        self.delays = tuple(ctx.settings.retry_delays)
        self._methods = handler_methods(component)
        self._jobs = {spec.name: getattr(component, spec.method) for spec in component.jobs()}
        self._sub: Subscription | None = None
        self._stopping = threading.Event()
        self._steadfast = Steadfast(self.name, self._stopping)
        self.handled = 0
        self.failed = 0
        self.last_error: str | None = None

    @property
    def outage(self) -> str | None:
        """The database or broker error the runner is waiting out, if any."""
        return self._steadfast.outage

    def queue_spec(self) -> QueueSpec:
        """The component queue with the configured delivery limit."""
        return QueueSpec(self.queue, delivery_limit=self.ctx.settings.delivery_limit)

    def start(self) -> None:
        """Start consuming the component's queue."""
        batch = self.component.prefetch or self.ctx.settings.prefetch
        # A window of two batches: the next one arrives while this one commits.
        self._sub = self.ctx.bus.consume(self.queue, self._steadfast.wrap(self.handle_batch),
                                         prefetch=2 * batch, batch_size=batch)

    def stop(self) -> None:
        """Stop consuming; the batch in progress finishes first."""
        self._stopping.set()
        if self._sub is not None:
            self._sub.cancel()
            self._sub = None

    # -- a batch ---------------------------------------------------------------------------

    def handle_batch(self, deliveries: list[Delivery]) -> list[Disposition]:
        """Handle a batch; returns one disposition per delivery."""
        started = time.perf_counter()
        with tracing.batch("process", self.queue, len(deliveries)):
            self._handle(deliveries)
        HANDLE_SECONDS.labels(self.name).observe(time.perf_counter() - started)
        return [Disposition.ACK] * len(deliveries)

    def _handle(self, deliveries: list[Delivery]) -> None:
        journal = JournalBatch(self.name)
        items: list[_Item] = []
        jobs: list[_Item] = []
        broken: list[tuple[Delivery, str, str]] = []
        for i, d in enumerate(deliveries):
            try:
                env = Envelope.from_bytes(d.body)
            except ValidationError as exc:
                broken.append((d, "MalformedEnvelope", _summary(exc)))
                continue
            item = _Item(i, d, env, int(d.headers.get(H.ATTEMPT, 0) or 0))
            if env.routing_key == JOB_RUN:
                jobs.append(item)
            else:
                self._bind(item)
                items.append(item)
        retries = self._commit(items, broken, journal)
        for item in jobs:
            retries += self._run_job(item)
        if retries:
            self.ctx.bus.publish(retries)
        self.ctx.relay.notify()

    def _bind(self, item: _Item) -> None:
        """Find the method and validate the payload; a failure here is permanent."""
        entry = self._methods.get(item.env.routing_key)
        if entry is None:
            item.error = PermanentError(
                f"у компонента {self.name} нет обработчика сообщений типа "
                f"{item.env.routing_key}"
            )
            return
        item.call, item.mt = entry
        try:
            item.payload = item.mt.validate(item.env.payload)
        except ValidationError as exc:
            item.error = PermanentError(
                f"данные не проходят проверку схемы {item.mt.key}: {_summary(exc)}")

    def _commit(
        self, items: list[_Item], broken: list[tuple[Delivery, str, str]], journal: JournalBatch
    ) -> list[Outgoing]:
        """Run the handlers and commit everything; returns the retries to publish."""
        try:
            return self._transaction(items, broken, journal, savepoints=False)
        except _HandlerRaised as exc:
            log.info("handler failed on %s; re-running the batch message by message",
                     exc.item.env.id)
            for item in items:
                if not isinstance(item.error, PermanentError):
                    item.error = None
                item.sent = []
            journal.messages.clear()
            journal.events.clear()
            journal.statuses.clear()
            return self._transaction(items, broken, journal, savepoints=True)

    def _transaction(
        self,
        items: list[_Item],
        broken: list[tuple[Delivery, str, str]],
        journal: JournalBatch,
        *,
        savepoints: bool,
    ) -> list[Outgoing]:
        retries: list[Outgoing] = []
        # Fast path: effects written through tx.insert wait here and go in bulk.
        deferred: dict[sa.Table, list[dict[str, Any]]] | None = None if savepoints else {}
        with self.ctx.db.transaction() as conn:
            # Claim before any effect: a copy another process holds waits here for it.
            ours = self._claim(conn, [it.env.id for it in items])
            done: list[_Item] = []
            failed: list[_Item] = []
            for item in items:
                if item.env.id not in ours:
                    continue  # handled already (here, before, or by another process)
                ours.discard(item.env.id)  # a second copy in this very batch is one too
                if item.error is None:
                    self._call(conn, item, deferred)
                if item.error is None:
                    done.append(item)
                else:
                    failed.append(item)
                    retries += self._fail(conn, journal, item)
            if deferred:
                self._flush(conn, deferred, done)
            if failed:
                self._unclaim(conn, [it.env.id for it in failed])
            if done:
                for item in done:
                    if item.attempt:
                        journal.event(item.env.id, "retried", queue=self.queue,
                                      attempt=item.attempt, detail=f"attempt {item.attempt + 1}")
                    journal.event(item.env.id, "handled", queue=self.queue,
                                  attempt=item.attempt)
                sent = [(env, self._person(env), None) for it in done for env in it.sent]
                stage(conn, journal, sent)
            for d, cause_type, cause in broken:
                self._dead_letter(conn, d, cause_type, cause, 1)
            journal.write(conn)
        # Counted only once committed: a rolled-back fast path must not count twice.
        self._count(len(done), failed, duplicates=len(items) - len(done) - len(failed))
        return retries

    def _count(self, handled: int, failed: list[_Item], *, duplicates: int = 0) -> None:
        self.handled += handled
        MESSAGES.labels(self.name, "handled").inc(handled)
        if duplicates:
            MESSAGES.labels(self.name, "duplicate").inc(duplicates)
            log.info("%s: %d duplicate(s) dropped, already handled", self.name, duplicates)
        if failed:
            self.failed += len(failed)
            self.last_error = f"{type(failed[-1].error).__name__}: {failed[-1].error}"
            MESSAGES.labels(self.name, "failed").inc(len(failed))

    def _flush(self, conn: Connection, deferred: dict[sa.Table, list[dict[str, Any]]],
               done: list[_Item]) -> None:
        """Write the batch's deferred effects; a failure re-runs the batch message by message.

        No savepoint: a failure here rolls the whole batch back before the re-run anyway.
        """
        try:
            write_deferred(conn, deferred)
        except sa.exc.DBAPIError as exc:
            if not done:
                raise
            done[0].error = exc
            raise _HandlerRaised(done[0]) from exc

    def _call(self, conn: Connection, item: _Item,
              deferred: dict[sa.Table, list[dict[str, Any]]] | None) -> None:
        assert item.call is not None and item.payload is not None
        savepoints = deferred is None
        tx = Tx(conn, item.env, self.name, deferred, db=self.ctx.db)
        tokens = (current_message.set(item.env.id),
                  current_correlation.set(item.env.correlation_id))
        # The message's span: the router's copy (bus headers) or its creation (envelope).
        with tracing.following(f"process {item.env.routing_key}", item.delivery.headers,
                               item.env.headers, attributes=self._attributes(item)):
            try:
                self._invoke(conn, item, tx, savepoints)
            finally:
                current_message.reset(tokens[0])
                current_correlation.reset(tokens[1])

    def _invoke(self, conn: Connection, item: _Item, tx: Tx, savepoints: bool) -> None:
        assert item.call is not None and item.payload is not None
        if savepoints:
            try:
                with conn.begin_nested():
                    item.call(Message(item.env, item.payload), tx)
            except Exception as exc:  # noqa: BLE001 - any handler failure is data
                item.error = exc
                tracing.failed(exc)
                return
        else:
            try:
                item.call(Message(item.env, item.payload), tx)
            except Exception as exc:  # noqa: BLE001
                item.error = exc
                tracing.failed(exc)
                raise _HandlerRaised(item) from exc
        item.sent = tx.sent

    def _attributes(self, item: _Item) -> dict[str, Any] | None:
        """The message span's attributes (none to build when not recording)."""
        if not tracing.recording():
            return None
        return {"omshub.component": self.name, "messaging.message.id": item.env.id,
                "messaging.destination.name": self.queue, "omshub.attempt": item.attempt}

    def _fail(self, conn: Connection, journal: JournalBatch, item: _Item) -> list[Outgoing]:
        """Journal a failure; schedule a retry or dead-letter the message."""
        exc = item.error
        assert exc is not None
        failures = item.attempt + 1
        cause_type = type(exc).__name__
        cause = f"{cause_type}: {exc}"
        permanent = isinstance(exc, PermanentError)
        if permanent or failures > len(self.delays):
            journal.event(item.env.id, "dead", queue=self.queue, attempt=failures,
                          detail=cause, error=cause)
            self._dead_letter(conn, item.delivery, cause_type, str(exc), failures,
                              message_id=item.env.id)
            log.warning("message %s dead-lettered after %d attempt(s): %s",
                        item.env.id, failures, cause)
            return []
        delay = self.delays[failures - 1]
        journal.event(item.env.id, "failed", queue=self.queue, attempt=failures,
                      detail=f"{cause}; retry {failures} of {len(self.delays)} in {delay:g} s",
                      error=cause)
        hdrs = {k: v for k, v in item.delivery.headers.items()
                if k not in BROKER_DEATH_HEADERS}
        hdrs[H.ATTEMPT] = failures
        hdrs[H.ORIGIN_QUEUE] = self.queue
        return [Outgoing(self.queue, item.delivery.body, item.env.id, hdrs, delay=delay)]

    def _dead_letter(self, conn: Connection, d: Delivery, cause_type: str, cause: str,
                     attempts: int, message_id: str | None = None) -> None:
        conn.execute(
            dead_letters.insert(),
            {"message_id": message_id or d.message_id or "?", "queue": self.queue,
             "component": self.name, "cause_type": cause_type, "cause_message": cause[:4000],
             "attempts": attempts, "body": d.body, "at": utcnow(), "state": "open"},
        )

    def _claim(self, conn: Connection, ids: list[str]) -> set[str]:
        """Insert the inbox rows of ``ids``; returns those that were not there (to handle).

        Taken first in the batch's transaction: a row another process's open transaction
        holds makes this wait until it commits (then the id is a duplicate) or rolls back
        (then it is ours). Sorted inserts keep two such claims from deadlocking.
        """
        return insert_new(conn, inbox, "message_id", ids, consumer=self.name,
                          handled_at=utcnow())

    def _unclaim(self, conn: Connection, ids: list[str]) -> None:
        """Give back the claims of messages that failed: they are not handled yet."""
        c = inbox.c
        conn.execute(inbox.delete().where(c.consumer == self.name, c.message_id.in_(ids)))

    def _seen(self, conn: Connection, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        c = inbox.c
        rows = conn.execute(
            sa.select(c.message_id).where(c.consumer == self.name, c.message_id.in_(ids))
        )
        return {r[0] for r in rows}

    def _person(self, env: Envelope) -> str:
        key = env.routing_key
        return self.ctx.types.get(key).person_of(env.payload) if key in self.ctx.types else ""

    # -- scheduled jobs ----------------------------------------------------------------------

    def _run_job(self, item: _Item) -> list[Outgoing]:
        """Run a job outside any transaction (jobs talk to the outside), then record it."""
        request = JobRunV1.model_validate(item.env.payload)
        with self.ctx.db.read() as conn:
            if self._seen(conn, [item.env.id]):
                return []
        method = self._jobs.get(request.job)
        with tracing.following(f"job {request.job}", item.delivery.headers, item.env.headers,
                               attributes={"omshub.component": self.name}):
            try:
                if method is None:
                    raise PermanentError(f"у компонента {self.name} нет задачи «{request.job}»")
                method()
            except Exception as exc:  # noqa: BLE001 - a failing job is journaled and retried
                item.error = exc
                tracing.failed(exc)
        journal = JournalBatch(self.name)
        with self.ctx.db.transaction() as conn:
            status = "ok" if item.error is None else "failed"
            conn.execute(
                schedules.update().where(schedules.c.name == request.schedule).values(
                    last_run_at=utcnow(), last_status=status,
                    last_error=None if item.error is None else f"{item.error}"[:4000])
            )
            retries: list[Outgoing] = []
            duplicate = False
            if item.error is None:
                # Another process may have run the same copy meanwhile: recorded once.
                duplicate = not self._claim(conn, [item.env.id])
                if not duplicate:
                    journal.event(item.env.id, "handled", queue=self.queue,
                                  attempt=item.attempt)
            else:
                retries = self._fail(conn, journal, item)
            journal.write(conn)
        ok = item.error is None
        self._count(int(ok and not duplicate), [] if ok else [item], duplicates=int(duplicate))
        return retries


PYDANTIC_WORDS = {
    "missing": "обязательное поле не заполнено",
    "extra_forbidden": "лишнее поле",
    "int_parsing": "нужно целое число",
    "int_type": "нужно целое число",
    "float_parsing": "нужно число",
    "float_type": "нужно число",
    "bool_parsing": "нужно true или false",
    "bool_type": "нужно true или false",
    "string_type": "нужна строка",
    "string_too_short": "строка короче допустимого",
    "string_too_long": "строка длиннее допустимого",
    "string_pattern_mismatch": "значение не соответствует формату",
    "date_parsing": "нужна дата (ГГГГ-ММ-ДД)",
    "date_from_datetime_parsing": "нужна дата (ГГГГ-ММ-ДД)",
    "datetime_parsing": "нужны дата и время (ISO 8601)",
    "datetime_from_date_parsing": "нужны дата и время (ISO 8601)",
    "literal_error": "недопустимое значение",
    "enum": "недопустимое значение",
    "dict_type": "нужен объект",
    "model_type": "нужен объект",
    "list_type": "нужен список",
    "json_invalid": "не JSON",
    "uuid_parsing": "нужен UUID",
    "greater_than_equal": "значение меньше допустимого",
    "less_than_equal": "значение больше допустимого",
    "too_short": "слишком мало элементов",
    "too_long": "слишком много элементов",
}
"""Pydantic's error kinds in words (others keep pydantic's own text)."""


def _summary(exc: ValidationError) -> str:
    """A one-line account of a pydantic validation error, in Russian where the kind of error
    is known (the field's path stays as it is named)."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "(весь объект)"
        parts.append(f"{where}: {PYDANTIC_WORDS.get(err.get('type', ''), err.get('msg', ''))}")
    more = f" (и ещё {exc.error_count() - 5})" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more
