"""Indexes the analytics page reads by: the time a row was made or received, and the
request an answer refers to

Revision ID: smev3_0002
Revises: smev3_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "smev3_0002"
down_revision = "smev3_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_smev3_outgoing_created_at"), "smev3_outgoing", ["created_at"],
                    unique=False)
    op.create_index(op.f("ix_smev3_received_received_at"), "smev3_received", ["received_at"],
                    unique=False)
    op.create_index(op.f("ix_smev3_received_reference_message_id"), "smev3_received",
                    ["reference_message_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_smev3_received_reference_message_id"), table_name="smev3_received")
    op.drop_index(op.f("ix_smev3_received_received_at"), table_name="smev3_received")
    op.drop_index(op.f("ix_smev3_outgoing_created_at"), table_name="smev3_outgoing")
