"""The ФЕРЗЛ client on the wire: one SOAP 1.1 call over HTTP(S), its outcome typed.

Whatever the operation, a call is the same: the request payload (the SOAP Body's child, built
and validated by the request builders) goes in an envelope to its service's endpoint
(:mod:`.binding`: the release is the payload's namespace), with the JWT in ``X-Auth-Token``
and the WSDL's SOAPAction. The outcome is an :class:`Answer` or a :class:`FerzlError`, each
with the :class:`Exchange` — the exact bytes sent and received, for the journal — and a
:mod:`.policy` (journal state, retry or not).

A 401 renews the token and sends once more (the spec: an expired token is a 401); nothing
else is retried here — a retryable error goes back to the hub, whose delay tiers space the
attempts and dead-letter the last. An MTOM answer is split as it arrives
(:func:`hub.mtom.read_multipart`): the SOAP part is kept exactly, the attachments are spooled
parts the caller stores as blobs and reads as streams (:mod:`contracts.ferzl_csv`).
"""

from __future__ import annotations

import copy
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPException
from ssl import SSLContext
from typing import IO

from lxml import etree
from opentelemetry.trace import SpanKind

from adapters.ferzl import policy as pol
from adapters.ferzl.binding import Endpoints
from adapters.ferzl.releases import COMMON, SERVICES, Releases, parse_types_namespace
from contracts.xmlsafe import UnsafeXml, parse
from hub import mtom, tracing

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE = "text/xml; charset=utf-8"
ERROR_BODY_LIMIT = 1 << 20
"""Bytes of an error answer kept (a 4xx/5xx body is a message, not data)."""


@dataclass(frozen=True, slots=True)
class FlkError:
    """One ``errorItem`` of an answer (``ResponseErrorData``): why ФЛК refused the data."""

    code: str
    message: str
    tag: str | None = None
    """The path of the field at fault, relative to the request."""
    value: str | None = None

    def __str__(self) -> str:
        where = f" ({self.tag}" + (f" = {self.value!r}" if self.value else "") + ")" \
            if self.tag else ""
        return f"{self.code}: {self.message}{where}"


@dataclass
class Exchange:
    """One call as it happened: what the journal keeps (never the token)."""

    service: str
    operation: str
    version: str
    url: str
    soap_action: str
    external_request_id: str
    request: bytes
    """The exact HTTP body sent."""
    status: int | None = None
    """The HTTP status; None when no answer came."""
    answer: bytes = b""
    """The exact answer: the body, or with MTOM the SOAP part (the rest is ``attachments``)."""
    content_type: str = ""
    duration: float = 0.0
    attempts: int = 1
    """2 when the token was renewed after a 401."""
    attachments: dict[str, mtom.Part] = field(default_factory=dict)

    def close(self) -> None:
        """Drop the spooled attachments."""
        for part in self.attachments.values():
            part.close()


