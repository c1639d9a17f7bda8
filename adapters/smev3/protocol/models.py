"""What the envelopes carry, as typed values: one class per XSD structure, for every version.

The same classes serve both directions: the adapter builds a request from them and parses a
reply into them; the simulator parses the request into them and builds its reply from them.
A field that exists only in some versions says so; builders ignore what their version lacks
and refuse what it requires but is missing.

Elements (the business content, signatures, 1.3 routing) stay lxml elements: they are signed,
so they travel as they are; they take no part in equality (compare them canonicalised).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from lxml import etree

from adapters.smev3.protocol.faults import SmevFault
from adapters.smev3.protocol.policy import Policy, rejection_policy, status_policy
from adapters.smev3.protocol.values import new_message_id, now

Element: TypeAlias = etree._Element


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """``basic:FileType`` (1.3): one file inside an archive attachment."""

    name: str
    namespace_uri: str


@dataclass(frozen=True, slots=True)
class AttachmentHeader:
    """``basic:AttachmentHeader``: an MTOM attachment, described inside the signed data."""

    content_id: str
    mime_type: str
    signature_pkcs7: bytes | None = None
    """Detached PKCS#7 signature of the file (ЭП-СП of an attachment)."""
    namespace_uri: str | None = None
    """1.3 only."""
    archive: tuple[ArchiveFile, ...] = ()
    """1.3 only."""


@dataclass(frozen=True, slots=True)
class RefAttachmentHeader:
    """``basic:RefAttachmentHeader``: a file passed through the СМЭВ file exchange (FTP)."""

    uuid: str
    hash: str
    """Base64 GOST hash of the file, as the uploader computed it."""
    mime_type: str
    signature_pkcs7: bytes | None = None
    file_name: str | None = None
    """1.3 only."""
    namespace_uri: str | None = None
    """1.3 only."""
    archive: tuple[ArchiveFile, ...] = ()
    """1.3 only."""


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    """``basic:AttachmentContent``: the bytes of an MTOM attachment, outside the signed data.

    Built with ``content`` (inline base64, valid without MTOM). Parsed from an MTOM message,
    ``xop_href`` holds the ``cid:`` reference of the MIME part instead, until
    :func:`adapters.smev3.protocol.mtom.resolve` puts the bytes in.
    """

    id: str
    content: bytes | None = None
    xop_href: str | None = None


@dataclass(frozen=True, slots=True)
class FSAttachment:
    """``basic:FSAuthInfo``: where to fetch a file from the СМЭВ file exchange."""

    uuid: str
    user_name: str
    password: str = field(repr=False)
    file_name: str


@dataclass(frozen=True, slots=True)
class RequestData:
    """``SenderProvidedRequestData``: the request as its sender signs it (ЭП-ОВ over ``id``)."""

    content: Element = field(compare=False)
    """The business request, put under ``MessagePrimaryContent`` (a copy is inserted)."""
    message_id: str = field(default_factory=new_message_id)
    reference_message_id: str | None = None
    """First MessageID of a chain of messages (the root message's own MessageID)."""
    transaction_code: str | None = None
    node_id: str | None = None
    eol: datetime | None = None
    """End of life: СМЭВ drops the request if not delivered by then."""
    test_message: bool = False
    attachment_headers: tuple[AttachmentHeader, ...] = ()
    ref_attachment_headers: tuple[RefAttachmentHeader, ...] = ()
    business_process_metadata: tuple[Element, ...] = field(default=(), compare=False)
    personal_signature: Element | None = field(default=None, compare=False, repr=False)
    """A ready ds:Signature for ``PersonalSignature`` (ЭП-СП); or pass ``personal_signer``."""
    id: str | None = "SIGNED_BY_CONSUMER"


