"""Canonical messages of OMS Hub: the envelope and the registry of message types."""

from contracts.envelope import AttachmentRef, Envelope, new_id, utcnow
from contracts.registry import MessageType, TypeRegistry, UnknownMessageType, message_type

__all__ = [
    "AttachmentRef",
    "Envelope",
    "MessageType",
    "TypeRegistry",
    "UnknownMessageType",
    "message_type",
    "new_id",
    "utcnow",
]
