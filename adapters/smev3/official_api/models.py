"""Tables of the official adapter's interface: systems allowed to call, their messages, calls."""

from __future__ import annotations

import sqlalchemy as sa

from storage.models import BIGID, ID, TS

metadata = sa.MetaData()

systems = sa.Table(
    "smev3_api_systems",
    metadata,
    sa.Column("code", sa.String(50), primary_key=True,
              comment="itSystem: the system's registration code (mnemonic)."),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("password_hash", sa.String(200),
              comment="scrypt$n$r$p$salt$hash; NULL: identified by itSystem alone, as the "
                      "official adapter does (no HTTP Basic)."),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False, server_default=""),
    comment="Internal systems allowed to call the official adapter's interface.",
)

messages = sa.Table(
    "smev3_api_messages",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("system", sa.String(50), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False, comment="request | response"),
    sa.Column("client_id", sa.String(50), nullable=False),
    sa.Column("reply_to_client_id", sa.String(50),
              comment="a response: the clientId of the request it answers"),
    sa.Column("type_key", sa.String(100), nullable=False),
    sa.Column("envelope_id", ID, nullable=False, unique=True,
              comment="the canonical message on the hub"),
    sa.Column("content", sa.LargeBinary, nullable=False,
              comment="the MessagePrimaryContent's root element"),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("delivered_at", TS, comment="a response: when Get handed it to the system"),
    sa.Index("ix_smev3_api_messages_system_client", "system", "client_id"),
    sa.Index("ix_smev3_api_messages_system_created", "system", "created_at"),
    comment="Requests internal systems sent through the interface and the answers to them.",
)

calls = sa.Table(
    "smev3_api_calls",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("at", TS, nullable=False, index=True),
    sa.Column("system", sa.String(50), nullable=False, server_default=""),
    sa.Column("operation", sa.String(20), nullable=False),
    sa.Column("client_id", sa.String(50)),
    sa.Column("outcome", sa.String(60), nullable=False, comment="ok or the fault"),
    sa.Column("deviations", sa.Text, nullable=False, server_default="",
              comment="where the request departs from the schema (tolerant reading)"),
    sa.Column("remote_addr", sa.String(100), nullable=False, server_default=""),
    comment="Every call of the official adapter's interface: who, what, the outcome.",
)