@dataclass(frozen=True, slots=True)
class Rejection:
    """``RequestRejected``: the provider refuses to answer (code from ``RejectCode``)."""

    code: str
    description: str

    @property
    def policy(self) -> Policy:
        """Journal state and what to do (see :mod:`adapters.smev3.protocol.policy`)."""
        return rejection_policy(self.code)


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """``RequestStatus``: an intermediate business status from the provider."""

    code: str
    """``xs:int`` in 1.1 and 1.3, ``xs:string`` in 1.2."""
    description: str
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class AsyncProcessingStatus:
    """``AsyncProcessingStatus``: what СМЭВ did with a message sent earlier."""

    original_message_id: str
    category: str
    """``StatusCategory`` (``basic:InteractionStatusType``): requestIsQueued, …"""
    details: str | None = None
    fault: SmevFault | None = None
    """``SmevFault`` (with its ``xsi:type``: InvalidContent, …) when СМЭВ rejected it."""
    routing_status: Element | None = field(default=None, compare=False)
    """1.3 ``rout:RoutingStatus``, kept as the element."""

    @property
    def policy(self) -> Policy:
        """Journal state and what to do; a rejection with a known fault takes its policy."""
        return status_policy(self.category, self.fault)


@dataclass(frozen=True, slots=True)
class ResponseData:
    """``SenderProvidedResponseData``: an answer as its sender signs it.

    Exactly one of: ``content`` (the answer), ``rejections``, ``request_status``, or
    ``async_status`` (which only СМЭВ itself sends, to report on a message).
    """

    to: str
    """The ``ReplyTo`` of the request being answered, copied verbatim."""
    content: Element | None = field(default=None, compare=False)
    rejections: tuple[Rejection, ...] = ()
    request_status: RequestStatus | None = None
    async_status: AsyncProcessingStatus | None = None
    message_id: str = field(default_factory=new_message_id)
    attachment_headers: tuple[AttachmentHeader, ...] = ()
    ref_attachment_headers: tuple[RefAttachmentHeader, ...] = ()
    personal_signature: Element | None = field(default=None, compare=False, repr=False)
    id: str | None = "SIGNED_BY_PROVIDER"

    def __post_init__(self) -> None:
        chosen = [self.content is not None, bool(self.rejections),
                  self.request_status is not None, self.async_status is not None]
        if sum(chosen) != 1:
            raise ValueError("SenderProvidedResponseData holds exactly one of content, "
                             "rejections, request_status, async_status")
        if self.content is None and (self.attachment_headers or self.ref_attachment_headers
                                     or self.personal_signature is not None):
            raise ValueError("attachments and a personal signature go only with content")


@dataclass(frozen=True, slots=True)
class Participant:
    """Sender or recipient in ``MessageMetadata`` (what each version has of it)."""

    mnemonic: str | None = None
    human_readable_name: str | None = None
    """Required in 1.1 and 1.3; absent in 1.2."""


@dataclass(frozen=True, slots=True)
class MessageMetadata:
    """``MessageMetadata``: what СМЭВ says about a message it accepted or delivers."""

    message_type: str
    """REQUEST, RESPONSE, BROADCAST (and CANCEL in 1.1)."""
    sending_timestamp: datetime
    message_id: str | None = None
    sender: Participant | None = None
    recipient: Participant | None = None
    delivery_timestamp: datetime | None = None
    status: str | None = None
    message_broker: str | None = None
    """1.1 only."""
    destination_name: str | None = None
    """1.1 only, required there."""
    detected_content_type_name: str | None = None
    """1.1 ``SupplementaryData``."""
    interaction_type: str | None = None
    """1.1 ``SupplementaryData``, required there (``basic:InteractionTypeType``)."""
    caller_signature_expire_days: int | None = None
    """1.2: days left on the ЭП-ОВ certificate."""
    personal_signature_expire_days: int | None = None
    """1.2: days left on the ЭП-СП certificate."""
    id: str | None = None


@dataclass(frozen=True, slots=True)
class MessageTypeSelector:
    """``MessageTypeSelector``: which incoming queue GetRequest/GetResponse reads."""

    namespace_uri: str | None = None
    root_element_local_name: str | None = None
    node_id: str | None = None
    timestamp: datetime = field(default_factory=now)
    id: str | None = "SIGNED_BY_CALLER"

    def __post_init__(self) -> None:
        if (self.namespace_uri is None) != (self.root_element_local_name is None):
            raise ValueError("a MessageTypeSelector names both the namespace and the root "
                             "element of the type, or neither (any type)")


