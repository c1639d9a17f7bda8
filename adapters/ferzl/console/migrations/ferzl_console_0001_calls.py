"""The ФЕРЗЛ console's searches and their answers

Revision ID: ferzl_console_0001
Revises:
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ferzl_console_0001"
down_revision = None
branch_labels = ("ferzl_console",)
depends_on = "0001"

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ferzl_console_calls",
        sa.Column("call_id", sa.String(64), nullable=False,
                  comment="the ferzl.call the console took in"),
        sa.Column("kind", sa.String(20), nullable=False,
                  comment="what was searched by: enp | policy | snils | document | names"),
        sa.Column("operation", sa.String(80), nullable=False),
        sa.Column("asked_by", sa.String(100), nullable=False),
        sa.Column("asked_at", _TS, nullable=False),
        sa.Column("answer_id", sa.String(64), nullable=True,
                  comment="the ferzl.answer caused by the call, once it came"),
        sa.Column("answered_at", _TS, nullable=True),
        sa.Column("state", sa.String(20), nullable=True,
                  comment="the answer's state: ok or ferzl.…"),
        sa.PrimaryKeyConstraint("call_id"),
        comment="ФЕРЗЛ searches asked in the console, and the answers they got.",
    )
    op.create_index("ix_ferzl_console_calls_asked_at", "ferzl_console_calls", ["asked_at"])


def downgrade() -> None:
    op.drop_table("ferzl_console_calls")