class FerzlError(Exception):
    """A call that did not give a usable answer; the policy says what to do next."""

    def __init__(self, message: str, policy: pol.Policy, exchange: Exchange,
                 errors: tuple[FlkError, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.policy = policy
        self.exchange = exchange
        self.errors = errors

    @property
    def state(self) -> str:
        """The journal state."""
        return self.policy.state

    @property
    def retry(self) -> bool:
        """Whether the hub retries."""
        return self.policy.retry


class FlkRejected(FerzlError):
    """HTTP 200 whose answer carries ФЛК errors: the data must be fixed (codes kept)."""


class HttpFailure(FerzlError):
    """ФЕРЗЛ answered with an HTTP status other than 200 (400/401/403/409/500…)."""


class Unreachable(FerzlError):
    """No answer: connection refused or reset, timeout, TLS failure."""


class BadAnswer(FerzlError):
    """An answer that cannot be read: not XML, hostile, not SOAP, or its MTOM part missing."""


@dataclass
class Answer:
    """A usable answer: its payload (the SOAP Body's child) and what the journal keeps."""

    exchange: Exchange
    payload: etree._Element
    deviations: list[str] = field(default_factory=list)
    """Where the answer departs from its release's XSD (it is read all the same)."""

    def attachment(self, element: etree._Element | None = None) -> mtom.Part:
        """The MTOM part behind the (first) ``xop:Include`` in ``element`` (default: the
        payload), e.g. a Poll answer's ``content``; LookupError when there is none."""
        for _, cid in mtom.includes(self.payload if element is None else element):
            return self.exchange.attachments[cid]  # resolved when the answer was read
        raise LookupError("в ответе ФЕРЗЛ нет вложения (xop:Include)")

    def close(self) -> None:
        """Drop the spooled attachments."""
        self.exchange.close()


def envelope(payload: etree._Element) -> bytes:
    """The SOAP 1.1 envelope of a request payload, as sent."""
    root = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
    etree.SubElement(root, f"{{{SOAP_ENV}}}Header")
    etree.SubElement(root, f"{{{SOAP_ENV}}}Body").append(copy.deepcopy(payload))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if isinstance(child.tag, str) and _local(child) == name:
            return (child.text or "").strip()
    return None


def flk_errors(payload: etree._Element) -> tuple[FlkError, ...]:
    """The ``errors/errorItem`` of an answer, wherever ФЕРЗЛ put them (read by local name:
    answers deviate from their XSD)."""
    found = []
    for item in payload.iter("{*}errorItem"):
        parent = item.getparent()
        if parent is not None and _local(parent) == "errors":
            found.append(FlkError(_child_text(item, "code") or "",
                                  _child_text(item, "message") or "",
                                  _child_text(item, "tag") or None,
                                  _child_text(item, "value") or None))
    return tuple(found)


class Transport:
    """Sends ФЕРЗЛ requests; one instance per configured ФЕРЗЛ, safe across threads.

    ``token`` gives the current JWT; ``renew`` gets a new one after a 401 (without it the
    token is asked for again). ``releases``, when given, checks every answer against its
    release's XSD and lists the deviations on the :class:`Answer`.
    """

    def __init__(self, endpoints: Endpoints, token: Callable[[], str], *,
                 renew: Callable[[], str] | None = None, timeout: float = 60.0,
                 ssl_context: SSLContext | None = None, releases: Releases | None = None,
                 spool: int = 1 << 20, max_answer: int = 64 << 20) -> None:
        self.endpoints = endpoints
        self.token = token
        self.renew = renew
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.releases = releases
        self.spool = spool
        self.max_answer = max_answer

    def call(self, payload: etree._Element) -> Answer:
        """Send ``payload``; its answer, or :class:`FerzlError` with the outcome's policy."""
        exchange = self._exchange_of(payload)
        headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": f'"{exchange.soap_action}"',
                   "Accept": "text/xml, multipart/related"}
        started = time.monotonic()
        with tracing.span(f"POST {exchange.operation}", kind=SpanKind.CLIENT, attributes={
                "http.request.method": "POST", "url.full": exchange.url,
                "rpc.system": "soap", "rpc.method": exchange.operation}) as span:
            try:
                split = self._post(exchange, headers, self.token())
                if exchange.status == 401:
                    exchange.attempts = 2
                    split = self._post(exchange, headers, (self.renew or self.token)())
            finally:
                exchange.duration = time.monotonic() - started
                if exchange.status is not None:
                    span.set_attribute("http.response.status_code", exchange.status)
        return self._read(exchange, split)

    def _exchange_of(self, payload: etree._Element) -> Exchange:
        named = parse_types_namespace(etree.QName(payload).namespace or "")
        by_schema = {schema: service for service, schema in SERVICES.items()}
        if named is None or named[1] not in by_schema:
            raise ValueError(f"элемент {etree.QName(payload).text} не относится ни к одному "
                             "сервису ФЕРЗЛ")
        version, schema = named
        service = by_schema[schema]
        common = f"http://ffoms.ru/types/{version}/{COMMON}"
        request_id = (payload.findtext(f"{{{common}}}externalRequestId") or "").strip()
        if not request_id:
            raise ValueError(f"в запросе {_local(payload)} нет externalRequestId")
        operation, action = self.endpoints.operation(version, service, _local(payload))
        return Exchange(service, operation, version, self.endpoints.url(version, service),
                        action, request_id, envelope(payload))

    def _post(self, exchange: Exchange, headers: dict[str, str],
              token: str) -> mtom.Multipart | None:
        """POST once; the split answer (None for a non-200 status, its body in exchange)."""
        request = urllib.request.Request(exchange.url, data=exchange.request, method="POST",
                                         headers={**headers, "X-Auth-Token": token})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout,
                                        context=self.ssl_context) as reply:
                exchange.status = reply.status
                exchange.content_type = reply.headers.get("Content-Type", "")
                split = self._split(exchange, reply)
                exchange.answer = split.root
                exchange.attachments = split.parts
                return split
        except urllib.error.HTTPError as exc:
            exchange.status = exc.code
            exchange.content_type = exc.headers.get("Content-Type", "")
            exchange.answer = exc.read(ERROR_BODY_LIMIT)
            return None
        except (urllib.error.URLError, TimeoutError, OSError, HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"ФЕРЗЛ ({exchange.url}) недоступен: {reason}",
                              pol.UNREACHABLE, exchange) from exc

    def _split(self, exchange: Exchange, reply: IO[bytes]) -> mtom.Multipart:
        try:
            return mtom.read_multipart(reply, exchange.content_type, spool=self.spool,
                                       root_limit=self.max_answer)
        except mtom.MtomError as exc:
            raise BadAnswer(f"ответ ФЕРЗЛ не разобран: {exc}", pol.BAD_ANSWER,
                            exchange) from exc
        except (TimeoutError, OSError, HTTPException) as exc:  # cut while being read
            raise Unreachable(f"ответ ФЕРЗЛ прерван: {exc}", pol.UNREACHABLE,
                              exchange) from exc

    def _read(self, exchange: Exchange, split: mtom.Multipart | None) -> Answer:
        try:
            if exchange.status != 200 or split is None:
                raise self._http_failure(exchange)
            payload = self._payload(exchange)
            for _, cid in mtom.includes(payload):
                if cid not in exchange.attachments:
                    raise BadAnswer(str(mtom.MissingPart(cid)), pol.NO_MTOM_PART, exchange)
            errors = flk_errors(payload)
            if errors:
                raise FlkRejected("ФЛК ФЕРЗЛ отклонил запрос: "
                                  + "; ".join(str(e) for e in errors),
                                  pol.FLK_REJECTED, exchange, errors)
        except FerzlError:
            exchange.close()
            raise
        return Answer(exchange, payload, self._deviations(exchange, payload))

    def _http_failure(self, exchange: Exchange) -> HttpFailure:
        status = exchange.status or 0
        policy = pol.http_policy(status)
        if status == 401 and exchange.attempts > 1:
            policy = pol.AUTH_FAILED
        said = _message_of(exchange.answer)
        return HttpFailure(f"ФЕРЗЛ ответил HTTP {status}" + (f": {said}" if said else ""),
                           policy, exchange)

    def _payload(self, exchange: Exchange) -> etree._Element:
        try:
            root = parse(exchange.answer)
        except UnsafeXml as exc:
            hostile = exc.__cause__ is None
            raise BadAnswer(f"ответ ФЕРЗЛ отвергнут: {exc}",
                            pol.UNSAFE_ANSWER if hostile else pol.BAD_ANSWER,
                            exchange) from exc
        body = root.find(f"{{{SOAP_ENV}}}Body")
        payload = next((c for c in body if isinstance(c.tag, str)), None) \
            if body is not None and root.tag == f"{{{SOAP_ENV}}}Envelope" else None
        if payload is None:
            raise BadAnswer("ответ ФЕРЗЛ — не конверт SOAP 1.1 с телом", pol.BAD_ANSWER,
                            exchange)
        if payload.tag == f"{{{SOAP_ENV}}}Fault":
            raise HttpFailure(f"ФЕРЗЛ ответил ошибкой SOAP: {_message_of(exchange.answer)}",
                              pol.SERVER_ERROR, exchange)
        return payload

    def _deviations(self, exchange: Exchange, payload: etree._Element) -> list[str]:
        found = []
        echoed = _child_text(payload, "externalRequestId")
        if echoed is not None and echoed != exchange.external_request_id:
            found.append(f"externalRequestId ответа {echoed} не совпадает с запросом "
                         f"{exchange.external_request_id}")
        if self.releases is not None:
            infoset = copy.deepcopy(payload)  # an xop:Include stands for base64: empty is one
            for include, _ in list(mtom.includes(infoset)):
                holder = include.getparent()
                if holder is not None:
                    holder.remove(include)
            found += self.releases.validate(infoset)
        return found


def _message_of(body: bytes) -> str:
    """What an error answer says: a SOAP Fault's faultstring, else its text (shortened)."""
    try:
        root = parse(body)
    except UnsafeXml:
        return body[:500].decode("utf-8", "replace").strip()
    for name in ("faultstring", "message", "Reason"):
        found = next(root.iter(f"{{*}}{name}"), None)
        if found is not None and "".join(found.itertext()).strip():
            return "".join(found.itertext()).strip()[:1000]
    return " ".join("".join(root.itertext()).split())[:1000]
