"""The simulated ФЕРЗЛ on the wire: SOAP 1.1 at every service path of every installed release.

A request is POSTed to its service's address (the WSDL's ``soap:address`` path,
``/api/t-foms/integration/ws/<version>/wsdl/<service>Ws``) with the JWT in ``X-Auth-Token``.
The simulator answers as the spec's «Коды ответов» say: 401 without a token or with one it
does not know, 400 for what is not a SOAP message of that service, 200 with ФЛК errors
(``errors/errorItem``) for a request its release's XSD refuses or a signature that does not
hold, else the answer from the federal register — valid against the release's XSD except the
deviations switched on (:mod:`.deviations`). Poll answers with a result carry it by MTOM.

Errors on demand (:class:`Controls`, also ``POST /control`` with JSON): ``fail_next``
(operation → HTTP status or ``"flk"``, once), ``fail_persons`` (ЕНП → status, every time),
``forbidden`` operations (403).
"""

from __future__ import annotations

import base64
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from adapters.ferzl.binding import read_binding
from adapters.ferzl.documents import DocumentSchemas
from adapters.ferzl.operations import Catalogue, Operation
from adapters.ferzl.reader import ReadError, read_message
from adapters.ferzl.releases import SERVICES, Releases
from adapters.ferzl.signing import SigningError, verify_signed_document
from adapters.ferzl.simulator import answers as a
from adapters.ferzl.simulator.asyncops import COMPLETED, PENDING, AsyncOperations, Result
from adapters.ferzl.simulator.deviations import Deviations
from adapters.ferzl.simulator.register import FederalRegister
from adapters.ferzl.simulator.writer import AnswerWriter, Include
from hub import mtom
from hub.crypto import get_provider

log = logging.getLogger(__name__)
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XML = "text/xml; charset=utf-8"
Reply = tuple[int, dict[str, str], bytes]
FLK_XSD = "ФЛК-001"
FLK_SIGN = "ФЛК-002"
FLK_DEMAND = "ФЛК-900"
REASONS = {400: "Некорректный запрос", 401: "Ошибка аутентификации: токен не передан или "
           "не действителен", 403: "Нет прав на вызов метода", 409: "Ошибка бизнес-логики",
           500: "Системная ошибка"}


@dataclass
class Controls:
    """Errors on demand, for tests and the demo (thread-safe through the simulator's lock)."""

    fail_next: dict[str, int | str] = field(default_factory=dict)
    """Operation → HTTP status (400/401/403/409/500) or ``"flk"``: the next call only."""
    fail_persons: dict[str, int | str] = field(default_factory=dict)
    """ЕНП or ОИП → status or ``"flk"``: every call naming that person."""
    forbidden: set[str] = field(default_factory=set)
    """Operations the account has no right to (403)."""


