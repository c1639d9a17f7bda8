"""The СМЭВ 3 client over HTTP: the protocol package on the wire, SOAP faults as policies.

Every call builds its envelope with :mod:`adapters.smev3.protocol`, signs it (ЭП-ОВ) with
the configured signer, POSTs it, and reads the reply — a SOAP fault too, which arrives
with HTTP 500 — into the adapter's terms (:class:`~adapters.smev3.client.Sent`,
:class:`~adapters.smev3.client.Received`, :class:`~adapters.smev3.client.SmevError` with the
protocol's retry policy).
"""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

from lxml import etree
from opentelemetry.trace import Span, SpanKind

from adapters.smev3 import protocol as p
from adapters.smev3.attachments import (
    AttachmentError,
    AttachmentTransfer,
    FileExchangeUnavailable,
    Outgoing,
)
from adapters.smev3.client import Received, Sent, SmevError
from adapters.smev3.settings import Smev3Settings
from adapters.smev3.types import InformationType
from contracts.xmlsafe import UnsafeXml
from hub import tracing
from hub.context import Attachment
from hub.settings import Settings

log = logging.getLogger(__name__)

BAD_REPLY = "BadReply"
"""SmevError code of a reply that came but cannot be read."""

Verifier = Callable[[bytes], list[str]]
"""Checks every signature in a received document; returns the problems (empty: valid)."""


def selector(info: InformationType, side: str) -> p.MessageTypeSelector:
    """The queue of a type: the namespace and root element of its request or response."""
    model = info.request_model if side == "request" else info.response_model
    namespace = info.request_namespace if side == "request" else info.response_namespace
    root = getattr(model, "xml_root", None)
    if not root:
        return p.MessageTypeSelector()
    return p.MessageTypeSelector(namespace_uri=namespace, root_element_local_name=root)


