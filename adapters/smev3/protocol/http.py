"""HTTP framing of СМЭВ 3 SOAP 1.1 messages: headers, bodies, and the MTOM seam.

Requests go out as ``text/xml; charset=utf-8`` with the ``SOAPAction`` of the WSDL binding
(quoted, as SOAP 1.1 §6.1.1 writes it). SOAP 1.1 sends faults with HTTP status 500.

MTOM. A message that carries attachment contents goes as ``multipart/related`` (XOP), both
ways: :func:`request` and :func:`response` pack it with :mod:`.mtom` (the contents become
binary MIME parts). СМЭВ's CXF front end sometimes answers multipart even without
attachments (the real sample GetResponseResponce_MultipartEmptyQueue.xml). :func:`unpack`
reads either: it returns the root SOAP part and the other MIME parts by Content-ID,
untouched; :func:`.mtom.resolve` turns the parsed ``xop:Include`` references into bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from adapters.smev3.protocol import mtom
from adapters.smev3.protocol.envelope import Element, to_bytes
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.versions import SOAP_ACTIONS, SOAP_ENV, Operation

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


@dataclass(frozen=True, slots=True)
class Unpacked:
    """An HTTP body split into the SOAP envelope and the MTOM parts (by Content-ID)."""

    envelope: bytes
    parts: dict[str, bytes] = field(default_factory=dict)
    multipart: bool = False


_PARAM = re.compile(r';\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)')


def _params(content_type: str) -> dict[str, str]:
    return {k.lower(): v.strip('"') for k, v in _PARAM.findall(content_type)}


def unpack(body: bytes, content_type: str | None = None) -> Unpacked:
    """The SOAP envelope of an HTTP body, plain or ``multipart/related``.

    The boundary comes from ``content_type``; without it (a body saved to a file) a body that
    starts with ``--`` is read with the boundary of its first line. The root part is the one
    ``start`` names, else the first.
    """
    media = (content_type or "").split(";")[0].strip().lower()
    params = _params(content_type or "")
    if media != "multipart/related" and not (media == "" and body.lstrip().startswith(b"--")):
        return Unpacked(body)
    boundary = params.get("boundary")
    if boundary is None:
        first = body.lstrip().split(b"\n", 1)[0].strip()
        boundary = first[2:].decode("ascii", "replace")
    parts = _split(body, boundary.encode("ascii", "replace"))
    if not parts:
        raise ProtocolError(f"multipart/related body without parts (boundary {boundary!r})")
    start = params.get("start", "").strip("<>")
    index = next((i for i, (cid, _) in enumerate(parts) if start and cid == start), 0)
    others = {cid: data for i, (cid, data) in enumerate(parts) if i != index}
    return Unpacked(parts[index][1], others, multipart=True)


def _split(body: bytes, boundary: bytes) -> list[tuple[str, bytes]]:
    delimiter = b"--" + boundary
    chunks = body.split(delimiter)
    parts: list[tuple[str, bytes]] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the close delimiter
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.removeprefix(b"\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, data = chunk.partition(b"\n\n")
        if not sep:
            raise ProtocolError("a multipart/related part has no header/body separator")
        data = data.removesuffix(b"\r\n") if data.endswith(b"\r\n") else data.removesuffix(b"\n")
        cid = ""
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-id":
                cid = value.strip().strip("<>")
        parts.append((cid, data))
    return parts
