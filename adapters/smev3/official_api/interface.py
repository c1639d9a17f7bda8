"""Send, Get and Find of the official adapter's interface, over the hub.

Reading is tolerant, writing strict. A call is validated against the fixture revision of
``smev-service-adapter-types.xsd``; where it departs (elements a later 3.x revision adds:
``smevMetadata`` Sender, Recipient, SendingDate, a TransactionCode in RequestMetadata, an
attachment's Id and TransferMethod, …) the deviation is kept on the call's audit row and
logged, and what this revision defines is read by name. What we answer is built in the
shape this revision defines and validated before it leaves: an answer that does not
validate is not sent (SystemFault instead).

Send takes a request of a consumer information type installed in the СМЭВ adapter, maps it
to its canonical message and hands it to the hub (journal, with the call's exact bytes, and
outbox in one transaction): the СМЭВ adapter sends it as it sends a handler's request. The
answer СМЭВ returns is taken by :meth:`Interface.answer` (the component subscribes to the
responses of the consumer types) and waits for the system's Get; Find reads requests and
answers by clientId or period without taking them from the queue.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.engine import Connection

from adapters.smev3.models import outgoing, received
from adapters.smev3.official_api.credentials import Denied, Systems
from adapters.smev3.official_api.models import calls, messages
from adapters.smev3.official_api.wsdl import FAULTS_NS, TYPES_NS
from adapters.smev3.types import InformationType, TypeCatalogue
from contracts import xmlsafe
from contracts.envelope import Envelope, utcnow
from contracts.xmlbind.binding import MappingError
from hub.context import Context, Inbound
from storage.journal import JournalBatch
from storage.models import journal_events, journal_messages

log = logging.getLogger("omshub.smev3.api")

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_NS = {"t": TYPES_NS, "soap": SOAP_NS}
_T = f"{{{TYPES_NS}}}"
_OUTCOME = "smev3:"
"""Prefix of the key of a rejection or failure (no canonical message): СМЭВ's MessageID."""
_ANSWERS = ("response", "reject", "error")
"""Kinds of rows answering the system's requests; ``incoming``: a request СМЭВ brought for
it; ``request``/``reply``: what the system sent."""
_TO_SYSTEM = (*_ANSWERS, "incoming")
REJECT_CODES = frozenset({"ACCESS_DENIED", "NO_DATA", "UNKNOWN_REQUEST_DESCRIPTION"})
"""The rejection codes the adapter's schema knows; others are passed on as ErrorMessage."""
_F = f"{{{FAULTS_NS}}}"


class ApiFault(Exception):
    """A SOAP fault of the interface: ValidationFault (the caller's) or SystemFault (ours)."""

    def __init__(self, kind: str, code: str, text: str) -> None:
        super().__init__(text)
        self.kind, self.code, self.text = kind, code, text


def validation(code: str, text: str) -> ApiFault:
    """The caller must change its request."""
    return ApiFault("ValidationFault", code, text)


def system(code: str, text: str) -> ApiFault:
    """Ours: the caller retries."""
    return ApiFault("SystemFault", code, text)


@dataclass
class Call:
    """One call, for its audit row."""

    operation: str = "?"
    system: str = ""
    client_id: str | None = None
    deviations: list[str] = field(default_factory=list)
    remote_addr: str = ""


def _text(parent: etree._Element, path: str) -> str | None:
    found = parent.find(path, _NS)
    if found is None or found.text is None:
        return None
    return str(found.text).strip()


def _el(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, _T + tag)
    if text is not None:
        child.text = text
    return child


