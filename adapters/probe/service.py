"""The probe adapter: emits canary messages on schedule or on demand (``omshub probe``)."""

from __future__ import annotations

import itertools
from typing import ClassVar

from contracts.envelope import Envelope, utcnow
from contracts.probe import ProbeV1
from hub.component import Adapter, job
from hub.context import Inbound


class ProbeAdapter(Adapter):
    """Sends ``hub.probe`` v1 messages through the hub to prove the path end to end."""

    name: ClassVar[str] = "probe"

    def __init__(self) -> None:
        super().__init__()
        self._seq = itertools.count()

    @job("*/5 * * * *", title="Пробное сообщение через хаб: проверка, что путь жив")
    def emit(self) -> None:
        """Send one probe (every five minutes by default)."""
        self.send(1)

    def send(self, count: int, note: str = "", batch: int = 500) -> list[Envelope]:
        """Send ``count`` probes in transactions of ``batch``; returns their envelopes."""
        sent: list[Envelope] = []
        while len(sent) < count:
            n = min(batch, count - len(sent))
            items = [Inbound(ProbeV1(seq=next(self._seq), sent_at=utcnow(), note=note))
                     for _ in range(n)]
            sent += self.ctx.publish_many(items)
        return sent
