"""The СМЭВ 3 adapter component: canonical messages out to СМЭВ, СМЭВ messages in to the hub.

Out: a canonical request of a *consumer* type (or a canonical response of a *provider*
type) becomes a row of ``smev3_outgoing`` inside the hub's batch transaction; the sender
thread sends due rows, resends after retryable faults with growing pauses, and journals
every outcome on the canonical message's trail.

In: the ``poll`` job (cron, editable in the console; "run now" for a forced poll) drains
each type's queue: a message is verified, mapped to its canonical type and taken in —
journal with the exact bytes, hub outbox and ``smev3_received`` in one transaction — and
only then acknowledged to СМЭВ. A crash between the two makes СМЭВ deliver it again; the
received table recognises it and it is only acknowledged again.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from functools import cache
from typing import Any, ClassVar

import sqlalchemy as sa
from lxml import etree
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from adapters.smev3 import analytics
from adapters.smev3.attachments import AttachmentTooLarge, Limits, check_sizes
from adapters.smev3.client import Received, SmevClient, SmevError
from adapters.smev3.models import metadata, outgoing, received
from adapters.smev3.settings import Smev3Settings
from adapters.smev3.types import InformationType, TypeCatalogue, discover
from contracts.envelope import AttachmentRef, Envelope, utcnow
from contracts.refusal import Outcome, RequestRefusedV1
from contracts.registry import MessageType, type_of
from contracts.schemas import SchemaNotFound, SchemaStore
from contracts.xmlbind.binding import MappingError
from hub.component import Adapter, Message, PermanentError, Subscription, job
from hub.context import Attachment, Context, Inbound
from hub.tx import Tx
from storage.journal import JournalBatch, load_blob, store_blob
from storage.models import journal_messages

PLUGIN = "smev3"
REFUSALS: dict[str, Outcome] = {
    "smev.answer_no_data": "no_data", "smev.answer_denied": "denied",
    "smev.answer_bad_req": "bad_request", "smev.answer_unknown": "unknown"}
"""A provider's final rejection (protocol/policy.py) → the refusal told to the asker;
``smev.answer_failure`` is retried, not told."""
REPEAT_JOURNAL_AFTER = timedelta(days=1)
"""A reply without a MessageID that comes back unchanged is journaled again after this."""


@cache
def catalogue() -> TypeCatalogue:
    """The installed information types (loaded once per process)."""
    return discover()


class Smev3Adapter(Adapter):
    """СМЭВ 3: sends what handlers ask for, takes in what other agencies send."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "waiting": "Ожидают отправки в СМЭВ",
        "types": "Виды сведений",
        "type_errors": "Виды сведений, не загруженные",
        "certificates": "Сертификаты: предупреждения",
    }

    name: ClassVar[str] = PLUGIN
    metadata: ClassVar[sa.MetaData | None] = metadata

    client: SmevClient
    _certificates: tuple[float, list[str]] | None = None

    @classmethod
    def subscriptions(cls) -> list[Subscription]:
        """Requests of the types we consume, responses of the types we provide: each by its
        bus type and by its bound model (the console composes that; old journal rows)."""
        types = catalogue().types.values()
        subs = super().subscriptions()
        asks = _types_of(m for t in types if t.role == "consumer"
                         for m in (t.bus_request, t.request_model))
        answers = _types_of(m for t in types if t.role == "provider"
                            for m in (t.bus_response, t.response_model))
        if asks:
            subs.append(Subscription("on_request", asks))
        if answers:
            subs.append(Subscription("on_response", answers))
        return subs

    def setup(self, ctx: Context) -> None:
        """Read ``[plugins.smev3]`` and the installed types."""
        super().setup(ctx)
        self.settings = Smev3Settings.model_validate(ctx.settings.plugins.get(PLUGIN, {}))
        self.types = catalogue()
        self._wake = threading.Event()
        self._sender: threading.Thread | None = None
        self._schemas = SchemaStore(ctx.settings.schemas_dir) if ctx.settings.schemas_dir \
            else None
        self._validating = threading.Lock()  # one lxml validator's error log at a time

    def start(self) -> None:
        """Connect the client and start the sender."""
        if not hasattr(self, "client"):
            from adapters.smev3.soap import SoapClient

            self.client = SoapClient.from_settings(self.settings, self.ctx.settings)
        self._sender = threading.Thread(target=self._send_loop, name="smev3-sender",
                                        daemon=True)
        self._sender.start()
        self._backlog = analytics.register_backlog(self.ctx.db, self.certificate_warnings)

    def stop(self) -> None:
        """Stop the sender after the call in progress."""
        super().stop()
        analytics.unregister(getattr(self, "_backlog", None))
        self._wake.set()
        if self._sender:
            self._sender.join(10)

    def health(self) -> dict[str, Any]:
        """Rows waiting to be sent, and types that failed to load."""
        with self.ctx.db.read() as conn:
            waiting = conn.execute(sa.select(sa.func.count()).select_from(outgoing).where(
                outgoing.c.status == "pending")).scalar()
        certificates = self.certificate_warnings()
        status = "degraded" if self.types.errors or certificates else "ok"
        return {"status": status, "waiting": waiting, "types": sorted(self.types.types),
                "type_errors": self.types.errors, "certificates": certificates}

    def certificate_warnings(self) -> list[str]:
        """Certificates in use that expire within the warning period, have expired or are not
        trusted (adapters/smev3/trust/); checked at most every 10 minutes."""
        from zoneinfo import ZoneInfo

        from adapters.smev3 import trust
        from hub.crypto import get_provider

        cached = self._certificates
        if cached is None or time.monotonic() - cached[0] > 600:
            try:
                lines = trust.overview(self.settings, get_provider(self.settings.crypto_provider),
                                       self.ctx.db, tz=ZoneInfo(self.ctx.settings.timezone)
                                       ).warnings
            except Exception as exc:  # noqa: BLE001 - health must answer whatever happens
                lines = [f"сертификаты не проверены: {exc}"]
            cached = (time.monotonic(), lines)
            self._certificates = cached
        return cached[1]

    @job("41 */4 * * *", title="Обновление списков отозванных сертификатов (СОС)")
    def refresh_crls(self) -> None:
        """Download the CRLs of the trust store's CAs from the configured URLs and the
        distribution points the certificates in use name; keep those a trusted CA signed."""
        if self.settings.trust_dir is None:
            return
        from adapters.smev3 import trust
        from hub.crypto import get_provider

        store = trust.TrustStore.load(self.settings.trust_dir)
        seen = trust.seen_certificates(self.ctx.db)
        if self.settings.certificate is not None and self.settings.certificate.exists():
            seen.append(trust.parse_certificate(self.settings.certificate.read_bytes()))
        urls = list(dict.fromkeys([*self.settings.crl_urls, *store.crl_urls(seen)]))
        result = trust.refresh_crls(self.settings.trust_dir, urls,
                                    get_provider(self.settings.crypto_provider),
                                    timeout=self.settings.timeout)
        self._certificates = None
        if result.failed:
            raise RuntimeError("СОС не обновлены: " + "; ".join(
                f"{url}: {why}" for url, why in result.failed.items()))

    def polled_types(self) -> list[InformationType]:
        """The types this installation polls."""
        keys = self.settings.types or sorted(self.types.types)
        return [self.types.get(k) for k in keys]

    # -- out ------------------------------------------------------------------------------

    def _info_for(self, message: Message[Any]) -> InformationType:
        """The consumer type whose request (bus type or bound model) the message is and
        that sends it (:meth:`InformationType.sends`: types sharing a bus request, such as
        the ЕГР ЗАГС inquiries, each take their own)."""
        key = message.envelope.routing_key
        for info in self.types.types.values():
            models = (info.bus_request, info.request_model)
            if info.role == "consumer" and key in {type_of(m).key for m in models} \
                    and info.sends(message.payload):
                return info
        raise PermanentError(f"no information type sends {key}")

    def _queue(self, tx: Tx, kind: str, info: InformationType, content: etree._Element,
               reply_to: str | None) -> None:
        try:  # a file too large for СМЭВ fails now, not at every attempt to send it
            check_sizes(((a.name, a.size) for a in _files(tx.conn, tx.cause)),
                        Limits(max_size=self.settings.attachments_max_size))
        except AttachmentTooLarge as exc:
            raise PermanentError(f"{info.key}: {exc}") from exc
        self._check_schema(info, info.request_schema if kind == "request"
                           else info.response_schema, content)
        now = utcnow()
        tx.conn.execute(outgoing.insert().values(
            kind=kind, type_key=info.key, envelope_id=tx.cause.id,
            message_id=str(uuid.uuid1()), reply_to=reply_to,
            content=etree.tostring(content, encoding="utf-8"), status="pending",
            attempts=0, next_attempt_at=now, created_at=now, updated_at=now))
        self._wake.set()

    def _check_schema(self, info: InformationType, schema: str,
                      content: etree._Element) -> None:
        """Strict in what we send: what a handler put on the bus goes to СМЭВ only valid
        against the type's official schema, when the operator configured the schema
        directory; an invalid, absent or incomplete schema fails the message with why."""
        if self._schemas is None:
            return
        try:
            with self._validating:
                errors = self._schemas.validate(schema, content)
        except (SchemaNotFound, etree.XMLSchemaParseError) as exc:
            raise PermanentError(f"{info.key}: схема {schema} недоступна: {exc}") from exc
        if errors:
            raise PermanentError(f"{info.key}: сообщение не соответствует схеме {schema}: "
                                 + "; ".join(errors[:5]))

    def on_request(self, message: Message[Any], tx: Tx) -> None:
        """A handler asks another agency: queue a SendRequest."""
        info = self._info_for(message)
        try:
            content = info.request_to_xml(info.from_canonical(message.payload))
        except MappingError as exc:
            raise PermanentError(f"{info.key}: {exc}") from exc
        self._queue(tx, "request", info, content, None)

    def on_response(self, message: Message[Any], tx: Tx) -> None:
        """A handler answers a request we received: queue a SendResponse, of the type the
        request was taken in as."""
        cause = message.envelope.causation_id
        row = tx.conn.execute(sa.select(received.c.message_id, received.c.reply_to,
                                        received.c.type_key).where(
            received.c.envelope_id == cause)).first() if cause else None
        if row is None:
            raise PermanentError(f"{message.envelope.routing_key}: the response is not caused "
                                 f"by a request received from СМЭВ (causation {cause!r})")
        try:
            info = self.types.get(row.type_key)
        except LookupError as exc:
            raise PermanentError(f"{row.type_key}: {exc}") from exc
        if message.envelope.routing_key not in {
                type_of(m).key for m in (info.bus_response, info.response_model) if m}:
            raise PermanentError(f"{info.key} is not answered with "
                                 f"{message.envelope.routing_key}")
        try:
            content = info.response_to_xml(info.from_canonical(message.payload))
        except MappingError as exc:
            raise PermanentError(f"{info.key}: {exc}") from exc
        # Addressed to the request's ReplyTo, kept when it was taken in.
        self._queue(tx, "response", info, content, row.reply_to or row.message_id)

    def _send_loop(self) -> None:
        while not self.stopping:
            try:
                self.send_due()
            except Exception:
                self.ctx.log.exception("СМЭВ sender pass failed")
            self._wake.wait(1.0)
            self._wake.clear()

    def send_due(self, limit: int = 50) -> int:
        """Send the rows that are due; returns how many were tried."""
        o = outgoing.c
        with self.ctx.db.read() as conn:
            rows = conn.execute(sa.select(outgoing).where(
                o.status == "pending", o.next_attempt_at <= utcnow())
                .order_by(o.id).limit(limit)).all()
        for row in rows:
            self._send(row)
        return len(rows)

    def _send(self, row: sa.Row[Any]) -> None:
        info = self.types.get(row.type_key)
        content = etree.fromstring(row.content)
        journal = JournalBatch(self.component_name())
        values: dict[str, Any] = {"attempts": row.attempts + 1, "updated_at": utcnow()}
        try:
            with self.ctx.db.read() as conn:
                files = _load_files(conn, row.envelope_id)
            if row.kind == "request":
                sent = self.client.send_request(info, row.message_id, content,
                                                test=self.settings.test_messages,
                                                attachments=files)
            else:
                sent = self.client.send_response(info, row.message_id, row.reply_to, content,
                                                 attachments=files)
        except SmevError as exc:
            analytics.count_sent(row.type_key, row.kind, fault=True)
            delays = self.settings.retry_delays
            if exc.retry and row.attempts < len(delays):
                wait = delays[row.attempts]
                values.update(next_attempt_at=utcnow() + timedelta(seconds=wait),
                              last_error=str(exc))
                journal.event(row.envelope_id, "failed", attempt=row.attempts + 1,
                              detail=f"СМЭВ {row.kind} {row.message_id}: {exc}; "
                                     f"resent in {wait:g} s")
            else:
                values.update(status="failed", last_error=str(exc))
                journal.event(row.envelope_id, "failed", attempt=row.attempts + 1,
                              detail=f"СМЭВ {row.kind} {row.message_id}: {exc}; not resent",
                              error=str(exc))
        else:
            values.update(status=sent.status, last_error=None)
            analytics.count_sent(row.type_key, row.kind, fault=False)
            journal.event(row.envelope_id, "sent", attempt=row.attempts + 1,
                          detail=f"to СМЭВ as {row.kind} {row.message_id}: {sent.status}"
                                 + (f" ({sent.detail})" if sent.detail else ""))
        with self.ctx.db.transaction() as conn:
            conn.execute(outgoing.update().where(outgoing.c.id == row.id).values(**values))
            journal.write(conn)

    # -- in -------------------------------------------------------------------------------

    @job("* * * * *", title="Получение сообщений из СМЭВ и статусов отправленного")
    def poll(self) -> None:
        """Fetch what waits for us in СМЭВ for every type, then the statuses of what we sent
        (each minute by default)."""
        types = self.polled_types()
        for info in types:
            for _ in range(self.settings.poll_batch):
                if self.stopping:
                    return
                got = (self.client.get_response(info) if info.role == "consumer"
                       else self.client.get_request(info))
                if got is None:
                    break
                if got.kind == "unreadable" and not got.message_id:
                    # Nothing to acknowledge it with: it would come first again and again.
                    self.keep_unreadable(info, got)
                    break
                self.take_in(info, got)
        newest = max((info.protocol for info in types), default="1.3")
        for _ in range(self.settings.poll_batch * max(len(types), 1)):
            if self.stopping:
                return
            status = self.client.get_status(newest)
            if status is None:
                break
            self.take_status(status)

    def take_status(self, got: Received) -> None:
        """Record a status from GetStatus on the trail of the message it reports on."""
        journal = JournalBatch(self.component_name())
        with self.ctx.db.transaction() as conn:
            sent = self._request_row(conn, got.reference_message_id)
            if got.signature_problems:
                self._reject(conn, journal, sent, got, "signature: " + "; ".join(
                    got.signature_problems))
            elif sent is None:
                self.ctx.log.warning("СМЭВ status %s on %s: no message of ours has that id",
                                     got.status, got.reference_message_id)
            else:
                self._note_status(conn, journal, sent, got)
            journal.write(conn)

    def keep_unreadable(self, info: InformationType, got: Received) -> None:
        """Journal a reply that cannot be read nor acknowledged; the type's polling stops
        for this run and an operator sees why (it heads the queue until СМЭВ drops it).

        Such a reply comes back at every poll: the same bytes are journaled once a day
        (:data:`REPEAT_JOURNAL_AFTER`), not once a poll; each poll still logs it."""
        self.ctx.log.error("СМЭВ %s: unreadable reply without a MessageID; polling of this "
                           "type stops for this run: %s", info.key, got.detail)
        journal = JournalBatch(self.component_name())
        with self.ctx.db.transaction() as conn:
            seen = conn.execute(sa.select(journal_messages.c.message_id).where(
                journal_messages.c.type == "smev3.refused",
                journal_messages.c.raw_blob_id == hashlib.sha256(got.raw).hexdigest(),
                journal_messages.c.first_seen_at > utcnow() - REPEAT_JOURNAL_AFTER)).first()
            if seen is not None:
                return
            self._reject(conn, journal, None, got, f"{info.key}: {got.detail}")
            journal.write(conn)

    def take_in(self, info: InformationType, got: Received) -> None:
        """Commit a received message to the hub, then acknowledge it to СМЭВ."""
        with self.ctx.db.transaction() as conn:
            already = conn.execute(sa.select(received.c.outcome).where(
                received.c.message_id == got.message_id)).scalar()
            outcome = already or self._record(conn, info, got)
        self.ctx.relay.notify()
        self.client.ack(got.message_id, accepted=outcome != "rejected")
        with self.ctx.db.transaction() as conn:
            conn.execute(received.update().where(received.c.message_id == got.message_id)
                         .values(acked_at=utcnow()))

    def _record(self, conn: Connection, info: InformationType, got: Received) -> str:
        """Take one message in (inside the caller's transaction); returns its outcome."""
        request = self._request_row(conn, got.reference_message_id)
        journal = JournalBatch(self.component_name())
        envelope_id = None
        if got.kind == "unreadable":
            outcome = "rejected"
            self._reject(conn, journal, request, got, got.detail)
        elif got.signature_problems:
            outcome = "rejected"
            self._reject(conn, journal, request, got, "signature: " + "; ".join(
                got.signature_problems))
        elif got.attachment_problems:
            outcome = "rejected"
            self._reject(conn, journal, request, got, "attachments: " + "; ".join(
                got.attachment_problems))
        elif got.kind in ("status", "reject"):
            outcome = got.status or got.kind
            if request is not None:
                self._note_status(conn, journal, request, got)
                if got.kind == "reject":
                    self._tell_refused(conn, info, request, got)
        else:
            try:
                assert got.content is not None
                model = info.to_canonical(
                    info.response_from_xml(got.content) if got.kind == "response"
                    else info.request_from_xml(got.content))
            except (MappingError, AssertionError) as exc:
                outcome = "rejected"
                self._reject(conn, journal, request, got, f"content: {exc}")
            else:
                cause = self._envelope(conn, request.envelope_id) if request else None
                (env,) = self.ctx.publish_in(conn, [Inbound(
                    model, raw=got.raw, raw_media_type="text/xml",
                    raw_name=f"smev3-{got.kind}-{got.message_id}.xml", cause=cause,
                    attachments=got.attachments)])
                envelope_id, outcome = env.id, "taken"
                for note in got.attachment_notes:
                    journal.event(env.id, "received", detail=note, new=True)
                if request is not None:
                    conn.execute(outgoing.update().where(outgoing.c.id == request.id)
                                 .values(status="answered", updated_at=utcnow()))
        conn.execute(received.insert().values(
            message_id=got.message_id, kind=got.kind, type_key=info.key,
            envelope_id=envelope_id, reference_message_id=got.reference_message_id,
            reply_to=got.reply_to,
            outcome=outcome, received_at=utcnow()))
        journal.write(conn)
        analytics.count_received(info.key, got.kind, outcome,
                                 request.created_at if request is not None else None, utcnow())
        return outcome

    def _tell_refused(self, conn: Connection, info: InformationType, sent: sa.Row[Any],
                      got: Received) -> None:
        """The provider's final refusal of one of our requests, told to whoever asked
        (``request.refused`` caused by the request); a failure it retries is not final."""
        outcome = REFUSALS.get(got.status)
        cause = self._envelope(conn, sent.envelope_id)
        if outcome is None or cause is None:
            return
        self.ctx.publish_in(conn, [Inbound(RequestRefusedV1(
            request_type=f"{cause.type}.v{cause.version}", outcome=outcome,
            reason=got.detail[:2000], by=f"СМЭВ 3: {info.key}"), raw=got.raw,
            raw_media_type="text/xml", raw_name=f"smev3-reject-{got.message_id}.xml",
            cause=cause)])

    @staticmethod
    def _note_status(conn: Connection, journal: JournalBatch, sent: sa.Row[Any],
                     got: Received) -> None:
        """A status or rejection on one of our messages: its row and its trail.

        Statuses may arrive after the answer (they travel in another queue): only a failure
        changes the state of an answered request; every status stays on the trail.
        """
        state = got.status or got.kind
        if sent.status != "answered" or got.failed:
            conn.execute(outgoing.update().where(outgoing.c.id == sent.id).values(
                status=state, updated_at=utcnow()))
        error = got.detail if got.failed else None
        journal.event(sent.envelope_id, state, error=error,
                      detail=f"СМЭВ {got.kind} on {got.reference_message_id}: {got.detail}")

    def _reject(self, conn: Connection, journal: JournalBatch, request: sa.Row[Any] | None,
                got: Received, why: str) -> None:
        """Journal a refused message with its exact bytes (and on our request's trail)."""
        self.ctx.log.warning("СМЭВ %s %s rejected: %s", got.kind, got.message_id, why)
        stub = Envelope(type="smev3.refused", version=1, source=self.component_name(),
                        payload={"smev_message_id": got.message_id, "kind": got.kind,
                                 "reason": why})
        blob = store_blob(conn, got.raw, "text/xml")
        journal.message(stub, "rejected", raw_blob_id=blob, fresh=True, error=why)
        journal.event(stub.id, "rejected", detail=why, error=why, new=True)
        if request is not None:
            journal.event(request.envelope_id, "rejected", error=why,
                          detail=f"СМЭВ {got.kind} {got.message_id} refused: {why}")

    @staticmethod
    def _request_row(conn: Connection, message_id: str | None) -> sa.Row[Any] | None:
        if not message_id:
            return None
        return conn.execute(sa.select(outgoing).where(
            outgoing.c.message_id == message_id)).first()

    @staticmethod
    def _envelope(conn: Connection, envelope_id: str) -> Envelope | None:
        text = conn.execute(sa.select(journal_messages.c.envelope).where(
            journal_messages.c.message_id == envelope_id)).scalar()
        return Envelope.model_validate_json(text) if text else None


def _types_of(models: Iterable[type[BaseModel] | None]) -> tuple[MessageType, ...]:
    """The message types of ``models``, each once, in order."""
    return tuple(dict.fromkeys(type_of(m) for m in models if m is not None))


def _files(conn: Connection, envelope: Envelope) -> list[AttachmentRef]:
    """The files a canonical message carries to СМЭВ: its attachments but its raw bytes."""
    raw = conn.execute(sa.select(journal_messages.c.raw_blob_id).where(
        journal_messages.c.message_id == envelope.id)).scalar()
    return [a for a in envelope.attachments if a.blob_id != raw]


def _load_files(conn: Connection, envelope_id: str) -> list[Attachment]:
    """The files of the canonical message ``envelope_id``, read from the blob store."""
    text = conn.execute(sa.select(journal_messages.c.envelope).where(
        journal_messages.c.message_id == envelope_id)).scalar()
    if not text:
        return []
    files = []
    for ref in _files(conn, Envelope.model_validate_json(text)):
        data = load_blob(conn, ref.blob_id)
        if data is None:
            raise SmevError("Attachment", f"attachment {ref.name!r}: blob {ref.blob_id} is not "
                            "stored", retry=False)
        files.append(Attachment(ref.name, ref.media_type, data))
    return files
