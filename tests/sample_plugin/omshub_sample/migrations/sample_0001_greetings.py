"""The greeter's table

Revision ID: sample_0001
Revises:
Create Date: 2026-12-07 15:25:07.227297
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sample_0001"
down_revision = None
branch_labels = ("sample",)
depends_on = "0001"

legacy_tables = ("sample_greetings",)
"""Made by ``create_all`` before plug-ins had migrations: found without a revision of this
branch, this revision is stamped as applied (storage/migrate.py)."""


def upgrade() -> None:
    op.create_table(
        "sample_greetings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("sample_greetings")
