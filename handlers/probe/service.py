"""The probe handler: records each canary's arrival and its end-to-end latency."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import metadata, probe_receipts
from hub.component import Handler, Message, handles
from hub.tx import Tx


class ProbeHandler(Handler):
    """Receives ``hub.probe`` v1 messages; its last receipt tells the path is alive."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "last_probe": "Последняя проба",
        "latency_ms": "Задержка пробы, мс",
    }

    name: ClassVar[str] = "probe"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(ProbeV1)
    def on_probe(self, message: Message[ProbeV1], tx: Tx) -> None:
        """Record the probe and how long it took from the adapter to here."""
        now = utcnow()
        latency = (now - message.payload.sent_at).total_seconds() * 1000
        tx.insert(probe_receipts, message_id=message.id, seq=message.payload.seq,
                  sent_at=message.payload.sent_at, received_at=now, latency_ms=latency)

    def health(self) -> dict[str, Any]:
        """The latest probe's latency."""
        with self.ctx.db.read() as conn:
            last = conn.execute(sa.select(probe_receipts.c.received_at, probe_receipts.c.latency_ms)
                                .order_by(probe_receipts.c.id.desc()).limit(1)).first()
        if last is None:
            return {"status": "ok", "last_probe": None}
        return {"status": "ok", "last_probe": str(last.received_at),
                "latency_ms": round(last.latency_ms, 1)}
