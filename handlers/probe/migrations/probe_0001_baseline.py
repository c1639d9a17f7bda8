"""The probe handler's receipts (baseline)

Revision ID: probe_0001
Revises:
Create Date: 2026-12-07

As `create_all` of handlers/probe/models.py made it before plug-ins had migrations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "probe_0001"
down_revision = None
branch_labels = ("probe",)
depends_on = "0001"

legacy_tables = ("probe_receipts",)
"""Tables ``create_all`` made before the plug-in had migrations: found without a revision
of this branch, they mean this baseline is in place and it is stamped (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "probe_receipts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Every probe that crossed the hub, with its end-to-end latency.",
    )
    op.create_index(
        op.f("ix_probe_receipts_message_id"), "probe_receipts", ["message_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("probe_receipts")
