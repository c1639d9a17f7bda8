"""Replies of СМЭВ: built by the simulator, parsed by the adapter — one implementation.

===============  ======================  =============================================  =======
operation        reply element           what it holds (the SMEV signature covers …)    empty
===============  ======================  =============================================  =======
SendRequest      SendRequestResponse     MessageMetadata (… it)                          —
SendResponse     SendResponseResponse    MessageMetadata (… it)                          —
GetRequest       GetRequestResponse      RequestMessage: Request or 1.1 Cancel (… it)   no msg
GetResponse      GetResponseResponse     ResponseMessage: Response (… it)               no msg
GetStatus        GetStatusResponse       SmevAsyncProcessingMessage (… the data)        no msg
Ack              AckResponse             nothing                                        always
===============  ======================  =============================================  =======

:func:`parse_reply` turns a SOAP Fault into the typed :class:`~.faults.SmevFault` and raises
it; an empty queue is ``None``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias, overload

from adapters.smev3.protocol.blocks import (
    read_attachments,
    read_fs_attachments,
    read_request_data,
    read_response_data,
    write_attachments,
    write_fs_attachments,
    write_request_data,
    write_response_data,
)
from adapters.smev3.protocol.envelope import (
    Element,
    Signer,
    find,
    local,
    namespace,
    need,
    need_text,
    new_envelope,
    open_envelope,
    put_signature,
    signature_in,
    sub,
    sub_opt,
    text,
)
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.metadata import read_metadata, read_status_data, write_metadata
from adapters.smev3.protocol.metadata import write_status as _write_status
from adapters.smev3.protocol.models import (
    CancelMessage,
    RequestMessage,
    ResponseMessage,
    SendResult,
    StatusMessage,
)
from adapters.smev3.protocol.soapfault import parse_fault
from adapters.smev3.protocol.values import format_bool, parse_bool
from adapters.smev3.protocol.versions import (
    SOAP_ENV,
    Operation,
    Version,
    version,
    version_of_namespace,
)
from contracts.xmlsafe import UnsafeXml

Reply: TypeAlias = SendResult | RequestMessage | CancelMessage | ResponseMessage | StatusMessage
_SMEV = "SMEVSignature"


def build_reply(protocol: Version | str, operation: Operation, reply: Reply | None, *,
                signer: Signer | None = None) -> Element:
    """The envelope of СМЭВ's reply to ``operation``; ``None`` is an empty queue (or Ack)."""
    v = version(protocol)
    envelope, body = new_envelope(v)
    element = sub(body, v.types, f"{operation}Response")
    if operation in ("SendRequest", "SendResponse"):
        if not isinstance(reply, SendResult):
            raise TypeError(f"{operation} replies with a SendResult, not {reply!r}")
        signed = write_metadata(element, v, reply.metadata)
        put_signature(element, v.types, _SMEV, signed, signer, reply.smev_signature)
    elif operation == "GetRequest":
        if isinstance(reply, RequestMessage | CancelMessage):
            _write_request_message(element, v, reply, signer)
        elif reply is not None:
            raise TypeError(f"GetRequest replies with a RequestMessage, a CancelMessage or "
                            f"None, not {reply!r}")
    elif operation == "GetResponse":
        if isinstance(reply, ResponseMessage):
            _write_response_message(element, v, reply, signer)
        elif reply is not None:
            raise TypeError(f"GetResponse replies with a ResponseMessage or None, not {reply!r}")
    elif operation == "GetStatus":
        if isinstance(reply, StatusMessage):
            holder = sub(element, v.types, "SmevAsyncProcessingMessage")
            signed = sub(holder, v.types, "AsyncProcessingStatusData", attrib={"Id": reply.id})
            _write_status(signed, v, reply.status)
            put_signature(holder, v.types, _SMEV, signed, signer, reply.smev_signature)
        elif reply is not None:
            raise TypeError(f"GetStatus replies with a StatusMessage or None, not {reply!r}")
    elif reply is not None:  # Ack
        raise TypeError(f"Ack replies with nothing, not {reply!r}")
    return envelope


def _write_request_message(parent: Element, v: Version, message: RequestMessage | CancelMessage,
                           signer: Signer | None) -> None:
    holder = sub(parent, v.types, "RequestMessage")
    if isinstance(message, CancelMessage):
        if v.number != "1.1":
            raise ProtocolError(f"Cancel exists only in 1.1, not in {v}")
        signed = sub(holder, v.types, "Cancel", attrib={"Id": message.id})
        sub(signed, v.basic, "MessageReference", message.reference_message_id,
            {"Id": message.reference_id})
        sub(signed, v.types, "MessageID", message.message_id)
        write_metadata(signed, v, message.metadata)
        put_signature(signed, v.types, "SenderInformationSystemSignature", signed, None,
                      message.sender_signature)
    else:
        signed = sub(holder, v.types, "Request", attrib={"Id": message.id})
        write_request_data(signed, v, message.data)
        write_metadata(signed, v, message.metadata)
        write_fs_attachments(signed, v, message.fs_attachments)
        if message.reply_to is None and v.number == "1.1":
            raise ProtocolError("Request/ReplyTo is required in 1.1")
        sub_opt(signed, v.types, "ReplyTo", message.reply_to)
        put_signature(signed, v.types, "SenderInformationSystemSignature", signed, None,
                      message.sender_signature)
        write_attachments(holder, v, message.attachments)
    put_signature(holder, v.types, _SMEV, signed, signer, message.smev_signature)