class Interface:
    """The operations, independent of HTTP (server.py serves them)."""

    def __init__(self, ctx: Context, types: TypeCatalogue, schema: etree.XMLSchema,
                 systems: Systems, source: str) -> None:
        self.ctx = ctx
        self.types = types
        self.schema = schema
        self.systems = systems
        self.source = source

    # -- the SOAP envelope ----------------------------------------------------------------

    def call(self, body: bytes, authorization: str, addr: str) -> tuple[int, bytes]:
        """HTTP status and SOAP envelope answering the SOAP envelope ``body``."""
        call = Call(remote_addr=addr)
        try:
            answer = self._dispatch(body, authorization, call)
        except ApiFault as fault:
            self._audit(call, f"{fault.kind}: {fault.code}")
            return 500, self._fault(fault)
        except Exception:  # noqa: BLE001 - the caller gets SystemFault; the log says why
            log.exception("smev3-api %s of %s failed", call.operation, call.system)
            self._audit(call, "SystemFault: INTERNAL")
            return 500, self._fault(system("INTERNAL", "внутренняя ошибка адаптера; "
                                                       "повторите запрос позже"))
        self._audit(call, "ok")
        return 200, self._envelope(answer)

    def _dispatch(self, body: bytes, authorization: str, call: Call) -> etree._Element:
        try:
            envelope = xmlsafe.parse(body)
        except xmlsafe.UnsafeXml as exc:
            raise validation("XML", f"запрос не читается как XML: {exc}") from None
        request = envelope.find("soap:Body/*", _NS)
        if envelope.tag != f"{{{SOAP_NS}}}Envelope" or request is None:
            raise validation("SOAP", "нужен конверт SOAP 1.1 с телом")
        operations = {_T + "ClientMessage": ("Send", self.send),
                      _T + "MessageQuery": ("Get", self.get),
                      _T + "FindMessageQuery": ("Find", self.find)}
        if request.tag not in operations:
            raise validation("OPERATION", f"неизвестная операция {request.tag}: интерфейс "
                                          "принимает ClientMessage, MessageQuery, "
                                          "FindMessageQuery")
        call.operation, handler = operations[request.tag]
        if not self.schema.validate(request):
            call.deviations = [f"строка {e.line}: {e.message}"
                               for e in self.schema.error_log][:20]
            log.warning("smev3-api %s departs from the schema: %s", call.operation,
                        "; ".join(call.deviations))
        it_system = _text(request, "t:itSystem")
        if not it_system:
            raise validation("IT_SYSTEM", "не указан itSystem")
        call.system = it_system[:50]
        try:
            self.systems.authenticate(it_system, authorization, call.remote_addr)
        except Denied as denied:
            raise validation("ACCESS_DENIED", denied.text) from None
        answer = handler(it_system, request, body, call)
        if not self.schema.validate(answer):
            problems = "; ".join(str(e.message) for e in self.schema.error_log)
            log.error("smev3-api %s: our answer does not validate, not sent: %s",
                      call.operation, problems)
            raise system("SCHEMA", "ответ адаптера не проходит проверку схемы; "
                                   "повторите запрос позже")
        return answer

    # -- Send ---------------------------------------------------------------------------

    def send(self, it_system: str, request: etree._Element, raw: bytes,
             call: Call) -> etree._Element:
        """A request of a consumer type to СМЭВ, through the hub."""
        if (reply := request.find("t:ResponseMessage", _NS)) is not None:
            return self._send_answer(it_system, reply, raw, call)
        message = request.find("t:RequestMessage", _NS)
        if message is None:
            raise validation("NO_MESSAGE", "нет RequestMessage")
        client_id = _text(message, "t:RequestMetadata/t:clientId")
        if not client_id:
            raise validation("CLIENT_ID", "не указан clientId")
        call.client_id = client_id[:50]
        root = _primary(message.find("t:RequestContent/t:content", _NS))
        info = self._consumer(root)
        try:
            model = info.to_canonical(info.request_from_xml(root))
        except MappingError as exc:
            raise validation("CONTENT", f"{info.title}: запрос не соответствует виду "
                                        f"сведений: {exc}") from None
        with self.ctx.db.transaction() as conn:
            taken = conn.execute(sa.select(messages.c.id).where(
                messages.c.system == it_system, messages.c.kind == "request",
                messages.c.client_id == client_id)).first()
            if taken is not None:
                raise validation("DUPLICATE_CLIENT_ID",
                                 f"запрос с clientId {client_id} уже отправлен")
            (env,) = self.ctx.publish_in(conn, [Inbound(
                model, raw=raw, raw_media_type="text/xml",
                raw_name=f"smev3-api-{it_system}-{client_id}.xml")])
            if call.deviations:  # on the message's trail too, where the console shows it
                trail = JournalBatch(self.source)
                trail.event(env.id, "received", new=True, detail=(
                    "запрос отличается от схемы Адаптера СМЭВ 3 (прочитано известное): "
                    + "; ".join(call.deviations))[:4000])
                trail.write(conn)
            conn.execute(messages.insert().values(
                system=it_system, kind="request", client_id=client_id, type_key=info.key,
                envelope_id=env.id, content=etree.tostring(root, encoding="utf-8"),
                created_at=utcnow()))
        self.ctx.relay.notify()
        return _message_result(it_system, env.id)

    def _send_answer(self, it_system: str, reply: etree._Element, raw: bytes,
                     call: Call) -> etree._Element:
        """The system's answer to a request СМЭВ brought it (Get REQUEST), through the hub."""
        client_id = _text(reply, "t:ResponseMetadata/t:clientId")
        reply_to = _text(reply, "t:ResponseMetadata/t:replyToClientId")
        if not client_id or not reply_to:
            raise validation("CLIENT_ID", "не указан clientId или replyToClientId")
        call.client_id = client_id[:50]
        content = reply.find("t:ResponseContent/t:content", _NS)
        if content is None:
            raise validation("CONTENT", "ответ передаётся через content: отклонения (rejects) "
                                        "и статусы через этот интерфейс пока не передаются")
        root = _primary(content)
        with self.ctx.db.transaction() as conn:
            asked = conn.execute(sa.select(messages).where(
                messages.c.system == it_system, messages.c.kind == "incoming",
                messages.c.client_id == reply_to)).first()
            if asked is None:
                raise validation("REPLY_TO", f"нет запроса с clientId {reply_to}, "
                                             "переданного этой системе")
            if conn.execute(sa.select(messages.c.id).where(
                    messages.c.system == it_system, messages.c.kind == "reply",
                    messages.c.reply_to_client_id == reply_to)).first() is not None:
                raise validation("DUPLICATE_CLIENT_ID", f"на запрос {reply_to} уже ответили")
            info = self.types.get(asked.type_key)
            if etree.QName(root).namespace != info.response_namespace:
                raise validation("CONTENT", f"ответ на запрос вида «{info.title}» должен быть "
                                            f"в пространстве имён {info.response_namespace}")
            try:
                model = info.to_canonical(info.response_from_xml(root))
            except MappingError as exc:
                raise validation("CONTENT", f"{info.title}: ответ не соответствует виду "
                                            f"сведений: {exc}") from None
            text = conn.execute(sa.select(journal_messages.c.envelope).where(
                journal_messages.c.message_id == asked.envelope_id)).scalar()
            cause = Envelope.model_validate_json(text) if text else None
            (env,) = self.ctx.publish_in(conn, [Inbound(
                model, raw=raw, raw_media_type="text/xml", cause=cause,
                raw_name=f"smev3-api-{it_system}-{client_id}.xml")])
            conn.execute(messages.insert().values(
                system=it_system, kind="reply", client_id=client_id,
                reply_to_client_id=reply_to, type_key=info.key, envelope_id=env.id,
                content=etree.tostring(root, encoding="utf-8"), created_at=utcnow()))
        self.ctx.relay.notify()
        return _message_result(it_system, env.id)

    def incoming(self, conn: Connection, envelope_id: str, system_code: str, key: str,
                 payload: Any) -> None:
        """Keep a request СМЭВ brought for a provider type handed to ``system_code``."""
        if conn.execute(sa.select(messages.c.id).where(
                messages.c.envelope_id == envelope_id)).first() is not None:
            return  # delivered again
        info = self.types.get(key)
        content = info.request_to_xml(info.from_canonical(payload))
        conn.execute(messages.insert().values(
            system=system_code, kind="incoming", client_id=str(uuid.uuid4()), type_key=key,
            envelope_id=envelope_id, content=etree.tostring(content, encoding="utf-8"),
            created_at=utcnow()))

    def _consumer(self, root: etree._Element) -> InformationType:
        namespace = etree.QName(root).namespace or ""
        info = self.types.by_namespace(namespace)
        if info is None or info.role != "consumer" or info.request_namespace != namespace:
            raise validation("UNKNOWN_TYPE", f"запросы вида сведений {namespace} не "
                                             "отправляются: он не подключён к адаптеру СМЭВ")
        return info

    # -- answers from the hub -------------------------------------------------------------

    def answer(self, conn: Connection, envelope_id: str, causation_id: str | None,
               payload: Any) -> bool:
        """Keep a canonical answer to a request sent through the interface; False when the
        answer is to a request made elsewhere."""
        if causation_id is None:
            return False
        request = conn.execute(sa.select(messages).where(
            messages.c.envelope_id == causation_id, messages.c.kind == "request")).first()
        if request is None:
            return False
        if conn.execute(sa.select(messages.c.id).where(
                messages.c.envelope_id == envelope_id)).first() is not None:
            return True  # delivered again
        info = self.types.get(request.type_key)
        content = info.response_to_xml(info.from_canonical(payload))
        conn.execute(messages.insert().values(
            system=request.system, kind="response", client_id=str(uuid.uuid4()),
            reply_to_client_id=request.client_id, type_key=info.key, envelope_id=envelope_id,
            content=etree.tostring(content, encoding="utf-8"), created_at=utcnow()))
        return True

    # -- Get and Find ---------------------------------------------------------------------

    def get(self, it_system: str, request: etree._Element, raw: bytes,
            call: Call) -> etree._Element:
        """The next answer waiting for the system (taken from its queue), or an empty
        QueryResult when there is none."""
        wanted = _text(request, "t:specificQuery/t:messageTypeCriteria")
        row = None
        with self.ctx.db.transaction() as conn:
            self._collect_outcomes(conn, it_system)
            kinds = {None: _TO_SYSTEM, "RESPONSE": _ANSWERS, "REQUEST": ("incoming",)}
            if wanted in kinds:
                row = conn.execute(sa.select(messages).where(
                    messages.c.system == it_system, messages.c.kind.in_(kinds[wanted]),
                    messages.c.delivered_at.is_(None)).order_by(messages.c.id).limit(1)).first()
            if row is not None:
                conn.execute(messages.update().where(messages.c.id == row.id).values(
                    delivered_at=utcnow()))
                call.client_id = row.client_id
            result = self._result(conn, row, _T + "QueryResult")
        return result

    def find(self, it_system: str, request: etree._Element, raw: bytes,
             call: Call) -> etree._Element:
        """Requests and answers of the system by clientId or by period (left in the queue)."""
        query = sa.select(messages).where(messages.c.system == it_system)
        by_id = request.find("t:specificQuery/t:messageClientIdCriteria", _NS)
        period = request.find("t:specificQuery/t:messagePeriodCriteria", _NS)
        if by_id is not None:
            client_id = _text(by_id, "t:clientId") or ""
            call.client_id = client_id[:50]
            criteria = _text(by_id, "t:clientIdCriteria")
            if criteria == "GET_REQUEST_BY_REQUEST_CLIENTID":
                query = query.where(messages.c.kind.in_(("request", "incoming")),
                                    messages.c.client_id == client_id)
            elif criteria == "GET_RESPONSE_BY_REQUEST_CLIENTID":
                query = query.where(messages.c.kind.in_((*_ANSWERS, "reply")),
                                    messages.c.reply_to_client_id == client_id)
            elif criteria == "GET_RESPONSE_BY_RESPONSE_CLIENTID":
                query = query.where(messages.c.kind.in_((*_ANSWERS, "reply")),
                                    messages.c.client_id == client_id)
            else:
                raise validation("CRITERIA", f"неизвестный clientIdCriteria {criteria}")
        elif period is not None:
            start = _when(_text(period, "t:from"), "from")
            query = query.where(messages.c.created_at >= start)
            if (end := _text(period, "t:to")) is not None:
                query = query.where(messages.c.created_at <= _when(end, "to"))
        else:
            raise validation("CRITERIA", "нужен messageClientIdCriteria или "
                                         "messagePeriodCriteria")
        found = etree.Element(_T + "QueryResultList", nsmap={None: TYPES_NS, "xsi": XSI_NS})
        with self.ctx.db.transaction() as conn:
            self._collect_outcomes(conn, it_system)
            for row in conn.execute(query.order_by(messages.c.id).limit(1000)).all():
                found.append(self._result(conn, row, _T + "QueryResult"))
        return found

    def _result(self, conn: Connection, row: sa.Row[Any] | None, tag: str) -> etree._Element:
        result = etree.Element(tag, nsmap={None: TYPES_NS, "xsi": XSI_NS})
        meta = _el(result, "smevMetadata")
        if row is None:  # nothing waits: an empty result, as the official adapter answers
            _el(result, "Message")
            return result
        smev_id, original = self._smev_ids(conn, row)
        if smev_id:
            _el(meta, "MessageId", smev_id)
        if original:
            _el(meta, "ReferenceMessageID", original)
            if row.kind not in ("request", "incoming"):
                _el(meta, "OriginalMessageID", original)
        if row.kind == "error":
            self._error(_el(result, "Message"), row)
            return result
        kind = "Request" if row.kind in ("request", "incoming") else "Response"
        message = _el(result, "Message")
        message.set(f"{{{XSI_NS}}}type", _qname(message, f"{kind}MessageType"))
        _el(message, "messageType", "PrimaryMessage")
        metadata = _el(message, f"{kind}Metadata")
        _el(metadata, "clientId", row.client_id)
        if kind == "Response":
            _el(metadata, "replyToClientId", row.reply_to_client_id)
        if row.kind == "reject":
            holder = _el(message, "ResponseContent")
            for code, description in _rejections(row.content.decode()):
                reject = _el(holder, "rejects")
                _el(reject, "code", code)
                _el(reject, "description", description[:4000])
            return result
        content = _el(_el(message, f"{kind}Content"), "content")
        _el(content, "MessagePrimaryContent").append(xmlsafe.parse(row.content))
        return result

    @staticmethod
    def _error(message: etree._Element, row: sa.Row[Any]) -> None:
        """A failure СМЭВ reported on a request, as the schema's ErrorMessage."""
        message.set(f"{{{XSI_NS}}}type", _qname(message, "ErrorMessage"))
        text = row.content.decode()
        _el(message, "messageType", "StatusMessage")
        meta = _el(message, "statusMetadata")
        _el(meta, "clientId", row.client_id)
        _el(meta, "originalClientId", row.reply_to_client_id)
        _el(message, "status", "ERROR")
        _el(message, "details", text)
        _el(message, "timestamp", row.created_at.isoformat())
        _el(message, "type", "SERVER")
        fault = _el(message, "fault")
        code, _, _ = text.partition(": ")
        etree.SubElement(fault, _F + "code").text = (
            code if code.isupper() and " " not in code else "SMEV")[:50]
        etree.SubElement(fault, _F + "description").text = text

    def _collect_outcomes(self, conn: Connection, it_system: str) -> None:
        """Rejections and failures СМЭВ returned on the system's requests, queued once each
        (the СМЭВ adapter notes them on the request's trail; they carry no canonical
        message). Statuses that are not failures are left on the trail."""
        found = conn.execute(
            sa.select(received.c.message_id, received.c.kind, received.c.outcome,
                      received.c.reference_message_id, messages.c.client_id,
                      messages.c.envelope_id, messages.c.type_key)
            .join(outgoing, outgoing.c.message_id == received.c.reference_message_id)
            .join(messages, messages.c.envelope_id == outgoing.c.envelope_id)
            .where(messages.c.system == it_system, messages.c.kind == "request",
                   received.c.kind.in_(("reject", "status")))).all()
        for got in found:
            key = _OUTCOME + got.message_id
            if conn.execute(sa.select(messages.c.id).where(
                    messages.c.envelope_id == key)).first() is not None:
                continue
            detail = conn.execute(sa.select(journal_events.c.detail).where(
                journal_events.c.message_id == got.envelope_id,
                journal_events.c.status == got.outcome).order_by(
                journal_events.c.id.desc()).limit(1)).scalar()
            if detail is None:
                continue
            state = conn.execute(sa.select(journal_messages.c.status,
                                           journal_messages.c.last_error)
                                 .where(journal_messages.c.message_id == got.envelope_id)).first()
            failed = state is not None and state.status == got.outcome and bool(state.last_error)
            prefix = f"СМЭВ {got.kind} on {got.reference_message_id}: "
            detail = str(detail)
            detail = detail[len(prefix):] if detail.startswith(prefix) else detail
            if got.kind == "reject" and all(
                    code in REJECT_CODES for code, _ in _rejections(detail)):
                kind = "reject"
            elif got.kind == "reject" or failed:
                kind = "error"
            else:
                continue  # an ordinary status: on the trail only
            conn.execute(messages.insert().values(
                system=it_system, kind=kind, client_id=str(uuid.uuid4()),
                reply_to_client_id=got.client_id, type_key=got.type_key, envelope_id=key,
                content=detail.encode(), created_at=utcnow()))

    @staticmethod
    def _smev_ids(conn: Connection, row: sa.Row[Any]) -> tuple[str | None, str | None]:
        """The СМЭВ MessageID of the row's message and of the request it is about."""
        if row.kind in ("request", "reply"):  # what the system sent
            sent = conn.execute(sa.select(outgoing.c.message_id).where(
                outgoing.c.envelope_id == row.envelope_id)).scalar()
            return sent, sent if row.kind == "request" else None
        if row.kind == "incoming":
            got = conn.execute(sa.select(received.c.message_id).where(
                received.c.envelope_id == row.envelope_id)).scalar()
            return got, got
        got = row.envelope_id.removeprefix(_OUTCOME) if row.envelope_id.startswith(
            _OUTCOME) else conn.execute(sa.select(received.c.message_id).where(
                received.c.envelope_id == row.envelope_id)).scalar()
        request_envelope = conn.execute(sa.select(messages.c.envelope_id).where(
            messages.c.system == row.system, messages.c.kind == "request",
            messages.c.client_id == row.reply_to_client_id)).scalar()
        sent = conn.execute(sa.select(outgoing.c.message_id).where(
            outgoing.c.envelope_id == request_envelope)).scalar()
        return got, sent

    # -- envelopes, faults, audit -----------------------------------------------------------

    @staticmethod
    def _envelope(answer: etree._Element) -> bytes:
        env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        etree.SubElement(env, f"{{{SOAP_NS}}}Body").append(answer)
        return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))

    def _fault(self, fault: ApiFault) -> bytes:
        env = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
        body = etree.SubElement(env, f"{{{SOAP_NS}}}Body")
        soap_fault = etree.SubElement(body, f"{{{SOAP_NS}}}Fault")
        side = "Client" if fault.kind == "ValidationFault" else "Server"
        etree.SubElement(soap_fault, "faultcode").text = f"soap:{side}"
        etree.SubElement(soap_fault, "faultstring").text = fault.text
        detail = etree.SubElement(soap_fault, "detail")
        element = etree.SubElement(detail, _F + fault.kind, nsmap={"fault": FAULTS_NS})
        etree.SubElement(element, _F + "code").text = fault.code[:50]
        etree.SubElement(element, _F + "description").text = fault.text
        return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))

    def _audit(self, call: Call, outcome: str) -> None:
        try:
            with self.ctx.db.transaction() as conn:
                conn.execute(calls.insert().values(
                    at=utcnow(), system=call.system, operation=call.operation,
                    client_id=call.client_id, outcome=outcome[:60],
                    deviations="\n".join(call.deviations),
                    remote_addr=call.remote_addr[:100]))
        except Exception as exc:  # noqa: BLE001 - the answer stands; the log says why
            log.error("smev3-api: the call of %s not audited: %r", call.system, exc)


