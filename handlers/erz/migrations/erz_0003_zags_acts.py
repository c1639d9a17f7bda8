"""ЗАГС act records taken once: erz_zags_acts; the outcomes of erz_zags_records

Revision ID: erz_0003
Revises: erz_0002
Create Date: 2026-12-07

``erz_zags_acts`` keeps one row per death act (ЗАГС, number, date) with the digest of its
content, so a repeat is recognised and a changed act taken as a correction (07.12.2026,
commit 030d2fd). An install that ran that code before plug-ins had migrations already has the
table from ``create_all``: it is then kept as it is. The comment of
``erz_zags_records.outcome`` names the two new outcomes (databases that keep comments).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0003"
down_revision = "erz_0002"
branch_labels = None
depends_on = None

OUTCOMES = "applied, buffered, already_dead, duplicate, corrected"
OUTCOMES_BEFORE = "applied, buffered, already_dead"


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("erz_zags_acts"):
        _create_acts()
    if bind.dialect.supports_comments:
        op.alter_column(
            "erz_zags_records",
            "outcome",
            comment=OUTCOMES,
            existing_comment=OUTCOMES_BEFORE,
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )


def _create_acts() -> None:
    op.create_table(
        "erz_zags_acts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "office_code",
            sa.String(length=8),
            nullable=False,
            comment="КодЗАГС, the registry office (ОрганЗАГС)",
        ),
        sa.Column("act_number", sa.String(length=22), nullable=False, comment="НомерЗапис"),
        sa.Column("act_date", sa.Date(), nullable=False, comment="ДатаЗапис"),
        sa.Column("schema", sa.String(length=8), nullable=False, comment="112-41 or 112-04"),
        sa.Column(
            "version",
            sa.String(length=3),
            nullable=True,
            comment="НомерВерс of the last version taken (112-41)",
        ),
        sa.Column(
            "digest",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of the record's content as last taken",
        ),
        sa.Column(
            "content",
            sa.JSON(),
            nullable=False,
            comment="what the register used of it: names, birth and death dates, document",
        ),
        sa.Column(
            "outcome",
            sa.String(length=16),
            nullable=False,
            comment="applied, buffered, already_dead (what became of it last)",
        ),
        sa.Column("enp", sa.String(length=16), nullable=True),
        sa.Column("buffer_id", sa.BigInteger(), nullable=True),
        sa.Column("corrections", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_message_id", sa.String(length=64), nullable=False),
        sa.Column("last_message_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_code", "act_number", "act_date", name="uq_erz_zags_acts_act"),
        comment="ЗАГС death act records taken, one per act (ЗАГС, number, date): a repeat is "
        "recognised, a changed one taken as a correction (handlers/erz/zags_acts.py).",
    )


def downgrade() -> None:
    if op.get_bind().dialect.supports_comments:
        op.alter_column(
            "erz_zags_records",
            "outcome",
            comment=OUTCOMES_BEFORE,
            existing_comment=OUTCOMES,
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )
    op.drop_table("erz_zags_acts")
