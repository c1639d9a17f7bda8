"""Reading one ФЕРЗЛ SOAP 1.1 message — a request or an answer of any release — tolerantly.

ФЕРЗЛ's own answers deviate from its published XSDs (15 of the 73 published payloads fail
strict validation: an ``attachItems`` without ``depId``, elements out of order, elements the
schema does not have). So the reader validates the payload against its namespace's release,
collects every deviation as text, and still reads every element the fund knows into
:class:`contracts.ferzl.FerzlMessage` — in any order, unknown elements skipped (and listed
as deviations), missing optional ones absent. It refuses (:class:`ReadError`, in Russian)
only what cannot be understood: not XML, XML with a DTD (XXE), not a SOAP envelope, a
payload outside ФЕРЗЛ's namespaces.

XML is parsed only through :mod:`contracts.xmlsafe` (no entities, no DTD, no network).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from lxml import etree

from adapters.ferzl.releases import Releases, parse_types_namespace
from adapters.ferzl.walk import Walk, children, is_leaf, local, text
from contracts.ferzl import Direction, FerzlMessage, FlkError, SoapFault
from contracts.xmlsafe import UnsafeXml, parse

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XOP = "http://www.w3.org/2004/08/xop/include"
"""MTOM's reference to an attachment (``content/xop:Include``) belongs in an answer."""
MESSAGE_LEAVES = {"externalRequestId", "opToken", "processingStatus", "warnings"}


class ReadError(ValueError):
    """The message cannot be understood; the text says why, in Russian."""


class NotXml(ReadError):
    """The bytes are not well-formed XML."""


@dataclass(frozen=True)
class ReadResult:
    """A message read: its canonical form and every deviation from its release's schema
    (and from what the fund knows), as text."""

    message: FerzlMessage
    deviations: tuple[str, ...]


def read_message(data: bytes, releases: Releases) -> ReadResult:
    """Read one SOAP envelope (bytes as received) into the fund's form; :class:`ReadError`
    when it cannot be understood."""
    envelope = _parse(data)
    body = _body(envelope)
    deviations: list[str] = []
    if etree.QName(envelope).namespace == SOAP12:
        deviations.append("конверт SOAP 1.2, а ФЕРЗЛ работает по SOAP 1.1")
    payloads = list(children(body))
    if not payloads:
        raise ReadError("в теле SOAP (Body) нет сообщения")
    if len(payloads) > 1:
        deviations.append(f"в теле SOAP {len(payloads)} элемента; прочитан первый")
    payload = payloads[0]
    if local(payload) == "Fault" and etree.QName(payload).namespace in (SOAP11, SOAP12):
        return ReadResult(_fault(payload, deviations), tuple(deviations))
    named = parse_types_namespace(etree.QName(payload).namespace or "")
    if named is None:
        raise ReadError(f"сообщение {etree.QName(payload).text} не из пространства имён "
                        "ФЕРЗЛ (http://ffoms.ru/types/<выпуск>/<схема>)")
    version = named[0]
    deviations.extend(f"схема: {e}" for e in releases.validate(payload))
    known = declared_names(releases, version)
    skip = _Skip(known, deviations)
    return ReadResult(_message(payload, version, skip, deviations), tuple(deviations))


def _parse(data: bytes) -> etree._Element:
    try:
        return parse(data)
    except UnsafeXml as exc:
        if isinstance(exc.__cause__, etree.XMLSyntaxError):
            raise NotXml(f"это не XML: {exc.__cause__}") from exc
        raise ReadError("XML с объявлением DTD (DOCTYPE) отклонён: сущности и внешние "
                        "ссылки (XXE) не допускаются") from exc


def _body(envelope: etree._Element) -> etree._Element:
    namespace = etree.QName(envelope).namespace
    if local(envelope) != "Envelope" or namespace not in (SOAP11, SOAP12):
        raise ReadError(f"это не конверт SOAP: корневой элемент {etree.QName(envelope).text}, "
                        f"ожидался {{{SOAP11}}}Envelope")
    body = envelope.find(f"{{{namespace}}}Body")
    if body is None:
        raise ReadError("в конверте SOAP нет тела (Body)")
    return body


class _Skip:
    """Whether the walk skips an element: one the release's schemas do not declare, or one
    outside ФЕРЗЛ's namespaces (each reported once, with its line)."""

    def __init__(self, known: frozenset[str], deviations: list[str]) -> None:
        self.known = known
        self.deviations = deviations
        self.seen: set[int] = set()

    def __call__(self, el: etree._Element) -> bool:
        name = etree.QName(el)
        if name.namespace == XOP:
            return True
        foreign = parse_types_namespace(name.namespace or "") is None
        if not foreign and (not self.known or name.localname in self.known):
            return False
        if id(el) not in self.seen:
            self.seen.add(id(el))
            why = ("не из пространства имён ФЕРЗЛ" if foreign
                   else "не описан в схемах выпуска")
            self.deviations.append(f"строка {el.sourceline}: элемент {name.text} {why}; "
                                   "пропущен")
        return True


