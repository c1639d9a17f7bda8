"""ФЕРЗЛ: identifications, federal change runs, attachment postings

Revision ID: erz_0007
Revises: erz_0006
Create Date: 2026-12-08

``erz_identifications``: the identifications the register asked of ФЕРЗЛ
(handlers/erz/ident/flow.py); ``erz_ferzl_change_runs`` and ``erz_ferzl_change_items``: the
federal changes of a period applied to the register (handlers/erz/federal/changes.py);
``erz_attach_posted_files`` and ``erz_attach_postings``: attachments waiting for ФЕРЗЛ's
registerAttach before they count (handlers/erz/mo/posting.py); ``erz_snils_lookups.status``
may be ``not_found`` (ПФР refused: handlers/erz/zags/snils.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0007"
down_revision = "erz_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erz_attach_posted_files",
        sa.Column(
            "message_id",
            sa.String(length=64),
            nullable=False,
            comment="the files.received envelope of the ATT file",
        ),
        sa.Column("clinic", sa.String(length=6), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column(
            "problems",
            sa.Text(),
            nullable=False,
            comment="JSON: the records the register's checks refused",
        ),
        sa.Column(
            "answered_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="when its FATM went back (all answers in)",
        ),
        sa.PrimaryKeyConstraint("message_id"),
        comment="ATT files whose records wait for ФЕРЗЛ before they count (ERZ-8).",
    )
    op.create_table(
        "erz_attach_postings",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("file_message_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False, comment="N_ZAP"),
        sa.Column("enp", sa.String(length=16), nullable=False),
        sa.Column(
            "record", sa.Text(), nullable=False, comment="the REC as JSON, applied on success"
        ),
        sa.Column("area_type", sa.Integer(), nullable=False),
        sa.Column(
            "call_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the registerAttach ferzl.call",
        ),
        sa.Column(
            "status", sa.String(length=8), nullable=False, comment="pending, posted, refused"
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        comment="Attachments sent to ФЕРЗЛ (registerAttach), effective once it registered them.",
    )
    with op.batch_alter_table("erz_attach_postings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erz_attach_postings_file_message_id"), ["file_message_id"], unique=False
        )

    op.create_table(
        "erz_ferzl_change_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("territory", sa.String(length=5), nullable=False),
        sa.Column(
            "call_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the getInsuranceStatusChangesStart ferzl.call",
        ),
        sa.Column(
            "state",
            sa.String(length=10),
            nullable=False,
            comment="requested, checking, done, failed",
        ),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        comment="Runs applying ФЕРЗЛ's changes of a period to the register (ERZ-4).",
    )
    op.create_table(
        "erz_identifications",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "request_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the person.identify envelope",
        ),
        sa.Column(
            "call_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the ferzl.call now awaited (its answer's causation_id)",
        ),
        sa.Column(
            "step",
            sa.String(length=8),
            nullable=False,
            comment="find (a search by names) or data (getPersonData)",
        ),
        sa.Column("on_date", sa.Date(), nullable=False, comment="the date asked about"),
        sa.Column("status", sa.String(length=10), nullable=False, comment="pending, answered"),
        sa.Column(
            "outcome",
            sa.String(length=10),
            nullable=True,
            comment="found, not_found, ambiguous, failed",
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        sa.UniqueConstraint("request_id"),
        comment="Identifications the regional register could not answer, asked of ФЕРЗЛ.",
    )
    op.create_table(
        "erz_ferzl_change_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("enp", sa.String(length=16), nullable=False),
        sa.Column("oip", sa.String(length=40), nullable=True),
        sa.Column(
            "events",
            sa.Text(),
            nullable=False,
            comment="the person's events of the period: code, group and time, in words",
        ),
        sa.Column(
            "event_on", sa.Date(), nullable=True, comment="the day of the person's last event"
        ),
        sa.Column(
            "call_id",
            sa.String(length=64),
            nullable=True,
            comment="id of the getPersonData ferzl.call",
        ),
        sa.Column(
            "status",
            sa.String(length=10),
            nullable=False,
            comment="pending, applied, buffered, unchanged, failed",
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["erz_ferzl_change_runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id"),
        comment="Each person a run's events name, and what became of ФЕРЗЛ's data of them.",
    )
    with op.batch_alter_table("erz_ferzl_change_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erz_ferzl_change_items_run_id"), ["run_id"], unique=False
        )

    with op.batch_alter_table("erz_snils_lookups", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=10),
            existing_nullable=False,
            comment="pending, set, buffered, not_found",
            existing_comment="pending, set, buffered",
        )


def downgrade() -> None:
    with op.batch_alter_table("erz_snils_lookups", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=10),
            existing_nullable=False,
            comment="pending, set, buffered",
            existing_comment="pending, set, buffered, not_found",
        )
    with op.batch_alter_table("erz_ferzl_change_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erz_ferzl_change_items_run_id"))

    op.drop_table("erz_ferzl_change_items")
    op.drop_table("erz_identifications")
    op.drop_table("erz_ferzl_change_runs")
    with op.batch_alter_table("erz_attach_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erz_attach_postings_file_message_id"))

    op.drop_table("erz_attach_postings")
    op.drop_table("erz_attach_posted_files")
