"""The ФЕРЗЛ adapter component (``adapter.ferzl``): ``ferzl.call`` in, ``ferzl.answer`` out.

A handler sends :class:`contracts.ferzl.FerzlCallV1`; the adapter builds the request in the
release the settings choose (validated against its XSD), sends it, and answers with
:class:`contracts.ferzl.FerzlAnswerV1` caused by the call: the fund's form of the answer and
its deviations, the exact answer as the message's raw bytes and the exact request beside it;
each call is a row of ``ferzl_exchanges``.

Outcomes follow :mod:`.policy`: a retryable one (HTTP 500, no connection, an unreadable
answer) is raised, so the hub's delays space the attempts and the last one is dead-lettered
with its cause; a final one (403, 409, a ФЛК rejection…) is answered with its journal state
and the Russian reason, and is on the call's trail. An asynchronous operation (its
``…Start``) is not waited for in the handler: it is queued in ``ferzl_operations`` and run
by the adapter's worker (:mod:`.asyncops`), which answers once with the result's zipped CSV
attached.

Without a ФЕРЗЛ release in the schema directory the adapter is «не настроен»: its health is
``disabled`` and a call is dead-lettered with the reason (replayed once it is configured).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import ValidationError

from adapters.ferzl import models
from adapters.ferzl.client import BAD_REQUEST, Built, FerzlClient, record
from adapters.ferzl.releases import Releases
from adapters.ferzl.requests import RequestError
from adapters.ferzl.settings import PLUGIN, SIMULATOR_URL, FerzlSettings
from adapters.ferzl.transport import Answer, FerzlError
from contracts.envelope import utcnow
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1
from hub.component import Adapter, Message, PermanentError, handles
from hub.context import Attachment, Context, Inbound
from hub.tx import Tx
from storage.journal import JournalBatch

OK = "ok"
RECALLED = 256
"""Outcomes kept for the runner's re-run of a batch (the newest)."""


