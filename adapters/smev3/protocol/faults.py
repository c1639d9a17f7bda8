"""SOAP faults of СМЭВ 3 as typed exceptions, read from and written to the faults XSD's details.

Every element of ``smev-message-exchange-faults-<v>.xsd`` has a class here named as the
element (``InvalidContent``, ``AccessDenied``, …), a subclass of :class:`SmevFault`. The same
details appear in two places: in ``soap:Fault/detail`` of a synchronous refusal, and as
``AsyncProcessingStatus/SmevFault`` with an ``xsi:type`` of the fault type when СМЭВ rejects a
message later (the real 1.2 sample GetResponseResponce_InvalidContent.xml does that).

Most details are ``basic:Void`` (no content); the others extend ``basic:SmevFault`` (``Code``
and ``Description`` in the basic namespace) with fields in the faults namespace. Which is
which differs by version for ``EndOfLifeReached`` (Void in 1.1 and 1.2). A fault with no
detail (a bare ``soap:Server`` fault) or with a detail this module does not know is a plain
:class:`SmevFault` with ``kind`` set to the detail's name ("" for none). The XML side (reading
and writing details, fault envelopes) is :mod:`adapters.smev3.protocol.soapfault`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from adapters.smev3.protocol.policy import Policy, fault_policy
from adapters.smev3.protocol.versions import Version


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One ``ValidationError`` of an InvalidContent fault (``errorPosition`` -1 when unknown)."""

    message: str
    position: int = -1


class SmevFault(Exception):
    """A refusal from СМЭВ: a SOAP fault, or the ``SmevFault`` of a rejection status."""

    kind: str = ""
    """Name of the detail element / fault type; "" for a fault without detail."""
    _fields: ClassVar[tuple[tuple[str, str, type], ...]] = ()
    """Extra detail fields in XSD order: (element name, attribute, int or str)."""

    def __init__(self, message: str = "", *, code: str | None = None,
                 description: str | None = None, faultcode: str = "Server",
                 version: Version | None = None, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        """``faultstring`` (or the status details of a rejection)."""
        self.code = code
        """``Code``: СМЭВ's internal error code (``tsmev3:…``)."""
        self.description = description
        self.faultcode = faultcode
        """Local part of ``faultcode``: Server or Client."""
        self.version = version
        if kind is not None:
            self.kind = kind

    def values(self) -> tuple[tuple[str, Any], ...]:
        """The extra detail fields as (element name, value), in XSD order."""
        return tuple((name, getattr(self, attr)) for name, attr, _ in self._fields)

    def _key(self) -> tuple[Any, ...]:
        # The detail, not the transport text: a status's fault has no faultstring of its own.
        return (type(self), self.kind, self.code, self.description, self.values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SmevFault) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self), self.kind, self.code))

    def __str__(self) -> str:
        code = f" [{self.code}]" if self.code else ""
        return f"{self.kind or 'SOAP fault ' + self.faultcode}: {self.message}{code}"

    @property
    def policy(self) -> Policy:
        """Journal state and retry policy (see :mod:`adapters.smev3.protocol.policy`)."""
        return fault_policy(self.kind, self.faultcode, getattr(self, "reason", None))


class BusinessDataTypeIsNotSupported(SmevFault):
    """СМЭВ does not know the root element of the business content."""

    kind = "BusinessDataTypeIsNotSupported"
    _fields = (("RootElementLocalName", "root_element_local_name", str),
               ("RootElementNamespaceURI", "root_element_namespace_uri", str))

    def __init__(self, message: str = "", *, root_element_local_name: str = "",
                 root_element_namespace_uri: str = "", **common: Any) -> None:
        super().__init__(message, **common)
        self.root_element_local_name = root_element_local_name
        self.root_element_namespace_uri = root_element_namespace_uri


class InvalidContent(SmevFault):
    """The message (or its business content) does not match the registered schema."""

    kind = "InvalidContent"

    def __init__(self, message: str = "", *, validation_errors: tuple[ValidationError, ...] = (),
                 **common: Any) -> None:
        super().__init__(message, **common)
        self.validation_errors = tuple(validation_errors)

    def values(self) -> tuple[tuple[str, Any], ...]:
        """The validation errors."""
        return (("ValidationError", self.validation_errors),)


class AttachmentSizeLimitExceeded(SmevFault):
    """Attachments in the message are larger than СМЭВ accepts inline (use the file exchange)."""

    kind = "AttachmentSizeLimitExceeded"
    _fields = (("PermittedTotalAttachmentSize", "permitted_total_attachment_size", int),
               ("RealTotalAttachmentSize", "real_total_attachment_size", int))

    def __init__(self, message: str = "", *, permitted_total_attachment_size: int = 0,
                 real_total_attachment_size: int = 0, **common: Any) -> None:
        super().__init__(message, **common)
        self.permitted_total_attachment_size = permitted_total_attachment_size
        self.real_total_attachment_size = real_total_attachment_size


class QuoteLimitExceeded(SmevFault):
    """The participant's quota of attachment volume is used up."""

    kind = "QuoteLimitExceeded"
    _fields = (("RemainedTotalQuoteSize", "remained_total_quote_size", int),
               ("RealTotalAttachmentSize", "real_total_attachment_size", int))

    def __init__(self, message: str = "", *, remained_total_quote_size: int = 0,
                 real_total_attachment_size: int = 0, **common: Any) -> None:
        super().__init__(message, **common)
        self.remained_total_quote_size = remained_total_quote_size
        self.real_total_attachment_size = real_total_attachment_size


