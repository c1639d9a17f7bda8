"""The НСИ handler's first tables: dictionaries, versions and rows

Revision ID: nsi_0001
Revises:
Create Date: 2026-12-08 03:34:20.780040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "nsi_0001"
down_revision = None
branch_labels = ("nsi",)
depends_on = "0001"


def upgrade() -> None:

    op.create_table(
        "nsi_dictionaries",
        sa.Column("code", sa.String(length=16), nullable=False, comment="F006, V002…"),
        sa.Column("short_name", sa.String(length=64), nullable=False, comment="zglv/type: VidExp…"),
        sa.Column(
            "key_column", sa.String(length=64), nullable=False, comment="the row's key element"
        ),
        sa.PrimaryKeyConstraint("code"),
        comment="Every dictionary a version of which was loaded.",
    )
    op.create_table(
        "nsi_versions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False, comment="zglv/version"),
        sa.Column("issued", sa.Date(), nullable=False, comment="zglv/date"),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="of the XML as read"),
        sa.Column(
            "source", sa.String(length=512), nullable=False, comment="file or URL it came from"
        ),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["nsi_dictionaries.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "version", name="uq_nsi_versions_code_version"),
        comment="Every version of a dictionary, never replaced.",
    )
    op.create_table(
        "nsi_rows",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("datebeg", sa.Date(), nullable=True, comment="DATEBEG; empty: since ever"),
        sa.Column("dateend", sa.Date(), nullable=True, comment="DATEEND; empty: open-ended"),
        sa.Column("data", sa.JSON(), nullable=False, comment="every column of the row, as text"),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["nsi_versions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        comment="The rows of each version with their own validity period.",
    )
    with op.batch_alter_table("nsi_rows", schema=None) as batch_op:
        batch_op.create_index("ix_nsi_rows_version_key", ["version_id", "key"], unique=False)




def downgrade() -> None:

    with op.batch_alter_table("nsi_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_nsi_rows_version_key")

    op.drop_table("nsi_rows")
    op.drop_table("nsi_versions")
    op.drop_table("nsi_dictionaries")

