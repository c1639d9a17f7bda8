"""Prefix search of the journal by person on PostgreSQL

Revision ID: 0003
Revises: 0002

The console finds a person's messages by an identifier's prefix (SNILS or ЕНП typed
partly); with a non-C collation only a pattern-ops index serves ``LIKE 'prefix%'``.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_journal_messages_person_prefix "
                   "ON journal_messages (person varchar_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_journal_messages_person_prefix")