def _message(payload: etree._Element, version: str, skip: _Skip,
             deviations: list[str]) -> FerzlMessage:
    name = local(payload)
    direction: Direction
    if name.endswith("Response"):
        operation, direction = name[: -len("Response")], "answer"
    elif name.endswith("Request"):
        operation, direction = name[: -len("Request")], "request"
    else:
        deviations.append(f"элемент {name} не назван ни запросом (…Request), ни ответом "
                          "(…Response); прочитан как ответ")
        operation, direction = name, "answer"
    message = FerzlMessage(operation=operation, release=version, direction=direction)
    _envelope_facts(message, payload, skip)
    walk = Walk(deviations.append, skip)
    walk.level(payload)
    message.persons = walk.persons
    return message


def _envelope_facts(message: FerzlMessage, payload: etree._Element, skip: _Skip) -> None:
    """What the message says of itself: its id, ФЛК errors, async token and status, the
    MTOM reference, the count of what was found — wherever they are nested."""
    for el in payload.iter(tag=etree.Element):
        if skip(el):
            continue
        name = local(el)
        if name in MESSAGE_LEAVES and is_leaf(el) and text(el):
            if name == "warnings":
                message.warnings.append(text(el))
            else:
                field = {"externalRequestId": "external_request_id", "opToken": "op_token",
                         "processingStatus": "processing_status"}[name]
                if getattr(message, field) is None:
                    setattr(message, field, text(el))
        elif name == "errorItem":
            message.errors.append(_error(el))
        elif name == "content":
            include = el.find(f"{{{XOP}}}Include")
            message.content = include.get("href") if include is not None else "встроено"
        elif name == "count" and is_leaf(el) and text(el).isdigit():
            message.total = int(text(el))


def _error(item: etree._Element) -> FlkError:
    leaves = {local(c): text(c) for c in children(item)}
    return FlkError(code=leaves.get("code", ""), message=leaves.get("message", ""),
                    tag=leaves.get("tag") or None, value=leaves.get("value") or None)


def _fault(fault: etree._Element, deviations: list[str]) -> FerzlMessage:
    """A SOAP Fault as such: code, string, actor, detail (its ФЛК errors read too)."""
    parts = {local(c): c for c in children(fault)}
    detail = parts.get("detail")
    release = operation = None
    errors: list[FlkError] = []
    if detail is not None:
        for el in detail.iter(tag=etree.Element):
            named = parse_types_namespace(etree.QName(el).namespace or "")
            if named is not None and release is None:
                release = named[0]
                if el.getparent() is detail and local(el).endswith("Response"):
                    operation = local(el)[: -len("Response")]
            if local(el) == "errorItem":
                errors.append(_error(el))
    if "faultcode" not in parts:
        deviations.append("в SOAP Fault нет faultcode")
    detail_text = " ".join(t.strip() for t in detail.itertext() if t.strip()) \
        if detail is not None else ""
    return FerzlMessage(
        operation=operation, release=release, direction="answer", errors=errors,
        fault=SoapFault(code=text(parts["faultcode"]) if "faultcode" in parts else "",
                        message=text(parts["faultstring"]) if "faultstring" in parts else "",
                        actor=text(parts["faultactor"]) or None if "faultactor" in parts
                        else None,
                        detail=detail_text or None))


_DECLARED: weakref.WeakKeyDictionary[Releases, dict[str, frozenset[str]]] = \
    weakref.WeakKeyDictionary()
_DECLARED_LOCK = threading.Lock()


def declared_names(releases: Releases, version: str) -> frozenset[str]:
    """The element names the schemas of ``version`` declare (every installed release's
    when ``version`` is not installed; empty when none is: nothing is then skipped)."""
    with _DECLARED_LOCK:
        cache = _DECLARED.setdefault(releases, {})
        if version not in cache:
            chosen = [r for r in releases if r.version == version] or list(releases)
            names: set[str] = set()
            for release in chosen:
                for path in release.xsd.values():
                    schema = parse(path.read_bytes())
                    names.update(e.get("name", "").strip()
                                 for e in schema.iter("{http://www.w3.org/2001/XMLSchema}element"))
            cache[version] = frozenset(names - {""})
        return cache[version]
