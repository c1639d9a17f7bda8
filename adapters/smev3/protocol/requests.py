"""Requests to СМЭВ: built by the adapter, parsed by the simulator — one implementation.

=============  =====================  ======================================  ===============
operation      body element           signed element (CallerInformation…)     signature
=============  =====================  ======================================  ===============
SendRequest    SendRequestRequest     SenderProvidedRequestData               optional in XSD
SendResponse   SendResponseRequest    SenderProvidedResponseData              optional in XSD
GetRequest     GetRequestRequest      basic:MessageTypeSelector               optional in XSD
GetResponse    GetResponseRequest     basic:MessageTypeSelector               optional in XSD
Ack            AckRequest             basic:AckTargetMessage                  optional in XSD
GetStatus      GetStatusRequest       basic:Timestamp                         required
=============  =====================  ======================================  ===============

The real СМЭВ refuses unsigned messages; the XSD leaves most signatures optional so that
clients can be tested against simplified servers. Pass ``signer`` (see
:data:`~adapters.smev3.protocol.envelope.Signer`) or a ready ``caller_signature``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from adapters.smev3.protocol.blocks import (
    read_attachments,
    read_request_data,
    read_response_data,
    read_selector,
    write_attachments,
    write_request_data,
    write_response_data,
    write_selector,
)
from adapters.smev3.protocol.envelope import (
    Element,
    Signer,
    find,
    local,
    namespace,
    need,
    new_envelope,
    open_envelope,
    put_signature,
    signature_in,
    sub,
)
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.models import (
    AckCall,
    Call,
    GetRequestCall,
    GetResponseCall,
    GetStatusCall,
    SendRequestCall,
    SendResponseCall,
)
from adapters.smev3.protocol.values import format_bool, format_datetime, parse_bool, parse_datetime
from adapters.smev3.protocol.versions import (
    SOAP_ENV,
    Operation,
    Version,
    version,
    version_of_namespace,
)
from contracts.xmlsafe import UnsafeXml

_SLOT = "CallerInformationSystemSignature"

OPERATION_OF: dict[type, Operation] = {
    SendRequestCall: "SendRequest", SendResponseCall: "SendResponse",
    GetRequestCall: "GetRequest", GetResponseCall: "GetResponse",
    AckCall: "Ack", GetStatusCall: "GetStatus",
}


def operation_of(call: Call) -> Operation:
    """The WSDL operation a call belongs to."""
    return OPERATION_OF[type(call)]


def build_request(protocol: Version | str, call: Call, *, signer: Signer | None = None,
                  personal_signer: Signer | None = None) -> Element:
    """The SOAP envelope of ``call`` in protocol version ``protocol``, signed by ``signer``.

    ``personal_signer`` signs the business content into ``PersonalSignature`` (ЭП-СП) before
    ``signer`` signs the whole sender's block (ЭП-ОВ), which covers that signature too.
    """
    v = version(protocol)
    envelope, body = new_envelope(v)
    operation = sub(body, v.types, f"{operation_of(call)}Request")
    if isinstance(call, SendRequestCall):
        signed = write_request_data(operation, v, call.data, personal_signer)
        write_attachments(operation, v, call.attachments)
        put_signature(operation, v.types, _SLOT, signed, signer, call.caller_signature)
        if call.routing is not None:
            if v.routing is None:
                raise ProtocolError(f"routing (rout:Routing) exists only in 1.3, not in {v}")
            operation.append(copy.deepcopy(call.routing))
    elif isinstance(call, SendResponseCall):
        signed = write_response_data(operation, v, call.data, personal_signer)
        write_attachments(operation, v, call.attachments)
        put_signature(operation, v.types, _SLOT, signed, signer, call.caller_signature)
    elif isinstance(call, GetRequestCall | GetResponseCall):
        signed = write_selector(operation, v, call.selector)
        put_signature(operation, v.types, _SLOT, signed, signer, call.caller_signature)
    elif isinstance(call, AckCall):
        if call.accepted is None and v.number == "1.1":
            raise ProtocolError("AckTargetMessage/@accepted is required in 1.1")
        accepted = None if call.accepted is None else format_bool(call.accepted)
        signed = sub(operation, v.basic, "AckTargetMessage", call.message_id,
                     {"Id": call.id, "accepted": accepted})
        put_signature(operation, v.types, _SLOT, signed, signer, call.caller_signature)
    else:
        if signer is None and call.caller_signature is None:
            raise ProtocolError("GetStatus must be signed: its CallerInformationSystemSignature "
                                "is required by the XSD")
        signed = sub(operation, v.basic, "Timestamp", format_datetime(call.timestamp),
                     {"Id": call.id})
        put_signature(operation, v.types, _SLOT, signed, signer, call.caller_signature)
    return envelope


@dataclass(frozen=True, slots=True)
class Incoming:
    """A request as the simulator receives it."""

    version: Version
    operation: Operation
    call: Call


def _body_operation(data: bytes | Element, expected: Version | str | None,
                    suffix: str) -> tuple[Version, Element]:
    element = open_envelope(data)
    if element.tag == f"{{{SOAP_ENV}}}Fault":
        raise ProtocolError("the SOAP Body holds a Fault, not a СМЭВ 3 "
                            + ("request" if suffix == "Request" else "response"))
    v = version_of_namespace(namespace(element))
    if namespace(element) != v.types:
        raise ProtocolError(f"{local(element)} is in {namespace(element)}, not in the "
                            f"operations namespace {v.types}")
    if expected is not None and version(expected) != v:
        raise ProtocolError(f"expected {version(expected)}, the message is {v}")
    return v, element


def parse_request(data: bytes | Element, expected: Version | str | None = None) -> Incoming:
    """The call in a request envelope; :class:`ProtocolError` or ``UnsafeXml`` if it is not one.

    ``expected`` pins the version (a 1.3 endpoint refuses a 1.2 message); by default the
    version is read from the operation element's namespace.
    """
    v, element = _body_operation(data, expected, "Request")
    name = local(element)
    try:
        call = _read_call(element, v, name)
    except (ProtocolError, UnsafeXml):
        raise
    except ValueError as exc:  # a bad date, boolean or UUID inside an otherwise sound envelope
        raise ProtocolError(f"{name}: {exc}") from exc
    return Incoming(v, OPERATION_OF[type(call)], call)


def _read_call(element: Element, v: Version, name: str) -> Call:
    signature = signature_in(element, v.types, _SLOT)
    if name == "SendRequestRequest":
        routing = None if v.routing is None else find(element, v.routing, "Routing")
        return SendRequestCall(
            read_request_data(need(element, v.types, "SenderProvidedRequestData"), v),
            read_attachments(element, v), signature, routing)
    if name == "SendResponseRequest":
        return SendResponseCall(
            read_response_data(need(element, v.types, "SenderProvidedResponseData"), v),
            read_attachments(element, v), signature)
    if name in ("GetRequestRequest", "GetResponseRequest"):
        selector = read_selector(need(element, v.basic, "MessageTypeSelector"), v)
        cls = GetRequestCall if name == "GetRequestRequest" else GetResponseCall
        return cls(selector, signature)
    if name == "AckRequest":
        target = need(element, v.basic, "AckTargetMessage")
        accepted = target.get("accepted")
        return AckCall((target.text or "").strip(),
                       None if accepted is None else parse_bool(accepted),
                       target.get("Id") or "", signature)
    if name == "GetStatusRequest":
        stamp = need(element, v.basic, "Timestamp")
        return GetStatusCall(parse_datetime(stamp.text or ""), stamp.get("Id") or "", signature)
    known = ", ".join(f"{op}Request" for op in OPERATION_OF.values())
    raise ProtocolError(f"{name} is not a request of {v} (expected one of {known})")

