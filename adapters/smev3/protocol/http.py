"""HTTP framing of СМЭВ 3 SOAP 1.1 messages: headers, bodies, and the MTOM seam.

Requests go out as ``text/xml; charset=utf-8`` with the ``SOAPAction`` of the WSDL binding
(quoted, as SOAP 1.1 §6.1.1 writes it). SOAP 1.1 sends faults with HTTP status 500.

MTOM. A message that carries attachment contents goes as ``multipart/related`` (XOP), both
ways: :func:`request` and :func:`response` pack it with :mod:`.mtom` (the contents become
binary MIME parts). СМЭВ's CXF front end sometimes answers multipart even without
attachments (the real sample GetResponseResponce_MultipartEmptyQueue.xml). :func:`unpack`
reads either (the splitting is the hub's, :mod:`hub.mtom`, shared by every adapter): it
returns the root SOAP part and the other MIME parts by Content-ID, untouched;
:func:`.mtom.resolve` turns the parsed ``xop:Include`` references into bytes.
"""

from __future__ import annotations

from adapters.smev3.protocol import mtom
from adapters.smev3.protocol.envelope import Element, to_bytes
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.versions import SOAP_ACTIONS, SOAP_ENV, Operation
from hub import mtom as mtom_parts
from hub.mtom import Unpacked

__all__ = ["CONTENT_TYPE", "Unpacked", "operation_of_action", "request", "response", "unpack"]

CONTENT_TYPE = "text/xml; charset=utf-8"
"""Content-Type of SOAP 1.1 messages the adapter and the simulator send."""


def request(operation: Operation, envelope: Element) -> tuple[dict[str, str], bytes]:
    """Headers and body of an HTTP POST carrying ``envelope`` for ``operation``.

    With attachment contents the body is MTOM (``multipart/related``), else plain SOAP.
    """
    content_type, body = _framed(envelope)
    return {"Content-Type": content_type, "SOAPAction": f'"{SOAP_ACTIONS[operation]}"'}, body


def response(envelope: Element) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the simulator's HTTP reply (500 for a SOAP Fault)."""
    body = envelope.find(f"{{{SOAP_ENV}}}Body")
    fault = body is not None and body.find(f"{{{SOAP_ENV}}}Fault") is not None
    content_type, data = _framed(envelope)
    return (500 if fault else 200), {"Content-Type": content_type}, data


def _framed(envelope: Element) -> tuple[str, bytes]:
    packed = mtom.pack(envelope)
    return packed if packed is not None else (CONTENT_TYPE, to_bytes(envelope))


def operation_of_action(header: str | None) -> Operation | None:
    """The operation a ``SOAPAction`` header names (quoted or not), None if none matches."""
    value = (header or "").strip().strip('"')
    return next((op for op, action in SOAP_ACTIONS.items() if action == value), None)


def unpack(body: bytes, content_type: str | None = None) -> Unpacked:
    """The SOAP envelope of an HTTP body, plain or ``multipart/related``
    (:func:`hub.mtom.unpack`: the root part is the one ``start`` names, else the first; a
    body saved without its Content-Type is read with the boundary of its first line)."""
    try:
        return mtom_parts.unpack(body, content_type)
    except mtom_parts.MtomError as exc:
        raise ProtocolError(str(exc)) from exc
