"""The ПУМП handler's first tables: packages, their persons (L file) and cases

Revision ID: pump_0001
Revises:
Create Date: 2026-12-08 03:51:57.792216
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pump_0001"
down_revision = None
branch_labels = ("pump",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "pump_packages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=255), nullable=False, comment="as dropped"),
        sa.Column(
            "name", sa.String(length=64), nullable=False, comment="the H file's stem; '' if none"
        ),
        sa.Column("file_type", sa.String(length=4), nullable=False, comment="H, T, C, DP…"),
        sa.Column("mo", sa.String(length=16), nullable=False, comment="the sender's code"),
        sa.Column("period", sa.String(length=7), nullable=False, comment="YYYY-MM; '' if unknown"),
        sa.Column("sender", sa.String(length=64), nullable=False, comment="as the drop said"),
        sa.Column("drop", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False, comment="files.received"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, comment="accepted | refused"),
        sa.Column("reason", sa.Text(), nullable=False, comment="the first problem, in Russian"),
        sa.Column("problems", sa.JSON(), nullable=False, comment="[{code, message, file}]"),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column(
            "total", sa.Numeric(precision=17, scale=2), nullable=True, comment="SCHET/SUMMAV"
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="Every package received, accepted or refused with its reason.",
    )
    with op.batch_alter_table("pump_packages", schema=None) as batch_op:
        batch_op.create_index("ix_pump_packages_mo_period", ["mo", "period"], unique=False)
        batch_op.create_index(
            "uq_pump_packages_name",
            ["mo", "period", "name"],
            unique=True,
            postgresql_where=sa.text("(status)::text = 'accepted'::text"),
            sqlite_where=sa.text("status = 'accepted'"),
        )
        batch_op.create_index(
            "uq_pump_packages_sha256",
            ["sha256"],
            unique=True,
            postgresql_where=sa.text("(status)::text = 'accepted'::text"),
            sqlite_where=sa.text("status = 'accepted'"),
        )

    op.create_table(
        "pump_cases",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "package_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("n_zap", sa.BigInteger(), nullable=False),
        sa.Column("idcase", sa.BigInteger(), nullable=False),
        sa.Column("pr_nov", sa.SmallInteger(), nullable=False),
        sa.Column(
            "id_pac", sa.String(length=36), nullable=False, comment="→ pump_persons of the package"
        ),
        sa.Column("vpolis", sa.SmallInteger(), nullable=True),
        sa.Column("npolis", sa.String(length=20), nullable=True),
        sa.Column("usl_ok", sa.SmallInteger(), nullable=True),
        sa.Column("date_z_1", sa.Date(), nullable=True),
        sa.Column("date_z_2", sa.Date(), nullable=True),
        sa.Column("rslt", sa.SmallInteger(), nullable=True),
        sa.Column("sumv", sa.Numeric(precision=17, scale=2), nullable=True),
        sa.Column("sl_ids", sa.JSON(), nullable=False, comment="SL_ID of each SL, in order"),
        sa.Column("services", sa.Integer(), nullable=False, comment="USL count"),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["pump_packages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="One row per case (ZAP/Z_SL) of an accepted package.",
    )
    with op.batch_alter_table("pump_cases", schema=None) as batch_op:
        batch_op.create_index("ix_pump_cases_npolis", ["npolis"], unique=False)
        batch_op.create_index("ix_pump_cases_package_zap", ["package_id", "n_zap"], unique=False)

    op.create_table(
        "pump_persons",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "package_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id_pac", sa.String(length=36), nullable=False),
        sa.Column("surname", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("patronymic", sa.String(length=40), nullable=True),
        sa.Column("sex", sa.SmallInteger(), nullable=True),
        sa.Column("born", sa.Date(), nullable=True),
        sa.Column("snils", sa.String(length=14), nullable=True),
        sa.Column("doc_type", sa.String(length=2), nullable=True),
        sa.Column("doc_series", sa.String(length=10), nullable=True),
        sa.Column("doc_number", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["pump_packages.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="The L file's PERS records: the identifiers of each patient.",
    )
    with op.batch_alter_table("pump_persons", schema=None) as batch_op:
        batch_op.create_index("ix_pump_persons_package_pac", ["package_id", "id_pac"], unique=True)



def downgrade() -> None:
    with op.batch_alter_table("pump_persons", schema=None) as batch_op:
        batch_op.drop_index("ix_pump_persons_package_pac")

    op.drop_table("pump_persons")
    with op.batch_alter_table("pump_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_pump_cases_package_zap")
        batch_op.drop_index("ix_pump_cases_npolis")

    op.drop_table("pump_cases")
    with op.batch_alter_table("pump_packages", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_pump_packages_sha256",
            postgresql_where=sa.text("(status)::text = 'accepted'::text"),
            sqlite_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index(
            "uq_pump_packages_name",
            postgresql_where=sa.text("(status)::text = 'accepted'::text"),
            sqlite_where=sa.text("status = 'accepted'"),
        )
        batch_op.drop_index("ix_pump_packages_mo_period")

    op.drop_table("pump_packages")
