"""Cheap status updates: no index on changing columns, room on each page

Revision ID: 0004
Revises: 0003

Each message's row in ``journal_messages`` changes status as it moves (received, routed,
handled). With ``status`` indexed, every such UPDATE wrote a new entry into every index
of the table; without it, PostgreSQL makes them heap-only (HOT) updates that touch no
index, provided the page has room — hence the fill factor. The console filters by status
together with the time order (``first_seen_at``); failures have their own table
(``dead_letters``). The outbox's producer index and the events' time index served no
query (events are read by message; time ranges are what partitions are for).
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_journal_messages_status", table_name="journal_messages")
    op.drop_index("ix_outbox_producer", table_name="outbox")
    op.drop_index("ix_journal_events_at", table_name="journal_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE journal_messages SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE journal_messages RESET (fillfactor)")
    op.create_index("ix_journal_events_at", "journal_events", ["at"])
    op.create_index("ix_outbox_producer", "outbox", ["producer"])
    op.create_index("ix_journal_messages_status", "journal_messages", ["status"])
