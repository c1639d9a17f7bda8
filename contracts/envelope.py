"""The canonical envelope (HUB-1): every message on the bus is one of these.

The envelope carries identity, routing and causality; the payload is a plain JSON object
that the message type's pydantic model validates. Raw external bytes (an XML as received
from СМЭВ, a registry file from a clinic) never travel inside the envelope: they are stored
once and referenced by :class:`AttachmentRef`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def new_id() -> str:
    """A new message id: a UUID4 in canonical text form."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class AttachmentRef(BaseModel):
    """A reference to bytes kept in the hub's blob store (exact bytes received or sent)."""

    model_config = ConfigDict(frozen=True)

    blob_id: str = Field(description="Id of the blob in the hub's store (sha256 of the bytes).")
    name: str = Field(default="", description="File name or role, e.g. 'request.xml' (personal "
                      "data as a whole: the console masks it).",
                      json_schema_extra={"personal": True})
    media_type: str = Field(default="application/octet-stream")
    size: int = Field(ge=0)


class Envelope(BaseModel):
    """A canonical message: identity, routing, causality and a typed payload.

    ``type`` and ``version`` name a registered message type (``erz.person.changed`` v1);
    the routing key on the bus is ``f"{type}.v{version}"``.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id, min_length=1, max_length=64)
    type: str = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    version: int = Field(ge=1)
    source: str = Field(min_length=1, max_length=100, description="Component that sent it.")
    destination: str | None = Field(
        default=None, max_length=100, description="Addressed component, when not routed by type."
    )
    correlation_id: str = Field(default="", max_length=64)
    causation_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    headers: dict[str, str] = Field(
        default_factory=dict, description="Trace context and other string metadata."
    )
    payload: dict[str, Any] = Field(default_factory=dict)
    attachments: list[AttachmentRef] = Field(default_factory=list)

    def model_post_init(self, __context: Any) -> None:
        # A conversation starts with its first message: it correlates with itself.
        if not self.correlation_id:
            self.correlation_id = self.id

    @property
    def routing_key(self) -> str:
        """The key the router uses: ``type.vN``."""
        return f"{self.type}.v{self.version}"

    def to_bytes(self) -> bytes:
        """Serialise to the JSON bytes that travel on the bus."""
        return self.model_dump_json().encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Envelope:
        """Parse and validate bus bytes; raises :class:`pydantic.ValidationError`."""
        return cls.model_validate_json(data)

    def caused(
        self, type: str, version: int, source: str, payload: dict[str, Any], **kw: Any
    ) -> Envelope:
        """A new envelope caused by this one: same correlation, causation = this id."""
        headers = {k: v for k, v in self.headers.items() if k in ("traceparent", "tracestate")}
        headers.update(kw.pop("headers", {}))
        return Envelope(
            type=type,
            version=version,
            source=source,
            payload=payload,
            correlation_id=self.correlation_id,
            causation_id=self.id,
            headers=headers,
            **kw,
        )
