"""What the adapter needs from СМЭВ, as Python calls: the seam between logic and SOAP.

:class:`SoapClient` implements it over HTTP with the protocol package; the service
(:mod:`adapters.smev3.service`) is written against this interface only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from lxml import etree

from adapters.smev3.types import InformationType
from hub.context import Attachment

Kind = Literal["request", "response", "status", "reject", "unreadable"]
"""``unreadable``: a reply that does not parse (malformed or hostile XML), kept as bytes."""


class SmevError(Exception):
    """A fault or failure of a СМЭВ call, with what to do about it."""

    def __init__(self, code: str, message: str, *, retry: bool, raw: bytes = b"") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.retry = retry
        self.raw = raw
        """The reply's bytes, when it came but could not be read."""


@dataclass(frozen=True)
class Sent:
    """СМЭВ's answer to SendRequest/SendResponse."""

    message_id: str
    status: str = "sent"
    detail: str = ""


@dataclass(frozen=True)
class Received:
    """One message taken from a СМЭВ queue (GetRequest/GetResponse)."""

    kind: Kind
    message_id: str
    raw: bytes
    """The whole SOAP response as received: kept byte for byte (signatures)."""
    content: etree._Element | None = None
    """The MessagePrimaryContent's root element (requests and responses)."""
    reference_message_id: str | None = None
    """What it answers or reports on (responses, statuses, rejects): our MessageID."""
    reply_to: str | None = None
    """A request's opaque return address: our answer goes there."""
    status: str = ""
    """For statuses and rejects: the journal state (see the protocol's policy table)."""
    final: bool = False
    failed: bool = False
    """For statuses and rejects: the exchange failed (someone must fix or decide something)."""
    detail: str = ""
    signature_problems: list[str] = field(default_factory=list)
    """Why the signatures on it do not verify (empty when they do)."""
    attachments: list[Attachment] = field(default_factory=list)
    """Its files (inline by MTOM, or fetched from the file exchange), checked."""
    attachment_problems: list[str] = field(default_factory=list)
    """Why its attachments cannot be accepted (size, hash, a missing file…)."""
    attachment_notes: list[str] = field(default_factory=list)
    """What the journal notes on accepted attachments (a file without its signature…)."""


class SmevClient(Protocol):
    """The operations of the СМЭВ 3 message exchange the adapter uses."""

    def send_request(self, info: InformationType, message_id: str,
                     content: etree._Element, *, test: bool = False,
                     attachments: Sequence[Attachment] = ()) -> Sent:
        """SendRequest with its files; raises :class:`SmevError`."""

    def send_response(self, info: InformationType, message_id: str,
                      reply_to: str, content: etree._Element, *,
                      attachments: Sequence[Attachment] = ()) -> Sent:
        """SendResponse with its files; raises :class:`SmevError`."""

    def get_request(self, info: InformationType) -> Received | None:
        """GetRequest for the type's requests; None when the queue is empty."""

    def get_response(self, info: InformationType) -> Received | None:
        """GetResponse for the type's responses and statuses; None when empty."""

    def get_status(self, protocol: str) -> Received | None:
        """GetStatus: the next status of a message we sent; None when there is none.

        A status taken this way is not acknowledged (the XSD gives it no MessageID); a
        client that cannot sign, and so cannot call GetStatus, returns None.
        """

    def ack(self, message_id: str, *, accepted: bool = True) -> None:
        """Ack a received message so that СМЭВ removes it from the queue."""
