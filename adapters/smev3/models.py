"""Tables of the СМЭВ 3 adapter: what it must send, and what it has received.

``smev3_outgoing`` is the adapter's own outbox towards СМЭВ: a canonical request or response
becomes a row in the same transaction as the hub's inbox record, and the sender sends it
afterwards — a SOAP call never runs inside a batch transaction, so a re-run batch cannot
send twice. ``smev3_received`` records every СМЭВ message taken in, keyed by its СМЭВ
MessageID, in the same transaction as the hub's intake: a message whose Ack was lost and
that СМЭВ delivers again is recognised and only acknowledged again.
"""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import TS

metadata = sa.MetaData()

ID = sa.String(64)

outgoing = sa.Table(
    "smev3_outgoing",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("kind", sa.String(10), nullable=False, comment="request | response"),
    sa.Column("type_key", sa.String(100), nullable=False),
    sa.Column("envelope_id", ID, nullable=False, unique=True,
              comment="the canonical message this row sends"),
    sa.Column("message_id", sa.String(36), nullable=False, unique=True,
              comment="СМЭВ MessageID (UUID v1) of the message we send"),
    sa.Column("reply_to", sa.Text,
              comment="for a response: the ReplyTo of the request it answers (opaque)"),
    sa.Column("content", sa.LargeBinary, nullable=False,
              comment="MessagePrimaryContent as XML bytes"),
    sa.Column("status", sa.String(40), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", TS, nullable=False, index=True),
    sa.Column("last_error", sa.Text),
    sa.Column("sent_blob_id", sa.String(64), comment="the exact signed envelope as sent"),
    sa.Column("created_at", TS, nullable=False, index=True),
    sa.Column("updated_at", TS, nullable=False),
)

received = sa.Table(
    "smev3_received",
    metadata,
    sa.Column("message_id", sa.String(36), primary_key=True, comment="СМЭВ MessageID"),
    sa.Column("kind", sa.String(10), nullable=False,
              comment="request | response | status | reject | unreadable"),
    sa.Column("type_key", sa.String(100), nullable=False),
    sa.Column("envelope_id", ID, comment="the canonical message it became, if any"),
    sa.Column("reference_message_id", sa.String(36), index=True,
              comment="what a response or status refers to: our request's MessageID"),
    sa.Column("reply_to", sa.Text, comment="a request's ReplyTo, for our answer"),
    sa.Column("outcome", sa.String(40), nullable=False),
    sa.Column("received_at", TS, nullable=False, index=True),
    sa.Column("acked_at", TS),
)
