"""Components and types used by the hub's own tests (registered directly, not by entry point)."""

from __future__ import annotations

from typing import ClassVar

import sqlalchemy as sa
from pydantic import BaseModel

from contracts import message_type
from contracts.probe import ProbeV1
from hub.component import Handler, Message, handles
from hub.tx import Tx

metadata = sa.MetaData()
seen = sa.Table(
    "test_counter_seen", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
)


class Counter(Handler):
    """A second subscriber of probes: shows fan-out."""

    name: ClassVar[str] = "counter"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(ProbeV1)
    def on_probe(self, message: Message[ProbeV1], tx: Tx) -> None:
        """Count the probe."""
        tx.conn.execute(seen.insert().values(message_id=message.id))


@message_type("test.orphan", 1)
class OrphanV1(BaseModel):
    """A registered type that no component subscribes to."""

    n: int


@message_type("test.fact", 1, kind="event")
class FactV1(BaseModel):
    """A registered event that no component subscribes to: published, not parked."""

    n: int


ledger = sa.Table(
    "test_ledger", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("seq", sa.Integer, nullable=False, unique=True),
)


class Ledger(Handler):
    """Writes its effect in bulk (tx.insert) into a table with a unique constraint."""

    name: ClassVar[str] = "ledger"
    metadata: ClassVar[sa.MetaData | None] = metadata

    @handles(ProbeV1)
    def on_probe(self, message: Message[ProbeV1], tx: Tx) -> None:
        """One ledger row per probe sequence number."""
        tx.insert(ledger, seq=message.payload.seq)