def _primary(content: etree._Element | None) -> etree._Element:
    """The one element of ``content/MessagePrimaryContent``; attachments are refused."""
    primary = content.find("t:MessagePrimaryContent", _NS) if content is not None else None
    roots = [c for c in (primary if primary is not None else []) if isinstance(c.tag, str)]
    if len(roots) != 1:
        raise validation("CONTENT", "в MessagePrimaryContent нужен ровно один элемент")
    assert content is not None
    if content.find("t:AttachmentHeaderList", _NS) is not None:
        raise validation("ATTACHMENTS_NOT_SUPPORTED",
                         "вложения через этот интерфейс пока не передаются")
    return roots[0]


def _message_result(it_system: str, message_id: str) -> etree._Element:
    result = etree.Element(_T + "MessageResult", nsmap={None: TYPES_NS})
    _el(result, "itSystem", it_system)
    _el(result, "MessageId", message_id)
    return result


def _rejections(detail: str) -> list[tuple[str, str]]:
    """``CODE: description; CODE: description`` as the СМЭВ adapter notes rejections."""
    found = []
    for part in detail.split("; "):
        code, _, description = part.partition(": ")
        found.append((code.strip(), description.strip() or code.strip()))
    return found


def _qname(element: etree._Element, local: str) -> str:
    prefix = next((p for p, ns in element.nsmap.items() if ns == TYPES_NS), None)
    return f"{prefix}:{local}" if prefix else local


def _when(text: str | None, name: str) -> datetime:
    try:
        value = datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        raise validation("PERIOD", f"{name}: не дата и время: {text}") from None
    if value.tzinfo is None:
        raise validation("PERIOD", f"{name}: нужна дата и время с часовым поясом")
    return value