class SimulatedFerzl:
    """The simulated service: routing, authentication, validation, answers."""

    def __init__(self, releases: Releases, register: FederalRegister, *,
                 tokens: set[str] | None = None, asynchronous: AsyncOperations | None = None,
                 deviations: Deviations | None = None, controls: Controls | None = None,
                 documents: DocumentSchemas | None = None, crypto: str = "gostcrypto",
                 today: Callable[[], date] = date.today) -> None:
        self.releases = releases
        self.catalogue = Catalogue.read(releases)
        self.register = register
        self.tokens = tokens
        """Accepted JWTs; None: any non-empty one."""
        self.asynchronous = asynchronous or AsyncOperations()
        self.deviations = deviations or Deviations()
        self.controls = controls or Controls()
        self.documents = documents or DocumentSchemas.discover(releases.root)
        self.crypto = crypto
        self.today = today
        self._lock = threading.Lock()
        self._writers = {r.version: AnswerWriter(r) for r in releases}
        self.paths: dict[str, tuple[str, str]] = {}
        """Endpoint path → (version, service)."""
        for release in releases:
            for service, wsdl in release.wsdl.items():
                self.paths[read_binding(wsdl).path] = (release.version, service)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> Reply:
        """Answer one POST."""
        where = self.paths.get(path.split("?")[0].rstrip("/"))
        if where is None:
            return _fault(404, "Client", f"нет сервиса ФЕРЗЛ по адресу {path}")
        token = headers.get("x-auth-token", "").strip()
        if not token or (self.tokens is not None and token not in self.tokens):
            return _fault(401, "Client", REASONS[401])
        try:
            read = read_message(body, self.releases)
        except ReadError as exc:
            return _fault(400, "Client", f"{REASONS[400]}: {exc}")
        message = read.message
        version, service = where
        operation = self._operation(version, service, message.operation or "")
        if operation is None or message.direction != "request":
            return _fault(400, "Client", f"{REASONS[400]}: сервис {service} выпуска {version}"
                          f" не принимает {message.operation}")
        payload = _payload(body)
        asked = a.Asked(message, payload, self.register, self.today())
        demanded = self._demanded(operation.name, asked)
        if isinstance(demanded, int):
            return _fault(demanded, "Server" if demanded >= 500 else "Client",
                          REASONS.get(demanded, "Ошибка"))
        schema_errors = [d for d in read.deviations if d.startswith("схема:")]
        if schema_errors:
            return self._flk(operation, message.external_request_id,
                             [(FLK_XSD, e) for e in schema_errors])
        if demanded == "flk":
            return self._flk(operation, message.external_request_id,
                             [(FLK_DEMAND, "Запрос отклонён ФЛК (по требованию симулятора)")])
        if operation.signed and "data" in operation.request_parts:
            refused = self._verify(asked)
            if refused:
                return self._flk(operation, message.external_request_id, [(FLK_SIGN, refused)])
        return self._answer(operation, asked)

    def _operation(self, version: str, service: str, name: str) -> Operation | None:
        try:
            found = self.catalogue.find(version, name)
        except LookupError:
            return None
        return found if found.service == service else None

    def _demanded(self, operation: str, asked: a.Asked) -> int | str | None:
        with self._lock:
            if operation in self.controls.forbidden:
                return 403
            once = self.controls.fail_next.pop(operation, None)
            if once is not None:
                return once
            for who in asked.message.persons:
                for key in (who.enp, who.oip):
                    if key and key in self.controls.fail_persons:
                        return self.controls.fail_persons[key]
        return None

    def _verify(self, asked: a.Asked) -> str | None:
        """The signed document checked; the request read as the document it carries."""
        parts = {etree.QName(c).localname: (c.text or "").strip() for c in asked.payload
                 if isinstance(c.tag, str)}
        try:
            verified = verify_signed_document(
                base64.b64decode(parts.get("data", "")), base64.b64decode(parts.get("sign", "")),
                base64.b64decode(parts.get("certificate", "")), get_provider(self.crypto),
                schemas=self.documents)
        except (SigningError, ValueError) as exc:
            return str(exc)
        document = verified.document
        wrapped = etree.Element(f"{{{SOAP}}}Envelope")
        etree.SubElement(wrapped, f"{{{SOAP}}}Body").append(document)
        try:
            inner = read_message(etree.tostring(wrapped), self.releases).message
        except ReadError:
            return None
        asked.message.persons = inner.persons
        asked.payload = document
        return None

    def _answer(self, operation: Operation, asked: a.Asked) -> Reply:
        values: a.Tree = {}
        part: bytes | None = None
        pair = operation.pair
        if pair is not None and operation.name.endswith("Start"):
            values = {"opToken": self.asynchronous.start(pair, asked)}
        elif pair is not None:
            token = asked.message.op_token or ""
            got = self.asynchronous.poll(pair, token)
            if got is None:
                return self._flk(operation, asked.message.external_request_id, [
                    ("ФЛК-404", f"Операция с токеном {token} не найдена")], status="ERROR")
            values = {"opToken": token}
            if got == PENDING:
                values["processingStatus"] = PENDING
            elif isinstance(got, Result):
                values.update(got.values, processingStatus=COMPLETED)
                if got.file is not None:
                    cid = f"{uuid.uuid4()}@ffoms.ru"
                    values["content"] = Include(mtom.href(cid).removeprefix("cid:"))
                    part = got.file
        else:
            values = a.SYNC.get(operation.name, a.minimal)(asked)
        element = self._write(operation, asked.message.external_request_id, values)
        persons = [k for p in asked.found for k in (p.enp, p.oip)]
        self.deviations.apply(operation.name, persons, element)
        return _reply(element, part)

    def _write(self, operation: Operation, request_id: str | None,
               values: a.Tree) -> etree._Element:
        values = {"externalRequestId": request_id or str(uuid.uuid4()), **values}
        return self._writers[operation.version].write(
            operation.namespace, operation.response_element, values)

    def _flk(self, operation: Operation, request_id: str | None,
             errors: list[tuple[str, str]], status: str | None = None) -> Reply:
        values: a.Tree = {"errors": {"errorItem": [
            {"code": code, "message": text[:2000]} for code, text in errors]}}
        if status is not None:
            values["processingStatus"] = status
        return _reply(self._write(operation, request_id, values), None)


def _payload(body: bytes) -> etree._Element:
    from contracts.xmlsafe import parse

    envelope = parse(body)
    found = envelope.find(f"{{{SOAP}}}Body")
    if found is None:  # SOAP 1.2 is read (a deviation); its Body is the last child
        found = envelope[-1]
    return next(c for c in found if isinstance(c.tag, str))


def envelope_of(element: etree._Element) -> bytes:
    """A SOAP 1.1 envelope around an answer."""
    root = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"SOAP-ENV": SOAP})
    etree.SubElement(root, f"{{{SOAP}}}Header")
    etree.SubElement(root, f"{{{SOAP}}}Body").append(element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _reply(element: etree._Element, part: bytes | None) -> Reply:
    body = envelope_of(element)
    if part is None:
        return 200, {"Content-Type": XML}, body
    include = next(iter(mtom.includes(element)))[1]
    content_type, multipart = mtom.multipart_related(
        body, [(include, "application/zip", part)], root_id=f"root.{uuid.uuid4()}@ffoms.ru",
        boundary=f"uuid:{uuid.uuid4()}")
    return 200, {"Content-Type": content_type}, multipart


def _fault(status: int, code: str, text: str) -> Reply:
    root = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"SOAP-ENV": SOAP})
    fault = etree.SubElement(etree.SubElement(root, f"{{{SOAP}}}Body"), f"{{{SOAP}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"SOAP-ENV:{code}"
    etree.SubElement(fault, "faultstring").text = text
    return status, {"Content-Type": XML}, etree.tostring(root, xml_declaration=True,
                                                          encoding="UTF-8")


__all__ = ["SERVICES", "Controls", "SimulatedFerzl", "envelope_of"]
