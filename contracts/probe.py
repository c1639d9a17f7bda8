"""``hub.probe`` v1: a synthetic canary that crosses the whole hub.

The probe adapter emits one on schedule (or on demand from the console); the probe handler
records its arrival. Operators read the latency of the last probe as an end-to-end health
signal, and the test-suite and benchmark use it as the simplest real message.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from contracts.registry import message_type


@message_type("hub.probe", 1, title="Пробное сообщение хаба")
class ProbeV1(BaseModel):
    """A canary message sent through adapter → router → handler to prove the path works."""

    seq: int = Field(ge=0, description="Sequence number within one run of the sender.")
    sent_at: datetime = Field(description="When the adapter created the probe.")
    note: str = Field(default="", max_length=2000, description="Free text, e.g. padding.")