# --- requests, as the adapter sends them and the simulator receives them ---------------


@dataclass(frozen=True, slots=True)
class SendRequestCall:
    """``SendRequestRequest``."""

    data: RequestData
    attachments: tuple[AttachmentContent, ...] = ()
    caller_signature: Element | None = field(default=None, compare=False, repr=False)
    routing: Element | None = field(default=None, compare=False)
    """1.3 ``rout:Routing`` (dynamic or registry routing), inserted as given."""


@dataclass(frozen=True, slots=True)
class SendResponseCall:
    """``SendResponseRequest``."""

    data: ResponseData
    attachments: tuple[AttachmentContent, ...] = ()
    caller_signature: Element | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GetRequestCall:
    """``GetRequestRequest``: take the next request from the incoming queue."""

    selector: MessageTypeSelector = field(default_factory=MessageTypeSelector)
    caller_signature: Element | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GetResponseCall:
    """``GetResponseRequest``: take the next response (or status) from the incoming queue."""

    selector: MessageTypeSelector = field(default_factory=MessageTypeSelector)
    caller_signature: Element | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AckCall:
    """``AckRequest``: confirm (or refuse) a message received, so СМЭВ drops it."""

    message_id: str
    accepted: bool | None = True
    """Required in 1.1, optional in 1.2 and 1.3."""
    id: str = "SIGNED_BY_CALLER"
    caller_signature: Element | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class GetStatusCall:
    """``GetStatusRequest``: take the next status message; the signature is mandatory."""

    timestamp: datetime = field(default_factory=now)
    id: str = "SIGNED_BY_CALLER"
    caller_signature: Element | None = field(default=None, compare=False, repr=False)


Call = (SendRequestCall | SendResponseCall | GetRequestCall | GetResponseCall | AckCall
        | GetStatusCall)


# --- replies, as the simulator sends them and the adapter receives them ----------------


@dataclass(frozen=True, slots=True)
class SendResult:
    """``SendRequestResponse`` / ``SendResponseResponse``: СМЭВ accepted the message."""

    metadata: MessageMetadata
    smev_signature: Element | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class RequestMessage:
    """``GetRequestResponse/RequestMessage``: a request delivered to the provider."""

    data: RequestData
    metadata: MessageMetadata
    reply_to: str | None = None
    """Opaque return address; required in 1.1. Copy it into ``ResponseData.to``."""
    fs_attachments: tuple[FSAttachment, ...] = ()
    attachments: tuple[AttachmentContent, ...] = ()
    sender_signature: Element | None = field(default=None, compare=False, repr=False)
    smev_signature: Element | None = field(default=None, compare=False, repr=False)
    id: str | None = "SIGNED_BY_SMEV"


@dataclass(frozen=True, slots=True)
class CancelMessage:
    """``GetRequestResponse/RequestMessage/Cancel`` (1.1 only): the consumer withdrew a request."""

    reference_message_id: str
    metadata: MessageMetadata
    message_id: str = field(default_factory=new_message_id)
    reference_id: str | None = None
    sender_signature: Element | None = field(default=None, compare=False, repr=False)
    smev_signature: Element | None = field(default=None, compare=False, repr=False)
    id: str | None = "SIGNED_BY_SMEV"


@dataclass(frozen=True, slots=True)
class ResponseMessage:
    """``GetResponseResponse/ResponseMessage``: an answer, a rejection or a status."""

    data: ResponseData
    metadata: MessageMetadata
    original_message_id: str | None = None
    original_transaction_code: str | None = None
    reference_message_id: str | None = None
    external: bool | None = None
    """1.2 only."""
    fs_attachments: tuple[FSAttachment, ...] = ()
    attachments: tuple[AttachmentContent, ...] = ()
    sender_signature: Element | None = field(default=None, compare=False, repr=False)
    smev_signature: Element | None = field(default=None, compare=False, repr=False)
    id: str | None = "SIGNED_BY_SMEV"


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """``GetStatusResponse/SmevAsyncProcessingMessage``."""

    status: AsyncProcessingStatus
    id: str | None = "SIGNED_BY_SMEV"
    smev_signature: Element | None = field(default=None, compare=False, repr=False)
