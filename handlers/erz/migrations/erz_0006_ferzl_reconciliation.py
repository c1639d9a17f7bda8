"""Reconciliation with ФЕРЗЛ: erz_ferzl_reconciliations, erz_ferzl_reconcile_calls,
erz_ferzl_discrepancies

Revision ID: erz_0006
Revises: erz_0005
Create Date: 2026-12-08

A run of «Сверка регистра с ФЕРЗЛ» (handlers/erz/federal/reconcile.py), the ``ferzl.call``
messages it sent until each is answered, and the discrepancies it found with the federal and
the regional value and what became of each.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0006"
down_revision = "erz_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erz_ferzl_reconciliations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "on_date", sa.Date(), nullable=False, comment="the date the register is taken on"
        ),
        sa.Column(
            "territory", sa.String(length=11), nullable=False, comment="ОКАТО asked of ФЕРЗЛ"
        ),
        sa.Column("started_by", sa.String(length=128), nullable=False),
        sa.Column(
            "state",
            sa.String(length=16),
            nullable=False,
            comment="requested, checking, done, failed",
        ),
        sa.Column("rows_read", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("broken_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "broken", sa.JSON(), nullable=True, comment="the first broken rows: file, line, why"
        ),
        sa.Column("counts", sa.JSON(), nullable=True, comment="discrepancies by kind"),
        sa.Column("error", sa.Text(), nullable=True, comment="why the run failed (Russian)"),
        sa.PrimaryKeyConstraint("id"),
        comment="Reconciliations of the register with ФЕРЗЛ (ERZ-4), one row a run.",
    )
    op.create_table(
        "erz_ferzl_discrepancies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=16),
            nullable=False,
            comment="insurer, death, snils, attachment, merged, absent, regional, policy",
        ),
        sa.Column("enp", sa.String(length=16), nullable=False),
        sa.Column(
            "federal",
            sa.String(length=255),
            server_default="",
            nullable=False,
            comment="what ФЕРЗЛ says (text)",
        ),
        sa.Column(
            "regional",
            sa.String(length=255),
            server_default="",
            nullable=False,
            comment="what the register says (text)",
        ),
        sa.Column(
            "federal_on",
            sa.Date(),
            nullable=True,
            comment="the day the federal value holds from (attached since, died on)",
        ),
        sa.Column(
            "detail",
            sa.JSON(),
            nullable=True,
            comment="more of what ФЕРЗЛ answered about the person",
        ),
        sa.Column(
            "status",
            sa.String(length=10),
            server_default="open",
            nullable=False,
            comment="open, resolved, kept, buffered",
        ),
        sa.Column(
            "reason",
            sa.Text(),
            nullable=True,
            comment="why: the operator's reason or what was done",
        ),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["erz_ferzl_reconciliations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "run_id", "kind", "enp", name="uq_erz_ferzl_discrepancies_run_kind_enp"
        ),
        comment="Discrepancies of the register with ФЕРЗЛ found by a reconciliation run.",
    )
    with op.batch_alter_table("erz_ferzl_discrepancies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erz_ferzl_discrepancies_enp"), ["enp"], unique=False)
        batch_op.create_index(
            "ix_erz_ferzl_discrepancies_run_kind_status", ["run_id", "kind", "status"], unique=False
        )

    op.create_table(
        "erz_ferzl_reconcile_calls",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the ferzl.call envelope (the answer's causation_id)",
        ),
        sa.Column("operation", sa.String(length=80), nullable=False),
        sa.Column(
            "enp",
            sa.String(length=16),
            nullable=True,
            comment="the person asked about (getPersonData)",
        ),
        sa.Column(
            "doubt",
            sa.String(length=16),
            nullable=True,
            comment="why the person is asked: missing, not_current",
        ),
        sa.Column(
            "status", sa.String(length=10), nullable=False, comment="pending, answered, failed"
        ),
        sa.Column(
            "blob_id",
            sa.String(length=64),
            nullable=True,
            comment="the zipped result (mass operations)",
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["erz_ferzl_reconciliations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
        comment="ferzl.call messages a reconciliation sent, until ФЕРЗЛ answers each.",
    )
    with op.batch_alter_table("erz_ferzl_reconcile_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erz_ferzl_reconcile_calls_run_id"), ["run_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("erz_ferzl_reconcile_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erz_ferzl_reconcile_calls_run_id"))

    op.drop_table("erz_ferzl_reconcile_calls")
    with op.batch_alter_table("erz_ferzl_discrepancies", schema=None) as batch_op:
        batch_op.drop_index("ix_erz_ferzl_discrepancies_run_kind_status")
        batch_op.drop_index(batch_op.f("ix_erz_ferzl_discrepancies_enp"))

    op.drop_table("erz_ferzl_discrepancies")
    op.drop_table("erz_ferzl_reconciliations")
