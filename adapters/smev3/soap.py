"""The СМЭВ 3 client over HTTP: the protocol package on the wire, SOAP faults as policies.

Every call builds its envelope with :mod:`adapters.smev3.protocol`, signs it (ЭП-ОВ) with
the configured signer, POSTs it, and reads the reply — a SOAP fault too, which arrives
with HTTP 500 — into the adapter's terms (:class:`~adapters.smev3.client.Sent`,
:class:`~adapters.smev3.client.Received`, :class:`~adapters.smev3.client.SmevError` with the
protocol's retry policy).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from lxml import etree

from adapters.smev3 import protocol as p
from adapters.smev3.client import Received, Sent, SmevError
from adapters.smev3.settings import Smev3Settings
from adapters.smev3.types import InformationType
from hub.settings import Settings

log = logging.getLogger(__name__)

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
                 signer: p.Signer | None = None, verifier: Verifier | None = None) -> None:
        self.url = url
        self.node_id = node_id or None
        self.timeout = timeout
        self.signer = signer
        self.verifier = verifier

    @classmethod
    def from_settings(cls, settings: Smev3Settings, hub: Settings) -> SoapClient:
        """A client as ``[plugins.smev3]`` configures it (signing when a key is given)."""
        signer = verifier = None
        if settings.key and settings.certificate:
            from adapters.smev3.keying import signer_for, verifier_for

            signer = signer_for(settings)
            verifier = verifier_for(settings)
        return cls(settings.url, node_id=settings.node_id, timeout=settings.timeout,
                   signer=signer, verifier=verifier)

    # -- the wire ----------------------------------------------------------------------

    def _call(self, protocol: str, call: p.Call) -> bytes:
        operation = p.operation_of(call)
        envelope = p.build_request(protocol, call, signer=self.signer)
        headers, body = p.http.request(operation, envelope)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                data: bytes = reply.read()
                return data
        except urllib.error.HTTPError as exc:
            data = exc.read()
            if data:
                return data  # a SOAP fault comes with HTTP 500: parse_reply raises it
            raise SmevError("HTTP", f"{exc.code} {exc.reason} from {self.url}",
                            retry=exc.code >= 500) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmevError("Unavailable", f"СМЭВ at {self.url} is unreachable: {exc}",
                            retry=True) from exc

    def _reply(self, operation: Any, data: bytes) -> Any:
        try:
            return p.parse_reply(operation, data)
        except p.SmevFault as fault:
            policy = fault.policy
            raise SmevError(fault.kind or "Fault", f"{fault.message} ({policy.why})",
                            retry=policy.retry) from fault
        except p.ProtocolError as exc:
            raise SmevError("BadReply", f"unreadable reply from СМЭВ: {exc}",
                            retry=True) from exc

    # -- SmevClient ------------------------------------------------------------------------

    def send_request(self, info: InformationType, message_id: str,
                     content: etree._Element, *, test: bool = False) -> Sent:
        """SendRequest."""
        call = p.SendRequestCall(p.RequestData(content=content, message_id=message_id,
                                               node_id=self.node_id, test_message=test))
        result: p.SendResult = self._reply("SendRequest",
                                           self._call(info.protocol, call))
        return Sent(message_id, status=result.metadata.status or "sent")

    def send_response(self, info: InformationType, message_id: str,
                      reply_to: str, content: etree._Element) -> Sent:
        """SendResponse to the request whose ReplyTo is ``reply_to``."""
        call = p.SendResponseCall(p.ResponseData(to=reply_to, content=content,
                                                 message_id=message_id))
        result: p.SendResult = self._reply("SendResponse",
                                           self._call(info.protocol, call))
        return Sent(message_id, status=result.metadata.status or "sent")

    def get_request(self, info: InformationType) -> Received | None:
        """GetRequest on the type's request queue."""
        data = self._call(info.protocol, p.GetRequestCall(selector(info, "request")))
        message = self._reply("GetRequest", data)
        if message is None:
            return None
        if not isinstance(message, p.RequestMessage):
            return Received("status", _id(message), data, status="cancelled", final=True,
                            detail="the consumer withdrew its request")
        return Received("request", message.data.message_id, data,
                        content=message.data.content,
                        reply_to=message.reply_to or message.data.message_id,
                        signature_problems=self._verify(data))

    def get_response(self, info: InformationType) -> Received | None:
        """GetResponse on the type's response queue: answers, rejections, statuses."""
        data = self._call(info.protocol, p.GetResponseCall(selector(info, "response")))
        message = self._reply("GetResponse", data)
        if message is None:
            return None
        d = message.data
        reference = message.original_message_id or message.reference_message_id
        problems = self._verify(data)  # statuses and rejections are checked like answers
        if d.async_status is not None:
            policy = d.async_status.policy
            return Received("status", d.message_id, data, reference_message_id=reference,
                            status=policy.state, final=policy.final,
                            detail=d.async_status.details or d.async_status.category,
                            signature_problems=problems)
        if d.rejections:
            why = "; ".join(f"{r.code}: {r.description}" for r in d.rejections)
            return Received("reject", d.message_id, data, reference_message_id=reference,
                            status=d.rejections[0].policy.state, final=True, detail=why,
                            signature_problems=problems)
        if d.request_status is not None:
            return Received("status", d.message_id, data, reference_message_id=reference,
                            status="in-progress", detail=d.request_status.description,
                            signature_problems=problems)
        return Received("response", d.message_id, data, content=d.content,
                        reference_message_id=reference, signature_problems=problems)

    def ack(self, message_id: str, *, accepted: bool = True) -> None:
        """Ack (accepted or not) in the newest protocol: Ack is the same in every version."""
        self._reply("Ack", self._call("1.3", p.AckCall(message_id, accepted=accepted)))

    def _verify(self, data: bytes) -> list[str]:
        return self.verifier(data) if self.verifier else []


def _id(message: Any) -> str:
    return str(getattr(message, "message_id", "") or getattr(message.data, "message_id", ""))
