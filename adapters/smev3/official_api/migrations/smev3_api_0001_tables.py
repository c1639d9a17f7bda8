"""The official adapter interface's systems, messages and calls

Revision ID: smev3_api_0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "smev3_api_0001"
down_revision = None
branch_labels = ("smev3_api",)
depends_on = "0001"

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "smev3_api_systems",
        sa.Column("code", sa.String(50), nullable=False,
                  comment="itSystem: the system's registration code (mnemonic)."),
        sa.Column("name", sa.String(300), server_default="", nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True,
                  comment="scrypt$n$r$p$salt$hash; NULL: identified by itSystem alone, as "
                          "the official adapter does (no HTTP Basic)."),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("code"),
        comment="Internal systems allowed to call the official adapter's interface.",
    )
    op.create_table(
        "smev3_api_messages",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("system", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False, comment="request | response"),
        sa.Column("client_id", sa.String(50), nullable=False),
        sa.Column("reply_to_client_id", sa.String(50), nullable=True,
                  comment="a response: the clientId of the request it answers"),
        sa.Column("type_key", sa.String(100), nullable=False),
        sa.Column("envelope_id", sa.String(64), nullable=False,
                  comment="the canonical message on the hub"),
        sa.Column("content", sa.LargeBinary(), nullable=False,
                  comment="the MessagePrimaryContent's root element"),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True,
                  comment="a response: when Get handed it to the system"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("envelope_id"),
        comment="Requests internal systems sent through the interface and the answers to "
                "them.",
    )
    op.create_index("ix_smev3_api_messages_system_client", "smev3_api_messages",
                    ["system", "client_id"])
    op.create_index("ix_smev3_api_messages_system_created", "smev3_api_messages",
                    ["system", "created_at"])
    op.create_table(
        "smev3_api_calls",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("system", sa.String(50), server_default="", nullable=False),
        sa.Column("operation", sa.String(20), nullable=False),
        sa.Column("client_id", sa.String(50), nullable=True),
        sa.Column("outcome", sa.String(60), nullable=False, comment="ok or the fault"),
        sa.Column("deviations", sa.Text(), server_default="", nullable=False,
                  comment="where the request departs from the schema (tolerant reading)"),
        sa.Column("remote_addr", sa.String(100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        comment="Every call of the official adapter's interface: who, what, the outcome.",
    )
    op.create_index("ix_smev3_api_calls_at", "smev3_api_calls", ["at"])


def downgrade() -> None:
    op.drop_table("smev3_api_calls")
    op.drop_table("smev3_api_messages")
    op.drop_table("smev3_api_systems")
