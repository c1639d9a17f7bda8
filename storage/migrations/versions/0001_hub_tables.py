"""The hub's own tables: journal, inbox, outbox, dead letters, schedules, users, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:36:45.595545
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=300), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.Column("remote_addr", sa.String(length=100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        comment="Every operator action: who, when, what, why.",
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_username"), ["username"], unique=False)

    op.create_table(
        "blobs",
        sa.Column("id", sa.String(length=64), nullable=False, comment="sha256 of the bytes"),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blobs")),
        comment="Exact bytes received or sent (XML as received, files), stored once.",
    )
    op.create_table(
        "dead_letters",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=200), nullable=False),
        sa.Column("component", sa.String(length=100), nullable=False),
        sa.Column("cause_type", sa.String(length=200), nullable=False),
        sa.Column("cause_message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False, comment="the bytes as delivered"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        comment="Messages that exhausted their retries, with their cause, until replayed or "
        "discarded.",
    )
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dead_letters_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dead_letters_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dead_letters_state"), ["state"], unique=False)

    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "message_id", name=op.f("pk_inbox")),
        comment="Ids each consumer has handled: the idempotency record (effectively once).",
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_partitioned_journal_events()
    else:
        op.create_table(
            "journal_events",
            sa.Column(
                "id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                autoincrement=True,
                nullable=False,
            ),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("message_id", sa.String(length=64), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("component", sa.String(length=100), nullable=False),
            sa.Column("queue", sa.String(length=200), server_default="", nullable=False),
            sa.Column("attempt", sa.Integer(), server_default="0", nullable=False),
            sa.Column("detail", sa.Text(), server_default="", nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_events")),
            comment="Every state change of every message; partitioned by time on PostgreSQL.",
        )
        with op.batch_alter_table("journal_events", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_journal_events_at"), ["at"], unique=False)
            batch_op.create_index(
                batch_op.f("ix_journal_events_message_id"), ["message_id"], unique=False
            )

    op.create_table(
        "journal_messages",
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("destination", sa.String(length=100), nullable=True),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("causation_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("person", sa.String(length=300), server_default="", nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False, comment="the envelope as JSON"),
        sa.Column("raw_blob_id", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_journal_messages")),
        comment="One row per message id: its envelope and its latest status.",
    )
    with op.batch_alter_table("journal_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_messages_correlation_id"), ["correlation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journal_messages_first_seen_at"), ["first_seen_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_messages_person"), ["person"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_messages_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_messages_type"), ["type"], unique=False)

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("producer", sa.String(length=100), nullable=False),
        sa.Column("queue", sa.String(length=200), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("headers", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        comment="Messages committed with their cause, waiting for the relay to publish them.",
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_producer"), ["producer"], unique=False)

    op.create_table(
        "schedules",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("component", sa.String(length=100), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("cron", sa.String(length=100), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "run_requested_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="set by 'run now', cleared when it ran",
        ),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedules")),
        comment="Cron-like schedules of component jobs (polling, loads, slices).",
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "personal_data",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="may see personal data unmasked",
        ),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )


def _create_partitioned_journal_events() -> None:
    # The journal grows by millions of rows a month: on PostgreSQL it is range-partitioned by
    # time, so old months are detached and archived instead of deleted row by row. A default
    # partition catches rows before `omshub journal-partitions` has made their month's.
    op.execute(
        """
        CREATE TABLE journal_events (
            id BIGSERIAL NOT NULL,
            at TIMESTAMP WITH TIME ZONE NOT NULL,
            message_id VARCHAR(64) NOT NULL,
            status VARCHAR(20) NOT NULL,
            component VARCHAR(100) NOT NULL,
            queue VARCHAR(200) DEFAULT '' NOT NULL,
            attempt INTEGER DEFAULT 0 NOT NULL,
            detail TEXT DEFAULT '' NOT NULL,
            CONSTRAINT pk_journal_events PRIMARY KEY (id, at)
        ) PARTITION BY RANGE (at)
        """
    )
    op.execute(
        "COMMENT ON TABLE journal_events IS "
        "'Every state change of every message; partitioned by time on PostgreSQL.'"
    )
    op.execute("CREATE TABLE journal_events_default PARTITION OF journal_events DEFAULT")
    op.create_index("ix_journal_events_at", "journal_events", ["at"])
    op.create_index("ix_journal_events_message_id", "journal_events", ["message_id"])


def downgrade() -> None:
    op.drop_table("users")
    op.drop_table("schedules")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_producer"))

    op.drop_table("outbox")
    with op.batch_alter_table("journal_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_messages_type"))
        batch_op.drop_index(batch_op.f("ix_journal_messages_status"))
        batch_op.drop_index(batch_op.f("ix_journal_messages_source"))
        batch_op.drop_index(batch_op.f("ix_journal_messages_person"))
        batch_op.drop_index(batch_op.f("ix_journal_messages_first_seen_at"))
        batch_op.drop_index(batch_op.f("ix_journal_messages_correlation_id"))

    op.drop_table("journal_messages")
    with op.batch_alter_table("journal_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_events_message_id"))
        batch_op.drop_index(batch_op.f("ix_journal_events_at"))

    op.drop_table("journal_events")
    op.drop_table("inbox")
    with op.batch_alter_table("dead_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letters_state"))
        batch_op.drop_index(batch_op.f("ix_dead_letters_message_id"))
        batch_op.drop_index(batch_op.f("ix_dead_letters_at"))

    op.drop_table("dead_letters")
    op.drop_table("blobs")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_username"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
