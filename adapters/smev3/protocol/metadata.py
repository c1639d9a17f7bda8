"""What СМЭВ adds to a message, both ways: ``MessageMetadata`` and ``AsyncProcessingStatus``.

``MessageMetadata`` is the part that differs most between versions:

====================  ==========================  ===============  ==========================
element               1.1                         1.2              1.3
====================  ==========================  ===============  ==========================
Sender                required: Mnemonic + Name   optional: Mnem.  optional: Mnem.? + Name
MessageBroker         optional                    —                —
DestinationName       required                    —                —
Recipient             optional: Mnemonic + Name   optional: Mnem.  optional: Mnem.? + Name
SupplementaryData     required (InteractionType)  —                —
…SignatureExpiry      —                           optional         —
====================  ==========================  ===============  ==========================
"""

from __future__ import annotations

import copy

from adapters.smev3.protocol.envelope import (
    Element,
    find,
    need,
    need_text,
    sub,
    sub_opt,
    text,
)
from adapters.smev3.protocol.errors import ProtocolError
from adapters.smev3.protocol.models import AsyncProcessingStatus, MessageMetadata, Participant
from adapters.smev3.protocol.soapfault import read_status_fault, write_status_fault
from adapters.smev3.protocol.values import format_datetime, parse_datetime
from adapters.smev3.protocol.versions import Version


def _required(value: str | None, what: str, v: Version) -> str:
    if value is None:
        raise ProtocolError(f"MessageMetadata of {v} requires {what}")
    return value


def _write_participant(parent: Element, v: Version, name: str, who: Participant | None,
                       required: bool) -> None:
    if who is None:
        if required:
            raise ProtocolError(f"MessageMetadata of {v} requires {name}")
        return
    element = sub(parent, v.types, name)
    if v.number == "1.2":
        sub(element, v.types, "Mnemonic", _required(who.mnemonic, f"{name} mnemonic", v))
        return
    if v.number == "1.1":
        sub(element, v.types, "Mnemonic", _required(who.mnemonic, f"{name} mnemonic", v))
    else:
        sub_opt(element, v.types, "Mnemonic", who.mnemonic)
    sub(element, v.types, "HumanReadableName",
        _required(who.human_readable_name, f"{name} human_readable_name", v))


def _read_participant(parent: Element, v: Version, name: str) -> Participant | None:
    element = find(parent, v.types, name)
    if element is None:
        return None
    return Participant(text(element, v.types, "Mnemonic"),
                       text(element, v.types, "HumanReadableName"))


def write_metadata(parent: Element, v: Version, m: MessageMetadata) -> Element:
    """Append ``MessageMetadata`` as ``v`` defines it (what ``v`` lacks is left out)."""
    v11 = v.number == "1.1"
    element = sub(parent, v.types, "MessageMetadata", attrib={"Id": m.id})
    sub_opt(element, v.types, "MessageId", m.message_id)
    if m.message_type == "CANCEL" and not v11:
        raise ProtocolError(f"message type CANCEL exists only in 1.1, not in {v}")
    sub(element, v.types, "MessageType", m.message_type)
    _write_participant(element, v, "Sender", m.sender, required=v11)
    sub(element, v.types, "SendingTimestamp", format_datetime(m.sending_timestamp))
    if v11:
        sub_opt(element, v.types, "MessageBroker", m.message_broker)
        sub(element, v.types, "DestinationName",
            _required(m.destination_name, "destination_name", v))
    _write_participant(element, v, "Recipient", m.recipient, required=False)
    if v11:
        supplementary = sub(element, v.types, "SupplementaryData")
        sub_opt(supplementary, v.types, "DetectedContentTypeName", m.detected_content_type_name)
        sub(supplementary, v.types, "InteractionType",
            _required(m.interaction_type, "interaction_type", v))
    if m.delivery_timestamp is not None:
        sub(element, v.types, "DeliveryTimestamp", format_datetime(m.delivery_timestamp))
    sub_opt(element, v.types, "Status", m.status)
    if v.number == "1.2":
        for name, days in (("CallerInformationSystemSignatureExpiry",
                            m.caller_signature_expire_days),
                           ("PersonalSignatureExpiry", m.personal_signature_expire_days)):
            if days is not None:
                sub(element, v.types, name, attrib={"expireDays": str(days)})
    return element


def _days(parent: Element, v: Version, name: str) -> int | None:
    element = find(parent, v.types, name)
    raw = None if element is None else element.get("expireDays")
    return None if raw is None else int(raw)


def read_metadata(element: Element, v: Version) -> MessageMetadata:
    """``MessageMetadata`` of any version."""
    supplementary = find(element, v.types, "SupplementaryData")
    delivered = text(element, v.types, "DeliveryTimestamp")
    return MessageMetadata(
        message_type=need_text(element, v.types, "MessageType"),
        sending_timestamp=parse_datetime(need_text(element, v.types, "SendingTimestamp")),
        message_id=text(element, v.types, "MessageId"),
        sender=_read_participant(element, v, "Sender"),
        recipient=_read_participant(element, v, "Recipient"),
        delivery_timestamp=None if delivered is None else parse_datetime(delivered),
        status=text(element, v.types, "Status"),
        message_broker=text(element, v.types, "MessageBroker"),
        destination_name=text(element, v.types, "DestinationName"),
        detected_content_type_name=None if supplementary is None else text(
            supplementary, v.types, "DetectedContentTypeName"),
        interaction_type=None if supplementary is None else text(
            supplementary, v.types, "InteractionType"),
        caller_signature_expire_days=_days(element, v, "CallerInformationSystemSignatureExpiry"),
        personal_signature_expire_days=_days(element, v, "PersonalSignatureExpiry"),
        id=element.get("Id"),
    )


def write_status(parent: Element, v: Version, status: AsyncProcessingStatus) -> Element:
    """Append ``AsyncProcessingStatus`` (1.3: with its RoutingStatus when given)."""
    element = sub(parent, v.types, "AsyncProcessingStatus")
    sub(element, v.types, "OriginalMessageId", status.original_message_id)
    sub(element, v.types, "StatusCategory", status.category)
    sub_opt(element, v.types, "StatusDetails", status.details)
    if status.routing_status is not None and v.routing is not None:
        element.append(copy.deepcopy(status.routing_status))
    if status.fault is not None:
        write_status_fault(element, status.fault, v)
    return element


def read_status(element: Element, v: Version) -> AsyncProcessingStatus:
    """``AsyncProcessingStatus``; its SmevFault becomes a typed :class:`SmevFault`."""
    details = text(element, v.types, "StatusDetails")
    fault = find(element, v.types, "SmevFault")
    routing = None if v.routing is None else find(element, v.routing, "RoutingStatus")
    return AsyncProcessingStatus(
        original_message_id=need_text(element, v.types, "OriginalMessageId"),
        category=need_text(element, v.types, "StatusCategory"),
        details=details,
        fault=None if fault is None else read_status_fault(fault, v, details or ""),
        routing_status=routing,
    )


def read_status_data(element: Element, v: Version) -> tuple[AsyncProcessingStatus, str | None]:
    """``AsyncProcessingStatusData``: the status and the Id the SMEV signature covers."""
    return read_status(need(element, v.types, "AsyncProcessingStatus"), v), element.get("Id")
