"""Canonical messages of the СМЭВ 3 adapter itself."""

from __future__ import annotations

from pydantic import BaseModel, Field

from contracts.registry import message_type


@message_type("smev3.delivery.status", 1)
class DeliveryStatusV1(BaseModel):
    """What became of a message we sent through СМЭВ (sent, queued, rejected, failed …)."""

    type_key: str = Field(description="Information type, e.g. zags.fatal.")
    message_id: str = Field(description="СМЭВ MessageID of the message we sent.")
    status: str = Field(description="Journal state: sent, queued, accepted, rejected, "
                        "delivered, failed.")
    final: bool = Field(description="No further status will come for this message.")
    detail: str = Field(default="", max_length=4000)
