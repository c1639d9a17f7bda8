"""Heartbeats of running component instances

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("instance", sa.String(200), nullable=False, comment="component@host:pid"),
        sa.Column("component", sa.String(100), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("instance", name=op.f("pk_heartbeats")),
        comment="Each running component instance reports here; the console reads its health.",
    )
    op.create_index("ix_heartbeats_component", "heartbeats", ["component"])


def downgrade() -> None:
    op.drop_index("ix_heartbeats_component", table_name="heartbeats")
    op.drop_table("heartbeats")
