"""The СМЭВ 3 adapter's outgoing and received messages (baseline)

Revision ID: smev3_0001
Revises:
Create Date: 2026-12-07

As `create_all` of adapters/smev3/models.py made them before plug-ins had migrations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "smev3_0001"
down_revision = None
branch_labels = ("smev3",)
depends_on = "0001"

legacy_tables = (
    "smev3_outgoing",
    "smev3_received",
)
"""Tables ``create_all`` made before the plug-in had migrations: found without a revision
of this branch, they mean this baseline is in place and it is stamped (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "smev3_outgoing",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=10), nullable=False, comment="request | response"),
        sa.Column("type_key", sa.String(length=100), nullable=False),
        sa.Column(
            "envelope_id",
            sa.String(length=64),
            nullable=False,
            comment="the canonical message this row sends",
        ),
        sa.Column(
            "message_id",
            sa.String(length=36),
            nullable=False,
            comment="СМЭВ MessageID (UUID v1) of the message we send",
        ),
        sa.Column(
            "reply_to",
            sa.Text(),
            nullable=True,
            comment="for a response: the ReplyTo of the request it answers (opaque)",
        ),
        sa.Column(
            "content",
            sa.LargeBinary(),
            nullable=False,
            comment="MessagePrimaryContent as XML bytes",
        ),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "sent_blob_id",
            sa.String(length=64),
            nullable=True,
            comment="the exact signed envelope as sent",
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("envelope_id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index(
        op.f("ix_smev3_outgoing_next_attempt_at"),
        "smev3_outgoing",
        ["next_attempt_at"],
        unique=False,
    )
    op.create_index(op.f("ix_smev3_outgoing_status"), "smev3_outgoing", ["status"], unique=False)
    op.create_table(
        "smev3_received",
        sa.Column("message_id", sa.String(length=36), nullable=False, comment="СМЭВ MessageID"),
        sa.Column(
            "kind",
            sa.String(length=10),
            nullable=False,
            comment="request | response | status | reject | unreadable",
        ),
        sa.Column("type_key", sa.String(length=100), nullable=False),
        sa.Column(
            "envelope_id",
            sa.String(length=64),
            nullable=True,
            comment="the canonical message it became, if any",
        ),
        sa.Column(
            "reference_message_id",
            sa.String(length=36),
            nullable=True,
            comment="what a response or status refers to: our request's MessageID",
        ),
        sa.Column(
            "reply_to", sa.Text(), nullable=True, comment="a request's ReplyTo, for our answer"
        ),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("message_id"),
    )


def downgrade() -> None:
    op.drop_table("smev3_received")
    op.drop_table("smev3_outgoing")