class SoapClient:
    """:class:`~adapters.smev3.client.SmevClient` over HTTP."""

    def __init__(self, url: str, *, node_id: str | None = None, timeout: float = 30.0,
                 signer: p.Signer | None = None, verifier: Verifier | None = None,
                 transfer: AttachmentTransfer | None = None) -> None:
        self.url = url
        self.node_id = node_id or None
        self.timeout = timeout
        self.signer = signer
        self.verifier = verifier
        self.transfer = transfer or Smev3Settings().transfer()
        """Attachments: inline limit, maximum size, the file exchange, the hash."""

    @classmethod
    def from_settings(cls, settings: Smev3Settings, hub: Settings) -> SoapClient:
        """A client as ``[plugins.smev3]`` configures it (signing when a key is given)."""
        signer = verifier = None
        if settings.key and settings.certificate:
            from adapters.smev3.keying import signer_for, verifier_for

            signer = signer_for(settings)
            verifier = verifier_for(settings)
        return cls(settings.url, node_id=settings.node_id, timeout=settings.timeout,
                   signer=signer, verifier=verifier, transfer=settings.transfer())

    # -- the wire ----------------------------------------------------------------------

    def _call(self, protocol: str, call: p.Call) -> bytes:
        """The SOAP envelope of the reply, exactly as received (MTOM parts left aside)."""
        return self._exchange(protocol, call).envelope

    def _exchange(self, protocol: str, call: p.Call) -> p.http.Unpacked:
        operation = p.operation_of(call)
        envelope = p.build_request(protocol, call, signer=self.signer)
        headers, body = p.http.request(operation, envelope)  # MTOM with attachments
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        # A client span of the current trace; the context is not sent: СМЭВ is not part of it.
        with tracing.span(f"POST {operation}", kind=SpanKind.CLIENT, attributes={
                "http.request.method": "POST", "url.full": self.url,
                "rpc.system": "soap", "rpc.method": operation}) as span:
            return self._post(request, span)

    def _post(self, request: urllib.request.Request, span: Span) -> p.http.Unpacked:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                span.set_attribute("http.response.status_code", reply.status)
                return self._unpack(reply.read(), reply.headers.get("Content-Type"))
        except urllib.error.HTTPError as exc:
            span.set_attribute("http.response.status_code", exc.code)
            data = exc.read()
            if data:  # a SOAP fault comes with HTTP 500: parse_reply raises it
                return self._unpack(data, exc.headers.get("Content-Type"))
            raise SmevError("HTTP", f"{exc.code} {exc.reason} from {self.url}",
                            retry=exc.code >= 500) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmevError("Unavailable", f"СМЭВ at {self.url} is unreachable: {exc}",
                            retry=True) from exc

    @staticmethod
    def _unpack(data: bytes, content_type: str | None) -> p.http.Unpacked:
        try:
            return p.http.unpack(data, content_type)
        except p.ProtocolError as exc:
            raise SmevError(BAD_REPLY, f"unreadable reply from СМЭВ: {exc}",
                            retry=True, raw=data) from exc

    def _outgoing(self, files: Sequence[Attachment]) -> Outgoing:
        """Headers and contents of our files; large ones are uploaded now."""
        try:
            return self.transfer.outgoing(files)
        except AttachmentError as exc:
            raise SmevError("Attachment", str(exc), retry=False) from exc
        except FileExchangeUnavailable as exc:
            raise SmevError("FileExchange", str(exc), retry=True) from exc

    def _incoming(self, message: p.RequestMessage | p.ResponseMessage,
                  parts: dict[str, bytes]) -> tuple[list[Attachment], list[str], list[str]]:
        """The files of a received message, or why they cannot be accepted; and the notes
        on them (unsigned files)."""
        d = message.data
        try:
            got = self.transfer.received(d.attachment_headers, d.ref_attachment_headers,
                                         message.attachments, message.fs_attachments, parts)
        except AttachmentError as exc:
            return [], [str(exc)], []
        except FileExchangeUnavailable as exc:  # not the message's fault: fetch it again
            raise SmevError("FileExchange", str(exc), retry=True) from exc
        return got.files, [], got.notes

    def _reply(self, operation: Any, data: bytes) -> Any:
        try:
            return p.parse_reply(operation, data)
        except p.SmevFault as fault:
            policy = fault.policy
            raise SmevError(fault.kind or "Fault", f"{fault.message} ({policy.why})",
                            retry=policy.retry) from fault
        except (p.ProtocolError, UnsafeXml) as exc:
            raise SmevError(BAD_REPLY, f"unreadable reply from СМЭВ: {exc}",
                            retry=True, raw=data) from exc

    def _take(self, operation: Any, call: p.Call, protocol: str
              ) -> tuple[p.http.Unpacked, Any] | Received:
        """A GetRequest/GetResponse exchange and its message; a reply that cannot be read
        (malformed, hostile, not СМЭВ's) comes back as a :class:`Received` of kind
        ``unreadable``, with its bytes and whatever MessageID can be found in them."""
        try:
            exchange = self._exchange(protocol, call)
            return exchange, self._reply(operation, exchange.envelope)
        except SmevError as exc:
            if exc.code != BAD_REPLY:
                raise
            return Received("unreadable", _sniff_message_id(exc.raw), exc.raw, detail=str(exc))

    # -- SmevClient ------------------------------------------------------------------------

    def send_request(self, info: InformationType, message_id: str,
                     content: etree._Element, *, test: bool = False,
                     attachments: Sequence[Attachment] = ()) -> Sent:
        """SendRequest, its files inline (MTOM) or through the file exchange."""
        out = self._outgoing(attachments)
        call = p.SendRequestCall(p.RequestData(content=content, message_id=message_id,
                                               node_id=self.node_id, test_message=test,
                                               attachment_headers=out.headers,
                                               ref_attachment_headers=out.refs),
                                 out.contents)
        result: p.SendResult = self._reply("SendRequest",
                                           self._call(info.protocol, call))
        return Sent(message_id, status=result.metadata.status or "sent")

    def send_response(self, info: InformationType, message_id: str,
                      reply_to: str, content: etree._Element, *,
                      attachments: Sequence[Attachment] = ()) -> Sent:
        """SendResponse to the request whose ReplyTo is ``reply_to``, with its files."""
        out = self._outgoing(attachments)
        call = p.SendResponseCall(p.ResponseData(to=reply_to, content=content,
                                                 message_id=message_id,
                                                 attachment_headers=out.headers,
                                                 ref_attachment_headers=out.refs),
                                  out.contents)
        result: p.SendResult = self._reply("SendResponse",
                                           self._call(info.protocol, call))
        return Sent(message_id, status=result.metadata.status or "sent")

    def get_request(self, info: InformationType) -> Received | None:
        """GetRequest on the type's request queue."""
        taken = self._take("GetRequest", p.GetRequestCall(selector(info, "request")),
                           info.protocol)
        if isinstance(taken, Received):
            return taken
        exchange, message = taken
        data = exchange.envelope
        if message is None:
            return None
        if not isinstance(message, p.RequestMessage):
            return Received("status", _id(message), data, status="cancelled", final=True,
                            detail="the consumer withdrew its request")
        files, problems, notes = self._incoming(message, exchange.parts)
        return Received("request", message.data.message_id, data,
                        content=message.data.content,
                        reply_to=message.reply_to or message.data.message_id,
                        signature_problems=self._verify(data), attachments=files,
                        attachment_problems=problems, attachment_notes=notes)

    def get_response(self, info: InformationType) -> Received | None:
        """GetResponse on the type's response queue: answers, rejections, statuses."""
        taken = self._take("GetResponse", p.GetResponseCall(selector(info, "response")),
                           info.protocol)
        if isinstance(taken, Received):
            return taken
        exchange, message = taken
        data = exchange.envelope
        if message is None:
            return None
        d = message.data
        reference = message.original_message_id or message.reference_message_id
        problems = self._verify(data)  # statuses and rejections are checked like answers
        if d.async_status is not None:
            policy = d.async_status.policy
            return Received("status", d.message_id, data, reference_message_id=reference,
                            status=policy.state, final=policy.final, failed=_failed(policy),
                            detail=d.async_status.details or d.async_status.category,
                            signature_problems=problems)
        if d.rejections:
            why = "; ".join(f"{r.code}: {r.description}" for r in d.rejections)
            return Received("reject", d.message_id, data, reference_message_id=reference,
                            status=d.rejections[0].policy.state, final=True,
                            failed=_failed(d.rejections[0].policy), detail=why,
                            signature_problems=problems)
        if d.request_status is not None:
            return Received("status", d.message_id, data, reference_message_id=reference,
                            status="in-progress", detail=d.request_status.description,
                            signature_problems=problems)
        files, bad_files, notes = self._incoming(message, exchange.parts)
        return Received("response", d.message_id, data, content=d.content,
                        reference_message_id=reference, signature_problems=problems,
                        attachments=files, attachment_problems=bad_files,
                        attachment_notes=notes)

    def get_status(self, protocol: str) -> Received | None:
        """GetStatus (signed, as the XSD requires): the next status of what we sent."""
        if self.signer is None:
            return None
        data = self._call(protocol, p.GetStatusCall())
        message = self._reply("GetStatus", data)
        if message is None:
            return None
        status = message.status
        policy = status.policy
        return Received("status", "", data, reference_message_id=status.original_message_id,
                        status=policy.state, final=policy.final, failed=_failed(policy),
                        detail=status.details or status.category,
                        signature_problems=self._verify(data))

    def ack(self, message_id: str, *, accepted: bool = True) -> None:
        """Ack (accepted or not) in the newest protocol: Ack is the same in every version."""
        self._reply("Ack", self._call("1.3", p.AckCall(message_id, accepted=accepted)))

    def _verify(self, data: bytes) -> list[str]:
        return self.verifier(data) if self.verifier else []


_MESSAGE_ID = re.compile(rb"<(?:[\w.-]+:)?MessageID>\s*([0-9A-Za-z-]{1,64})\s*</")


def _sniff_message_id(data: bytes) -> str:
    """The first MessageID in bytes that do not parse, to acknowledge them with (or "")."""
    found = _MESSAGE_ID.search(data[:1_000_000])
    return found.group(1).decode("ascii") if found else ""


def _failed(policy: p.Policy) -> bool:
    return policy.action in (p.Action.FIX, p.Action.OPERATOR)


def _id(message: Any) -> str:
    return str(getattr(message, "message_id", "") or getattr(message.data, "message_id", ""))
