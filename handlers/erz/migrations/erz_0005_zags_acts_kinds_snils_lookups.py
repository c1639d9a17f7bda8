"""ЗАГС acts of every kind: erz_zags_acts.kind; the СНИЛС lookups of erz_snils_lookups

Revision ID: erz_0005
Revises: erz_0004
Create Date: 2026-12-07

Births and name-changing acts are taken once like deaths (handlers/erz/zags/acts.py), so an
act is identified by its kind too: ``kind`` (``death`` for every act taken before) joins the
unique key, and a marriage's two spouses or a birth and a marriage of one number never
collide. ``erz_snils_lookups`` keeps each ``pfr.snils.lookup`` the register sent, by its
envelope id, until ПФР answers (handlers/erz/zags/snils.py). An install whose
``erz_zags_acts`` ``create_all`` already made with the kind (code run before this revision
existed) keeps it as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "erz_0005"
down_revision = "erz_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_lookups()
    found = sa.inspect(op.get_bind())
    if any(c["name"] == "kind" for c in found.get_columns("erz_zags_acts")):
        return
    with op.batch_alter_table("erz_zags_acts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.String(length=24),
                server_default="death",
                nullable=False,
                comment="what the act is to the register: death, birth, or the act kind of "
                "a name change and the person's role (marriage:wife…)",
            )
        )
        batch_op.drop_constraint(batch_op.f("uq_erz_zags_acts_act"), type_="unique")
        batch_op.create_unique_constraint(
            "uq_erz_zags_acts_kind_act", ["kind", "office_code", "act_number", "act_date"]
        )


def _create_lookups() -> None:
    if sa.inspect(op.get_bind()).has_table("erz_snils_lookups"):
        return
    op.create_table(
        "erz_snils_lookups",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "message_id",
            sa.String(length=64),
            nullable=False,
            comment="id of the pfr.snils.lookup envelope (the answer's causation_id)",
        ),
        sa.Column("enp", sa.String(length=16), nullable=False),
        sa.Column(
            "why",
            sa.String(length=64),
            nullable=False,
            comment="what left the person without СНИЛС: a birth, a name change…",
        ),
        sa.Column("status", sa.String(length=10), nullable=False, comment="pending, set, buffered"),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_message_id", sa.String(length=64), nullable=True),
        sa.Column("snils", sa.String(length=11), nullable=True),
        sa.Column("buffer_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
        comment="СНИЛС looked up through ПФР for persons the register holds without one (ERZ-5).",
    )
    with op.batch_alter_table("erz_snils_lookups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erz_snils_lookups_enp"), ["enp"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("erz_zags_acts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_erz_zags_acts_kind_act", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_erz_zags_acts_act"), ["office_code", "act_number", "act_date"]
        )
        batch_op.drop_column("kind")

    with op.batch_alter_table("erz_snils_lookups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erz_snils_lookups_enp"))

    op.drop_table("erz_snils_lookups")
