"""The files adapters' table of files taken in (baseline)

Revision ID: files_0001
Revises:
Create Date: 2026-12-07

As `create_all` of adapters/files/models.py made it before plug-ins had migrations.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "files_0001"
down_revision = None
branch_labels = ("files",)
depends_on = "0001"

legacy_tables = ("files_seen",)
"""Tables ``create_all`` made before the plug-in had migrations: found without a revision
of this branch, they mean this baseline is in place and it is stamped (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "files_seen",
        sa.Column("drop", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "envelope_id",
            sa.String(length=64),
            nullable=False,
            comment="the files.received message it became",
        ),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "archived_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="null while it still waits in the inbound folder",
        ),
        sa.Column("archived_as", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("drop", "name", "sha256"),
    )


def downgrade() -> None:
    op.drop_table("files_seen")