def _write_response_message(parent: Element, v: Version, message: ResponseMessage,
                            signer: Signer | None) -> None:
    holder = sub(parent, v.types, "ResponseMessage")
    external = None
    if message.external is not None and v.number == "1.2":
        external = format_bool(message.external)
    signed = sub(holder, v.types, "Response", attrib={"Id": message.id, "external": external})
    sub_opt(signed, v.types, "OriginalMessageId", message.original_message_id)
    sub_opt(signed, v.types, "OriginalTransactionCode", message.original_transaction_code)
    sub_opt(signed, v.types, "ReferenceMessageID", message.reference_message_id)
    write_response_data(signed, v, message.data)
    write_metadata(signed, v, message.metadata)
    write_fs_attachments(signed, v, message.fs_attachments)
    put_signature(signed, v.types, "SenderInformationSystemSignature", signed, None,
                  message.sender_signature)
    write_attachments(holder, v, message.attachments)
    put_signature(holder, v.types, _SMEV, signed, signer, message.smev_signature)


def _read_request_message(holder: Element, v: Version) -> RequestMessage | CancelMessage:
    smev = signature_in(holder, v.types, _SMEV)
    cancel = find(holder, v.types, "Cancel")
    if cancel is not None:
        reference = need(cancel, v.basic, "MessageReference")
        return CancelMessage(
            reference_message_id=(reference.text or "").strip(),
            metadata=read_metadata(need(cancel, v.types, "MessageMetadata"), v),
            message_id=need_text(cancel, v.types, "MessageID"), reference_id=reference.get("Id"),
            sender_signature=signature_in(cancel, v.types, "SenderInformationSystemSignature"),
            smev_signature=smev, id=cancel.get("Id"))
    request = need(holder, v.types, "Request")
    return RequestMessage(
        data=read_request_data(need(request, v.types, "SenderProvidedRequestData"), v),
        metadata=read_metadata(need(request, v.types, "MessageMetadata"), v),
        reply_to=text(request, v.types, "ReplyTo"),
        fs_attachments=read_fs_attachments(request, v),
        attachments=read_attachments(holder, v),
        sender_signature=signature_in(request, v.types, "SenderInformationSystemSignature"),
        smev_signature=smev, id=request.get("Id"))


def _read_response_message(holder: Element, v: Version) -> ResponseMessage:
    response = need(holder, v.types, "Response")
    external = response.get("external")
    return ResponseMessage(
        data=read_response_data(need(response, v.types, "SenderProvidedResponseData"), v),
        metadata=read_metadata(need(response, v.types, "MessageMetadata"), v),
        original_message_id=text(response, v.types, "OriginalMessageId"),
        original_transaction_code=text(response, v.types, "OriginalTransactionCode"),
        reference_message_id=text(response, v.types, "ReferenceMessageID"),
        external=None if external is None else parse_bool(external),
        fs_attachments=read_fs_attachments(response, v),
        attachments=read_attachments(holder, v),
        sender_signature=signature_in(response, v.types, "SenderInformationSystemSignature"),
        smev_signature=signature_in(holder, v.types, _SMEV), id=response.get("Id"))


@overload
def parse_reply(operation: Literal["SendRequest", "SendResponse"], data: bytes | Element,
                expected: Version | str | None = None) -> SendResult: ...
@overload
def parse_reply(operation: Literal["GetRequest"], data: bytes | Element,
                expected: Version | str | None = None) -> RequestMessage | CancelMessage | None: ...
@overload
def parse_reply(operation: Literal["GetResponse"], data: bytes | Element,
                expected: Version | str | None = None) -> ResponseMessage | None: ...
@overload
def parse_reply(operation: Literal["GetStatus"], data: bytes | Element,
                expected: Version | str | None = None) -> StatusMessage | None: ...
@overload
def parse_reply(operation: Literal["Ack"], data: bytes | Element,
                expected: Version | str | None = None) -> None: ...
def parse_reply(operation: Operation, data: bytes | Element,
                expected: Version | str | None = None) -> Reply | None:
    """СМЭВ's reply to ``operation``: typed, ``None`` for an empty queue; a fault is raised.

    Raises the typed :class:`~.faults.SmevFault` for a SOAP Fault, :class:`ProtocolError` for
    a reply that is not the one ``operation`` expects (another operation, another version than
    ``expected``, a namespace that is not СМЭВ's) and ``UnsafeXml`` for hostile XML.
    """
    element = open_envelope(data)
    pinned = None if expected is None else version(expected)
    if element.tag == f"{{{SOAP_ENV}}}Fault":
        raise parse_fault(element, pinned)
    v = version_of_namespace(namespace(element))
    if namespace(element) != v.types or local(element) != f"{operation}Response":
        raise ProtocolError(f"expected {operation}Response of {pinned or v}, "
                            f"found {element.tag}")
    if pinned is not None and pinned != v:
        raise ProtocolError(f"expected {pinned}, the reply is {v}")
    try:
        return _read_reply(operation, element, v)
    except (ProtocolError, UnsafeXml):
        raise
    except ValueError as exc:  # a bad date, number or boolean inside a sound envelope
        raise ProtocolError(f"{operation}Response: {exc}") from exc


def _read_reply(operation: Operation, element: Element, v: Version) -> Reply | None:
    if operation in ("SendRequest", "SendResponse"):
        return SendResult(read_metadata(need(element, v.types, "MessageMetadata"), v),
                          signature_in(element, v.types, _SMEV))
    if operation == "GetRequest":
        holder = find(element, v.types, "RequestMessage")
        return None if holder is None else _read_request_message(holder, v)
    if operation == "GetResponse":
        holder = find(element, v.types, "ResponseMessage")
        return None if holder is None else _read_response_message(holder, v)
    if operation == "GetStatus":
        holder = find(element, v.types, "SmevAsyncProcessingMessage")
        if holder is None:
            return None
        status, ident = read_status_data(need(holder, v.types, "AsyncProcessingStatusData"), v)
        return StatusMessage(status, ident, signature_in(holder, v.types, _SMEV))
    return None
