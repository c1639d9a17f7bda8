"""Server-side console sessions and grants awaiting a second administrator

Revision ID: 0005
Revises: 0004

A console session was a signed cookie alone: a copy taken before logout stayed valid. Now
the cookie carries a random token whose hash names a row of ``console_sessions``; logout
and any change of the account (role, personal-data access, password, disabling) end the
rows at once. ``grant_requests`` holds grants of the administrator role or of personal-data
access until a second administrator approves or rejects them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(64), nullable=False,
                  comment="sha256 of the token the cookie carries (the token is never stored)"),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_addr", sa.String(100), server_default="", nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.Column("end_reason", sa.String(50)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        comment="Console sessions, kept on the server: logout or an account change ends them.",
    )
    op.create_index("ix_console_sessions_username", "console_sessions", ["username"])
    op.create_table(
        "grant_requests",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(100), nullable=False,
                  comment="the account that would receive the grant"),
        sa.Column("grant", sa.String(30), nullable=False,
                  comment="administrator (the role) or personal_data (the permission)"),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(20), server_default="pending", nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_requests")),
        comment="Grants of the administrator role or of personal-data access awaiting a "
        "second administrator's approval (four eyes).",
    )
    op.create_index("ix_grant_requests_username", "grant_requests", ["username"])
    op.create_index("ix_grant_requests_state", "grant_requests", ["state"])


def downgrade() -> None:
    op.drop_index("ix_grant_requests_state", table_name="grant_requests")
    op.drop_index("ix_grant_requests_username", table_name="grant_requests")
    op.drop_table("grant_requests")
    op.drop_index("ix_console_sessions_username", table_name="console_sessions")
    op.drop_table("console_sessions")