class SignatureVerificationFault(SmevFault):
    """A signature was refused; ``reason`` is PoorSOAPEnvelopeFormat … CertificateIsExpired."""

    kind = "SignatureVerificationFault"
    _fields = (("SignatureVerificationFault", "reason", str),)

    def __init__(self, message: str = "", *, reason: str = "SignatureIsInvalid",
                 **common: Any) -> None:
        super().__init__(message, **common)
        self.reason = reason


class DestinationOverflow(SmevFault):
    """The recipient's queue in СМЭВ is full."""

    kind = "DestinationOverflow"
    _fields = (("MessageBrokerAddress", "message_broker_address", str),
               ("DestinationName", "destination_name", str))

    def __init__(self, message: str = "", *, message_broker_address: str = "",
                 destination_name: str = "", **common: Any) -> None:
        super().__init__(message, **common)
        self.message_broker_address = message_broker_address
        self.destination_name = destination_name


class UnknownMessageType(SmevFault):
    """GetRequest/GetResponse for a type the caller is not registered for."""

    kind = "UnknownMessageType"


class TransactionCodeInvalid(SmevFault):
    """The TransactionCode is not valid."""

    kind = "TransactionCodeInvalid"


class MessageIsAlreadySent(SmevFault):
    """A message with this MessageID was accepted before (a retry of one that got through)."""

    kind = "MessageIsAlreadySent"


class InvalidMessageIdFormat(SmevFault):
    """MessageID is not a UUID v1."""

    kind = "InvalidMessageIdFormat"


class StaleMessageId(SmevFault):
    """The time inside MessageID is too old."""

    kind = "StaleMessageId"


class AttachmentContentMiscoordination(SmevFault):
    """Attachment headers and attachment contents do not match."""

    kind = "AttachmentContentMiscoordination"


class AccessDenied(SmevFault):
    """The sender may not send this type of message."""

    kind = "AccessDenied"


class PersonalAccessDenied(SmevFault):
    """1.3: the owner of the personal signature may not send this message."""

    kind = "PersonalAccessDenied"


class SMEVFailure(SmevFault):
    """An internal failure of СМЭВ."""

    kind = "SMEVFailure"


class IncorrectResponseContentType(SmevFault):
    """The response's content is not the answer registered for the request."""

    kind = "IncorrectResponseContentType"


class RecipientIsNotFound(SmevFault):
    """СМЭВ found no recipient for the message."""

    kind = "RecipientIsNotFound"


class SenderIsNotRegistered(SmevFault):
    """The caller's information system (certificate) is not registered in СМЭВ."""

    kind = "SenderIsNotRegistered"


class RequestIsNotFound(SmevFault):
    """The request being answered does not exist."""

    kind = "RequestIsNotFound"


class TargetMessageIsNotFound(SmevFault):
    """Ack of a message СМЭВ does not hold (already acknowledged or expired)."""

    kind = "TargetMessageIsNotFound"


class EndOfLifeReached(SmevFault):
    """The message's EOL has passed."""

    kind = "EndOfLifeReached"


FAULTS: dict[str, type[SmevFault]] = {cls.kind: cls for cls in (
    BusinessDataTypeIsNotSupported, InvalidContent, UnknownMessageType, TransactionCodeInvalid,
    MessageIsAlreadySent, InvalidMessageIdFormat, StaleMessageId,
    AttachmentContentMiscoordination, AttachmentSizeLimitExceeded, QuoteLimitExceeded,
    AccessDenied, PersonalAccessDenied, SignatureVerificationFault, SMEVFailure,
    IncorrectResponseContentType, RecipientIsNotFound, SenderIsNotRegistered, RequestIsNotFound,
    TargetMessageIsNotFound, DestinationOverflow, EndOfLifeReached,
)}
"""Every fault element of the faults XSDs (1.1 … 1.3), by name."""

_VOID = frozenset({
    "UnknownMessageType", "MessageIsAlreadySent", "InvalidMessageIdFormat", "StaleMessageId",
    "AttachmentContentMiscoordination", "AccessDenied", "SMEVFailure",
    "IncorrectResponseContentType", "RecipientIsNotFound", "SenderIsNotRegistered",
    "RequestIsNotFound", "TargetMessageIsNotFound",
})


def fault_kinds(version: Version) -> frozenset[str]:
    """Fault elements of ``version``'s faults XSD (PersonalAccessDenied came with 1.3)."""
    kinds = set(FAULTS)
    if version.number != "1.3":
        kinds.discard("PersonalAccessDenied")
    return frozenset(kinds)


TYPED = frozenset({
    "BusinessDataTypeIsNotSupported", "InvalidContent", "AttachmentSizeLimitExceeded",
    "QuoteLimitExceeded", "SignatureVerificationFault", "DestinationOverflow",
})
"""Faults with a named complex type in the XSD: the ``xsi:type`` a status's SmevFault can have."""


def is_void(kind: str, version: Version) -> bool:
    """Whether the fault's type is ``basic:Void`` (no Code, no Description) in ``version``."""
    return kind in _VOID or (kind == "EndOfLifeReached" and version.number in ("1.1", "1.2"))
