"""MTOM (XOP) for СМЭВ 3: attachment bytes as binary MIME parts beside the SOAP envelope.

The builders write every ``AttachmentContent/Content`` inline, in base64 — that is the XOP
*infoset*, the form the XSDs validate and the form a signature would see (it sees none of
it: the caller's signature covers ``SenderProvided*Data``, where the headers live, never
``AttachmentContentList``). On the wire :func:`pack` moves each content's bytes into a MIME
part of a ``multipart/related; type="application/xop+xml"`` body and leaves an
``xop:Include href="cid:…"`` in its place, as CXF (the real СМЭВ front end) does.

The MIME framing (splitting, writing, the infoset) is :mod:`hub.mtom`, which every adapter
shares. Receiving, :func:`adapters.smev3.protocol.http.unpack` splits the body, the parsers give
``AttachmentContent(xop_href=…)``, and :func:`resolve` puts the bytes back;
:func:`inline` rebuilds the infoset of a received envelope (to validate it against the
XSD). :func:`check_coordination` is СМЭВ's rule that headers and contents name the same
attachments (the ``AttachmentContentMiscoordination`` fault).
"""

from __future__ import annotations

import base64
import binascii
import copy
import uuid
from collections.abc import Iterable, Mapping

from adapters.smev3.protocol.envelope import Element, q, to_bytes
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.faults import AttachmentContentMiscoordination
from adapters.smev3.protocol.models import AttachmentContent, AttachmentHeader
from adapters.smev3.protocol.versions import VERSIONS, XOP
from hub import mtom as shared

ROOT_ID = "root.message@cxf.apache.org"
"""Content-ID of the SOAP part: the one CXF gives it (seen in real СМЭВ traffic)."""
XOP_MEDIA_TYPE = shared.XOP_MEDIA_TYPE
_BASIC = frozenset(v.basic for v in VERSIONS.values())


def _content_elements(envelope: Element) -> list[Element]:
    """Every ``AttachmentContent/Content`` of any version's basic namespace."""
    found: list[Element] = []
    for basic in _BASIC:
        found.extend(e for e in envelope.iter(q(basic, "Content"))
                     if (parent := e.getparent()) is not None
                     and parent.tag == q(basic, "AttachmentContent"))
    return found


def href(content_id: str) -> str:
    """The ``cid:`` URL of a MIME part (RFC 2392: the Content-ID, URL-encoded)."""
    return shared.href(content_id)


def content_id_of(url: str) -> str:
    """The Content-ID an ``xop:Include/@href`` names."""
    try:
        return shared.content_id_of(url)
    except shared.MtomError as exc:
        raise ProtocolError(str(exc)) from None


def pack(envelope: Element) -> tuple[str, bytes] | None:
    """``(Content-Type, body)`` of ``envelope`` as MTOM; None when it carries no contents.

    The caller's tree is left as it is (a copy is optimised). An ``xop:Include`` already in
    the tree has no bytes behind it and cannot be sent.
    """
    if envelope.find(f".//{{{XOP}}}Include") is not None:
        raise ProtocolError("the envelope holds an xop:Include without its bytes: build it "
                            "with the attachment contents inline and let pack() optimise it")
    if not _content_elements(envelope):
        return None
    tree = copy.deepcopy(envelope)
    parts: list[tuple[str, bytes]] = []
    for element in _content_elements(tree):
        try:
            data = base64.b64decode("".join((element.text or "").split()), validate=True)
        except binascii.Error:
            raise ProtocolError("an AttachmentContent/Content is not base64") from None
        cid = f"{uuid.uuid4()}@smev3.omshub"
        element.text = None
        element.append(element.makeelement(q(XOP, "Include"), {"href": href(cid)},
                                           nsmap={"xop": XOP}))
        parts.append((cid, data))
    return shared.multipart_related(
        to_bytes(tree), [(cid, "application/octet-stream", data) for cid, data in parts],
        root_id=ROOT_ID, boundary=f"uuid:{uuid.uuid4()}")


def resolve(attachments: Iterable[AttachmentContent],
            parts: Mapping[str, bytes]) -> tuple[AttachmentContent, ...]:
    """The attachments with every ``xop:Include`` replaced by the bytes of its MIME part."""
    resolved = []
    for attachment in attachments:
        if attachment.xop_href is None:
            resolved.append(attachment)
            continue
        cid = content_id_of(attachment.xop_href)
        if cid not in parts:
            raise AttachmentContentMiscoordination(
                f"attachment {attachment.id}: the message has no MIME part <{cid}>")
        resolved.append(AttachmentContent(attachment.id, parts[cid]))
    return tuple(resolved)


def inline(envelope: bytes | Element, parts: Mapping[str, bytes]) -> Element:
    """The XOP infoset of a received envelope: each ``xop:Include`` as base64 text again."""
    try:
        return shared.inline(envelope, parts)
    except shared.MtomError as exc:
        raise ProtocolError(str(exc)) from None


def check_coordination(headers: Iterable[AttachmentHeader],
                       contents: Iterable[AttachmentContent]) -> None:
    """Headers and contents name the same attachments, each once (СМЭВ's rule).

    Raises the ``AttachmentContentMiscoordination`` fault, the one СМЭВ answers with.
    """
    declared = [h.content_id for h in headers]
    given = [c.id for c in contents]
    problems = []
    if len(set(declared)) != len(declared):
        problems.append("a contentId is declared twice")
    if len(set(given)) != len(given):
        problems.append("an AttachmentContent Id occurs twice")
    if missing := sorted(set(declared) - set(given)):
        problems.append(f"no content for {', '.join(missing)}")
    if stray := sorted(set(given) - set(declared)):
        problems.append(f"no header for {', '.join(stray)}")
    if problems:
        raise AttachmentContentMiscoordination("attachment headers and contents disagree: "
                                               + "; ".join(problems))
