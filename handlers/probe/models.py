"""Tables of the probe handler."""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

probe_receipts = sa.Table(
    "probe_receipts",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    # Deliberately not unique: the hub's inbox, not a constraint here, must keep effects single.
    sa.Column("message_id", sa.String(64), nullable=False, index=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("sent_at", TS, nullable=False),
    sa.Column("received_at", TS, nullable=False),
    sa.Column("latency_ms", sa.Float, nullable=False),
    comment="Every probe that crossed the hub, with its end-to-end latency.",
)