class FerzlAdapter(Adapter):
    """ФЕРЗЛ (ЦС ЕРЗ): answers the hub's calls of its web services."""

    name: ClassVar[str] = PLUGIN
    metadata: ClassVar[sa.MetaData | None] = models.metadata
    health_labels: ClassVar[Mapping[str, str]] = {
        "url": "Адрес ФЕРЗЛ",
        "releases": "Выпуски API",
        "in_flight": "Асинхронных операций в работе",
        "warnings": "Предупреждения",
    }

    client: FerzlClient | None = None
    unconfigured: str | None = None
    """Why the adapter is off on purpose (no ФЕРЗЛ release installed): «не настроен»."""
    error: str | None = None
    """Why it cannot work although configured (bad settings)."""

    def setup(self, ctx: Context) -> None:
        """Read ``[plugins.ferzl]`` and the releases of the schema directory."""
        super().setup(ctx)
        self._wake = threading.Event()
        self._worker: threading.Thread | None = None
        self._recalled: OrderedDict[str, Answer | FerzlError] = OrderedDict()
        self._lock = threading.Lock()
        self._unrecorded: deque[tuple[FerzlError, str, datetime]] = deque(maxlen=RECALLED)
        self.warnings: list[str] = []
        try:
            self.settings = FerzlSettings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        except ValidationError as exc:
            self.error = "настройки [plugins.ferzl] неверны: " + "; ".join(
                str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
            ctx.log.error("adapter.ferzl: %s", self.error)
            return
        schemas = ctx.settings.schemas_dir
        releases = Releases.discover(Path(schemas)) if schemas is not None else None
        if releases is None or not releases.versions:
            self.unconfigured = ("ФЕРЗЛ не настроен: " + (
                "не задан каталог схем (schemas_dir)" if schemas is None
                else f"в каталоге схем {schemas} нет выпусков API ФЕРЗЛ"))
            return
        missing = self.settings.unknown_releases(releases)
        if missing:
            self.warnings.append(f"выбранные выпуски API не установлены: {', '.join(missing)}")
        if not self.settings.token and self.settings.token_file is None \
                and self.settings.base_url != SIMULATOR_URL:  # the simulator takes any
            self.warnings.append("не задан токен ФЕРЗЛ (token или token_file)")
        self.client = FerzlClient(self.settings, releases)

    def start(self) -> None:
        """Start the worker of asynchronous operations."""
        if self.client is None:
            return
        from adapters.ferzl.asyncops import AsyncWorker

        worker = AsyncWorker(self.ctx, self.client, self.component_name(), self._stopping,
                             self._wake, every_pass=self.record_retried)
        self._worker = threading.Thread(target=worker.loop, name="ferzl-async", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        """Stop the worker after the call in progress."""
        super().stop()
        self._wake.set()
        if self._worker is not None:
            self._worker.join(10)

    def health(self) -> dict[str, Any]:
        """Where ФЕРЗЛ is, the releases, the operations in flight; or why it is off."""
        if self.unconfigured:
            return {"status": "disabled", "detail": self.unconfigured}
        if self.error or self.client is None:
            return {"status": "down", "detail": self.error or "не запущен"}
        with self.ctx.db.read() as conn:
            in_flight = conn.execute(sa.select(sa.func.count()).select_from(models.operations)
                                     .where(models.operations.c.status.in_(
                                         ("waiting", "polling")))).scalar()
        return {"status": "degraded" if self.warnings else "ok",
                "url": self.settings.base_url, "releases": self.client.releases.versions,
                "in_flight": in_flight, "warnings": self.warnings}

    @handles(FerzlCallV1)
    def on_call(self, message: Message[FerzlCallV1], tx: Tx) -> None:
        """Call ФЕРЗЛ and answer (an asynchronous operation is queued for the worker)."""
        if self.client is None:
            raise PermanentError(self.unconfigured or self.error or "ФЕРЗЛ не настроен")
        call = message.payload
        try:
            built = self.client.build(call.operation, call.params, call.release)
        except RequestError as exc:
            self.refuse(tx, message, BAD_REQUEST, str(exc), release=call.release)
            return
        if built.operation.asynchronous and built.operation.name.endswith("Start"):
            self._queue(tx, message, built)
            return
        outcome = self._recalled.pop(message.id, None)
        if outcome is None:
            try:
                outcome = self.client.call(built)
            except FerzlError as exc:
                outcome = exc
                if exc.retry:  # this transaction rolls back: recorded by the worker
                    with self._lock:
                        self._unrecorded.append((exc, message.id, utcnow()))
            self._remember(message.id, outcome)
        if isinstance(outcome, FerzlError):
            if outcome.retry:
                raise outcome  # the hub retries after its delays, then dead-letters
            self._failed(tx, message, outcome)
            return
        try:
            self._answered(tx, message, outcome)
        finally:
            outcome.close()

    def _remember(self, message_id: str, outcome: Answer | FerzlError) -> None:
        """Keep a call's outcome for the runner's re-run of the batch.

        When a handler of the batch raises, the runner rolls the batch back and runs it
        again message by message at once: ФЕРЗЛ is not called a second time for a message
        it has answered (a registerAttach sent twice is two attachments), and a retryable
        failure is raised again rather than sent again (the hub's delay then applies)."""
        with self._lock:
            self._recalled[message_id] = outcome
            while len(self._recalled) > RECALLED:
                self._recalled.popitem(last=False)

    def record_retried(self) -> None:
        """Write the exchange rows of calls the hub retries (their batch rolled back)."""
        with self._lock:
            taken = list(self._unrecorded)
            self._unrecorded.clear()
        if taken:
            with self.ctx.db.transaction() as conn:
                for exc, call_id, at in taken:
                    record(conn, exc.exchange, exc.state, call_id=call_id, error=exc.message,
                           at=at)

    def refuse(self, tx: Tx, message: Message[FerzlCallV1], state: str, error: str, *,
               release: str | None = None) -> None:
        """Answer a call that was not sent, with why."""
        call = message.payload
        self._journal(tx, message.id, state, error, error=error)
        self.ctx.publish_in(tx.conn, [Inbound(
            FerzlAnswerV1(operation=call.operation, release=release, state=state,
                          error=error), cause=message.envelope)])

    def _answered(self, tx: Tx, message: Message[FerzlCallV1], answer: Answer) -> None:
        exchange = answer.exchange
        assert self.client is not None
        read, deviations = self.client.read(exchange.answer, answer.deviations)
        record(tx.conn, exchange, "ferzl.answered", deviations=len(deviations),
               call_id=message.id)
        self._journal(tx, message.id, "ferzl.answered",
                      f"{exchange.operation} {exchange.external_request_id}: HTTP "
                      f"{exchange.status}, отклонений от схемы: {len(deviations)}")
        model = FerzlAnswerV1(operation=exchange.operation, release=exchange.version,
                              state=OK, message=read, deviations=deviations)
        files = tuple(Attachment(f"ferzl-{exchange.operation}-{part.content_id}",
                                 part.media_type, part.read())
                      for part in exchange.attachments.values() if not part.file.closed)
        self.ctx.publish_in(tx.conn, [inbound(model, exchange.request, exchange.answer,
                                              exchange.external_request_id, message, files)])

    def _failed(self, tx: Tx, message: Message[FerzlCallV1], exc: FerzlError) -> None:
        exchange = exc.exchange
        assert self.client is not None
        read, deviations = self.client.read(exchange.answer)
        record(tx.conn, exchange, exc.state, deviations=len(deviations), call_id=message.id,
               error=exc.message)
        self._journal(tx, message.id, exc.state, f"{exc.policy.why}: {exc.message}",
                      error=exc.message)
        model = FerzlAnswerV1(operation=exchange.operation, release=exchange.version,
                              state=exc.state, message=read, deviations=deviations,
                              error=exc.message)
        self.ctx.publish_in(tx.conn, [inbound(model, exchange.request, exchange.answer,
                                              exchange.external_request_id, message)])

    def _queue(self, tx: Tx, message: Message[FerzlCallV1], built: Built) -> None:
        now = utcnow()
        tx.conn.execute(models.operations.insert().values(
            call_id=message.id, call=message.envelope.model_dump_json(),
            operation=built.operation.name, release=built.operation.version, status="waiting",
            next_attempt_at=now, created_at=now, updated_at=now))
        self._journal(tx, message.id, "ferzl.queued",
                      f"асинхронная операция {built.operation.name} (выпуск "
                      f"{built.operation.version}) поставлена в очередь")
        self._wake.set()

    def _journal(self, tx: Tx, message_id: str, state: str, detail: str,
                 error: str | None = None) -> None:
        journal = JournalBatch(self.component_name())
        journal.event(message_id, state, detail=detail, error=error)
        journal.write(tx.conn)


def inbound(model: FerzlAnswerV1, request: bytes, answer: bytes, request_id: str,
            cause: Message[FerzlCallV1] | None, files: tuple[Attachment, ...] = (),
            envelope: Any = None) -> Inbound:
    """The answer as taken in: the exact answer as raw bytes, the request beside it."""
    name = f"ferzl-{model.operation}-{request_id}"
    return Inbound(model, raw=answer or None, raw_media_type="text/xml",
                   raw_name=f"{name}-answer.xml",
                   cause=cause.envelope if cause is not None else envelope,
                   attachments=(Attachment(f"{name}-request.xml", "text/xml", request),
                                *files))
