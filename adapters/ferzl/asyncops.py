"""The worker of ФЕРЗЛ's asynchronous operations: Start, Poll until the result, answer once.

A ``ferzl.call`` of a ``…Start`` is queued in ``ferzl_operations`` by the handler (which must
not wait hours in a batch's transaction); this worker takes each due row under a lease (so
that two replicas never run one operation), runs :func:`.polling.run` with the settings'
backoff and deadline, sleeping on the component's stop event, and keeps the token on the row
so that a restart resumes polling instead of starting again. Every Start and Poll is a row
of ``ferzl_exchanges``; the progress is shown on the console (``ctx.progress``).

Done: the zipped CSV is stored as a blob and listed in the ``ferzl.answer``'s attachments,
the Poll answer is its raw bytes. A retryable failure waits ``retry_delays`` and tries
again (the token kept); a final one, a token that never completes or fails every restart,
is answered with its state and the Russian cause.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from adapters.ferzl.client import BAD_REQUEST, FerzlClient, record
from adapters.ferzl.models import operations
from adapters.ferzl.polling import (
    Backoff,
    Done,
    Failed,
    Pending,
    PollError,
    PollTimeout,
    Progress,
    outcome_of,
    run,
)
from adapters.ferzl.requests import RequestError
from adapters.ferzl.service import inbound
from adapters.ferzl.transport import Answer, FerzlError
from contracts.envelope import Envelope, utcnow
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1
from hub.context import Attachment, Context
from storage.journal import JournalBatch

LEASE = timedelta(minutes=10)
"""How long a worker holds an operation without renewing (each Start and Poll renews)."""
POLL_TIMEOUT = "ferzl.poll_timeout"
POLL_FAILED = "ferzl.poll_failed"
NO_RESULT = "ferzl.no_result"


@dataclass
class Result:
    """A completed operation: the Poll answer, read, and its zipped result — None for the
    operations that answer their result inline (getInsuranceStatusChanges, getChangesEvent,
    suspendOmsPolicy: no ``content`` in the answer)."""

    answer: Answer
    archive: bytes | None

    @classmethod
    def of(cls, answer: Answer) -> Result:
        """The result of a completed Poll: the MTOM part its ``content`` refers to (a
        ``content`` without one is an error: LookupError), or none when it has no
        ``content``."""
        content = answer.payload.find(".//{*}content")
        return cls(answer, None if content is None else answer.attachment(content).read())


class Stopped(Exception):
    """The component is stopping: the operation is left for the next start."""


class AsyncWorker:
    """Runs the queued asynchronous operations of one adapter instance."""

    def __init__(self, ctx: Context, client: FerzlClient, component: str,
                 stopping: threading.Event, wake: threading.Event,
                 every_pass: Callable[[], None] | None = None) -> None:
        self.ctx = ctx
        self.every_pass = every_pass
        self.client = client
        self.component = component
        self.stopping = stopping
        self.wake = wake
        self.settings = client.settings

    def loop(self) -> None:
        """Work until stopped; wake on a new operation or every second."""
        while not self.stopping.is_set():
            try:
                if self.every_pass is not None:
                    self.every_pass()
                self.run_due()
            except Exception:
                self.ctx.log.exception("ФЕРЗЛ: проход асинхронных операций не удался")
            self.wake.wait(1.0)
            self.wake.clear()

    def run_due(self) -> int:
        """Run every due operation this worker can lease; how many it ran."""
        o = operations.c
        with self.ctx.db.read() as conn:
            ids = list(conn.execute(sa.select(o.id).where(
                o.status.in_(("waiting", "polling")), o.next_attempt_at <= utcnow())
                .order_by(o.id)).scalars())
        ran = 0
        for row_id in ids:
            if self.stopping.is_set():
                break
            row = self._lease(row_id)
            if row is not None:
                ran += 1
                self.work(row)
        return ran

    def _lease(self, row_id: int) -> sa.Row[Any] | None:
        now = utcnow()
        o = operations.c
        with self.ctx.db.transaction() as conn:
            taken = conn.execute(operations.update().where(
                o.id == row_id, o.status.in_(("waiting", "polling")),
                sa.or_(o.lease_until.is_(None), o.lease_until < now)).values(
                lease_until=now + LEASE, updated_at=now)).rowcount
            return conn.execute(sa.select(operations).where(o.id == row_id)).one() \
                if taken == 1 else None

    def work(self, row: sa.Row[Any]) -> None:
        """Run one operation to its answer, a retry later, or a failure."""
        call = Envelope.model_validate_json(row.call)
        params = FerzlCallV1.model_validate(call.payload)
        pair = row.operation.removesuffix("Start")
        shown = self.ctx.progress(f"ФЕРЗЛ: {pair}", stage="запуск", kind="job",
                                  params={"call_id": row.call_id})
        track = Progress(token=row.token or "")
        try:
            result = run(self._start(row, params, track), self._poll(row, pair, shown),
                         deadline=self._left(row), schedule=Backoff(
                             self.settings.poll_first, self.settings.poll_factor,
                             self.settings.poll_cap),
                         restarts=self.settings.poll_restarts, sleep=self._sleep,
                         progress=track)
        except Stopped:
            self._update(row.id, lease_until=None)
            shown.pause("остановлено: продолжится после запуска")
            return
        except PollTimeout:
            if self.stopping.is_set():
                self._update(row.id, lease_until=None)
                shown.pause("остановлено: продолжится после запуска")
                return
            why = (f"операция ФЕРЗЛ {pair} не завершилась за отведённые "
                   f"{self.settings.poll_deadline:g} с (токен {track.token or 'не получен'}, "
                   f"последний статус «{track.status or 'нет'}», опросов: {track.polls})")
            self._fail(row, call, POLL_TIMEOUT, why)
            shown.fail(why)
            return
        except PollError as exc:
            self._fail(row, call, POLL_FAILED, str(exc))
            shown.fail(str(exc))
            return
        except RequestError as exc:
            self._fail(row, call, BAD_REQUEST, str(exc))
            shown.fail(str(exc))
            return
        except FerzlError as exc:
            self._failed_call(row, call, exc)
            shown.fail(exc.message)
            return
        except LookupError as exc:  # COMPLETED without the result's xop:Include
            self._fail(row, call, NO_RESULT, f"операция завершена, но результата нет: {exc}")
            shown.fail(str(exc))
            return
        try:
            self._done(row, call, result)
        finally:
            result.answer.close()
        shown.finish("результат получен")

    def _left(self, row: sa.Row[Any]) -> float:
        spent = float((utcnow() - row.created_at).total_seconds())
        return max(self.settings.poll_deadline - spent, 0.001)

    def _sleep(self, seconds: float) -> bool:
        if self.stopping.wait(seconds):
            raise Stopped
        return False

    def _start(self, row: sa.Row[Any], call: FerzlCallV1,
               track: Progress) -> Callable[[], str]:
        resume = [row.token] if row.token else []

        def start() -> str:
            if resume:
                return str(resume.pop())
            built = self.client.build(row.operation, call.params, row.release)
            answer = self._send(row, built.payload)
            token = answer.payload.findtext("{*}opToken") or ""
            answer.close()
            self._update(row.id, token=token, status="polling", starts=operations.c.starts + 1,
                         lease_until=utcnow() + LEASE)
            return token
        return start

    def _poll(self, row: sa.Row[Any], pair: str,
              shown: Any) -> Callable[[str], Pending | Done[Result] | Failed]:
        def poll(token: str) -> Pending | Done[Result] | Failed:
            built = self.client.build(f"{pair}Poll", {"token": token}, row.release)
            answer = self._send(row, built.payload)
            outcome = outcome_of(answer.payload, lambda: Result.of(answer))
            status = getattr(outcome, "status", "") or ("готов" if isinstance(outcome, Done)
                                                       else "ошибка")
            self._update(row.id, polls=operations.c.polls + 1, last_status=status[:40],
                         lease_until=utcnow() + LEASE)
            shown.stage(f"опрос: {status or 'в обработке'}")
            if not isinstance(outcome, Done):
                answer.close()
            return outcome
        return poll

    def _send(self, row: sa.Row[Any], payload: Any) -> Answer:
        """One Start or Poll, recorded whatever its outcome."""
        try:
            answer = self.client.transport.call(payload)
        except FerzlError as exc:
            with self.ctx.db.transaction() as conn:
                record(conn, exc.exchange, exc.state, call_id=row.call_id, error=exc.message)
            raise
        with self.ctx.db.transaction() as conn:
            record(conn, answer.exchange, "ferzl.answered", deviations=len(answer.deviations),
                   call_id=row.call_id)
        return answer

    def _done(self, row: sa.Row[Any], call: Envelope, result: Result) -> None:
        exchange = result.answer.exchange
        read, deviations = self.client.read(exchange.answer, result.answer.deviations)
        model = FerzlAnswerV1(operation=row.operation, release=row.release, state="ok",
                              message=read, deviations=deviations)
        archive = () if result.archive is None else (Attachment(
            f"ferzl-{row.operation}-{exchange.external_request_id}.zip", "application/zip",
            result.archive),)
        size = (f"{len(result.archive)} байт" if result.archive is not None
                else "в самом ответе")
        self._answer(row, call, model, inbound(
            model, exchange.request, exchange.answer, exchange.external_request_id, None,
            archive, envelope=call), "done", "ferzl.answered",
            f"результат {row.operation} получен: {size}")

    def _failed_call(self, row: sa.Row[Any], call: Envelope, exc: FerzlError) -> None:
        if exc.retry and row.attempts < len(self.settings.retry_delays):
            wait = self.settings.retry_delays[row.attempts]
            self._update(row.id, attempts=row.attempts + 1, lease_until=None,
                         next_attempt_at=utcnow() + timedelta(seconds=wait),
                         error=exc.message)
            journal = JournalBatch(self.component)
            journal.event(row.call_id, "failed", attempt=row.attempts + 1,
                          detail=f"{exc.message}; повтор через {wait:g} с", error=exc.message)
            with self.ctx.db.transaction() as conn:
                journal.write(conn)
            return
        read, deviations = self.client.read(exc.exchange.answer)
        model = FerzlAnswerV1(operation=row.operation, release=row.release, state=exc.state,
                              message=read, deviations=deviations, error=exc.message)
        self._answer(row, call, model, inbound(
            model, exc.exchange.request, exc.exchange.answer,
            exc.exchange.external_request_id, None, envelope=call), "failed", exc.state,
            exc.message, error=exc.message)

    def _fail(self, row: sa.Row[Any], call: Envelope, state: str, error: str) -> None:
        model = FerzlAnswerV1(operation=row.operation, release=row.release, state=state,
                              error=error)
        from hub.context import Inbound

        self._answer(row, call, model, Inbound(model, cause=call), "failed", state, error,
                     error=error)

    def _answer(self, row: sa.Row[Any], call: Envelope, model: FerzlAnswerV1, item: Any,
                status: str, state: str, detail: str, error: str | None = None) -> None:
        journal = JournalBatch(self.component)
        journal.event(row.call_id, state, detail=detail, error=error)
        with self.ctx.db.transaction() as conn:
            self.ctx.publish_in(conn, [item])
            conn.execute(operations.update().where(operations.c.id == row.id).values(
                status=status, error=error, lease_until=None, updated_at=utcnow()))
            journal.write(conn)
        self.ctx.relay.notify()

    def _update(self, row_id: int, **values: Any) -> None:
        with self.ctx.db.transaction() as conn:
            conn.execute(operations.update().where(operations.c.id == row_id).values(
                updated_at=utcnow(), **values))
